"""The shared Rasa client and bridge core against the fake Rasa REST server."""

from __future__ import annotations

import asyncio
import time
from typing import List

import pytest

from bot_bridge.core import BridgeCore
from bot_bridge.limits import RateLimiter
from bot_bridge.pseudonym import pseudonymise
from bot_bridge.rasa_client import BotMessage, Button, RasaClient, RasaUnavailable, parse_messages
from tests.bridges.conftest import PSEUDONYM_KEY
from tests.bridges.fakes import FALLBACK_MARKER, FakeRasa

pytestmark = pytest.mark.anyio


class Inbox:
    """Collects what the core delivers."""

    def __init__(self) -> None:
        self.batches: List[List[BotMessage]] = []

    async def __call__(self, messages: List[BotMessage]) -> None:
        self.batches.append(messages)

    @property
    def texts(self) -> List[str]:
        return [m.text or "" for batch in self.batches for m in batch]


def make_core(url: str, timeout: float = 1.0, **limits: float) -> BridgeCore:
    limiter = RateLimiter(**limits) if limits else RateLimiter(burst=50, per_minute=600)
    client = RasaClient(url, timeout=timeout, connect_timeout=0.5)
    return BridgeCore(client, PSEUDONYM_KEY, limiter=limiter)


def test_parse_messages() -> None:
    data = [
        {"recipient_id": "x", "text": " hoi "},
        {"recipient_id": "x", "buttons": [{"title": "Ja", "payload": "/affirm"}, {"title": ""}]},
        {"recipient_id": "x", "image": "https://e.org/a.png"},
        {"recipient_id": "x", "custom": {"something": 1}},
        "garbage",
    ]
    assert parse_messages(data) == [
        BotMessage(text="hoi"),
        BotMessage(buttons=[Button("Ja", "/affirm")]),
        BotMessage(image="https://e.org/a.png"),
    ]
    with pytest.raises(RasaUnavailable):
        parse_messages({"not": "a list"})


async def test_client_sends_pseudonym_text_and_metadata(fake_rasa: FakeRasa) -> None:
    client = RasaClient(fake_rasa.url)
    try:
        messages = await client.send("tg-abc", "hallo", {"channel": "telegram"})
    finally:
        await client.aclose()
    assert messages == [BotMessage(text="echo: hallo")]
    assert fake_rasa.requests == [
        {"sender": "tg-abc", "message": "hallo", "metadata": {"channel": "telegram"}}
    ]


async def test_client_returns_buttons_and_images(fake_rasa: FakeRasa) -> None:
    client = RasaClient(fake_rasa.url)
    try:
        fake_rasa.mode = "buttons"
        [message] = await client.send("s", "hoi")
        assert message.text == "Voor wie zoek je hulp?"
        assert message.buttons[1] == Button("Voor mijn kind", '/kies{"wie":"kind"}')
        fake_rasa.mode = "image"
        messages = await client.send("s", "hoi")
        assert messages[0].image == "https://example.org/plaatje.png"
    finally:
        await client.aclose()


@pytest.mark.parametrize("mode", ["error", "invalid", "slow"])
async def test_client_raises_when_rasa_misbehaves(fake_rasa: FakeRasa, mode: str) -> None:
    fake_rasa.mode = mode
    client = RasaClient(fake_rasa.url, timeout=0.5)
    started = time.monotonic()
    try:
        with pytest.raises(RasaUnavailable):
            await client.send("s", "hoi")
    finally:
        await client.aclose()
    assert time.monotonic() - started < 1.5  # the timeout is honoured


async def test_client_raises_when_rasa_is_down(dead_rasa_url: str) -> None:
    client = RasaClient(dead_rasa_url, connect_timeout=0.5)
    try:
        with pytest.raises(RasaUnavailable, match="connect"):
            await client.send("s", "hoi")
    finally:
        await client.aclose()


async def test_core_pseudonymises_before_sending(fake_rasa: FakeRasa) -> None:
    core = make_core(fake_rasa.url)
    inbox = Inbox()
    try:
        await core.handle("telegram", "4242", "hoi", inbox)
    finally:
        await core.aclose()
    [request] = fake_rasa.requests
    assert request["sender"] == pseudonymise("telegram", "4242", PSEUDONYM_KEY)
    assert "4242" not in str(request)
    assert request["metadata"] == {"channel": "telegram"}
    assert inbox.texts == ["echo: hoi"]


