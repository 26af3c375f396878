"""Telegram bridge against the fake Bot API and the fake Rasa (webhook and polling mode)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import httpx
import pytest

from bot_bridge.pseudonym import pseudonymise
from bot_bridge.telegram import SECRET_HEADER, TelegramBridge
from tests.bridges.conftest import PSEUDONYM_KEY, TELEGRAM_SECRET, StartTelegram
from tests.bridges.fakes import (
    FALLBACK_MARKER,
    FakeRasa,
    FakeTelegram,
    tg_callback_update,
    tg_photo_update,
    tg_text_update,
)

pytestmark = pytest.mark.anyio

PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
SETTLE = 0.3  # seconds to wait before asserting that nothing happened


def hook_url(bridge: TelegramBridge) -> str:
    return f"http://127.0.0.1:{bridge.port}{bridge.settings.webhook_path}"


async def post_update(
    http: httpx.AsyncClient,
    bridge: TelegramBridge,
    update: Any,
    secret: str | None = TELEGRAM_SECRET,
    raw: bytes | None = None,
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[SECRET_HEADER] = secret
    content = raw if raw is not None else json.dumps(update).encode()
    return await http.post(hook_url(bridge), content=content, headers=headers)


def keyboard(params: Dict[str, Any]) -> list:
    return params["reply_markup"]["inline_keyboard"]


async def test_start_registers_commands(
    start_telegram: StartTelegram, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    await start_telegram(fake_rasa.url)
    [commands] = fake_telegram.sent("setMyCommands")
    assert [c["command"] for c in commands["commands"]] == ["start", "help", "vergeetmij"]


async def test_text_message_gets_rasa_reply(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    response = await post_update(http, bridge, tg_text_update(1, 4242, "hallo"))
    assert response.status_code == 200
    [sent] = await fake_telegram.wait_for("sendMessage")
    assert sent["chat_id"] == "4242"
    assert sent["text"] == "echo: hallo"
    assert "parse_mode" not in sent  # plain text: no markdown Telegram could reject
    [request] = fake_rasa.requests
    assert request["sender"] == pseudonymise("telegram", "4242", PSEUDONYM_KEY)
    assert "4242" not in json.dumps(request)
    assert fake_telegram.sent("sendChatAction")[0]["action"] == "typing"


@pytest.mark.parametrize(
    ("sent_text", "forwarded"),
    [
        ("/start", "/start"),
        ("/help", "/help"),
        ("/vergeetmij", "/vergeetmij"),
        ("/start@geldzorgen_test_bot", "/start"),
    ],
)
async def test_commands_are_forwarded_as_is(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
    sent_text: str,
    forwarded: str,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    await post_update(http, bridge, tg_text_update(2, 77, sent_text))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.requests[0]["message"] == forwarded


async def test_buttons_become_inline_keyboard_and_tap_sends_payload(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "buttons"
    bridge = await start_telegram(fake_rasa.url)
    await post_update(http, bridge, tg_text_update(3, 55, "hoi"))
    [sent] = await fake_telegram.wait_for("sendMessage")
    rows = keyboard(sent)
    assert [row[0]["text"] for row in rows] == ["Voor mezelf", "Voor mijn kind"]
    data = rows[1][0]["callback_data"]
    assert len(data.encode()) <= 64

    fake_rasa.mode = "echo"
    response = await post_update(http, bridge, tg_callback_update(4, 55, data))
    assert response.status_code == 200
    await fake_telegram.wait_for("sendMessage", 2)
    assert fake_rasa.requests[-1]["message"] == '/kies{"wie":"kind"}'
    [answered] = fake_telegram.sent("answerCallbackQuery")
    assert answered["callback_query_id"] == "cb4"
    assert fake_telegram.sent()[-1]["text"] == 'echo: /kies{"wie":"kind"}'


async def test_long_payload_is_stored_and_unknown_button_is_explained(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    long_payload = '/kies{"onderwerp":"energierekening","wie":"ouder","gemeente":"Den Bosch"}'
    data = bridge.payloads.encode(long_payload)
    assert data.startswith("k:")
    await post_update(http, bridge, tg_callback_update(5, 8, data))
    await fake_telegram.wait_for("sendMessage")
    assert fake_rasa.requests[0]["message"] == long_payload

    await post_update(http, bridge, tg_callback_update(6, 8, "k:forgotten"))
    sent = await fake_telegram.wait_for("sendMessage", 2)
    assert sent[-1]["text"] == bridge.texts.button_expired
    assert len(fake_rasa.requests) == 1
    assert len(fake_telegram.sent("answerCallbackQuery")) == 2


async def test_long_text_is_split_at_4096(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "long"
    bridge = await start_telegram(fake_rasa.url)
    await post_update(http, bridge, tg_text_update(7, 9, "vertel"))
    await fake_telegram.wait_for("sendMessage", 3)
    await asyncio.sleep(SETTLE)
    texts = [p["text"] for p in fake_telegram.sent()]
    assert all(len(t.encode("utf-16-le")) // 2 <= 4096 for t in texts)
    full = fake_rasa.answer("x", "vertel")[0]["text"]
    assert " ".join(texts).split() == full.split()


async def test_image_is_sent_as_photo_or_link(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "image"
    bridge = await start_telegram(fake_rasa.url)
    await post_update(http, bridge, tg_text_update(8, 10, "plaatje"))
    [photo] = await fake_telegram.wait_for("sendPhoto")
    assert photo["photo"] == "https://example.org/plaatje.png"
    await fake_telegram.wait_for("sendMessage")

    fake_telegram.fail_photos = True
    await post_update(http, bridge, tg_text_update(9, 10, "plaatje"))
    sent = await fake_telegram.wait_for("sendMessage", 3)
    assert sent[1]["text"] == "https://example.org/plaatje.png"


async def test_photo_message_gets_only_text_notice(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    await post_update(http, bridge, tg_photo_update(10, 11))
    [sent] = await fake_telegram.wait_for("sendMessage")
    assert sent["text"] == bridge.texts.only_text
    assert fake_rasa.requests == []


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", TELEGRAM_SECRET + "x"])
async def test_wrong_or_missing_secret_is_403_and_nothing_forwarded(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
    secret: str | None,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    response = await post_update(http, bridge, tg_text_update(11, 12, "hoi"), secret=secret)
    assert response.status_code == 403
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []
    assert fake_telegram.sent() == []
    # The same update, correctly signed, is still processed (nothing was stored).
    response = await post_update(http, bridge, tg_text_update(11, 12, "hoi"))
    assert response.status_code == 200
    await fake_telegram.wait_for("sendMessage")


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2, 3]", 400),
        (b'{"message": {"text": "no update id"}}', 400),
        (b'{"update_id": "seven"}', 400),
        ("\udcff".encode("utf-8", "surrogatepass"), 400),
        (b'{"update_id": 5, "message": {"chat": "x"}}', 400),
        (b'{"update_id": 5, "message": "text"}', 400),
        (b'{"update_id": true}', 400),
    ],
)
async def test_bad_bodies_are_refused(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
    raw: bytes,
    status: int,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    response = await post_update(http, bridge, None, raw=raw)
    assert response.status_code == status
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []


async def test_huge_body_is_413(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    update = tg_text_update(12, 13, "x" * (1024 * 1024 + 10))
    response = await post_update(http, bridge, update)
    assert response.status_code == 413
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []


async def test_unknown_update_types_are_accepted_and_ignored(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    odd_updates = [
        {"update_id": 20, "some_future_update": {"x": 1}},
        {"update_id": 21, "edited_message": tg_text_update(21, 14, "bewerkt")["message"]},
        {
            "update_id": 22,
            "message": {
                **tg_text_update(22, -100, "in een groep")["message"],
                "chat": {"id": -100, "type": "group", "title": "Groep"},
            },
        },
    ]
    for update in odd_updates:
        response = await post_update(http, bridge, update)
        assert response.status_code == 200
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []
    assert fake_telegram.sent() == []


async def test_replayed_update_is_answered_once(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    update = tg_text_update(30, 15, "één keer")
    responses = await asyncio.gather(*(post_update(http, bridge, update) for _ in range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    await fake_telegram.wait_for("sendMessage")
    await asyncio.sleep(SETTLE)
    assert len(fake_rasa.requests) == 1
    assert len(fake_telegram.sent()) == 1


async def test_many_chats_at_once_lose_nothing(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    updates = [tg_text_update(100 + n, 1000 + n, f"bericht {n}") for n in range(20)]
    await asyncio.gather(*(post_update(http, bridge, u) for u in updates))
    sent = await fake_telegram.wait_for("sendMessage", 20)
    assert sorted((p["chat_id"], p["text"]) for p in sent) == sorted(
        (str(1000 + n), f"echo: bericht {n}") for n in range(20)
    )


async def test_burst_from_one_chat_is_rate_limited(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url, rate_burst=3, rate_per_minute=1.0)
    for n in range(10):
        await post_update(http, bridge, tg_text_update(200 + n, 16, f"spam {n}"))
    await fake_telegram.wait_for("sendMessage", 4)
    await asyncio.sleep(SETTLE)
    assert len(fake_rasa.requests) == 3
    texts = [p["text"] for p in fake_telegram.sent()]
    assert texts.count(bridge.texts.rate_limited) == 1
    assert len(texts) == 4


async def test_forget_me_flood_stays_rate_limited(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    """Issue #17 point 7: with /vergeetmij in between, 200 of 200 messages used to pass a
    burst limit of 5. Erasure must not reset the rate limit."""
    bridge = await start_telegram(fake_rasa.url, rate_burst=5, rate_per_minute=1.0)
    for n in range(200):
        text = "/vergeetmij" if n % 2 else f"spam {n}"
        response = await post_update(http, bridge, tg_text_update(5000 + n, 17, text))
        assert response.status_code == 200
    await fake_telegram.wait_for("sendMessage", 6)
    await asyncio.sleep(SETTLE)
    assert len(fake_rasa.requests) <= 6, len(fake_rasa.requests)  # burst + at most 1 refill
    texts = [p["text"] for p in fake_telegram.sent()]
    assert texts.count(bridge.texts.rate_limited) >= 1


async def test_command_with_text_after_it_keeps_the_text(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    """Issue #17 point 11: the crisis text after a command reaches Rasa, after the command."""
    bridge = await start_telegram(fake_rasa.url)
    await post_update(http, bridge, tg_text_update(7, 88, "/help ik wil niet meer leven"))
    sent = await fake_telegram.wait_for("sendMessage", 2)
    assert [r["message"] for r in fake_rasa.requests] == ["/help", "ik wil niet meer leven"]
    assert [p["text"] for p in sent] == ["echo: /help", "echo: ik wil niet meer leven"]
    assert {r["sender"] for r in fake_rasa.requests} == {
        pseudonymise("telegram", "88", PSEUDONYM_KEY)
    }


