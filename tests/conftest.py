"""Shared fixtures: the real action server + Rasa server with the trained model.

``rasa_url`` starts both once per test session on free ports, with an SQLite tracker store
in a temporary folder, and yields the Rasa base URL. ``chat`` sends messages over the REST
channel. The model must exist (``make test`` trains it first).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "assistant.tar.gz"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env() -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT),
        TF_CPP_MIN_LOG_LEVEL="3",
        RASA_TELEMETRY_ENABLED="false",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    env.setdefault("PSEUDONYM_KEY", "test-key-" + "x" * 32)
    return env


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 240) -> None:
    start = time.time()
    while time.time() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server at {url} did not start; log:\n{log.read_text()[-3000:]}")


class Servers:
    """Handle on the running servers (so tests can restart or stop one)."""

    def __init__(self, workdir: Path, endpoints_text: str) -> None:
        self.workdir = workdir
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.endpoints = workdir / "endpoints.yml"
        self.endpoints.write_text(
            endpoints_text.replace("ACTION_URL", f"http://127.0.0.1:{self.action_port}/webhook"),
            encoding="utf-8",
        )
        self.env = server_env()
        self.env["HANDOVER_DB_URL"] = f"sqlite:///{workdir / 'handover.db'}"
        self.rasa: subprocess.Popen | None = None
        self.actions: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def start_actions(self) -> None:
        log = self.workdir / "actions.log"
        self.actions = subprocess.Popen(
            [
                str(BIN / "rasa"),
                "run",
                "actions",
                "--actions",
                "actions",
                "--port",
                str(self.action_port),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until_up(f"http://127.0.0.1:{self.action_port}/health", self.actions, log)

    def start_rasa(self) -> None:
        log = self.workdir / "rasa.log"
        self.rasa = subprocess.Popen(
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--endpoints",
                str(self.endpoints),
                "--credentials",
                str(ROOT / "rasa_project" / "credentials.yml"),
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--interface",
                "127.0.0.1",
            ],
            cwd=self.workdir,
            env=self.env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        wait_until_up(self.url + "/webhooks/rest/", self.rasa, log)

    @staticmethod
    def _stop(proc: subprocess.Popen | None) -> None:
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop_actions(self) -> None:
        self._stop(self.actions)

    def stop_rasa(self) -> None:
        self._stop(self.rasa)

    def stop(self) -> None:
        self.stop_rasa()
        self.stop_actions()

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.workdir.glob("*.log")))


def project_endpoints() -> str:
    """rasa_project/endpoints.yml (what `make serve` runs), with a placeholder action URL."""
    text = (ROOT / "rasa_project" / "endpoints.yml").read_text(encoding="utf-8")
    for default, placeholder in (('"http://127.0.0.1:5055/webhook"', '"ACTION_URL"'),
                                 ('"var/tracker.db"', '"tracker.db"')):
        assert default in text, f"rasa_project/endpoints.yml no longer has {default}"
        text = text.replace(default, placeholder)
    return text


SQLITE_ENDPOINTS = project_endpoints()


def start_servers(workdir: Path, endpoints_text: str = SQLITE_ENDPOINTS) -> Servers:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it).")
    # Rasa resolves the spaCy pipeline path relative to its working directory.
    (workdir / ".cache").mkdir(exist_ok=True)
    link = workdir / ".cache" / "spacy"
    if not link.exists():
        link.symlink_to(ROOT / ".cache" / "spacy")
    servers = Servers(workdir, endpoints_text)
    servers.start_actions()
    servers.start_rasa()
    return servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Action server + Rasa with an SQLite tracker store, once per test session."""
    running = start_servers(tmp_path_factory.mktemp("rasa"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def rasa_url(servers: Servers) -> str:
    """Base URL of the running Rasa server (REST channel at /webhooks/rest/webhook)."""
    return servers.url


def post_message(url: str, sender: str, text: object, timeout: float = 60) -> List[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    request = urllib.request.Request(
        url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return json.loads(reply.read().decode("utf-8"))


class Chat:
    """One conversation over the REST channel."""

    def __init__(self, url: str, sender: str | None = None) -> None:
        self.url = url
        self.sender = sender or "test-" + uuid.uuid4().hex[:12]
        self.replies: List[List[dict]] = []

    def say(self, text: object) -> str:
        messages = post_message(self.url, self.sender, text)
        self.replies.append(messages)
        return "\n".join(m.get("text") or "" for m in messages)

    def first(self) -> str:
        return (self.replies[-1][0].get("text") or "") if self.replies[-1] else ""


@pytest.fixture
def chat(rasa_url: str) -> Callable[..., Chat]:
    """Factory: ``chat()`` opens a fresh conversation."""
    return lambda sender=None: Chat(rasa_url, sender)
