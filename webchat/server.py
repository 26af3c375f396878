"""The web chat server: the chat page, the embeddable widget and a small proxy to Rasa.

Routes:

- ``GET /``: the chat page (strict Content Security Policy, no cookies);
- ``GET /widget?host=<origin>``: the same chat for the widget's iframe; only for an allowed
  host origin, and only that origin may frame it (CSP ``frame-ancestors``);
- ``GET /widget.js``: the widget script for other sites; only for allowed origins. It draws
  a launcher and an iframe of ``/widget``: the chat, its conversation id and its storage
  stay in the chat server's own origin, out of reach of the host page's scripts;
- ``GET /static/<file>``: the page's and widget's CSS and JavaScript (fixed list);
- ``GET /api/config``: settings the widget needs (CORS for allowed origins only);
- ``POST /api/message``: ``{"conversation": uuid, "message": text}`` is sent to Rasa's REST
  channel as sender ``web-<uuid>``; the answer is ``{"messages": [...]}`` (plus
  ``"erased": true`` when the bot confirmed that it erased the conversation) or, on any
  problem, ``{"error": "<Dutch text>", "retry": bool}`` with a fitting HTTP status. Only
  the chat's own pages (same origin) may call it from a browser: no CORS;
- ``GET /health``: liveness.

The browser never talks to Rasa. Nothing is logged with message text, and the only
state kept is the in-memory rate limiter (keyed by a hash of the client address and by the
conversation id).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from bot_bridge.limits import Decision, RateLimiter
from bot_bridge.rasa_client import WEBHOOK_PATH, BotMessage, RasaUnavailable, parse_messages
from webchat.config import ConfigError, WebchatSettings, normalise_origin

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
CONVERSATION_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SENDER_PREFIX = "web-"
# The custom payload the bot sends with its confirmation when it really erased the
# conversation (actions/logic/commands.py ERASE_MARKER). Only then does the page forget
# the conversation id.
ERASE_MARKER = "erase_conversation"

# Texts people see (Dutch, B1). The page adds "Je bericht staat nog in het tekstvak." itself.
TEXT_UNREACHABLE = "De chat is nu even niet bereikbaar. Probeer het zo opnieuw."
TEXT_TIMEOUT = "Het antwoord duurt te lang. Probeer het zo opnieuw."
TEXT_BAD_ANSWER = "Er ging iets mis bij de chat. Probeer het zo opnieuw."
TEXT_TOO_LONG = "Je bericht is te lang. Maak het korter dan {max_chars} tekens."
TEXT_EMPTY = "Typ eerst een bericht."
TEXT_BAD_REQUEST = (
    "Er ging iets mis met je bericht. Laad de pagina opnieuw en probeer het nog eens."
)
TEXT_RATE = "Je stuurt veel berichten snel na elkaar. Wacht even en probeer het dan opnieuw."
TEXT_ORIGIN = "Deze website mag de chat niet gebruiken."

# Static files: URL name -> (file, content type, may other origins load it?).
# Only widget.css (the launcher, in the host page) is loaded by other sites; the chat
# itself always runs in the chat server's own pages.
STATIC_FILES: Dict[str, tuple] = {
    "chat.css": ("chat.css", "text/css", False),
    "widget.css": ("widget.css", "text/css", True),
    "page.css": ("page.css", "text/css", False),
    "frame.css": ("frame.css", "text/css", False),
    "chat.js": ("chat.js", "text/javascript", False),
    "page.js": ("page.js", "text/javascript", False),
    "frame.js": ("frame.js", "text/javascript", False),
    "icon.svg": ("icon.svg", "image/svg+xml", False),
}

SETTINGS = web.AppKey("settings", WebchatSettings)
HTTP = web.AppKey("http", aiohttp.ClientSession)
LIMITS = web.AppKey("limits", dict)
ASSETS = web.AppKey("assets", dict)


# -- security headers -----------------------------------------------------------------------


def page_csp(frame_ancestors: tuple) -> str:
    """The Content Security Policy of the chat page."""
    ancestors = " ".join(frame_ancestors) if frame_ancestors else "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            f"frame-ancestors {ancestors}",
            "require-trusted-types-for 'script'",
            "trusted-types 'none'",
        ]
    )


API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Signal handler: security headers on every response, also on errors."""
    settings = request.app[SETTINGS]
    for name, value in COMMON_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    # HTML (also a 304 for it: browsers take over its headers) gets the page policy; the
    # widget frame sets its own (frame-ancestors: the one host it was asked for).
    if response.content_type == "text/html" or request.path in ("/", "/widget"):
        response.headers.setdefault("Content-Security-Policy", page_csp(settings.frame_ancestors))
        if "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]:
            response.headers.setdefault("X-Frame-Options", "DENY")
    else:
        response.headers.setdefault("Content-Security-Policy", API_CSP)
    if _is_https(request, settings):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    response.headers["Server"] = "webchat"  # no software versions
    response.headers.popall("Set-Cookie", None)  # this server never sets cookies


