"""A tiny W3C WebDriver client for headless Chromium (urllib + json, no Selenium).

Selenium is not used on purpose: its dependency ``trio`` upgrades ``attrs`` past what Rasa
pins. This module only needs the standard library and ``/usr/bin/chromedriver``.

Usage::

    with Browser.start() as browser:
        browser.get("http://127.0.0.1:8080/")
        field = browser.wait_for_element("#gz-input")
        browser.type(field, "hallo" + Keys.ENTER)
        browser.wait_until(lambda: "hoi" in browser.text(browser.find(".gz-msg-bot")), "bot")

When Chromium or ChromeDriver is missing, :func:`find_binaries` raises
:class:`BrowserMissing` with a message that says to run ``scripts/setup_browser.sh``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
SHADOW_KEY = "shadow-6066-11e4-a52e-4f735466cecf"
SETUP_HINT = (
    "Install them with `scripts/setup_browser.sh` (apt-get install chromium chromium-driver)."
)

CHROME_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--lang=nl-NL",
)

T = TypeVar("T")


class BrowserMissing(RuntimeError):
    """Chromium or ChromeDriver is not installed."""


class WebDriverError(RuntimeError):
    """ChromeDriver answered with a W3C error."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(f"{error}: {message}")
        self.error = error
        self.message = message


class Keys:
    """W3C key codes for :meth:`Browser.type`."""

    ENTER = "\ue007"
    TAB = "\ue004"
    ESCAPE = "\ue00c"
    SPACE = "\ue00d"
    SHIFT = "\ue008"
    BACKSPACE = "\ue003"


def find_binaries() -> Tuple[str, str]:
    """Return the paths of Chromium and ChromeDriver (``CHROMIUM_BIN``/``CHROMEDRIVER_BIN``).

    Raises:
        BrowserMissing: when either is not installed.
    """
    chromium = os.environ.get("CHROMIUM_BIN") or shutil.which("chromium") or "/usr/bin/chromium"
    driver = (
        os.environ.get("CHROMEDRIVER_BIN")
        or shutil.which("chromedriver")
        or "/usr/bin/chromedriver"
    )
    missing = [name for name, path in (("chromium", chromium), ("chromedriver", driver))
               if not (Path(path).is_file() and os.access(path, os.X_OK))]
    if missing:
        raise BrowserMissing(
            f"Browser tests need {' and '.join(missing)}, which is not installed. {SETUP_HINT}"
        )
    return chromium, driver


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Element:
    """A reference to a DOM element in the browser (also inside open shadow roots)."""

    def __init__(self, browser: Browser, element_id: str) -> None:
        self.browser = browser
        self.id = element_id

    def to_json(self) -> Dict[str, str]:
        """The W3C JSON form, for script arguments."""
        return {ELEMENT_KEY: self.id}

    def __repr__(self) -> str:
        return f"Element({self.id[:8]})"


