"""The review web app: professionals read the handovers of their organisation.

aiohttp + Jinja2 (autoescape on), the same async stack as Rasa and the bridges.

Security in short (details in ``docs/handover.md``):

* every page except ``/login`` (and the stylesheet) needs a session; without one the
  answer is a redirect to ``/login``, also for unknown paths;
* sessions live in the database: a random token in an HttpOnly, SameSite=Strict, Secure
  cookie named ``__Host-review_session``, only its SHA-256 is stored; idle 30 minutes, 8
  hours at most. Only an explicit local-development setting (plain http on localhost)
  drops ``Secure`` and the prefix;
* every POST needs the session's CSRF token (login: a double-submit cookie) and, when the
  browser sends an Origin header, the same origin;
* lock-out after 5 failed logins: 15 minutes, doubling for each further lock-out, per
  account and per client IP (store; check and count are atomic). The client IP comes
  from ``X-Forwarded-For`` only when the direct peer is a configured trusted proxy;
* a handover of another organisation, or outside the account's municipalities, is a 404;
* security headers on every answer; ``Cache-Control: no-store`` on all pages;
* every view and change goes to the audit log (in the same transaction, see the store).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import ipaddress
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar
from urllib.parse import urlsplit

import jinja2
from aiohttp import web

from handover.review import present
from handover.store import (
    MAX_NOTE_CHARS,
    STATUS_LABELS,
    STATUSES,
    HandoverStore,
    Session,
    Tombstone,
)

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Cookie names. "__Host-" makes the browser refuse the cookie unless it is Secure, has
# Path=/ and no Domain: no other host (sub-domain) and no plain-http page can set or
# overwrite it. Without Secure (the local development exception) the prefix cannot be used.
SESSION_COOKIE = "review_session"
LOGIN_CSRF_COOKIE = "review_login_csrf"
HOST_PREFIX = "__Host-"
LOOPBACK_PROXIES: Tuple[str, ...] = ("127.0.0.1/32", "::1/128")
HANDOVER_ID = r"{handover_id:[0-9a-f]{32}}"
PUBLIC_PATHS = frozenset({"/login", "/favicon.ico"})
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
MAX_FORM_BYTES = 64 * 1024

CSP = (
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
    "object-src 'none'"
)
SECURITY_HEADERS: Dict[str, str] = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": with that policy Chromium sends "Origin: null" on form posts,
    # which the origin check must refuse. Same-origin keeps the URLs (ids) inside.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

ACTION_LABELS: Dict[str, str] = {
    "login": "ingelogd",
    "login_failed": "inloggen mislukt",
    "login_locked": "inloggen geblokkeerd",
    "logout": "uitgelogd",
    "list": "lijst bekeken",
    "view": "overdracht bekeken",
    "view_removed": "verwijderde overdracht geopend",
    "view_denied": "overdracht niet gevonden",
    "status": "status gewijzigd",
    "status_denied": "status wijzigen geweigerd",
    "note": "notitie opgeslagen",
    "note_denied": "notitie opslaan geweigerd",
    "audit_view": "logboek bekeken",
    "csrf_rejected": "formulier geweigerd (CSRF)",
}

ERRORS: Dict[int, Tuple[str, str]] = {
    400: ("Dat ging niet goed", "Het formulier was niet goed ingevuld. Probeer het opnieuw."),
    403: ("Geen toegang", "U heeft geen toegang tot deze pagina."),
    404: ("Niet gevonden", "We kunnen deze pagina niet vinden."),
    405: ("Niet toegestaan", "Dit kan niet op deze pagina."),
    413: ("Te groot", "Het formulier is te groot. Maak de tekst korter."),
    500: ("Er ging iets mis", "Er ging iets mis bij ons. Probeer het later opnieuw."),
}

T = TypeVar("T")


@dataclass(frozen=True)
class ReviewConfig:
    """Settings of the review app.

    ``trusted_proxies``: addresses or networks (``10.0.0.5``, ``10.0.0.0/24``) of reverse
    proxies. Only for a request whose direct peer is one of them are ``X-Forwarded-For``
    (the client IP: the right-most hop that is not a trusted proxy) and
    ``X-Forwarded-Proto`` believed; from anybody else they are ignored, so nobody can
    pick their own IP to dodge the per-IP lock-out. ``behind_proxy=True`` is short for a
    proxy on the same host (``127.0.0.1`` and ``::1``).

    ``insecure_dev_cookies``: the documented local exception: cookies without ``Secure``
    and without the ``__Host-`` prefix, for plain-http development on localhost only
    (``python -m handover.review`` refuses it on another address). Off by default: cookies
    are always ``Secure`` and ``__Host-`` prefixed.

    ``purge_interval``: seconds between purges of expired handovers (None = off).
    """

    behind_proxy: bool = False
    trusted_proxies: Tuple[str, ...] = ()
    insecure_dev_cookies: bool = False
    purge_interval: Optional[float] = 600.0

    def proxy_networks(self) -> List[Any]:
        """The trusted proxies as ``ip_network`` objects (raises ValueError on bad input)."""
        names = self.trusted_proxies or (LOOPBACK_PROXIES if self.behind_proxy else ())
        return [ipaddress.ip_network(name.strip(), strict=False) for name in names]


def cookie_name(config: ReviewConfig, base: str) -> str:
    """``__Host-<base>``, or plain ``<base>`` under the local development exception."""
    return base if config.insecure_dev_cookies else HOST_PREFIX + base


STORE_KEY = web.AppKey("store", HandoverStore)
CONFIG_KEY = web.AppKey("config", ReviewConfig)
PROXIES_KEY = web.AppKey("proxies", list)
JINJA_KEY = web.AppKey("jinja", jinja2.Environment)
PURGE_KEY = web.AppKey("purge_task", asyncio.Task)


def make_jinja() -> jinja2.Environment:
    """The template environment: autoescape on, unknown variables are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        present=present,
        status_labels=STATUS_LABELS,
        statuses=STATUSES,
        action_labels=ACTION_LABELS,
        max_note_chars=MAX_NOTE_CHARS,
    )
    return env