def _is_https(request: web.Request, settings: WebchatSettings) -> bool:
    if request.secure:
        return True
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return settings.trust_forwarded and forwarded.split(",")[-1].strip().lower() == "https"


# -- origins --------------------------------------------------------------------------------


@dataclass(frozen=True)
class OriginCheck:
    """Result of checking where a request comes from."""

    allowed: bool
    cors_origin: Optional[str] = None  # echo in Access-Control-Allow-Origin


def _same_origin(origin: str, request: web.Request) -> bool:
    return urlsplit(origin).netloc.lower() == (request.host or "").lower()


def _check_origin_value(origin: str, request: web.Request) -> OriginCheck:
    try:
        normal = normalise_origin(origin)
    except ConfigError:
        return OriginCheck(False)  # "null", garbage
    if _same_origin(normal, request):
        return OriginCheck(True)
    if normal in request.app[SETTINGS].allowed_origins:
        return OriginCheck(True, normal)
    return OriginCheck(False)


def check_api_origin(request: web.Request) -> OriginCheck:
    """Browsers send ``Origin`` on cross-origin (and same-origin POST) requests.

    No ``Origin``: not a browser's cross-origin call (curl, a server, a same-origin GET):
    allowed, as CORS protects nothing there and no cookies exist to abuse.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return OriginCheck(True)
    return _check_origin_value(origin, request)


def check_widget_origin(request: web.Request) -> OriginCheck:
    """For ``widget.js``: the ``Origin`` (script tag with ``crossorigin``), else the
    ``Referer``'s origin, else ``Sec-Fetch-Site`` must not say another site asked."""
    origin = request.headers.get("Origin")
    if origin is not None:
        return _check_origin_value(origin, request)
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        check = _check_origin_value(f"{parts.scheme}://{parts.netloc}", request)
        return OriginCheck(check.allowed)  # no CORS header for a no-cors load
    site = request.headers.get("Sec-Fetch-Site", "none").lower()
    return OriginCheck(site in ("none", "same-origin"))


def _cors_headers(check: OriginCheck) -> Dict[str, str]:
    if not check.cors_origin:
        return {}
    return {
        "Access-Control-Allow-Origin": check.cors_origin,
        "Cross-Origin-Resource-Policy": "cross-origin",
    }


def _json(data: Any, status: int = 200, headers: Optional[Dict[str, str]] = None) -> web.Response:
    base = {"Cache-Control": "no-store", "Vary": "Origin"}
    base.update(headers or {})
    return web.json_response(
        data, status=status, headers=base, dumps=lambda d: json.dumps(d, ensure_ascii=False)
    )


def _error(
    text: str, status: int, check: OriginCheck, retry: bool = True, **extra: str
) -> web.Response:
    headers = _cors_headers(check)
    headers.update(extra)
    return _json({"error": text, "retry": retry}, status=status, headers=headers)