class Browser:
    """One ChromeDriver process with one browser session."""

    def __init__(self, driver: subprocess.Popen, port: int, profile: str) -> None:
        self._driver = driver
        self._base = f"http://127.0.0.1:{port}"
        self._profile = profile
        self.session_id = ""

    # -- life cycle ---------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        width: int = 1280,
        height: int = 900,
        extra_args: Tuple[str, ...] = (),
        timeout: float = 30.0,
    ) -> Browser:
        """Start ChromeDriver and a headless Chromium with a fresh profile."""
        chromium, driver_path = find_binaries()
        port = _free_port()
        profile = tempfile.mkdtemp(prefix="chromium-profile-")
        log_path = Path(profile) / "chromedriver.log"
        with log_path.open("ab") as log:  # the child keeps its own copy of the handle
            driver = subprocess.Popen(
                [driver_path, f"--port={port}", "--allowed-ips=127.0.0.1"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        browser = cls(driver, port, profile)
        try:
            browser._wait_driver_ready(timeout, log_path)
            args = [*CHROME_ARGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
            capabilities = {
                "capabilities": {
                    "alwaysMatch": {
                        "browserName": "chrome",
                        "pageLoadStrategy": "normal",
                        "timeouts": {"script": 30000, "pageLoad": 30000, "implicit": 0},
                        "goog:chromeOptions": {"binary": chromium, "args": [*args, *extra_args]},
                        "goog:loggingPrefs": {"browser": "ALL"},
                    }
                }
            }
            value = browser._request("POST", "/session", capabilities, timeout=timeout)
            browser.session_id = value["sessionId"]
        except Exception:
            browser.quit()
            raise
        return browser

    def _wait_driver_ready(self, timeout: float, log_path: Path) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._driver.poll() is not None:
                raise BrowserMissing(
                    f"chromedriver exited at start: {log_path.read_text(errors='replace')[-2000:]}"
                )
            try:
                value = self._request("GET", "/status", timeout=2)
                if value.get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            time.sleep(0.1)
        raise BrowserMissing(f"chromedriver did not start within {timeout:.0f}s")

    def quit(self) -> None:
        """End the session and stop ChromeDriver (and so Chromium)."""
        if self.session_id:
            with contextlib.suppress(OSError, WebDriverError):
                self._request("DELETE", f"/session/{self.session_id}", timeout=10)
            self.session_id = ""
        if self._driver.poll() is None:
            self._driver.terminate()
            try:
                self._driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._driver.kill()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.quit()

    # -- protocol -----------------------------------------------------------------------

    def _request(
        self, method: str, path: str, body: Optional[dict] = None, timeout: float = 60.0
    ) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        if method == "POST" and data is None:
            data = b"{}"
        request = urllib.request.Request(
            self._base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                payload = json.loads(reply.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as exc:
            try:
                payload = json.loads(exc.read().decode("utf-8") or "{}")
            except ValueError:
                raise WebDriverError("http error", f"{exc.code} {exc.reason}") from exc
            value = payload.get("value") or {}
            raise WebDriverError(
                str(value.get("error", exc.code)), str(value.get("message", ""))[:2000]
            ) from exc
        return payload.get("value")

    def _session(self, method: str, path: str, body: Optional[dict] = None) -> Any:
        return self._request(method, f"/session/{self.session_id}{path}", body)

    def _wrap(self, value: Any) -> Any:
        if isinstance(value, dict) and ELEMENT_KEY in value:
            return Element(self, value[ELEMENT_KEY])
        if isinstance(value, list):
            return [self._wrap(v) for v in value]
        if isinstance(value, dict):
            return {k: self._wrap(v) for k, v in value.items()}
        return value

    @staticmethod
    def _unwrap(value: Any) -> Any:
        if isinstance(value, Element):
            return value.to_json()
        if isinstance(value, (list, tuple)):
            return [Browser._unwrap(v) for v in value]
        if isinstance(value, dict):
            return {k: Browser._unwrap(v) for k, v in value.items()}
        return value

    # -- navigation ---------------------------------------------------------------------

    def get(self, url: str) -> None:
        """Open ``url`` and wait for the page load."""
        self._session("POST", "/url", {"url": url})

    def refresh(self) -> None:
        """Reload the page."""
        self._session("POST", "/refresh")

    @property
    def url(self) -> str:
        """The current URL."""
        return str(self._session("GET", "/url"))

    def set_window_size(self, width: int, height: int) -> None:
        """Resize the browser window."""
        self._session("POST", "/window/rect", {"width": width, "height": height})

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG screenshot of the viewport."""
        data = self._session("GET", "/screenshot")
        target = Path(path)
        target.write_bytes(base64.b64decode(data))
        return target

    def console_log(self) -> List[dict]:
        """Browser console entries since the last call (ChromeDriver's log endpoint)."""
        try:
            return list(self._session("POST", "/se/log", {"type": "browser"}) or [])
        except WebDriverError:
            return []

    # -- scripts ------------------------------------------------------------------------

    def execute(self, script: str, *args: Any) -> Any:
        """Run ``script`` (a function body; ``arguments`` holds ``args``); return its value."""
        value = self._session(
            "POST", "/execute/sync", {"script": script, "args": self._unwrap(list(args))}
        )
        return self._wrap(value)

    def execute_async(self, script: str, *args: Any) -> Any:
        """Run ``script``; it calls ``arguments[arguments.length - 1](value)`` when done."""
        value = self._session(
            "POST", "/execute/async", {"script": script, "args": self._unwrap(list(args))}
        )
        return self._wrap(value)

    # -- elements -----------------------------------------------------------------------

    def find(self, css: str, root: Optional[Element] = None) -> Element:
        """The first element matching ``css`` (raises ``WebDriverError`` if none)."""
        path = f"/element/{root.id}/element" if root else "/element"
        value = self._session("POST", path, {"using": "css selector", "value": css})
        return Element(self, value[ELEMENT_KEY])

    def find_all(self, css: str, root: Optional[Element] = None) -> List[Element]:
        """All elements matching ``css``."""
        path = f"/element/{root.id}/elements" if root else "/elements"
        values = self._session("POST", path, {"using": "css selector", "value": css})
        return [Element(self, v[ELEMENT_KEY]) for v in values]

    def shadow_find(self, host_css: str, css: str) -> Element:
        """The first element matching ``css`` inside the open shadow root of ``host_css``."""
        host = self.find(host_css)
        shadow = self._session("GET", f"/element/{host.id}/shadow")
        value = self._session(
            "POST",
            f"/shadow/{shadow[SHADOW_KEY]}/element",
            {"using": "css selector", "value": css},
        )
        return Element(self, value[ELEMENT_KEY])

    def switch_to_frame(self, frame: Optional[Element]) -> None:
        """Run further commands in the iframe ``frame`` (``None``: the top-level page)."""
        self._session("POST", "/frame", {"id": frame.to_json() if frame else None})

    def click(self, element: Element) -> None:
        """Click ``element`` like a person (scrolls it into view first)."""
        self._session("POST", f"/element/{element.id}/click")

    def type(self, element: Element, text: str) -> None:
        """Type ``text`` into ``element`` (use :class:`Keys` for Enter, Tab ...)."""
        self._session("POST", f"/element/{element.id}/value", {"text": text})

    def clear(self, element: Element) -> None:
        """Empty an input field."""
        self._session("POST", f"/element/{element.id}/clear")

    def press(self, *keys: str) -> None:
        """Press keys on whatever has the focus (W3C key actions)."""
        actions: List[dict] = []
        for key in keys:
            actions += [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        self._session(
            "POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions": actions}]}
        )
        self._session("DELETE", "/actions")

    def chord(self, *keys: str) -> None:
        """Hold ``keys`` together, e.g. ``chord(Keys.SHIFT, Keys.TAB)``."""
        actions = [{"type": "keyDown", "value": k} for k in keys]
        actions += [{"type": "keyUp", "value": k} for k in reversed(keys)]
        self._session(
            "POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions": actions}]}
        )
        self._session("DELETE", "/actions")

    def text(self, element: Element) -> str:
        """The rendered text of ``element``."""
        return str(self._session("GET", f"/element/{element.id}/text"))

    def attribute(self, element: Element, name: str) -> Optional[str]:
        """An attribute of ``element`` (``None`` if absent)."""
        return self._session("GET", f"/element/{element.id}/attribute/{name}")

    def prop(self, element: Element, name: str) -> Any:
        """A DOM property of ``element``."""
        return self._wrap(self._session("GET", f"/element/{element.id}/property/{name}"))

    def is_displayed(self, element: Element) -> bool:
        """Whether ``element`` is visible."""
        return bool(self._session("GET", f"/element/{element.id}/displayed"))

    def rect(self, element: Element) -> Dict[str, float]:
        """``x``, ``y``, ``width`` and ``height`` of ``element`` in CSS pixels."""
        return dict(self._session("GET", f"/element/{element.id}/rect"))

    def active_element(self) -> Element:
        """The element that has the keyboard focus."""
        value = self._session("GET", "/element/active")
        return Element(self, value[ELEMENT_KEY])

    def same(self, first: Element, second: Element) -> bool:
        """Whether two references point to the same DOM node."""
        return bool(self.execute("return arguments[0] === arguments[1];", first, second))

    # -- waiting ------------------------------------------------------------------------

    def wait_until(
        self,
        condition: Callable[[], Optional[T]],
        what: str,
        timeout: float = 15.0,
        interval: float = 0.1,
    ) -> T:
        """Poll ``condition`` until it returns a truthy value; fail with ``what`` on timeout.

        ``WebDriverError`` inside the condition (e.g. no such element yet) counts as not yet.
        """
        deadline = time.monotonic() + timeout
        last_error: Optional[Exception] = None
        while True:
            try:
                value = condition()
                if value:
                    return value
            except WebDriverError as exc:
                last_error = exc
            if time.monotonic() >= deadline:
                detail = f" (last error: {last_error})" if last_error else ""
                raise AssertionError(f"Timed out after {timeout:.0f}s waiting for {what}{detail}")
            time.sleep(interval)

    def wait_for_element(self, css: str, timeout: float = 15.0) -> Element:
        """Wait until an element matching ``css`` exists and is displayed."""

        def visible() -> Optional[Element]:
            element = self.find(css)
            return element if self.is_displayed(element) else None

        return self.wait_until(visible, f"a visible element {css!r}", timeout)
