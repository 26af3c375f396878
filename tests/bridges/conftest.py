"""Fixtures for the bridge tests: fake servers on 127.0.0.1 and started bridges.

Async tests run on anyio's pytest plugin (shipped with httpx's dependency anyio) with the
asyncio backend; no internet is used.
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List

import httpx
import pytest

from bot_bridge.config import CommonSettings, TelegramSettings, WhatsAppSettings
from bot_bridge.telegram import TelegramBridge
from bot_bridge.whatsapp import WhatsAppBridge
from tests.bridges.fakes import FakeGraph, FakeRasa, FakeTelegram
from tests.conftest import free_port

PSEUDONYM_KEY = "test-pseudonym-key-not-secret"
TELEGRAM_SECRET = "test_webhook-secret_0123456789-abcdefgh"  # >= 32 characters
WA_VERIFY_TOKEN = "verify-me-please"
WA_APP_SECRET = "app-secret-for-tests"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_common(rasa_url: str, **overrides: Any) -> CommonSettings:
    """Shared settings for tests: short timeouts, a generous rate limit."""
    values: dict = {
        "pseudonym_key": PSEUDONYM_KEY,
        "rasa_url": rasa_url,
        "rasa_timeout": 1.0,
        "rasa_connect_timeout": 0.5,
        "rate_burst": 50,
        "rate_per_minute": 600.0,
    }
    values.update(overrides)
    return CommonSettings(**values)


@pytest.fixture
async def fake_rasa() -> AsyncIterator[FakeRasa]:
    server = FakeRasa()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def dead_rasa_url() -> str:
    """URL of a Rasa that is down (nothing listens on the port)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_graph() -> AsyncIterator[FakeGraph]:
    server = FakeGraph()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
        yield client


StartTelegram = Callable[..., Awaitable[TelegramBridge]]
StartWhatsApp = Callable[..., Awaitable[WhatsAppBridge]]


@pytest.fixture
async def start_telegram(fake_telegram: FakeTelegram) -> AsyncIterator[StartTelegram]:
    """Factory: start a Telegram bridge against the fake Bot API; stopped after the test."""
    bridges: List[TelegramBridge] = []

    async def start(rasa_url: str, mode: str = "webhook", **common: Any) -> TelegramBridge:
        settings = TelegramSettings(
            common=make_common(rasa_url, **common),
            bot_token=FakeTelegram.TOKEN,
            mode=mode,
            base_url=fake_telegram.base_url,
            base_file_url=fake_telegram.base_file_url,
            webhook_secret=TELEGRAM_SECRET,
            listen_port=0,
        )
        bridge = TelegramBridge(settings, poll_timeout=1.0)
        await bridge.start()
        bridges.append(bridge)
        return bridge

    yield start
    for bridge in bridges:
        await bridge.stop()


@pytest.fixture
async def start_whatsapp(
    fake_graph: FakeGraph, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[StartWhatsApp]:
    """Factory: start a WhatsApp bridge against the fake Graph API; stopped after the test.

    ``whatsapp={...}`` overrides WhatsApp settings (e.g. ``dedup_file`` to share one file
    between a bridge and its restarted successor); other keywords are shared settings.
    """
    bridges: List[WhatsAppBridge] = []
    dedup_file = str(tmp_path_factory.mktemp("whatsapp") / "dedup.sqlite3")

    async def start(
        rasa_url: str, whatsapp: Dict[str, Any] | None = None, **common: Any
    ) -> WhatsAppBridge:
        extra: Dict[str, Any] = {"dedup_file": dedup_file, **(whatsapp or {})}
        settings = WhatsAppSettings(
            common=make_common(rasa_url, **common),
            access_token=FakeGraph.ACCESS_TOKEN,
            phone_number_id=FakeGraph.PHONE_NUMBER_ID,
            verify_token=WA_VERIFY_TOKEN,
            app_secret=WA_APP_SECRET,
            graph_url=fake_graph.url,
            graph_version=FakeGraph.VERSION,
            listen_port=0,
            **extra,
        )
        bridge = WhatsAppBridge(settings)
        await bridge.start()
        bridges.append(bridge)
        return bridge

    yield start
    for bridge in bridges:
        await bridge.stop()  # also when the test stopped it already (stop is idempotent)


@pytest.fixture
def e2e_rasa_url(request: pytest.FixtureRequest) -> str:
    """The real Rasa server from the session fixture ``rasa_url`` (tests/conftest.py).

    Skips when that fixture is not defined (yet), so the e2e tests never error on a
    checkout without it.
    """
    try:
        return request.getfixturevalue("rasa_url")
    except pytest.FixtureLookupError:
        pytest.skip("the session fixture 'rasa_url' (real Rasa server) is not available")
