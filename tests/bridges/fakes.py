"""Fake servers on 127.0.0.1 for the bridge tests: Rasa REST, Telegram Bot API, Graph API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Dict, List, Tuple

from aiohttp import web

from bot_bridge.web import start_site

FALLBACK_MARKER = "Kindertelefoon"


class _Recorder:
    """Base: runs an aiohttp app and lets tests wait for recorded events."""

    def __init__(self) -> None:
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Event()

    def app(self) -> web.Application:  # pragma: no cover - overridden
        raise NotImplementedError

    async def start(self) -> str:
        self._runner, port = await start_site(self.app(), "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _notify(self) -> None:
        self._changed.set()

    async def _wait(self, predicate: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("timed out waiting for the fake server")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.2))


class FakeRasa(_Recorder):
    """Rasa's REST channel. ``mode`` picks the behaviour:

    ``echo`` (text "echo: <message>"), ``buttons`` (text + 2 buttons), ``many_buttons``
    (5 buttons), ``long_titles`` (2 buttons with long titles), ``long`` (a 10 000 character
    text), ``image``, ``empty`` ([]), ``error`` (HTTP 500), ``slow`` (sleeps ``delay``),
    ``invalid`` (not JSON) and ``rasa_like`` (a tiny imitation of the real bot: /start gives a
    welcome with buttons, a payload gives a text).
    """

    def __init__(self, mode: str = "echo", delay: float = 2.0) -> None:
        super().__init__()
        self.mode = mode
        self.delay = delay
        self.requests: List[Dict[str, Any]] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self._webhook)
        return app

    async def _webhook(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self._notify()
        sender, message = body["sender"], body["message"]
        mode = self.mode
        if mode == "error":
            return web.Response(status=500, text="action server down")
        if mode == "invalid":
            return web.Response(text="<html>oops</html>", content_type="text/html")
        if mode == "empty":
            return web.json_response([])
        if mode == "slow":
            await asyncio.sleep(self.delay)
            return web.json_response([{"recipient_id": sender, "text": "slow " + message}])
        return web.json_response(self.answer(sender, message))

    def answer(self, sender: str, message: str) -> List[Dict[str, Any]]:
        """The JSON list this fake returns for ``message``."""
        if self.mode == "buttons":
            return [
                {
                    "recipient_id": sender,
                    "text": "Voor wie zoek je hulp?",
                    "buttons": [
                        {"title": "Voor mezelf", "payload": '/kies{"wie":"zelf"}'},
                        {"title": "Voor mijn kind", "payload": '/kies{"wie":"kind"}'},
                    ],
                }
            ]
        if self.mode == "many_buttons":
            return [
                {
                    "recipient_id": sender,
                    "text": "Waar gaat het over?",
                    "buttons": [
                        {"title": f"Onderwerp {n}", "payload": f'/onderwerp{{"n":{n}}}'}
                        for n in range(1, 6)
                    ],
                }
            ]
        if self.mode == "long_titles":
            return [
                {
                    "recipient_id": sender,
                    "buttons": [
                        {"title": "Ik heb schulden en weet niet waar te beginnen", "payload": "/a"},
                        {"title": "Kort", "payload": "/b"},
                    ],
                }
            ]
        if self.mode == "long":
            paragraph = ("Dit is een lange zin over geldzorgen en hulp. " * 20).strip()
            return [{"recipient_id": sender, "text": "\n\n".join([paragraph] * 11)}]
        if self.mode == "image":
            return [
                {"recipient_id": sender, "image": "https://example.org/plaatje.png"},
                {"recipient_id": sender, "text": "Hier is een plaatje."},
            ]
        if self.mode == "rasa_like":
            if message == "/start":
                return [
                    {"recipient_id": sender, "text": "Hoi! Fijn dat je er bent."},
                    {
                        "recipient_id": sender,
                        "text": "Waarmee kan ik je helpen?",
                        "buttons": [
                            {"title": "Geld voor school", "payload": "/school"},
                            {"title": "Iemand spreken", "payload": "/praten"},
                        ],
                    },
                ]
            return [{"recipient_id": sender, "text": f"Je koos {message}."}]
        return [{"recipient_id": sender, "text": "echo: " + message}]

    async def wait_requests(self, count: int, timeout: float = 5.0) -> List[Dict[str, Any]]:
        """Wait until at least ``count`` requests arrived; return them all."""
        await self._wait(lambda: len(self.requests) >= count, timeout)
        return self.requests


def _decode_param(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


class FakeTelegram(_Recorder):
    """The Telegram Bot API at ``{url}/bot{token}/{method}`` (what python-telegram-bot uses).

    Records every call; ``getUpdates`` long-polls over :meth:`push_update`'s updates.
    """

    TOKEN = "123456:TEST-token"

    def __init__(self) -> None:
        super().__init__()
        self.calls: List[Tuple[str, Dict[str, Any]]] = []
        self.updates: List[Dict[str, Any]] = []
        self.fail_photos = False
        self._next_message_id = 1

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._method)
        return app

    async def _method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        if request.content_type == "application/json":
            params = await request.json()
        else:
            form = await request.post()
            params = {key: _decode_param(str(value)) for key, value in form.items()}
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        self.calls.append((method, params))
        self._notify()
        if method == "getMe":
            result: Any = {
                "id": 123456,
                "is_bot": True,
                "first_name": "Geldzorgen test",
                "username": "geldzorgen_test_bot",
            }
        elif method in ("sendMessage", "sendPhoto"):
            if method == "sendPhoto" and self.fail_photos:
                return web.json_response(
                    {"ok": False, "error_code": 400, "description": "Bad Request: wrong file"},
                    status=400,
                )
            result = self._message(params, method)
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    def _message(self, params: Dict[str, Any], method: str) -> Dict[str, Any]:
        self._next_message_id += 1
        message: Dict[str, Any] = {
            "message_id": self._next_message_id,
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
        }
        if method == "sendPhoto":
            message["photo"] = [{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}]
        else:
            message["text"] = params["text"]
        return message

    async def _get_updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 1.0)
        deadline = time.monotonic() + timeout
        while True:
            pending = [u for u in self.updates if u["update_id"] >= offset]
            if pending or time.monotonic() >= deadline:
                return pending
            await asyncio.sleep(0.02)

    def push_update(self, update: Dict[str, Any]) -> None:
        """Make ``update`` available to ``getUpdates``."""
        self.updates.append(update)

    def sent(self, method: str = "sendMessage") -> List[Dict[str, Any]]:
        """Parameters of every call of ``method``."""
        return [params for name, params in self.calls if name == method]

    async def wait_for(
        self, method: str = "sendMessage", count: int = 1, timeout: float = 5.0
    ) -> List[Dict[str, Any]]:
        """Wait until ``method`` was called at least ``count`` times; return the calls."""
        await self._wait(lambda: len(self.sent(method)) >= count, timeout)
        return self.sent(method)


class FakeGraph(_Recorder):
    """The Graph API messages endpoint ``{url}/{version}/{phone_number_id}/messages``."""

    VERSION = "v22.0"
    PHONE_NUMBER_ID = "109876543210"
    ACCESS_TOKEN = "EAAG-test-token"

    def __init__(self) -> None:
        super().__init__()
        self.messages: List[Dict[str, Any]] = []
        self.authorizations: List[str] = []
        self.fail_next = 0
        self.failures = 0

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{version}/{number}/messages", self._messages)
        return app

    async def _messages(self, request: web.Request) -> web.Response:
        if (
            request.match_info["version"] != self.VERSION
            or request.match_info["number"] != self.PHONE_NUMBER_ID
        ):
            return web.json_response({"error": {"code": 100, "message": "bad path"}}, status=400)
        if self.fail_next > 0:
            self.fail_next -= 1
            self.failures += 1
            return web.json_response({"error": {"code": 131000, "message": "boom"}}, status=500)
        body = await request.json()
        self.messages.append(body)
        self.authorizations.append(request.headers.get("Authorization", ""))
        self._notify()
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.out{len(self.messages)}"}],
            }
        )

    async def wait_for(self, count: int = 1, timeout: float = 5.0) -> List[Dict[str, Any]]:
        """Wait until at least ``count`` messages were sent; return them all."""
        await self._wait(lambda: len(self.messages) >= count, timeout)
        return self.messages


# ------------------------------------------------------------------ update builders
def tg_user(chat_id: int) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "nl"}


def tg_text_update(update_id: int, chat_id: int, text: str) -> Dict[str, Any]:
    """A Telegram ``message`` update with text in a private chat."""
    message: Dict[str, Any] = {
        "message_id": update_id * 10,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
        "from": tg_user(chat_id),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


def tg_photo_update(update_id: int, chat_id: int) -> Dict[str, Any]:
    """A Telegram ``message`` update with only a photo."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id * 10,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
            "from": tg_user(chat_id),
            "photo": [{"file_id": "abc", "file_unique_id": "def", "width": 90, "height": 90}],
        },
    }