def test_entry_point_refuses_a_short_webhook_secret(tmp_path: Path) -> None:
    """Issue #17 point 10: a one-character webhook secret used to be accepted."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": PROJECT_ROOT,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "BRIDGE_ENV_FILE": str(tmp_path / "x"),
        "TELEGRAM_BOT_TOKEN": FakeTelegram.TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "x",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot_bridge.telegram", "--mode", "webhook", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert result.returncode == 2, result.stderr
    assert "TELEGRAM_WEBHOOK_SECRET must be 32-256 characters" in result.stderr
    assert "secrets.token_urlsafe(48)" in result.stderr


async def test_rasa_down_gives_fallback_then_recovers(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    for n, mode in enumerate(["error", "slow", "empty"]):
        fake_rasa.mode = mode
        await post_update(http, bridge, tg_text_update(300 + n, 17, "hoi"))
        sent = await fake_telegram.wait_for("sendMessage", n + 1)
        assert FALLBACK_MARKER in sent[-1]["text"]
        assert sent[-1]["chat_id"] == "17"
    fake_rasa.mode = "echo"
    await post_update(http, bridge, tg_text_update(310, 17, "weer daar?"))
    sent = await fake_telegram.wait_for("sendMessage", 4)
    assert sent[-1]["text"] == "echo: weer daar?"


async def test_rasa_unreachable_gives_fallback(
    start_telegram: StartTelegram,
    dead_rasa_url: str,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_telegram(dead_rasa_url)
    await post_update(http, bridge, tg_text_update(400, 18, "hoi"))
    [sent] = await fake_telegram.wait_for("sendMessage")
    assert FALLBACK_MARKER in sent["text"]


async def test_webhook_health_and_wrong_method(
    start_telegram: StartTelegram, fake_rasa: FakeRasa, http: httpx.AsyncClient
) -> None:
    bridge = await start_telegram(fake_rasa.url)
    health = await http.get(f"http://127.0.0.1:{bridge.port}/healthz")
    assert health.status_code == 200
    assert (await http.get(hook_url(bridge))).status_code == 405


async def test_polling_mode(
    start_telegram: StartTelegram, fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    fake_rasa.mode = "buttons"
    await start_telegram(fake_rasa.url, mode="polling")
    fake_telegram.push_update(tg_text_update(500, 19, "/start"))
    [sent] = await fake_telegram.wait_for("sendMessage")
    assert sent["chat_id"] == "19"
    data = keyboard(sent)[0][0]["callback_data"]
    fake_telegram.push_update(tg_callback_update(501, 19, data))
    await fake_telegram.wait_for("sendMessage", 2)
    assert [r["message"] for r in fake_rasa.requests] == ["/start", '/kies{"wie":"zelf"}']
    assert fake_telegram.sent("deleteWebhook")  # polling removes a registered webhook


async def test_webhook_is_registered_with_secret(
    fake_rasa: FakeRasa, fake_telegram: FakeTelegram
) -> None:
    from bot_bridge.config import TelegramSettings
    from tests.bridges.conftest import make_common

    settings = TelegramSettings(
        common=make_common(fake_rasa.url),
        bot_token=FakeTelegram.TOKEN,
        mode="webhook",
        base_url=fake_telegram.base_url,
        base_file_url=fake_telegram.base_file_url,
        webhook_secret=TELEGRAM_SECRET,
        webhook_url="https://bot.example.org/telegram/webhook",
        listen_port=0,
    )
    bridge = TelegramBridge(settings)
    await bridge.start()
    await bridge.stop()
    [registered] = fake_telegram.sent("setWebhook")
    assert registered["url"] == "https://bot.example.org/telegram/webhook"
    assert registered["secret_token"] == TELEGRAM_SECRET
    assert registered["allowed_updates"] == ["message", "callback_query"]


def test_entry_point_reports_missing_configuration(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": PROJECT_ROOT,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "BRIDGE_ENV_FILE": str(tmp_path / "x"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot_bridge.telegram"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    help_result = subprocess.run(
        [sys.executable, "-m", "bot_bridge.telegram", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert help_result.returncode == 0
    assert "--mode" in help_result.stdout


async def test_unexpected_error_still_gives_fallback(
    start_telegram: StartTelegram,
    fake_rasa: FakeRasa,
    fake_telegram: FakeTelegram,
    http: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bridge = await start_telegram(fake_rasa.url)

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bridge.core, "ask", broken)
    await post_update(http, bridge, tg_text_update(600, 21, "hoi"))
    [sent] = await fake_telegram.wait_for("sendMessage")
    assert FALLBACK_MARKER in sent["text"]