# -- pages and assets -----------------------------------------------------------------------


def load_assets(settings: WebchatSettings) -> Dict[str, bytes]:
    """Read the pages and the static files and build ``widget.js`` (the widget boot only:
    the chat itself runs in the iframe, never in the host page)."""
    assets: Dict[str, bytes] = {}
    for name, (filename, _type, _cross) in STATIC_FILES.items():
        assets[name] = (STATIC_DIR / filename).read_bytes()
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    assets["index.html"] = page.replace("__MAX_CHARS__", str(settings.max_chars)).encode("utf-8")
    frame = (STATIC_DIR / "widget.html").read_text(encoding="utf-8")
    assets["widget.html"] = frame.replace("__MAX_CHARS__", str(settings.max_chars)).encode(
        "utf-8"
    )
    widget = (
        "/* Geldzorgen-chat widget: embed with one script tag, see docs/webchat.md */\n"
        "(function () {\n"
        + (STATIC_DIR / "widget-boot.js").read_text(encoding="utf-8")
        + "\n})();\n"
    )
    assets["widget.js"] = widget.encode("utf-8")
    return assets


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _asset_response(
    request: web.Request, body: bytes, content_type: str, headers: Dict[str, str]
) -> web.Response:
    etag = _etag(body)
    headers = {"Cache-Control": "no-cache", "ETag": etag, **headers}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)


async def index(request: web.Request) -> web.Response:
    """The chat page."""
    body = request.app[ASSETS]["index.html"]
    return _asset_response(request, body, "text/html", {})


async def widget_frame(request: web.Request) -> web.Response:
    """The chat for the widget's iframe: ``/widget?host=<origin of the embedding site>``.

    Only for a host in ``WEBCHAT_ALLOWED_ORIGINS``, and only that host may frame it
    (``frame-ancestors``); a host that lies about itself gets a page its browser will
    not show. The page posts "close" messages to exactly that origin.
    """
    settings = request.app[SETTINGS]
    try:
        host = normalise_origin(request.query.get("host", ""))
    except ConfigError:
        host = ""
    if not host or host not in settings.allowed_origins:
        return web.Response(
            status=403,
            text=TEXT_ORIGIN,
            content_type="text/plain",
            headers={"Cache-Control": "no-store", "Content-Security-Policy": page_csp(())},
        )
    body = request.app[ASSETS]["widget.html"].replace(
        b"__HOST__", html.escape(host, quote=True).encode("utf-8")
    )
    headers = {"Content-Security-Policy": page_csp((host,)), "Vary": "Origin"}
    return _asset_response(request, body, "text/html", headers)


async def static_file(request: web.Request) -> web.Response:
    """One of the fixed static files (no directory listing, no path tricks)."""
    name = request.match_info["name"]
    entry = STATIC_FILES.get(name)
    if entry is None:
        raise web.HTTPNotFound()
    _filename, content_type, cross_origin = entry
    headers = {"Cross-Origin-Resource-Policy": "cross-origin"} if cross_origin else {}
    return _asset_response(request, request.app[ASSETS][name], content_type, headers)


async def widget_script(request: web.Request) -> web.Response:
    """``widget.js``, only for sites listed in ``WEBCHAT_ALLOWED_ORIGINS``."""
    check = check_widget_origin(request)
    vary = {"Vary": "Origin, Referer, Sec-Fetch-Site"}
    if not check.allowed:
        return web.Response(
            status=403,
            text=f"/* {TEXT_ORIGIN} */\n",
            content_type="text/javascript",
            headers={"Cache-Control": "no-store", **vary},
        )
    headers = {"Cross-Origin-Resource-Policy": "cross-origin", **vary, **_cors_headers(check)}
    return _asset_response(
        request, request.app[ASSETS]["widget.js"], "text/javascript", headers
    )


