"""Issue #17, review app: atomic lock-out (also under 32 parallel attempts, on SQLite and
PostgreSQL), lock-outs that expire and grow, the client IP only from a trusted proxy, and
cookies that are always Secure with the ``__Host-`` prefix (points 6 and 13).

The app tests run over a real aiohttp server (aiohttp's TestServer on 127.0.0.1); the
store tests on SQLite and on the PostgreSQL server (``tests/test_handover_store.py``'s
``db_url`` fixture: fails, never skips, when PostgreSQL is down).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Dict, List

import pytest
from argon2 import PasswordHasher

from handover.review import ReviewConfig
from handover.review.app import client_ip
from handover.store import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    MAX_LOCKOUT,
    HandoverStore,
    lockout_duration,
)
from tests.review.conftest import (
    PASSWORD,
    Clock,
    MakeAppClient,
    MakeClient,
    Seed,
    csrf_of,
    login,
)
from tests.test_handover_store import FAST_HASHER, db_url, pg_url  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
# Slow enough (tens of ms) that parallel attempts really overlap with the password check.
SLOW_HASHER = PasswordHasher(time_cost=3, memory_cost=32 * 1024, parallelism=1)


# -------------------------------------------------------------- point 6: atomic lock-out


def _seed_anna(store: HandoverStore) -> None:
    store.add_organisation("gem-ams", "Schuldhulp Amsterdam", "municipal_debt_help", ["GM0363"])
    store.add_account("anna", "gem-ams", "reviewer", PASSWORD)


@pytest.fixture
def any_store(db_url: str, clock: Clock) -> HandoverStore:  # noqa: F811 - the fixture
    store = HandoverStore(db_url, password_hasher=FAST_HASHER, clock=clock)
    yield store
    store.dispose()


def test_parallel_attempts_cannot_slip_past_the_lockout(any_store: HandoverStore) -> None:
    """32 attempts at once, each from its own IP, the right password last: before, the
    lock check and the failure count were separate transactions, so many wrong passwords
    were checked and the right one still logged in."""
    store = any_store
    _seed_anna(store)
    checked: List[str] = []
    lock = threading.Lock()
    verify = store._verify

    def counting_verify(password_hash, password):  # noqa: ANN001, ANN202 - test double
        with lock:
            checked.append(password)
        time.sleep(0.02)  # a real argon2 check takes this long too
        return verify(password_hash, password)

    store._verify = counting_verify  # type: ignore[method-assign]
    passwords = [f"fout-{n}" for n in range(31)] + [PASSWORD]
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(
            lambda item: store.authenticate("anna", item[1], f"10.7.{item[0]}.1"),
            enumerate(passwords),
        ))
    assert len(checked) <= MAX_FAILED_LOGINS, f"{len(checked)} passwords were checked"
    wrong_checked = [p for p in checked if p != PASSWORD]
    assert len(wrong_checked) <= MAX_FAILED_LOGINS
    logged_in = [r for r in results if r.account is not None]
    if PASSWORD in checked:  # it got one of the 5 slots: fine, it is the right password
        assert len(logged_in) == 1
    else:
        assert logged_in == []
    refused = [r for r in results if r.locked]
    assert len(refused) >= len(passwords) - MAX_FAILED_LOGINS
    if len(wrong_checked) == MAX_FAILED_LOGINS:
        assert store.authenticate("anna", PASSWORD, "10.8.0.1").locked


def test_lockouts_expire_and_grow(any_store: HandoverStore, clock: Clock) -> None:
    """A lock-out ends by itself: 15 minutes, then 30, 60, ... (at most 24 hours)."""
    store = any_store
    _seed_anna(store)
    assert [lockout_duration(n) for n in range(4)] == [LOCKOUT * f for f in (1, 2, 4, 8)]
    assert lockout_duration(20) == MAX_LOCKOUT

    def fail_five() -> None:
        for n in range(MAX_FAILED_LOGINS):
            result = store.authenticate("anna", "fout", f"10.9.0.{n}")
            assert result.account is None
        assert result.locked

    for expected in (LOCKOUT, 2 * LOCKOUT, 4 * LOCKOUT):
        fail_five()
        result = store.authenticate("anna", PASSWORD, "10.9.1.1")
        assert result.locked and result.retry_after == expected
        clock.advance(expected - timedelta(seconds=1))
        store.purge_housekeeping()  # housekeeping must not forget a running lock's history
        assert store.authenticate("anna", PASSWORD, "10.9.1.2").locked
        clock.advance(timedelta(seconds=2))
    # Expired: the right password works, and that clears the account's history.
    assert store.authenticate("anna", PASSWORD, "10.9.1.3").account is not None
    fail_five()
    assert store.authenticate("anna", PASSWORD, "10.9.1.4").retry_after == LOCKOUT
    # A day without lock-outs also starts again at 15 minutes; an admin can unlock.
    assert store.unlock("anna") is True
    assert store.authenticate("anna", PASSWORD, "10.9.1.5").account is not None


def test_ip_lockouts_grow_and_a_quiet_day_resets_them(
    any_store: HandoverStore, clock: Clock
) -> None:
    store = any_store
    _seed_anna(store)
    for expected in (LOCKOUT, 2 * LOCKOUT):
        for n in range(MAX_FAILED_LOGINS):
            store.authenticate(f"iemand-{n}", "fout", "203.0.113.9")
        assert store.authenticate("anna", PASSWORD, "203.0.113.9").retry_after == expected
        clock.advance(expected + timedelta(seconds=1))
    clock.advance(timedelta(hours=25))
    store.purge_housekeeping()
    for n in range(MAX_FAILED_LOGINS):
        store.authenticate(f"iemand-{n}", "fout", "203.0.113.9")
    assert store.authenticate("anna", PASSWORD, "203.0.113.9").retry_after == LOCKOUT


async def _login_form(client, ip: str) -> Dict[str, str]:  # noqa: ANN001 - TestClient
    page = await client.get("/login", headers={"X-Forwarded-For": ip})
    return {"csrf_token": csrf_of(await page.text())}


@pytest.mark.anyio
async def test_parallel_logins_over_http_check_at_most_five_passwords(
    make_client: MakeClient, store: HandoverStore, seeded: Seed
) -> None:
    """The same race through the real review server: 32 browsers post at once."""
    store.hasher = SLOW_HASHER
    store.set_password("anna", PASSWORD)  # a hash that takes real time to check
    clients = [await make_client() for _ in range(32)]
    forms = [await _login_form(client, f"10.20.{n}.1") for n, client in enumerate(clients)]
    passwords = [f"fout wachtwoord {n}" for n in range(31)] + [PASSWORD]

    async def attempt(n: int) -> int:
        data = {**forms[n], "username": "anna", "password": passwords[n]}
        response = await clients[n].post(
            "/login", data=data, headers={"X-Forwarded-For": f"10.20.{n}.1"},
            allow_redirects=False,
        )
        return response.status

    statuses = await asyncio.gather(*(attempt(n) for n in range(32)))
    actions = [e.action for e in store.audit_entries("gem-ams") if e.username == "anna"]
    checked = actions.count("login_failed") + actions.count("login")
    assert checked <= MAX_FAILED_LOGINS, f"{checked} passwords checked: {statuses}"
    assert statuses.count(429) >= 32 - MAX_FAILED_LOGINS
    if actions.count("login") == 0:
        assert statuses[-1] == 429  # the right password came too late: locked


# ------------------------------------------------------- point 6: client IP and proxies


@pytest.mark.anyio
async def test_forwarded_for_only_from_a_trusted_proxy(
    make_app_client: MakeAppClient, seeded: Seed
) -> None:
    """A client that talks to the app directly cannot pick its IP with X-Forwarded-For."""
    client = await make_app_client(
        ReviewConfig(trusted_proxies=("10.99.0.1",), insecure_dev_cookies=True,
                     purge_interval=None)
    )
    for n in range(MAX_FAILED_LOGINS):
        response = await login(client, f"iemand-{n}", "fout", ip=f"198.51.100.{n}")
        assert response.status in (401, 429)
    # Another "IP" and a real account: still the same peer (127.0.0.1), so locked.
    response = await login(client, "bram", PASSWORD, ip="198.51.100.200")
    assert response.status == 429
    page = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in page.headers  # nor HTTPS from an untrusted peer


@pytest.mark.anyio
async def test_forwarded_for_from_a_trusted_proxy(
    make_app_client: MakeAppClient, seeded: Seed
) -> None:
    client = await make_app_client(
        ReviewConfig(trusted_proxies=("127.0.0.1",), insecure_dev_cookies=True,
                     purge_interval=None)
    )
    for n in range(MAX_FAILED_LOGINS):
        await login(client, f"iemand-{n}", "fout", ip="198.51.100.7")
    assert (await login(client, "bram", PASSWORD, ip="198.51.100.7")).status == 429
    assert (await login(client, "bram", PASSWORD, ip="198.51.100.8")).status == 303
    page = await client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"


class _FakeRequest:
    def __init__(self, app, remote: str, forwarded: str) -> None:  # noqa: ANN001
        self.app = app
        self.remote = remote
        self.headers = {"X-Forwarded-For": forwarded}


def test_client_ip_takes_the_right_most_untrusted_hop() -> None:
    from handover.review.app import CONFIG_KEY, PROXIES_KEY

    config = ReviewConfig(trusted_proxies=("10.0.0.0/24", "::1"))
    app = {CONFIG_KEY: config, PROXIES_KEY: config.proxy_networks()}
    cases = [
        ("10.0.0.5", "1.2.3.4, 5.6.7.8, 10.0.0.7", "5.6.7.8"),  # spoofed 1.2.3.4 ignored
        ("10.0.0.5", "", "10.0.0.5"),
        ("10.0.0.5", "10.0.0.8", "10.0.0.5"),  # only proxies: the peer
        ("10.0.0.5", "not-an-ip", "10.0.0.5"),
        ("::1", "2001:db8::1", "2001:db8::1"),
        ("192.0.2.1", "5.6.7.8", "192.0.2.1"),  # not a trusted proxy: header ignored
    ]
    for remote, forwarded, expected in cases:
        assert client_ip(_FakeRequest(app, remote, forwarded)) == expected, (remote, forwarded)
    assert ReviewConfig(behind_proxy=True).proxy_networks()[0].with_prefixlen == "127.0.0.1/32"
    assert ReviewConfig().proxy_networks() == []


# --------------------------------------------------------------- point 13: cookies


def _set_cookies(response) -> Dict[str, str]:  # noqa: ANN001 - aiohttp response
    found: Dict[str, str] = {}
    for header in response.headers.getall("Set-Cookie", []):
        found[header.split("=", 1)[0]] = header
    return found


@pytest.mark.anyio
async def test_cookies_are_always_secure_with_the_host_prefix(
    make_app_client: MakeAppClient, seeded: Seed
) -> None:
    """Plain http, no proxy: before, the cookies had no Secure flag at all."""
    client = await make_app_client(ReviewConfig(purge_interval=None))
    page = await client.get("/login")
    cookies = _set_cookies(page)
    assert list(cookies) == ["__Host-review_login_csrf"]
    csrf_cookie = cookies["__Host-review_login_csrf"]
    for part in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert part in csrf_cookie, part
    assert "Domain" not in csrf_cookie
    token = csrf_of(await page.text())
    jar = SimpleCookie()
    jar.load(csrf_cookie)
    # A browser on https (or on localhost) sends the cookie back; the test client does not
    # send Secure cookies over http, so it goes in by hand.
    sent = {"Cookie": f"__Host-review_login_csrf={jar['__Host-review_login_csrf'].value}"}
    response = await client.post(
        "/login", data={"csrf_token": token, "username": "anna", "password": PASSWORD},
        headers=sent, allow_redirects=False,
    )
    assert response.status == 303
    cookies = _set_cookies(response)
    session = cookies["__Host-review_session"]
    for part in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert part in session, part
    assert "Domain" not in session
    assert "review_session" not in [name for name in cookies if not name.startswith("__Host-")]
    jar.load(session)
    value = jar["__Host-review_session"].value
    page = await client.get("/overdrachten", headers={"Cookie": f"__Host-review_session={value}"},
                            allow_redirects=False)
    assert page.status == 200
    # The unprefixed name is not accepted: a cookie set by http or by another host is no use.
    page = await client.get("/overdrachten", headers={"Cookie": f"review_session={value}"},
                            allow_redirects=False)
    assert page.status == 303


@pytest.mark.anyio
async def test_local_development_exception_is_explicit(
    make_app_client: MakeAppClient, seeded: Seed
) -> None:
    client = await make_app_client(ReviewConfig(insecure_dev_cookies=True, purge_interval=None))
    page = await client.get("/login")
    cookie = _set_cookies(page)["review_login_csrf"]
    assert "Secure" not in cookie and "HttpOnly" in cookie and "Path=/" in cookie


def test_insecure_dev_cookies_only_on_a_loopback_address(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "HANDOVER_DB_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    result = subprocess.run(
        [sys.executable, "-m", "handover.review", "--host", "0.0.0.0", "--insecure-dev-cookies"],
        env=env, capture_output=True, text=True, timeout=60, cwd=str(tmp_path),
    )
    assert result.returncode == 2
    assert "only for local development" in result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "handover.review", "--trusted-proxy", "not-an-address"],
        env=env, capture_output=True, text=True, timeout=60, cwd=str(tmp_path),
    )
    assert result.returncode == 2 and "trusted proxies" in result.stderr


# ------------------------------------------------- point 12: patterns-only is shown


@pytest.mark.anyio
async def test_patterns_only_handover_is_marked_in_the_review_app(
    make_client: MakeClient, store: HandoverStore, seeded: Seed, tmp_path: Path
) -> None:
    """When deduce cannot load, the handover goes on with patterns only and says so."""
    from handover.redact import Redactor
    from tests.review.conftest import logged_in

    broken = Redactor(config_path=tmp_path / "missing.json", cache_dir=tmp_path)
    turns = broken.redact_transcript(
        [{"speaker": "user", "text": "Mijn buurvrouw Gerdina helpt, bel 06-12345678"}]
    )
    handover_id = store.create_handover(
        "person-patterns", "gem-ams", "GM0363", "summary_transcript",
        {"needs": ["debts"], "text": "Schulden"}, turns, {"phone": "[telefoon]"},
    )
    stored = store.handovers_for("person-patterns")[0]
    assert stored.redaction == "patterns" and stored.patterns_only
    assert store.handovers_for("person-ams")[0].redaction is None  # unknown: no mark
    with pytest.raises(ValueError):
        store.create_handover("p", "gem-ams", "GM0363", "summary", {}, [], {"via_chat": True},
                              redaction="magic")
    client = await logged_in(make_client, "anna")
    detail = await (await client.get(f"/overdrachten/{handover_id}")).text()
    assert "alleen patronen, naam-herkenning niet beschikbaar" in detail
    assert 'id="redaction-warning"' in detail
    listing = await (await client.get("/overdrachten")).text()
    row = listing.split(f'data-id="{handover_id}"', 1)[1].split("</tr>", 1)[0]
    assert "alleen patronen, naam-herkenning niet beschikbaar" in row
    other = await (await client.get(f"/overdrachten/{seeded.ams}")).text()
    assert "naam-herkenning niet beschikbaar" not in other


def test_old_databases_get_the_new_columns(tmp_path: Path) -> None:
    """A database made before issue #17 gets `redaction` and `lockouts` at start-up."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE handover_login_throttle (key VARCHAR(200) PRIMARY KEY, "
            "failures INTEGER NOT NULL, window_start DATETIME NOT NULL, locked_until DATETIME)"
        )
        conn.exec_driver_sql(
            "INSERT INTO handover_login_throttle VALUES ('user:anna', 2, '2026-03-02 09:00:00', "
            "NULL)"
        )
    engine.dispose()
    store = HandoverStore(url, password_hasher=FAST_HASHER)
    try:
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns(
            "handover_login_throttle")}
        assert "lockouts" in columns
        columns = {c["name"] for c in sa.inspect(store.engine).get_columns("handover_handovers")}
        assert "redaction" in columns
        HandoverStore(url, password_hasher=FAST_HASHER).dispose()  # a second start is fine
    finally:
        store.dispose()


def test_admin_can_lift_a_lockout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from handover import store as store_module
    from scripts import handover_admin

    url = f"sqlite:///{tmp_path / 'h.db'}"
    store = HandoverStore(url, password_hasher=FAST_HASHER)
    monkeypatch.setitem(store_module._STORES, url, store)
    _seed_anna(store)
    for n in range(MAX_FAILED_LOGINS):
        store.authenticate("anna", "fout", f"10.11.0.{n}")
    assert store.authenticate("anna", PASSWORD, "10.11.1.1").locked
    assert handover_admin.main(["--db-url", url, "unlock-user", "--username", "Anna"]) == 0
    assert "cleared" in capsys.readouterr().out
    assert store.authenticate("anna", PASSWORD, "10.11.1.1").account is not None
    store.dispose()
