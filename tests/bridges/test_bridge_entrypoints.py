"""``python -m bot_bridge.telegram`` / ``bot_bridge.whatsapp`` as real processes.

Configured only through an env file and flags, pointed at the fake servers; stopped with
SIGTERM, which must end them cleanly (exit code 0).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Dict

import httpx
import pytest

from bot_bridge.whatsapp import SIGNATURE_HEADER, signature_for
from tests.bridges.conftest import PSEUDONYM_KEY, WA_APP_SECRET, WA_VERIFY_TOKEN
from tests.bridges.fakes import (
    FakeGraph,
    FakeRasa,
    FakeTelegram,
    tg_text_update,
    wa_notification,
    wa_text,
)
from tests.conftest import free_port

pytestmark = pytest.mark.anyio

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def write_env(path: Path, values: Dict[str, str]) -> Path:
    path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    return path


def clean_env() -> Dict[str, str]:
    """The process environment without any bridge settings (the env file provides them)."""
    prefixes = ("TELEGRAM_", "WHATSAPP_", "RASA_", "BRIDGE_", "PSEUDONYM_KEY")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["PYTHONPATH"] = str(PROJECT_ROOT)
    return env


async def stop_process(process: asyncio.subprocess.Process) -> bytes:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    except asyncio.TimeoutError:
        process.kill()
        raise
    return stderr


async def test_whatsapp_process(
    tmp_path: Path, fake_rasa: FakeRasa, fake_graph: FakeGraph, http: httpx.AsyncClient
) -> None:
    port = free_port()
    env_file = write_env(
        tmp_path / "bridge.env",
        {
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "WHATSAPP_ACCESS_TOKEN": FakeGraph.ACCESS_TOKEN,
            "WHATSAPP_PHONE_NUMBER_ID": FakeGraph.PHONE_NUMBER_ID,
            "WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN,
            "WHATSAPP_APP_SECRET": WA_APP_SECRET,
            "WHATSAPP_GRAPH_VERSION": FakeGraph.VERSION,
        },
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot_bridge.whatsapp",
        "--env-file",
        str(env_file),
        "--port",
        str(port),
        "--graph-url",
        fake_graph.url,
        "--rasa-url",
        fake_rasa.url,
        cwd=str(tmp_path),
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if (await http.get(base + "/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the WhatsApp bridge did not start"
            assert process.returncode is None, "the WhatsApp bridge exited early"
            await asyncio.sleep(0.2)
        body = json.dumps(wa_notification([wa_text("wamid.p1", "31600000001", "hoi")])).encode()
        response = await http.post(
            base + "/whatsapp/webhook",
            content=body,
            headers={SIGNATURE_HEADER: signature_for(WA_APP_SECRET, body)},
        )
        assert response.status_code == 200
        [sent] = await fake_graph.wait_for(timeout=10)
        assert sent["to"] == "31600000001"
        assert sent["text"]["body"] == "echo: hoi"
    finally:
        stderr = await stop_process(process)
    assert process.returncode == 0, stderr.decode()
    assert b"31600000001" not in stderr  # the phone number is never logged


async def test_telegram_polling_process(
    tmp_path: Path, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    env_file = write_env(
        tmp_path / "bridge.env",
        {
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "TELEGRAM_BOT_TOKEN": FakeTelegram.TOKEN,
            "TELEGRAM_BASE_FILE_URL": fake_telegram.base_file_url,
            "RASA_URL": fake_rasa.url,
        },
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot_bridge.telegram",
        "--env-file",
        str(env_file),
        "--mode",
        "polling",
        "--base-url",
        fake_telegram.base_url,
        cwd=str(tmp_path),
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        fake_telegram.push_update(tg_text_update(1, 987654, "/start"))
        [sent] = await fake_telegram.wait_for("sendMessage", timeout=30)
        assert sent["chat_id"] == "987654"
        assert sent["text"] == "echo: /start"
    finally:
        stderr = await stop_process(process)
    assert process.returncode == 0, stderr.decode()
    assert b"987654" not in stderr
    assert FakeTelegram.TOKEN.encode() not in stderr  # the bot token is never logged


async def test_telegram_process_with_wrong_token_exits_with_a_message(
    tmp_path: Path, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    env_file = write_env(
        tmp_path / "bridge.env",
        {"PSEUDONYM_KEY": PSEUDONYM_KEY, "TELEGRAM_BOT_TOKEN": "999:wrong", "RASA_URL": "x"},
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot_bridge.telegram",
        "--env-file",
        str(env_file),
        "--base-url",
        fake_telegram.base_url,
        cwd=str(tmp_path),
        env=clean_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 1
    assert b"Check TELEGRAM_BOT_TOKEN" in stderr