async def _call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call (database, argon2) in a worker thread."""
    return await asyncio.to_thread(fn, *args, **kwargs)


def _store(request: web.Request) -> HandoverStore:
    return request.app[STORE_KEY]


def _address(text: str) -> Any:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _from_trusted_proxy(request: web.Request) -> bool:
    peer = _address(request.remote or "")
    return peer is not None and any(peer in net for net in request.app[PROXIES_KEY])


def client_ip(request: web.Request) -> str:
    """The client address: the direct peer, or, when that peer is a trusted proxy, the
    right-most ``X-Forwarded-For`` hop that is not a trusted proxy itself."""
    peer = (request.remote or "unknown")[:64]
    if not _from_trusted_proxy(request):
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        address = _address(hop)
        if address is None:
            return peer  # garbage in the header: do not guess
        if not any(address in net for net in request.app[PROXIES_KEY]):
            return str(address)[:64]
    return peer


def _is_https(request: web.Request) -> bool:
    if _from_trusted_proxy(request):
        proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if proto:
            return proto == "https"
    return request.secure


def _cookie(request: web.Request, base: str) -> str:
    return cookie_name(request.app[CONFIG_KEY], base)


def _get_cookie(request: web.Request, base: str) -> Optional[str]:
    return request.cookies.get(_cookie(request, base))


def _set_cookie(request: web.Request, response: web.StreamResponse, base: str,
                value: str) -> None:
    """HttpOnly, SameSite=Strict, Path=/ and always Secure (with the ``__Host-`` prefix),
    except under the explicit local development exception."""
    insecure = request.app[CONFIG_KEY].insecure_dev_cookies
    response.set_cookie(
        _cookie(request, base),
        value,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=not insecure,
    )


def _del_cookie(request: web.Request, response: web.StreamResponse, base: str) -> None:
    insecure = request.app[CONFIG_KEY].insecure_dev_cookies
    response.set_cookie(
        _cookie(request, base), "", path="/", max_age=0,
        expires="Thu, 01 Jan 1970 00:00:00 GMT",
        httponly=True, samesite="Strict", secure=not insecure,
    )


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """Render a template with the logged-in account, organisation and CSRF token."""
    session: Optional[Session] = request.get("session")
    context.setdefault("account", session.account if session else None)
    context.setdefault("csrf_token", session.csrf_token if session else "")
    context.setdefault("organisation", request.get("organisation"))
    html = request.app[JINJA_KEY].get_template(template).render(**context)
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8")


def error_page(request: web.Request, status: int, message: Optional[str] = None) -> web.Response:
    """A Dutch error page (no details of what exists)."""
    title, default = ERRORS.get(status, ERRORS[500])
    return render(request, "error.html", status=status, title=title, message=message or default)


def _add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "private, max-age=3600")
    else:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    if _is_https(request):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def security_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every answer; Dutch pages for errors."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status >= 400:
            response = error_page(request, exc.status, getattr(exc, "review_message", None))
        else:
            _add_security_headers(request, exc)
            raise
    except Exception:  # noqa: BLE001 - never show a traceback to the browser
        log.exception("review app error on %s %s", request.method, request.path)
        response = error_page(request, 500)
    _add_security_headers(request, response)
    return response


def _forbidden(message: str) -> web.HTTPForbidden:
    exc = web.HTTPForbidden()
    exc.review_message = message  # type: ignore[attr-defined]
    return exc


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == request.host.lower()


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Log-in required everywhere but /login and /static; CSRF check on every POST."""
    if request.path in PUBLIC_PATHS or request.path.startswith("/static/"):
        return await handler(request)
    store = _store(request)
    session = await _call(store.get_session, _get_cookie(request, SESSION_COOKIE))
    if session is None:
        raise web.HTTPSeeOther("/login")
    request["session"] = session
    request["organisation"] = await _call(store.get_organisation, session.account.organisation_id)
    if request.method == "POST":
        form = await request.post()
        token = form.get("csrf_token")
        valid = isinstance(token, str) and hmac.compare_digest(
            token.encode(), session.csrf_token.encode()
        )
        if not (valid and _same_origin(request)):
            await _call(store.audit, session.account, "csrf_rejected", None, request.path,
                        client_ip(request))
            raise _forbidden("Het formulier is verlopen of ongeldig. Laad de pagina opnieuw en "
                             "probeer het nog een keer.")
    return await handler(request)