def tg_callback_update(update_id: int, chat_id: int, data: str) -> Dict[str, Any]:
    """A Telegram ``callback_query`` update (a tap on an inline button)."""
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cb{update_id}",
            "from": tg_user(chat_id),
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": 7,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                "from": {"id": 123456, "is_bot": True, "first_name": "Geldzorgen test"},
                "text": "Kies:",
            },
        },
    }


def wa_notification(
    messages: List[Dict[str, Any]] | None = None,
    statuses: List[Dict[str, Any]] | None = None,
    phone_number_id: str = FakeGraph.PHONE_NUMBER_ID,
) -> Dict[str, Any]:
    """A WhatsApp Cloud API webhook notification."""
    value: Dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "31850000000", "phone_number_id": phone_number_id},
    }
    if messages is not None:
        value["contacts"] = [{"profile": {"name": "Test"}, "wa_id": m["from"]} for m in messages]
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [{"value": value, "field": "messages"}]}],
    }


def wa_text(message_id: str, wa_id: str, body: str) -> Dict[str, Any]:
    return {
        "from": wa_id,
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": "text",
        "text": {"body": body},
    }


def wa_button_reply(message_id: str, wa_id: str, reply_id: str, title: str) -> Dict[str, Any]:
    return {
        "from": wa_id,
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": "interactive",
        "interactive": {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}},
    }


def wa_list_reply(message_id: str, wa_id: str, reply_id: str, title: str) -> Dict[str, Any]:
    return {
        "from": wa_id,
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": reply_id, "title": title}},
    }


def wa_media(message_id: str, wa_id: str, kind: str = "image") -> Dict[str, Any]:
    return {
        "from": wa_id,
        "id": message_id,
        "timestamp": str(int(time.time())),
        "type": kind,
        kind: {"id": "media1", "mime_type": "image/jpeg", "sha256": "x"},
    }


def wa_status(message_id: str, wa_id: str, status: str = "delivered") -> Dict[str, Any]:
    return {
        "id": message_id,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