@pytest.mark.parametrize("mode", ["error", "empty", "slow", "invalid"])
async def test_core_falls_back_and_recovers(fake_rasa: FakeRasa, mode: str) -> None:
    core = make_core(fake_rasa.url, timeout=0.5)
    inbox = Inbox()
    try:
        fake_rasa.mode = mode
        await core.handle("whatsapp", "316", "hoi", inbox)
        assert FALLBACK_MARKER in inbox.texts[-1] and "0800-0432" in inbox.texts[-1]
        fake_rasa.mode = "echo"
        await core.handle("whatsapp", "316", "nog eens", inbox)
        assert inbox.texts[-1] == "echo: nog eens"
    finally:
        await core.aclose()


async def test_core_falls_back_when_rasa_is_down(dead_rasa_url: str) -> None:
    core = make_core(dead_rasa_url)
    inbox = Inbox()
    try:
        await core.handle("telegram", "1", "hoi", inbox)
    finally:
        await core.aclose()
    assert FALLBACK_MARKER in inbox.texts[0]


async def test_core_rate_limits_a_burst(fake_rasa: FakeRasa) -> None:
    core = make_core(fake_rasa.url, burst=3, per_minute=1)
    inbox = Inbox()
    try:
        await asyncio.gather(*(core.handle("telegram", "9", f"m{n}", inbox) for n in range(10)))
        await core.handle("telegram", "10", "ander", inbox)  # another sender is fine
    finally:
        await core.aclose()
    assert len(fake_rasa.requests) == 4
    assert inbox.texts.count(core.texts.rate_limited) == 1
    assert [r["message"] for r in fake_rasa.requests[:3]] == ["m0", "m1", "m2"]


async def test_core_media_and_blank(fake_rasa: FakeRasa) -> None:
    core = make_core(fake_rasa.url)
    inbox = Inbox()
    try:
        await core.handle("telegram", "1", None, inbox)
        await core.handle("telegram", "1", "   ", inbox)
    finally:
        await core.aclose()
    assert inbox.texts == [core.texts.only_text]
    assert fake_rasa.requests == []


async def test_core_keeps_a_senders_answers_in_order(fake_rasa: FakeRasa) -> None:
    fake_rasa.mode = "echo"
    core = make_core(fake_rasa.url)
    inbox = Inbox()
    try:
        await asyncio.gather(*(core.handle("telegram", "5", f"m{n}", inbox) for n in range(5)))
    finally:
        await core.aclose()
    assert inbox.texts == [f"echo: m{n}" for n in range(5)]


async def test_forget_me_does_not_reset_the_rate_limit(fake_rasa: FakeRasa) -> None:
    """Issue #17 point 7: /vergeetmij used to empty the sender's bucket."""
    core = make_core(fake_rasa.url, burst=2, per_minute=1)
    inbox = Inbox()
    try:
        await core.handle("telegram", "1", "a", inbox)
        await core.handle("telegram", "1", "/vergeetmij", inbox)
        await core.handle("telegram", "1", "b", inbox)
        await core.handle("telegram", "1", "/vergeetmij@geldzorgen_bot", inbox)
    finally:
        await core.aclose()
    assert inbox.texts == ["echo: a", "echo: /vergeetmij", core.texts.rate_limited]
    assert [r["message"] for r in fake_rasa.requests] == ["a", "/vergeetmij"]


async def test_core_sends_a_command_and_the_text_after_it(fake_rasa: FakeRasa) -> None:
    """Issue #17 point 11: "/help ik wil niet meer leven" must not become just "/help"."""
    core = make_core(fake_rasa.url)
    inbox = Inbox()
    try:
        await core.handle("telegram", "1", "/help ik wil niet meer leven", inbox, typed=True)
        # A button payload is never split.
        await core.handle("telegram", "1", '/inform{"x": "a b"}', inbox)
    finally:
        await core.aclose()
    assert [r["message"] for r in fake_rasa.requests] == [
        "/help",
        "ik wil niet meer leven",
        '/inform{"x": "a b"}',
    ]
    assert inbox.texts == [
        "echo: /help",
        "echo: ik wil niet meer leven",
        'echo: /inform{"x": "a b"}',
    ]