# --------------------------------------------------------------------------- login


def _login_page(request: web.Request, status: int = 200, error: Optional[str] = None,
                username: str = "") -> web.Response:
    # Keep the browser's token: a second GET /login (another tab, a favicon request that
    # was redirected) must not invalidate the form that is already open.
    token = _get_cookie(request, LOGIN_CSRF_COOKIE) or ""
    if not _TOKEN_RE.match(token):
        token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status=status, error=error, username=username,
                      login_csrf=token, account=None)
    # Path=/ (the __Host- prefix requires it); SameSite=Strict keeps it first-party.
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    return response


async def login_form(request: web.Request) -> web.StreamResponse:
    """GET /login: the form (or straight on when already logged in)."""
    session = await _call(_store(request).get_session, _get_cookie(request, SESSION_COOKIE))
    if session is not None:
        raise web.HTTPSeeOther("/overdrachten")
    return _login_page(request)


async def login_submit(request: web.Request) -> web.StreamResponse:
    """POST /login: check the password (with lock-out), start a session."""
    form = await request.post()
    cookie = _get_cookie(request, LOGIN_CSRF_COOKIE) or ""
    sent = form.get("csrf_token")
    if not (
        cookie
        and isinstance(sent, str)
        and hmac.compare_digest(sent.encode(), cookie.encode())
        and _same_origin(request)
    ):
        return _login_page(request, 403, "Het formulier was verlopen. Probeer het opnieuw.")
    username = str(form.get("username", "")).strip()[:64]
    password = str(form.get("password", ""))[:1024]
    if not username or not password:
        return _login_page(request, 400, "Vul uw gebruikersnaam en wachtwoord in.", username)
    store = _store(request)
    result = await _call(store.authenticate, username, password, client_ip(request))
    if result.locked:
        return _login_page(
            request,
            429,
            f"Te veel mislukte pogingen. Inloggen is {_duration(result.retry_after)} "
            "geblokkeerd. Probeer het daarna opnieuw.",
            username,
        )
    if result.account is None:
        return _login_page(request, 401, "Gebruikersnaam of wachtwoord klopt niet.", username)
    old = await _call(store.get_session, _get_cookie(request, SESSION_COOKIE))
    if old is not None:
        await _call(store.end_session, old, client_ip(request))
    token, _session = await _call(store.create_session, result.account)
    response = web.HTTPSeeOther("/overdrachten")
    _set_cookie(request, response, SESSION_COOKIE, token)
    _del_cookie(request, response, LOGIN_CSRF_COOKIE)
    raise response


