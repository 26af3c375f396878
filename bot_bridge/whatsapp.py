"""WhatsApp Cloud API bridge: an aiohttp webhook server that talks to Rasa.

Run it with ``python -m bot_bridge.whatsapp``. Meta calls the webhook:

* ``GET``: verification (``hub.mode``, ``hub.verify_token``, ``hub.challenge``).
* ``POST``: notifications, signed with ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw body
  with the app secret). Unsigned (401) or wrongly signed (403) bodies are dropped unread.

A valid notification is answered 200 at once; each new message is processed in the
background: texts and button taps go to Rasa under a pseudonymous sender id, media get a
kind "I can only read text", status updates are ignored. Rasa buttons become reply buttons
(at most 3, titles at most 20 characters) or else a list message.

Replays: a signed body stays valid forever, so a message is refused when its own
``timestamp`` is more than ``WHATSAPP_MAX_MESSAGE_AGE`` seconds (default 300) off, and the
ids of accepted messages are kept (keyed digests) in a small SQLite file that survives a
restart (``WHATSAPP_DEDUP_FILE``).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import sys
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence, Set

import httpx
from aiohttp import web

from bot_bridge.config import ConfigError, WhatsAppSettings, load_environment
from bot_bridge.core import BridgeCore
from bot_bridge.limits import PayloadCodec, PersistentDeduplicator
from bot_bridge.rasa_client import BotMessage, Button
from bot_bridge.splitting import WHATSAPP_TEXT_LIMIT, split_text, truncate
from bot_bridge.web import (
    health,
    install_stop_signals,
    parse_json_object,
    read_limited_body,
    start_site,
)

logger = logging.getLogger(__name__)

PLATFORM = "whatsapp"
SIGNATURE_HEADER = "X-Hub-Signature-256"

# Cloud API limits for interactive messages.
MAX_REPLY_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_INTERACTIVE_BODY = 1024
MAX_LIST_ROWS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ID_BYTES = 200  # list row ids: 200 characters; reply button ids: 256

# Message types answered with the "I can only read text" text; others are ignored.
MEDIA_TYPES = {
    "audio",
    "contacts",
    "document",
    "image",
    "location",
    "sticker",
    "unsupported",
    "unknown",
    "video",
    "voice",
}
# A user opening the chat for the first time (welcome message request) starts like /start.
WELCOME_TYPES = {"request_welcome"}

GRAPH_ATTEMPTS = 3


@dataclass(frozen=True)
class Incoming:
    """One user message from a webhook notification.

    ``text`` is the text to forward to Rasa, or ``None`` for a message we cannot read;
    ``typed`` is True for text the person typed (not a button); ``timestamp`` is the
    message's own Unix time (``None`` when missing or not a number).
    """

    message_id: str
    wa_id: str
    text: str | None
    typed: bool = False
    timestamp: float | None = None


def signature_for(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends for ``body``."""
    digest = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return "sha256=" + digest


