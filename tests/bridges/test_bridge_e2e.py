"""End to end: an update into each bridge -> the REAL Rasa server -> reply at the fake API.

Uses the session fixture ``rasa_url`` from tests/conftest.py (action server + Rasa with a
trained model); skipped when it is not there. Marked ``server``.

Which user texts make Rasa answer with buttons can be set with
``BRIDGE_E2E_BUTTON_TEXTS`` (``|``-separated; default: a need whose role question has
buttons): the first one whose answer has buttons is used.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from typing import Any, Callable, Dict, List

import httpx
import pytest

from bot_bridge.telegram import SECRET_HEADER, TelegramBridge
from bot_bridge.whatsapp import SIGNATURE_HEADER, WhatsAppBridge, signature_for
from tests.bridges.conftest import TELEGRAM_SECRET, WA_APP_SECRET, StartTelegram, StartWhatsApp
from tests.bridges.fakes import (
    FakeGraph,
    FakeTelegram,
    tg_callback_update,
    tg_text_update,
    wa_button_reply,
    wa_list_reply,
    wa_notification,
    wa_text,
)

pytestmark = [pytest.mark.server, pytest.mark.anyio]

RASA_TIMEOUT = 30.0
BUTTON_TEXTS = os.environ.get(
    "BRIDGE_E2E_BUTTON_TEXTS", "we hebben geld nodig voor schoolspullen|/start|hoi"
).split("|")


async def settle(count: Callable[[], int], at_least: int, timeout: float = 60.0) -> int:
    """Wait until ``count()`` reached ``at_least`` and then stayed the same for 1 s."""
    deadline = time.monotonic() + timeout
    last, stable_since = count(), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        now = count()
        if now != last:
            last, stable_since = now, time.monotonic()
        elif now >= at_least and time.monotonic() - stable_since >= 1.0:
            return now
    raise AssertionError(f"no stable answer: {count()} messages, expected >= {at_least}")


# ------------------------------------------------------------------- Telegram


async def tg_send(http: httpx.AsyncClient, bridge: TelegramBridge, update: Dict[str, Any]) -> None:
    url = f"http://127.0.0.1:{bridge.port}{bridge.settings.webhook_path}"
    response = await http.post(url, json=update, headers={SECRET_HEADER: TELEGRAM_SECRET})
    assert response.status_code == 200


async def tg_exchange(
    http: httpx.AsyncClient,
    bridge: TelegramBridge,
    fake: FakeTelegram,
    update: Dict[str, Any],
) -> List[Dict[str, Any]]:
    """Send one update; return the sendMessage calls it caused."""
    before = len(fake.sent())
    await tg_send(http, bridge, update)
    await settle(lambda: len(fake.sent()), before + 1)
    return fake.sent()[before:]


def assert_real_answer(texts: List[str], fallback: str) -> None:
    assert texts and all(text.strip() for text in texts)
    assert fallback not in texts, "Rasa was not reachable: the bridge sent its fallback"


async def test_telegram_start_reaches_real_rasa(
    e2e_rasa_url: str,
    start_telegram: StartTelegram,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(e2e_rasa_url, rasa_timeout=RASA_TIMEOUT)
    chat_id = random.randint(10**8, 10**9)
    sent = await tg_exchange(http, bridge, fake_telegram, tg_text_update(1, chat_id, "/start"))
    assert {p["chat_id"] for p in sent} == {str(chat_id)}
    assert_real_answer([p["text"] for p in sent], bridge.texts.fallback)


async def test_telegram_buttons_and_tap_with_real_rasa(
    e2e_rasa_url: str,
    start_telegram: StartTelegram,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(e2e_rasa_url, rasa_timeout=RASA_TIMEOUT)
    chat_id = random.randint(10**8, 10**9)
    with_buttons = None
    for n, text in enumerate(BUTTON_TEXTS, start=1):
        sent = await tg_exchange(http, bridge, fake_telegram, tg_text_update(n, chat_id, text))
        assert_real_answer([p["text"] for p in sent], bridge.texts.fallback)
        with_buttons = next((p for p in sent if "reply_markup" in p), None)
        if with_buttons:
            break
    assert with_buttons, f"none of {BUTTON_TEXTS} got an answer with buttons from Rasa"
    assert with_buttons["chat_id"] == str(chat_id)
    rows = with_buttons["reply_markup"]["inline_keyboard"]
    assert rows and all(row[0]["text"] and row[0]["callback_data"] for row in rows)

    data = rows[0][0]["callback_data"]
    assert bridge.payloads.decode(data)
    sent = await tg_exchange(http, bridge, fake_telegram, tg_callback_update(50, chat_id, data))
    assert {p["chat_id"] for p in sent} == {str(chat_id)}
    assert_real_answer([p["text"] for p in sent], bridge.texts.fallback)
    assert fake_telegram.sent("answerCallbackQuery")


# ------------------------------------------------------------------- WhatsApp


async def wa_exchange(
    http: httpx.AsyncClient,
    bridge: WhatsAppBridge,
    fake: FakeGraph,
    message: Dict[str, Any],
) -> List[Dict[str, Any]]:
    """Send one signed notification; return the Graph API messages it caused."""
    before = len(fake.messages)
    body = json.dumps(wa_notification([message])).encode()
    url = f"http://127.0.0.1:{bridge.port}{bridge.settings.webhook_path}"
    headers = {SIGNATURE_HEADER: signature_for(WA_APP_SECRET, body)}
    response = await http.post(url, content=body, headers=headers)
    assert response.status_code == 200
    await settle(lambda: len(fake.messages), before + 1)
    return fake.messages[before:]


def wa_texts(messages: List[Dict[str, Any]]) -> List[str]:
    texts = []
    for message in messages:
        if message["type"] == "text":
            texts.append(message["text"]["body"])
        elif message["type"] == "interactive":
            texts.append(message["interactive"]["body"]["text"])
    return texts


async def test_whatsapp_start_reaches_real_rasa(
    e2e_rasa_url: str,
    start_whatsapp: StartWhatsApp,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(e2e_rasa_url, rasa_timeout=RASA_TIMEOUT)
    wa_id = f"316{random.randint(10**7, 10**8 - 1)}"
    sent = await wa_exchange(http, bridge, fake_graph, wa_text("wamid.e1", wa_id, "/start"))
    assert {m["to"] for m in sent} == {wa_id}
    assert_real_answer(wa_texts(sent), bridge.texts.fallback)


async def test_whatsapp_buttons_and_tap_with_real_rasa(
    e2e_rasa_url: str,
    start_whatsapp: StartWhatsApp,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(e2e_rasa_url, rasa_timeout=RASA_TIMEOUT)
    wa_id = f"316{random.randint(10**7, 10**8 - 1)}"
    with_buttons = None
    for n, text in enumerate(BUTTON_TEXTS, start=1):
        sent = await wa_exchange(http, bridge, fake_graph, wa_text(f"wamid.b{n}", wa_id, text))
        assert_real_answer(wa_texts(sent), bridge.texts.fallback)
        with_buttons = next((m for m in sent if m["type"] == "interactive"), None)
        if with_buttons:
            break
    assert with_buttons, f"none of {BUTTON_TEXTS} got an answer with buttons from Rasa"
    assert with_buttons["to"] == wa_id
    block = with_buttons["interactive"]
    if block["type"] == "button":
        first = block["action"]["buttons"][0]["reply"]
        assert len(block["action"]["buttons"]) <= 3 and len(first["title"]) <= 20
        tap = wa_button_reply("wamid.tap", wa_id, first["id"], first["title"])
    else:
        first = block["action"]["sections"][0]["rows"][0]
        tap = wa_list_reply("wamid.tap", wa_id, first["id"], first["title"])
    sent = await wa_exchange(http, bridge, fake_graph, tap)
    assert {m["to"] for m in sent} == {wa_id}
    assert_real_answer(wa_texts(sent), bridge.texts.fallback)


# ------------------------------------------------------------- issue #17 (points 7, 11)


async def test_telegram_crisis_text_after_a_command_reaches_real_rasa(
    e2e_rasa_url: str,
    start_telegram: StartTelegram,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    """"/help ik wil niet meer leven" used to reach Rasa as just "/help"."""
    bridge = await start_telegram(e2e_rasa_url, rasa_timeout=RASA_TIMEOUT)
    chat_id = random.randint(10**8, 10**9)
    before = len(fake_telegram.sent())
    await tg_send(http, bridge, tg_text_update(1, chat_id, "/help ik wil niet meer leven"))
    await settle(lambda: len(fake_telegram.sent()), before + 2)
    texts = [p["text"] for p in fake_telegram.sent()[before:]]
    assert_real_answer(texts, bridge.texts.fallback)
    assert any("0800-0113" in text for text in texts), texts


async def test_whatsapp_crisis_text_after_a_command_reaches_real_rasa(
    e2e_rasa_url: str,
    start_whatsapp: StartWhatsApp,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    """WhatsApp sent the whole text (Rasa read it as text: the crisis line came, the help
    command was lost); now the same rule as Telegram: the command, then the text."""
    bridge = await start_whatsapp(e2e_rasa_url, rasa_timeout=RASA_TIMEOUT)
    wa_id = f"316{random.randint(10**7, 10**8 - 1)}"
    before = len(fake_graph.messages)
    message = wa_text("wamid.crisis", wa_id, "/help ik wil niet meer leven")
    body = json.dumps(wa_notification([message])).encode()
    url = f"http://127.0.0.1:{bridge.port}{bridge.settings.webhook_path}"
    response = await http.post(
        url, content=body, headers={SIGNATURE_HEADER: signature_for(WA_APP_SECRET, body)}
    )
    assert response.status_code == 200
    await settle(lambda: len(fake_graph.messages), before + 2)
    texts = wa_texts(fake_graph.messages[before:])
    assert_real_answer(texts, bridge.texts.fallback)
    assert any("0800-0113" in text for text in texts), texts


async def test_telegram_forget_me_does_not_reset_the_rate_limit_with_real_rasa(
    e2e_rasa_url: str,
    start_telegram: StartTelegram,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    """With /vergeetmij between the messages, a burst limit of 5 used to let all through."""
    bridge = await start_telegram(
        e2e_rasa_url, rasa_timeout=RASA_TIMEOUT, rate_burst=5, rate_per_minute=1.0
    )
    asked: List[str] = []
    send = bridge.core.rasa.send

    async def counting_send(sender: str, text: str, metadata: Any = None) -> Any:
        asked.append(text)
        return await send(sender, text, metadata)

    bridge.core.rasa.send = counting_send  # type: ignore[method-assign]
    chat_id = random.randint(10**8, 10**9)
    for n in range(12):  # like a person: the next message after the answer (or a pause)
        text = "/vergeetmij" if n % 2 else "ja"
        before = len(fake_telegram.sent())
        await tg_send(http, bridge, tg_text_update(100 + n, chat_id, text))
        deadline = time.monotonic() + (RASA_TIMEOUT if len(asked) < 5 else 2.0)
        while len(fake_telegram.sent()) == before and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
    assert len(asked) <= 6, asked  # the burst of 5, at most 1 refilled
    texts = [p["text"] for p in fake_telegram.sent()]
    assert texts.count(bridge.texts.rate_limited) == 1
