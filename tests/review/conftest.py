"""Fixtures for the review app tests: a seeded SQLite store, a settable clock and clients.

Seed data: two organisations serve Amsterdam (GM0363): the municipal debt help
``gem-ams`` (also Amstelveen, GM0362) and the buurtteam ``wijk-ams``. Accounts: ``anna``
(reviewer, gem-ams), ``ad`` (admin, gem-ams), ``amstelveen`` (reviewer, gem-ams, only
GM0362) and ``bram`` (reviewer, wijk-ams). One handover for each organisation in Amsterdam.

Async tests run on anyio's pytest plugin with the asyncio backend (as the bridge tests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import AsyncIterator, Awaitable, Callable, Iterator, List, Optional

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from handover.review import ReviewConfig, create_app
from handover.store import HandoverStore

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "een lang en geheim wachtwoord"
SECRET_SUMMARY = "Moeder met twee kinderen, energie wordt volgende week afgesloten"
SECRET_TURN = "Ze sluiten mijn stroom af en ik weet niet wat ik moet doen"
SECRET_PHONE = "[TELEFOONNUMMER-1]"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]*)"')


class Clock:
    """A settable clock (naive UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Seed:
    """Ids of the seeded handovers."""

    ams: str  # gem-ams, Amsterdam
    wijk: str  # wijk-ams, Amsterdam


def seed(store: HandoverStore, password: str = PASSWORD) -> Seed:
    """Organisations, accounts and one handover per organisation (see module docstring)."""
    store.add_organisation("gem-ams", "Schuldhulp Amsterdam", "municipal_debt_help",
                           ["GM0363", "GM0362"])
    store.add_organisation("wijk-ams", "Buurtteam Amsterdam", "wijkteam", ["GM0363"])
    store.add_account("anna", "gem-ams", "reviewer", password)
    store.add_account("ad", "gem-ams", "admin", password)
    store.add_account("amstelveen", "gem-ams", "reviewer", password, ["GM0362"])
    store.add_account("bram", "wijk-ams", "reviewer", password)
    ams = store.create_handover(
        "person-ams", "gem-ams", "GM0363", "summary_transcript",
        {"needs": ["cutoff", "debts"], "urgent": True, "triage_tier": 4, "text": SECRET_SUMMARY,
         "role": "parent", "child_ages": [4, 9], "municipality": "GM0363",
         "suggested": ["Schuldhulp van de gemeente"]},
        [
            {"speaker": "user", "text": SECRET_TURN},
            {"speaker": "bot", "text": "Dat is spoed. Wil je dat iemand van de gemeente belt?"},
            {"speaker": "user", "text": "<script>window.__pwned = 1</script> ja graag"},
        ],
        {"phone": SECRET_PHONE, "via_chat": True},
    )
    wijk = store.create_handover(
        "person-wijk", "wijk-ams", "GM0363", "summary",
        {"needs": ["food"], "urgent": False, "text": "Geen geld voor boodschappen"},
        [],
        {"email": "[EMAIL-1]"},
    )
    return Seed(ams=ams, wijk=wijk)


def csrf_of(html: str) -> str:
    """The first CSRF token in a page."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token field on the page"
    return match.group(1)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock: Clock) -> Iterator[HandoverStore]:
    handover_store = HandoverStore(
        f"sqlite:///{tmp_path / 'handover.db'}", password_hasher=FAST_HASHER, clock=clock
    )
    yield handover_store
    handover_store.dispose()


@pytest.fixture
def seeded(store: HandoverStore) -> Seed:
    return seed(store)


MakeClient = Callable[[], Awaitable[TestClient]]


@pytest.fixture
async def make_client(store: HandoverStore) -> AsyncIterator[MakeClient]:
    """Factory of test clients (each its own cookie jar) on one app over ``store``.

    The app trusts X-Forwarded-For from 127.0.0.1 (the test client), so a test can pick
    the client IP per request. The test client speaks plain http, so the app runs with the
    documented local development exception (no ``Secure``, no ``__Host-`` prefix); the
    default (always Secure) is tested with :func:`make_app_client`.
    """
    app = create_app(
        store, ReviewConfig(behind_proxy=True, insecure_dev_cookies=True, purge_interval=None)
    )
    server = TestServer(app)
    await server.start_server()
    clients: List[TestClient] = []

    async def make() -> TestClient:
        client = TestClient(server)
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()
    await server.close()


async def login(client: TestClient, username: str, password: str = PASSWORD,
                ip: Optional[str] = None) -> ClientResponse:
    """Open /login, post the form with its CSRF token; returns the (unfollowed) answer."""
    headers = {"X-Forwarded-For": ip} if ip else {}
    page = await client.get("/login", headers=headers)
    token = csrf_of(await page.text())
    return await client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": password},
        headers=headers,
        allow_redirects=False,
    )


async def logged_in(make_client: MakeClient, username: str) -> TestClient:
    """A new client, logged in as ``username``."""
    client = await make_client()
    response = await login(client, username)
    assert response.status == 303, await response.text()
    return client


MakeAppClient = Callable[[ReviewConfig], Awaitable[TestClient]]


@pytest.fixture
async def make_app_client(store: HandoverStore) -> AsyncIterator[MakeAppClient]:
    """Factory of test clients, each on its own app over ``store`` with a given config."""
    started: List[TestClient] = []

    async def make(config: ReviewConfig) -> TestClient:
        client = TestClient(TestServer(create_app(store, config)))
        await client.start_server()
        started.append(client)
        return client

    yield make
    for client in started:
        await client.close()