# -- API ------------------------------------------------------------------------------------


async def preflight(request: web.Request) -> web.Response:
    """CORS preflight for ``/api/config``: answered only for allowed origins.

    ``/api/message`` has no CORS at all: only the chat's own pages (the page and the
    widget's iframe, both same-origin) send messages.
    """
    check = check_api_origin(request)
    if request.path != "/api/config" or not check.allowed or not check.cors_origin:
        return web.Response(status=403, headers={"Vary": "Origin", "Cache-Control": "no-store"})
    return web.Response(
        status=204,
        headers={
            **_cors_headers(check),
            "Access-Control-Allow-Methods": "GET, POST",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
            "Vary": "Origin",
        },
    )


async def api_config(request: web.Request) -> web.Response:
    """What the widget needs to know; its CORS answer also tells the widget it may run."""
    check = check_api_origin(request)
    if not check.allowed:
        return _error(TEXT_ORIGIN, 403, check, retry=False)
    settings = request.app[SETTINGS]
    return _json({"maxChars": settings.max_chars}, headers=_cors_headers(check))


def client_key(request: web.Request, settings: WebchatSettings) -> str:
    """A hash of the client's address (the last ``X-Forwarded-For`` hop if trusted)."""
    address = request.remote or "unknown"
    if settings.trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    return hashlib.blake2b(address.encode("utf-8"), digest_size=16).hexdigest()


def _is_erase_marker(item: Any) -> bool:
    custom = item.get("custom") if isinstance(item, dict) else None
    return isinstance(custom, dict) and custom.get(ERASE_MARKER) is True


def _message_json(message: BotMessage) -> Dict[str, Any]:
    data: Dict[str, Any] = {"text": message.text}
    if message.buttons:
        data["buttons"] = [{"title": b.title, "payload": b.payload} for b in message.buttons]
    if message.image and urlsplit(message.image).scheme in ("http", "https"):
        data["image"] = message.image
    return data


class ProxyError(Exception):
    """Rasa gave no usable answer; ``text`` (Dutch) and ``status`` go to the browser."""

    def __init__(self, text: str, status: int, reason: str) -> None:
        super().__init__(reason)
        self.text = text
        self.status = status


@dataclass(frozen=True)
class RasaAnswer:
    """Rasa's cleaned messages, and whether the bot confirmed that it erased everything."""

    messages: List[Dict[str, Any]]
    erased: bool = False


async def ask_rasa(
    session: aiohttp.ClientSession, settings: WebchatSettings, sender: str, text: str
) -> RasaAnswer:
    """Send one message to Rasa's REST channel and return the cleaned messages.

    ``erased`` is True only when the answer carries the bot's explicit confirmation, the
    custom payload ``{"erase_conversation": true}``; an HTTP 200 alone says nothing.

    Raises:
        ProxyError: Rasa could not be reached, was too slow or gave no usable answer.
    """
    body = {"sender": sender, "message": text, "metadata": {"channel": "web"}}
    timeout = aiohttp.ClientTimeout(
        total=settings.rasa_timeout, sock_connect=settings.rasa_connect_timeout
    )
    try:
        async with session.post(
            settings.rasa_url + WEBHOOK_PATH, json=body, timeout=timeout
        ) as reply:
            status = reply.status
            raw = await reply.read()
    except asyncio.TimeoutError as exc:
        raise ProxyError(TEXT_TIMEOUT, 504, "Rasa timed out") from exc
    except aiohttp.ClientError as exc:
        raise ProxyError(TEXT_UNREACHABLE, 503, f"Rasa unreachable: {type(exc).__name__}") from exc
    if status != 200:
        raise ProxyError(TEXT_BAD_ANSWER, 502, f"Rasa answered HTTP {status}")
    try:
        data = json.loads(raw.decode("utf-8"))
        messages = [_message_json(m) for m in parse_messages(data)]
    except (UnicodeDecodeError, ValueError, RasaUnavailable) as exc:
        raise ProxyError(TEXT_BAD_ANSWER, 502, "Rasa answered with unusable JSON") from exc
    return RasaAnswer(messages, erased=any(_is_erase_marker(item) for item in data))