def _duration(left: Any) -> str:
    """"15 minuten", "1 uur", "24 uur": how long a lock-out still runs (rounded up)."""
    seconds = left.total_seconds() if left is not None else 15 * 60
    minutes = max(1, -(-int(seconds) // 60))
    if minutes < 60:
        return f"{minutes} minuten" if minutes != 1 else "1 minuut"
    hours = -(-minutes // 60)
    return f"{hours} uur"


async def logout(request: web.Request) -> web.StreamResponse:
    """POST /logout: end the session."""
    await _call(_store(request).end_session, request["session"], client_ip(request))
    response = web.HTTPSeeOther("/login")
    _del_cookie(request, response, SESSION_COOKIE)
    raise response


# --------------------------------------------------------------------------- handovers


async def home(request: web.Request) -> web.StreamResponse:
    """GET /: to the list."""
    raise web.HTTPSeeOther("/overdrachten")


async def handover_list(request: web.Request) -> web.StreamResponse:
    """GET /overdrachten: the organisation's live handovers, new and urgent first."""
    status = request.query.get("status")
    if status not in STATUSES:
        status = None
    session: Session = request["session"]
    items = await _call(_store(request).list_for_account, session.account, status,
                        client_ip(request))
    order = {s: i for i, s in enumerate(STATUSES)}
    items.sort(key=lambda h: (order.get(h.status, 9), not present.is_urgent(h),
                              -h.created_at.timestamp()))
    return render(request, "list.html", title="Overdrachten", items=items, filter_status=status)


async def handover_detail(request: web.Request) -> web.StreamResponse:
    """GET /overdrachten/{id}: summary, transcript, contact; tombstone notice; else 404."""
    session: Session = request["session"]
    found = await _call(_store(request).get_for_account, session.account,
                        request.match_info["handover_id"], client_ip(request))
    if found is None:
        raise web.HTTPNotFound()
    if isinstance(found, Tombstone):
        return render(request, "gone.html", status=410, title="Niet meer beschikbaar",
                      stone=found)
    saved = request.query.get("opgeslagen")
    return render(request, "detail.html", title="Overdracht", h=found,
                  saved=saved if saved in ("status", "notitie") else None)


async def handover_status(request: web.Request) -> web.StreamResponse:
    """POST /overdrachten/{id}/status: set nieuw / contact opgenomen / afgerond."""
    form = await request.post()
    status = form.get("status")
    if status not in STATUSES:
        raise web.HTTPBadRequest()
    handover_id = request.match_info["handover_id"]
    session: Session = request["session"]
    ok = await _call(_store(request).set_status, session.account, handover_id, status,
                     client_ip(request))
    if not ok:
        raise web.HTTPNotFound()
    raise web.HTTPSeeOther(f"/overdrachten/{handover_id}?opgeslagen=status")


async def handover_note(request: web.Request) -> web.StreamResponse:
    """POST /overdrachten/{id}/notitie: save the professional's note."""
    form = await request.post()
    note = form.get("note")
    if not isinstance(note, str):
        raise web.HTTPBadRequest()
    if len(note.strip()) > MAX_NOTE_CHARS:
        exc = web.HTTPBadRequest()
        exc.review_message = (  # type: ignore[attr-defined]
            f"De notitie is te lang. U kunt maximaal {MAX_NOTE_CHARS} tekens gebruiken."
        )
        raise exc
    handover_id = request.match_info["handover_id"]
    session: Session = request["session"]
    ok = await _call(_store(request).set_note, session.account, handover_id, note,
                     client_ip(request))
    if not ok:
        raise web.HTTPNotFound()
    raise web.HTTPSeeOther(f"/overdrachten/{handover_id}?opgeslagen=notitie")


async def audit_page(request: web.Request) -> web.StreamResponse:
    """GET /audit: the organisation's audit log (admin role only)."""
    session: Session = request["session"]
    if not session.account.is_admin:
        raise web.HTTPForbidden()
    store = _store(request)
    handover_id = request.query.get("overdracht", "").strip().lower()[:64] or None
    await _call(store.audit, session.account, "audit_view", handover_id, None,
                client_ip(request))
    entries = await _call(store.audit_entries, session.account.organisation_id, handover_id)
    return render(request, "audit.html", title="Logboek", entries=entries,
                  handover_id=handover_id or "")


# --------------------------------------------------------------------------- app


async def _purge_loop(app: web.Application) -> None:
    interval = app[CONFIG_KEY].purge_interval or 600.0
    store = app[STORE_KEY]
    while True:
        try:
            removed = await _call(store.purge_expired)
            await _call(store.purge_housekeeping)
            if removed:
                log.info("purged %d expired handover(s)", removed)
        except Exception:  # noqa: BLE001 - keep the loop alive, try again later
            log.exception("purge of expired handovers failed")
        await asyncio.sleep(interval)


async def _start_purge(app: web.Application) -> None:
    if app[CONFIG_KEY].purge_interval:
        app[PURGE_KEY] = asyncio.get_running_loop().create_task(_purge_loop(app))


async def _stop_purge(app: web.Application) -> None:
    task = app.get(PURGE_KEY)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def create_app(store: HandoverStore, config: Optional[ReviewConfig] = None) -> web.Application:
    """The review web application on ``store``."""
    app = web.Application(
        middlewares=[security_middleware, auth_middleware], client_max_size=MAX_FORM_BYTES
    )
    app[STORE_KEY] = store
    app[CONFIG_KEY] = config or ReviewConfig()
    app[PROXIES_KEY] = app[CONFIG_KEY].proxy_networks()
    app[JINJA_KEY] = make_jinja()
    app.router.add_get("/login", login_form)
    app.router.add_post("/login", login_submit)
    app.router.add_post("/logout", logout)
    app.router.add_get("/", home)
    app.router.add_get("/overdrachten", handover_list)
    app.router.add_get(f"/overdrachten/{HANDOVER_ID}", handover_detail)
    app.router.add_post(f"/overdrachten/{HANDOVER_ID}/status", handover_status)
    app.router.add_post(f"/overdrachten/{HANDOVER_ID}/notitie", handover_note)
    app.router.add_get("/audit", audit_page)
    app.router.add_static("/static/", STATIC, show_index=False, follow_symlinks=False)
    app.on_startup.append(_start_purge)
    app.on_cleanup.append(_stop_purge)
    return app