def _timestamp(value: Any) -> float | None:
    """A WhatsApp ``timestamp`` (Unix seconds as a string) as a number, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and number > 0 else None  # no NaN


def _dict(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> List[Dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class WhatsAppBridge:
    """Connects one WhatsApp business phone number to Rasa.

    Args:
        settings: the WhatsApp settings (tokens, phone number id, Graph API URL, ...).
        core: the shared bridge core; built from ``settings.common`` if omitted.
        http: an ``httpx.AsyncClient`` for the Graph API (tests); created lazily otherwise.
    """

    def __init__(
        self,
        settings: WhatsAppSettings,
        core: BridgeCore | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        self.settings = settings
        self.core = core if core is not None else BridgeCore.from_settings(settings.common)
        self.texts = self.core.texts
        self.dedup = PersistentDeduplicator(
            settings.dedup_file,
            key=settings.common.pseudonym_key,
            ttl=max(settings.common.dedup_ttl, settings.max_message_age),
        )
        self.payloads = PayloadCodec(MAX_ID_BYTES)
        self._http = http
        self._own_http = http is None
        self._tasks: Set[asyncio.Task] = set()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        self.messages_url = (
            f"{settings.graph_url}/{settings.graph_version}/{settings.phone_number_id}/messages"
        )

    # ----------------------------------------------------------------- server
    def make_app(self) -> web.Application:
        """The aiohttp application with the webhook (GET and POST) and ``/healthz``."""
        app = web.Application(client_max_size=self.settings.common.max_body_bytes)
        app.router.add_get(self.settings.webhook_path, self.verify)
        app.router.add_post(self.settings.webhook_path, self.receive)
        app.router.add_get("/healthz", health)
        return app

    async def start(self) -> None:
        """Start the webhook server."""
        self._runner, self.port = await start_site(
            self.make_app(), self.settings.listen_host, self.settings.listen_port
        )
        logger.info(
            "WhatsApp webhook listening on %s:%s%s",
            self.settings.listen_host,
            self.port,
            self.settings.webhook_path,
        )

    async def stop(self, drain_timeout: float = 30.0) -> None:
        """Stop accepting webhooks, finish the messages in progress, release everything."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        try:
            await asyncio.wait_for(self.drain(), timeout=drain_timeout)
        except asyncio.TimeoutError:
            logger.warning("%d WhatsApp messages still in progress at shutdown", len(self._tasks))
            for task in list(self._tasks):
                task.cancel()
        if self._http is not None and self._own_http:
            await self._http.aclose()
            self._http = None
        await self.core.aclose()
        self.dedup.close()

    async def serve(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def drain(self) -> None:
        """Wait until all background work (also work started meanwhile) is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # ---------------------------------------------------------------- webhook
    async def verify(self, request: web.Request) -> web.Response:
        """Answer Meta's subscription check with ``hub.challenge`` if the token matches."""
        mode = request.query.get("hub.mode", "")
        token = request.query.get("hub.verify_token", "")
        challenge = request.query.get("hub.challenge", "")
        expected = self.settings.verify_token.encode("utf-8")
        if (
            mode == "subscribe"
            and challenge
            and hmac.compare_digest(token.encode("utf-8", "replace"), expected)
        ):
            logger.info("WhatsApp webhook verified")
            return web.Response(text=challenge)
        logger.warning("WhatsApp webhook verification refused")
        raise web.HTTPForbidden(text="verification failed")

    async def receive(self, request: web.Request) -> web.Response:
        """Check size and signature, accept new messages, answer 200 straight away."""
        body = await read_limited_body(request, self.settings.common.max_body_bytes)
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not given:
            logger.warning("WhatsApp webhook call without signature")
            raise web.HTTPUnauthorized(text="missing signature")
        expected = signature_for(self.settings.app_secret, body)
        if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii")):
            logger.warning("WhatsApp webhook call with a wrong signature")
            raise web.HTTPForbidden(text="wrong signature")
        data = parse_json_object(body)
        for incoming in self.extract(data):
            if not self.fresh(incoming):
                logger.warning("dropping a WhatsApp message outside the replay window")
                continue
            if self.dedup.seen(incoming.message_id):
                logger.info("dropping redelivered WhatsApp message")
                continue
            self._spawn(self.process(incoming))
        return web.Response(text="ok")

    def fresh(self, incoming: Incoming, now: float | None = None) -> bool:
        """True when the message's timestamp is within ``max_message_age`` of now.

        A missing timestamp counts as too old: Meta always sends one, so a body without it
        is not a genuine notification (or not one we can protect from replay).
        """
        if incoming.timestamp is None:
            return False
        now = time.time() if now is None else now
        return abs(now - incoming.timestamp) <= self.settings.max_message_age

    def extract(self, data: Dict[str, Any]) -> List[Incoming]:
        """The user messages in a notification; statuses and unknown kinds are skipped."""
        found: List[Incoming] = []
        for entry in _dicts(data.get("entry")):
            for change in _dicts(entry.get("changes")):
                value = change.get("value")
                if change.get("field", "messages") != "messages" or not isinstance(value, dict):
                    continue
                number_id = str(_dict(value.get("metadata")).get("phone_number_id") or "")
                if number_id and number_id != self.settings.phone_number_id:
                    logger.warning("ignoring a notification for another phone number id")
                    continue
                for message in _dicts(value.get("messages")):
                    incoming = self._incoming(message)
                    if incoming is not None:
                        found.append(incoming)
        return found

    def _incoming(self, message: Dict[str, Any]) -> Incoming | None:
        message_id = message.get("id")
        wa_id = message.get("from")
        kind = message.get("type")
        if not isinstance(message_id, str) or not message_id or not isinstance(wa_id, str):
            return None
        if not wa_id:
            return None
        text: str | None
        typed = kind == "text"
        if kind == "text":
            text = str(_dict(message.get("text")).get("body") or "")
        elif kind == "interactive":
            text = self._interactive_reply(_dict(message.get("interactive")))
            if text is None:
                return None
        elif kind == "button":  # quick-reply button of a template message
            button = _dict(message.get("button"))
            text = str(button.get("payload") or button.get("text") or "")
        elif kind in WELCOME_TYPES:
            text = "/start"
        elif kind in MEDIA_TYPES:
            text = None
        else:  # reactions, system messages, new kinds: nothing to answer
            return None
        if text is not None and not text.strip():
            return None
        return Incoming(
            message_id=message_id,
            wa_id=wa_id,
            text=text,
            typed=typed,
            timestamp=_timestamp(message.get("timestamp")),
        )

    def _interactive_reply(self, interactive: Dict[str, Any]) -> str | None:
        reply = interactive.get("button_reply") or interactive.get("list_reply")
        if not isinstance(reply, dict):
            return None
        payload = self.payloads.decode(str(reply.get("id") or ""))
        return payload or str(reply.get("title") or "") or None

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("error while handling a WhatsApp message", exc_info=task.exception())

    # ------------------------------------------------------------- processing
    async def process(self, incoming: Incoming) -> None:
        """Ask Rasa (or answer a media message) and send the reply to the user."""

        async def deliver(messages: List[BotMessage]) -> None:
            await self.send_messages(incoming.wa_id, messages)

        try:
            await self.core.handle(
                PLATFORM, incoming.wa_id, incoming.text, deliver, typed=incoming.typed
            )
        except Exception:  # noqa: BLE001 - a bug must not leave the user without an answer
            logger.exception("unexpected error while answering a WhatsApp message")
            await self.send_messages(incoming.wa_id, self.core.fallback())

    async def send_messages(self, to: str, messages: List[BotMessage]) -> None:
        """Send Rasa's messages to the WhatsApp user ``to``, in order."""
        for message in messages:
            for payload in self.build_payloads(message):
                await self.post(to, payload)

    def build_payloads(self, message: BotMessage) -> List[Dict[str, Any]]:
        """Graph API message bodies (without ``to``) for one Rasa message."""
        payloads: List[Dict[str, Any]] = []
        if message.image:
            payloads.append({"type": "image", "image": {"link": message.image}})
        chunks = split_text(message.text or "", WHATSAPP_TEXT_LIMIT)
        buttons = self._unique(message.buttons)
        body: str | None = None
        if buttons and chunks and len(chunks[-1]) <= MAX_INTERACTIVE_BODY:
            body = chunks.pop()
        payloads.extend(self._text(chunk) for chunk in chunks)
        if not buttons:
            return payloads
        body = body or self.texts.choose_option
        if len(buttons) <= MAX_REPLY_BUTTONS and all(
            len(button.title) <= MAX_BUTTON_TITLE for button in buttons
        ):
            payloads.append(self._reply_buttons(body, buttons))
        else:
            for start in range(0, len(buttons), MAX_LIST_ROWS):
                group = buttons[start : start + MAX_LIST_ROWS]
                payloads.append(self._list(body if start == 0 else self.texts.more_options, group))
        return payloads

    @staticmethod
    def _unique(buttons: Sequence[Button]) -> List[Button]:
        seen: Set[str] = set()
        unique: List[Button] = []
        for button in buttons:
            if button.payload not in seen:
                seen.add(button.payload)
                unique.append(button)
        return unique

    @staticmethod
    def _text(body: str) -> Dict[str, Any]:
        return {"type": "text", "text": {"preview_url": False, "body": body}}

    def _reply_buttons(self, body: str, buttons: Sequence[Button]) -> Dict[str, Any]:
        return {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body},
                "action": {
                    "buttons": [
                        {
                            "type": "reply",
                            "reply": {
                                "id": self.payloads.encode(button.payload),
                                "title": button.title,
                            },
                        }
                        for button in buttons
                    ]
                },
            },
        }

    def _list(self, body: str, buttons: Sequence[Button]) -> Dict[str, Any]:
        rows = []
        for button in buttons:
            row = {
                "id": self.payloads.encode(button.payload),
                "title": truncate(button.title, MAX_ROW_TITLE),
            }
            if len(button.title) > MAX_ROW_TITLE:
                row["description"] = truncate(button.title, MAX_ROW_DESCRIPTION)
            rows.append(row)
        return {
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": body},
                "action": {
                    "button": self.texts.list_button,
                    "sections": [{"title": self.texts.list_section, "rows": rows}],
                },
            },
        }

    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.settings.graph_timeout, trust_env=False)
        return self._http

    async def post(self, to: str, payload: Dict[str, Any]) -> bool:
        """Send one message via the Graph API; retry on 429, 5xx and network errors."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        body.update(payload)
        headers = {"Authorization": f"Bearer {self.settings.access_token}"}
        for attempt in range(1, GRAPH_ATTEMPTS + 1):
            try:
                response = await self._client().post(self.messages_url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                logger.warning("Graph API call failed (attempt %d): %r", attempt, exc)
            else:
                if response.status_code < 300:
                    return True
                retry = response.status_code == 429 or response.status_code >= 500
                logger.warning(
                    "Graph API answered %s for a %s message (attempt %d): %s",
                    response.status_code,
                    payload.get("type"),
                    attempt,
                    _graph_error(response),
                )
                if not retry:
                    return False
            if attempt < GRAPH_ATTEMPTS:
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))
        return False


def _graph_error(response: httpx.Response) -> str:
    """Short description of a Graph API error (code and message, no personal data)."""
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return "no JSON error body"
    return f"code={error.get('code')} {str(error.get('message') or '')[:200]}"


def build_arg_parser() -> argparse.ArgumentParser:
    """Command-line flags; each overrides its environment variable."""
    parser = argparse.ArgumentParser(
        prog="python -m bot_bridge.whatsapp", description="WhatsApp Cloud API bridge to Rasa."
    )
    parser.add_argument("--env-file", help="read settings from this file (default .env)")
    parser.add_argument("--host", help="WHATSAPP_LISTEN_HOST")
    parser.add_argument("--port", type=int, help="WHATSAPP_LISTEN_PORT")
    parser.add_argument("--graph-url", help="WHATSAPP_GRAPH_URL, e.g. a fake Graph API")
    parser.add_argument("--rasa-url", help="RASA_URL")
    return parser


def settings_from_args(argv: Sequence[str] | None = None) -> WhatsAppSettings:
    """Read the environment and ``.env`` file, apply the flags, return the settings."""
    args = build_arg_parser().parse_args(argv)
    env = load_environment(args.env_file)
    overrides = {
        "WHATSAPP_LISTEN_HOST": args.host,
        "WHATSAPP_LISTEN_PORT": str(args.port) if args.port else None,
        "WHATSAPP_GRAPH_URL": args.graph_url,
        "RASA_URL": args.rasa_url,
    }
    env.update({key: value for key, value in overrides.items() if value})
    return WhatsAppSettings.from_env(env)


async def _run(settings: WhatsAppSettings) -> None:
    stop = asyncio.Event()
    install_stop_signals(stop)
    await WhatsAppBridge(settings).serve(stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot_bridge.whatsapp``."""
    try:
        settings = settings_from_args(argv)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.common.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(_run(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