async def api_message(request: web.Request) -> web.Response:
    """Proxy one chat message to Rasa."""
    settings = request.app[SETTINGS]
    check = check_api_origin(request)
    if not check.allowed or check.cors_origin:
        # Another site (even an allowed one) never talks to the API directly: the widget's
        # chat runs in an iframe of this server's own page.
        return _error(TEXT_ORIGIN, 403, OriginCheck(False), retry=False)
    if (request.content_length or 0) > settings.max_body_bytes:
        return _error(TEXT_TOO_LONG.format(max_chars=settings.max_chars), 413, check, False)
    try:
        raw = await request.read()  # client_max_size caps a chunked body
    except web.HTTPRequestEntityTooLarge:
        return _error(TEXT_TOO_LONG.format(max_chars=settings.max_chars), 413, check, False)
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        payload = None
    if not isinstance(payload, dict):
        return _error(TEXT_BAD_REQUEST, 400, check, retry=False)
    conversation = payload.get("conversation")
    message = payload.get("message")
    if not isinstance(conversation, str) or not CONVERSATION_RE.match(conversation):
        return _error(TEXT_BAD_REQUEST, 400, check, retry=False)
    if not isinstance(message, str):
        return _error(TEXT_BAD_REQUEST, 400, check, retry=False)
    message = message.replace("\x00", "").strip()
    if not message:
        return _error(TEXT_EMPTY, 400, check, retry=False)
    if len(message) > settings.max_chars:
        return _error(TEXT_TOO_LONG.format(max_chars=settings.max_chars), 413, check, False)

    limits = request.app[LIMITS]
    for limiter, key in (
        (limits["ip"], client_key(request, settings)),
        (limits["conversation"], conversation),
    ):
        if limiter.check(key) is not Decision.ALLOW:
            return _error(TEXT_RATE, 429, check, **{"Retry-After": "10"})

    try:
        answer = await ask_rasa(
            request.app[HTTP], settings, SENDER_PREFIX + conversation, message
        )
    except ProxyError as exc:
        logger.warning("%s", exc)
        return _error(exc.text, exc.status, check)
    data: Dict[str, Any] = {"messages": answer.messages}
    if answer.erased:
        data["erased"] = True
    return _json(data)


async def health(_request: web.Request) -> web.Response:
    """Liveness probe."""
    return web.Response(text="ok", headers={"Cache-Control": "no-store"})


# -- application ----------------------------------------------------------------------------


def create_app(settings: WebchatSettings) -> web.Application:
    """The aiohttp application (``python -m webchat`` runs it)."""
    app = web.Application(client_max_size=settings.max_body_bytes)
    app[SETTINGS] = settings
    app[ASSETS] = load_assets(settings)
    app[LIMITS] = {
        "conversation": RateLimiter(settings.rate_burst, settings.rate_per_minute),
        "ip": RateLimiter(settings.ip_rate_burst, settings.ip_rate_per_minute),
    }

    async def http_session(app: web.Application) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(limit=settings.rasa_max_concurrent)
        async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
            app[HTTP] = session
            yield

    app.cleanup_ctx.append(http_session)
    app.on_response_prepare.append(_add_security_headers)
    app.router.add_get("/", index)
    app.router.add_get("/widget.js", widget_script)
    app.router.add_get("/widget", widget_frame)
    app.router.add_get("/static/{name}", static_file)
    app.router.add_get("/api/config", api_config)
    app.router.add_post("/api/message", api_message)
    app.router.add_route("OPTIONS", "/api/message", preflight)
    app.router.add_route("OPTIONS", "/api/config", preflight)
    app.router.add_get("/health", health)
    return app
