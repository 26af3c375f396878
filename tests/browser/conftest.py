"""Fixtures for the web chat tests: servers in a background event loop and headless Chromium.

- ``loop``: one asyncio loop in a thread for the whole session; servers run there, tests
  stay synchronous (urllib and the WebDriver client in ``webdriver.py``).
- ``fake_rasa``: a small stand-in for Rasa's REST channel (canned answers, slow and broken
  modes, records what it got), for fast UI and server tests without a trained model.
- ``hosts``: two "other sites" on their own ports that embed the widget: ``allowed`` is in
  ``WEBCHAT_ALLOWED_ORIGINS`` of the test chat servers, ``denied`` is not.
- ``browser``: headless Chromium through ChromeDriver; fails (never skips) when missing.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Iterator, List, TypeVar

import pytest
from aiohttp import web

from tests.browser.webdriver import Browser, BrowserMissing, find_binaries
from webchat.config import WebchatSettings
from webchat.server import create_app

T = TypeVar("T")

ERASED_TEXT = "Klaar. Ik heb alles van dit gesprek gewist. Je kunt altijd opnieuw beginnen."
NOT_ERASED_TEXT = "Sorry, er ging iets mis. Probeer het zo nog eens."
HOSTILE_TEXT = (
    '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> '
    "**vet** _schuin_ [klik](javascript:window.__pwned=3) <b>dik</b>"
)


class Loop:
    """An asyncio event loop in a daemon thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Awaitable[T], timeout: float = 30.0) -> T:
        """Run ``coro`` on the loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)  # type: ignore[arg-type]

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@dataclass
class RunningApp:
    """An aiohttp app started on 127.0.0.1."""

    url: str
    runner: web.AppRunner
    app: web.Application

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


async def _start(app: web.Application) -> RunningApp:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    # A short shutdown: the browser keeps idle keep-alive connections open.
    site = web.TCPSite(runner, "127.0.0.1", 0, shutdown_timeout=0.5)
    await site.start()
    port = runner.addresses[0][1]
    return RunningApp(f"http://127.0.0.1:{port}", runner, app)


def start_app(loop: Loop, app: web.Application) -> RunningApp:
    """Start ``app`` on a free port of 127.0.0.1 in ``loop``."""
    return loop.run(_start(app))


def stop_app(loop: Loop, running: RunningApp) -> None:
    loop.run(running.runner.cleanup())


@pytest.fixture(scope="session")
def loop() -> Iterator[Loop]:
    background = Loop()
    yield background
    background.close()


# -- fake Rasa ------------------------------------------------------------------------------


@dataclass
class FakeRasa:
    """Canned answers by text; ``mode``: ``ok``, ``error`` (500), ``garbage`` or ``drop``."""

    url: str = ""
    mode: str = "ok"
    delay: float = 0.0
    erase_confirms: bool = True  # False: "/affirm" gets an answer without the erase marker
    received: List[Dict[str, Any]] = field(default_factory=list)

    def answer(self, message: str) -> List[Dict[str, Any]]:
        """The reply of the fake bot to ``message``."""
        if message == "/vergeetmij":
            return [
                {
                    "text": "Wil je echt alles van dit gesprek wissen?",
                    "buttons": [
                        {"title": "Ja, wis alles", "payload": "/affirm"},
                        {"title": "Nee, niet wissen", "payload": "/deny"},
                    ],
                }
            ]
        if message == "/affirm":
            if not self.erase_confirms:  # e.g. the action server was down: nothing erased
                return [{"text": NOT_ERASED_TEXT}]
            # What the REST channel answers when it really erased: the confirmation text and
            # the bot's explicit custom payload.
            return [{"text": ERASED_TEXT}, {"custom": {"erase_conversation": True}}]
        if message == "knoppen":
            return [
                {
                    "text": "Mag ik vragen voor wie je dit vraagt?",
                    "buttons": [
                        {"title": "Voor mijn kind", "payload": '/inform{"role":"parent"}'},
                        {"title": "Voor mezelf", "payload": '/inform{"role":"youth"}'},
                    ],
                }
            ]
        if message == "vijandig":
            return [{"text": HOSTILE_TEXT}]
        if message == "links":
            return [
                {"text": "Kijk op https://www.leergeld.nl. Of bel 113 of gratis 0800-0113."},
                {"text": "Nog een bericht.", "image": "https://example.org/plaatje.png"},
            ]
        if message.startswith('/inform{"role"'):
            return [{"text": "Dank je. Hoe oud is je kind?"}]
        return [{"text": f"Je zei: {message}"}]

    def app(self) -> web.Application:
        async def webhook(request: web.Request) -> web.StreamResponse:
            data = await request.json()
            self.received.append(data)
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.mode == "error":
                return web.Response(status=500, text="boom")
            if self.mode == "garbage":
                return web.json_response({"not": "a list"})
            if self.mode == "drop":
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            messages = self.answer(str(data.get("message")))
            for message in messages:
                message["recipient_id"] = data.get("sender")
            return web.json_response(messages)

        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        return app

    def reset(self) -> None:
        self.mode = "ok"
        self.delay = 0.0
        self.erase_confirms = True
        self.received.clear()

    def senders(self) -> List[str]:
        return [str(r.get("sender")) for r in self.received]


@pytest.fixture(scope="session")
def fake_rasa_server(loop: Loop) -> Iterator[FakeRasa]:
    fake = FakeRasa()
    running = start_app(loop, fake.app())
    fake.url = running.url
    yield fake
    stop_app(loop, running)


@pytest.fixture
def fake_rasa(fake_rasa_server: FakeRasa) -> Iterator[FakeRasa]:
    """The session's fake Rasa, reset for each test."""
    fake_rasa_server.reset()
    yield fake_rasa_server
    fake_rasa_server.reset()


