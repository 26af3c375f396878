"""The review app in real headless Chromium (ChromeDriver over W3C WebDriver, no Selenium).

``python -m handover.review`` runs as its own process on a seeded SQLite database (seeded
with cheap argon2 hashes, which the server upgrades to its real parameters at login).
One test: no page without login; a reviewer logs in, opens a handover and marks it
"contact opgenomen"; a reviewer of another organisation cannot see it. Fails (never
skips) when Chromium or ChromeDriver is missing: install them with
``scripts/setup_browser.sh``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from handover.store import HandoverStore, accounts
from tests.browser.webdriver import Browser, BrowserMissing, find_binaries
from tests.review.conftest import (
    FAST_HASHER,
    PASSWORD,
    SECRET_PHONE,
    SECRET_SUMMARY,
    SECRET_TURN,
    Seed,
    seed,
)

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ReviewServer:
    """``python -m handover.review`` on a free port of 127.0.0.1."""

    def __init__(self, db_url: str, log_path: Path) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = dict(os.environ, HANDOVER_DB_URL=db_url, PYTHONPATH=str(ROOT))
        with log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "handover.review", "--port", str(self.port),
                 "--purge-interval", "0"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"review app exited:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=2):
                    return
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"review app did not start:\n{log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def browser() -> Iterator[Browser]:
    try:
        find_binaries()
    except BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    with Browser.start() as chromium:
        yield chromium


def _login(browser: Browser, base: str, username: str) -> None:
    browser.get(base + "/login")
    browser.type(browser.wait_for_element("#username"), username)
    browser.type(browser.find("#password"), PASSWORD)
    browser.click(browser.find("#login-submit"))
    browser.wait_until(lambda: browser.url.endswith("/overdrachten"), f"{username} logged in")


def _logout(browser: Browser, base: str) -> None:
    browser.click(browser.find("#logout"))
    browser.wait_until(lambda: browser.url == base + "/login", "back on /login after logout")


def _page(browser: Browser) -> str:
    return str(browser.execute("return document.documentElement.outerHTML;"))


def test_review_flow_in_chromium(browser: Browser, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'handover.db'}"
    store = HandoverStore(db_url, password_hasher=FAST_HASHER)
    ids: Seed = seed(store)
    server = ReviewServer(db_url, tmp_path / "review.log")
    try:
        base = server.base
        protected = ["/", "/overdrachten", f"/overdrachten/{ids.ams}", "/audit", "/iets-anders"]
        for path in protected:
            browser.get(base + path)
            assert browser.url == base + "/login", path
            assert SECRET_SUMMARY not in _page(browser)

        _login(browser, base, "anna")
        row = browser.wait_for_element(f'tr[data-id="{ids.ams}"]')
        assert "Spoed" in browser.text(row) and "nieuw" in browser.text(row)
        assert not browser.find_all(f'tr[data-id="{ids.wijk}"]')
        browser.click(browser.find("a.open", root=row))
        browser.wait_until(lambda: browser.url == f"{base}/overdrachten/{ids.ams}", "detail")
        summary = browser.text(browser.wait_for_element("#summary"))
        assert SECRET_SUMMARY in summary
        assert SECRET_TURN in browser.text(browser.find("#transcript"))
        assert SECRET_PHONE in browser.text(browser.find("#contact"))
        # The <script> in the transcript is shown as text, never run (autoescape + CSP).
        assert browser.execute("return window.__pwned === undefined;")
        assert "<script>" in browser.text(browser.find("#transcript"))

        browser.click(browser.find("#status-contacted"))
        browser.wait_for_element("#saved")
        assert browser.text(browser.find("#current-status")) == "contact opgenomen"
        assert browser.prop(browser.find("#status-contacted"), "disabled") is True
        assert store.handovers_for("person-ams")[0].status == "contacted"
        _logout(browser, base)
        browser.get(f"{base}/overdrachten/{ids.ams}")
        assert browser.url == base + "/login"

        _login(browser, base, "bram")
        browser.wait_for_element(f'tr[data-id="{ids.wijk}"]')
        assert not browser.find_all(f'tr[data-id="{ids.ams}"]')
        browser.get(f"{base}/overdrachten/{ids.ams}")
        assert browser.text(browser.wait_for_element("h1")) == "Niet gevonden"
        page = _page(browser)
        for secret in (SECRET_SUMMARY, SECRET_TURN, SECRET_PHONE):
            assert secret not in page
        _logout(browser, base)

        for path in protected:
            browser.get(base + path)
            assert browser.url == base + "/login", path
        hashes = [a.username for a in store.list_accounts() if a.username in ("anna", "bram")]
        assert hashes == ["anna", "bram"]
        with store.engine.connect() as conn:
            upgraded = conn.execute(
                sa.select(accounts.c.password_hash).where(accounts.c.username.in_(hashes))
            ).scalars().all()
        assert all("m=65536" in h for h in upgraded)  # rehashed with the server's parameters
        actions = {(e.username, e.action) for e in store.audit_entries()}
        assert {("anna", "view"), ("anna", "status"), ("bram", "view_denied")} <= actions
    finally:
        server.stop()
        store.dispose()