# -- other sites that embed the widget ------------------------------------------------------


# A hostile script on the host site that runs before the widget: it catches every shadow
# root the page creates (also closed ones), to reach whatever the widget puts in there.
SNOOP_SCRIPT = """<script>
window.__roots = [];
const realAttachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  const root = realAttachShadow.call(this, init);
  window.__roots.push(root);
  return root;
};
</script>"""


def host_page(chat_url: str, crossorigin: bool) -> str:
    """A plain 'municipal' page with the one-line embed code of the widget."""
    attr = ' crossorigin="anonymous"' if crossorigin else ""
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Gemeente Testdorp</title>
<style>html {{ font-size: 62.5%; }} button {{ background: hotpink; }}</style>
{SNOOP_SCRIPT}</head>
<body><h1>Gemeente Testdorp</h1><p>Welkom op onze site.</p>
<script>window.widgetState = "loading";</script>
<script src="{chat_url}/widget.js"{attr} async
  onload="window.widgetState = 'loaded'" onerror="window.widgetState = 'error'"></script>
</body></html>"""


@dataclass
class Hosts:
    """Two test sites: ``allowed`` and ``denied`` (base URLs, different ports = origins)."""

    allowed: str
    denied: str

    def page(self, site: str, chat_url: str, crossorigin: bool = True) -> str:
        flag = "1" if crossorigin else "0"
        return f"{site}/gemeente.html?chat={chat_url}&cors={flag}"


def _host_app() -> web.Application:
    async def page(request: web.Request) -> web.Response:
        chat = request.query.get("chat", "")
        cors = request.query.get("cors", "1") == "1"
        return web.Response(text=host_page(chat, cors), content_type="text/html")

    app = web.Application()
    app.router.add_get("/gemeente.html", page)
    return app


@pytest.fixture(scope="session")
def hosts(loop: Loop) -> Iterator[Hosts]:
    allowed = start_app(loop, _host_app())
    denied = start_app(loop, _host_app())
    yield Hosts(allowed.url, denied.url)
    stop_app(loop, allowed)
    stop_app(loop, denied)


# -- chat servers ---------------------------------------------------------------------------

ChatFactory = Callable[..., RunningApp]


def make_settings(rasa_url: str, **overrides: Any) -> WebchatSettings:
    """Settings for a test chat server: generous rate limits, short Rasa timeout."""
    values: Dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "rasa_url": rasa_url,
        "rasa_timeout": 5.0,
        "rasa_connect_timeout": 1.0,
        "rate_burst": 100,
        "rate_per_minute": 600.0,
        "ip_rate_burst": 200,
        "ip_rate_per_minute": 1200.0,
    }
    values.update(overrides)
    return WebchatSettings(**values)


@pytest.fixture
def chat_server(loop: Loop) -> Iterator[ChatFactory]:
    """Start chat servers with given settings; all are stopped after the test."""
    started: List[RunningApp] = []

    def factory(rasa_url: str, **overrides: Any) -> RunningApp:
        running = start_app(loop, create_app(make_settings(rasa_url, **overrides)))
        started.append(running)
        return running

    yield factory
    for running in started:
        stop_app(loop, running)


@pytest.fixture(scope="session")
def fake_chat(loop: Loop, fake_rasa_server: FakeRasa, hosts: Hosts) -> Iterator[RunningApp]:
    """One chat server for the UI tests: fake Rasa, the ``allowed`` host may embed it."""
    settings = make_settings(fake_rasa_server.url, allowed_origins=(hosts.allowed,))
    running = start_app(loop, create_app(settings))
    yield running
    stop_app(loop, running)


# -- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> None:
    """Fail with a clear message when Chromium or ChromeDriver is missing (never skip)."""
    problem = ""
    try:
        find_binaries()
    except BrowserMissing as exc:
        problem = str(exc)
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def browser_session(chromium: None) -> Iterator[Browser]:
    browser = Browser.start(width=1280, height=900)
    yield browser
    browser.quit()


@pytest.fixture
def browser(browser_session: Browser, request: pytest.FixtureRequest) -> Iterator[Browser]:
    """The session's browser at desktop size with empty storage; a screenshot on failure."""
    browser_session.set_window_size(1280, 900)
    browser_session.get("about:blank")
    yield browser_session
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        path = f"/tmp/webchat-{request.node.name}.png"
        try:
            browser_session.screenshot(path)
            print(f"screenshot: {path}\nconsole: {json.dumps(browser_session.console_log())}")
        except Exception as exc:  # noqa: BLE001 - diagnostics only
            print(f"no screenshot: {exc}")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]

