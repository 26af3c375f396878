"""WhatsApp bridge against the fake Graph API and the fake Rasa."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict

import httpx
import pytest

from bot_bridge.pseudonym import pseudonymise
from bot_bridge.rasa_client import BotMessage, Button
from bot_bridge.whatsapp import SIGNATURE_HEADER, WhatsAppBridge, signature_for
from tests.bridges.conftest import PSEUDONYM_KEY, WA_APP_SECRET, WA_VERIFY_TOKEN, StartWhatsApp
from tests.bridges.fakes import (
    FALLBACK_MARKER,
    FakeGraph,
    FakeRasa,
    wa_button_reply,
    wa_list_reply,
    wa_media,
    wa_notification,
    wa_status,
    wa_text,
)

pytestmark = pytest.mark.anyio

PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
SETTLE = 0.3
USER = "31612345678"


def hook_url(bridge: WhatsAppBridge) -> str:
    return f"http://127.0.0.1:{bridge.port}{bridge.settings.webhook_path}"


async def post_signed(
    http: httpx.AsyncClient,
    bridge: WhatsAppBridge,
    payload: Any,
    raw: bytes | None = None,
    signature: str | None = "valid",
) -> httpx.Response:
    body = raw if raw is not None else json.dumps(payload).encode()
    headers: Dict[str, Any] = {"Content-Type": "application/json"}
    if signature == "valid":
        headers[SIGNATURE_HEADER] = signature_for(WA_APP_SECRET, body)
    elif signature is not None:
        headers[SIGNATURE_HEADER] = signature.encode("utf-8")  # may be non-ASCII on purpose
    return await http.post(hook_url(bridge), content=body, headers=headers)


def interactive(message: Dict[str, Any]) -> Dict[str, Any]:
    assert message["type"] == "interactive"
    return message["interactive"]


# ------------------------------------------------------------------ verification


async def test_get_verification(
    start_whatsapp: StartWhatsApp, fake_rasa: FakeRasa, http: httpx.AsyncClient
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    good = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "1158"}
    response = await http.get(hook_url(bridge), params=good)
    assert response.status_code == 200
    assert response.text == "1158"
    for bad in (
        {**good, "hub.verify_token": "wrong"},
        {**good, "hub.mode": "unsubscribe"},
        {k: v for k, v in good.items() if k != "hub.challenge"},
        {},
    ):
        assert (await http.get(hook_url(bridge), params=bad)).status_code == 403


# ------------------------------------------------------------------ happy paths


async def test_text_message_gets_rasa_reply(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    response = await post_signed(http, bridge, wa_notification([wa_text("wamid.1", USER, "hoi")]))
    assert response.status_code == 200
    [sent] = await fake_graph.wait_for()
    assert sent == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": USER,
        "type": "text",
        "text": {"preview_url": False, "body": "echo: hoi"},
    }
    assert fake_graph.authorizations == [f"Bearer {FakeGraph.ACCESS_TOKEN}"]
    [request] = fake_rasa.requests
    assert request["sender"] == pseudonymise("whatsapp", USER, PSEUDONYM_KEY)
    assert USER not in json.dumps(request)
    assert request["metadata"] == {"channel": "whatsapp"}


async def test_up_to_three_short_buttons_are_reply_buttons(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "buttons"
    bridge = await start_whatsapp(fake_rasa.url)
    await post_signed(http, bridge, wa_notification([wa_text("wamid.2", USER, "hoi")]))
    [sent] = await fake_graph.wait_for()
    block = interactive(sent)
    assert block["type"] == "button"
    assert block["body"]["text"] == "Voor wie zoek je hulp?"
    buttons = block["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["Voor mezelf", "Voor mijn kind"]
    reply_id = buttons[1]["reply"]["id"]
    assert len(reply_id) <= 256

    fake_rasa.mode = "echo"
    tap = wa_button_reply("wamid.3", USER, reply_id, "Voor mijn kind")
    await post_signed(http, bridge, wa_notification([tap]))
    await fake_graph.wait_for(2)
    assert fake_rasa.requests[-1]["message"] == '/kies{"wie":"kind"}'


async def test_more_than_three_buttons_become_a_list(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "many_buttons"
    bridge = await start_whatsapp(fake_rasa.url)
    await post_signed(http, bridge, wa_notification([wa_text("wamid.4", USER, "hoi")]))
    [sent] = await fake_graph.wait_for()
    block = interactive(sent)
    assert block["type"] == "list"
    assert block["body"]["text"] == "Waar gaat het over?"
    assert len(block["action"]["button"]) <= 20
    [section] = block["action"]["sections"]
    assert [row["title"] for row in section["rows"]] == [f"Onderwerp {n}" for n in range(1, 6)]
    row_id = section["rows"][4]["id"]

    fake_rasa.mode = "echo"
    await post_signed(
        http, bridge, wa_notification([wa_list_reply("wamid.5", USER, row_id, "Onderwerp 5")])
    )
    await fake_graph.wait_for(2)
    assert fake_rasa.requests[-1]["message"] == '/onderwerp{"n":5}'


async def test_long_button_titles_become_a_list_with_descriptions(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "long_titles"
    bridge = await start_whatsapp(fake_rasa.url)
    await post_signed(http, bridge, wa_notification([wa_text("wamid.6", USER, "hoi")]))
    [sent] = await fake_graph.wait_for()
    block = interactive(sent)
    assert block["type"] == "list"
    assert block["body"]["text"] == bridge.texts.choose_option  # Rasa sent no text
    rows = block["action"]["sections"][0]["rows"]
    assert all(len(row["title"]) <= 24 for row in rows)
    assert rows[0]["description"] == "Ik heb schulden en weet niet waar te beginnen"
    assert "description" not in rows[1]


def test_payload_building_limits(tmp_path: Path) -> None:
    """Pure payload building: long texts, many options, long bodies with buttons."""
    from bot_bridge.config import WhatsAppSettings
    from tests.bridges.conftest import make_common

    settings = WhatsAppSettings(
        common=make_common("http://127.0.0.1:1"),
        access_token="a",
        phone_number_id="1",
        verify_token="v",
        app_secret="s",
    )
    bridge = WhatsAppBridge(settings)
    long_text = ("Een zin over hulp bij geldzorgen. " * 400).strip()  # ~13 600 characters
    payloads = bridge.build_payloads(BotMessage(text=long_text))
    assert all(p["type"] == "text" and len(p["text"]["body"]) <= 4096 for p in payloads)
    assert len(payloads) == 4

    buttons = [Button(f"Keuze {n}", f"/k{n}") for n in range(23)]
    payloads = bridge.build_payloads(BotMessage(text="x" * 2000, buttons=buttons))
    # The 2000-character text is too long for an interactive body (1024): sent as text.
    assert payloads[0]["type"] == "text"
    lists = [interactive(p) for p in payloads[1:]]
    assert [len(item["action"]["sections"][0]["rows"]) for item in lists] == [10, 10, 3]
    assert lists[0]["body"]["text"] == bridge.texts.choose_option
    assert lists[1]["body"]["text"] == bridge.texts.more_options

    duplicated = [Button("Ja", "/ja"), Button("Ja!", "/ja"), Button("Nee", "/nee")]
    [payload] = bridge.build_payloads(BotMessage(text="Klopt dat?", buttons=duplicated))
    assert [b["reply"]["id"] for b in interactive(payload)["action"]["buttons"]] == [
        "p:/ja",
        "p:/nee",
    ]

    [image, text] = bridge.build_payloads(BotMessage(text="kijk", image="https://e.org/a.png"))
    assert image == {"type": "image", "image": {"link": "https://e.org/a.png"}}
    assert text["text"]["body"] == "kijk"


async def test_media_message_gets_only_text_notice(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    kinds = ["image", "audio", "sticker"]
    messages = [wa_media(f"wamid.m{n}", USER, kind) for n, kind in enumerate(kinds)]
    await post_signed(http, bridge, wa_notification(messages))
    sent = await fake_graph.wait_for(3)
    assert {m["text"]["body"] for m in sent} == {bridge.texts.only_text}
    assert fake_rasa.requests == []


async def test_statuses_reactions_and_unknown_objects_are_ignored(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    reaction = {
        "from": USER,
        "id": "wamid.r",
        "type": "reaction",
        "reaction": {"message_id": "x", "emoji": "👍"},
    }
    bodies = [
        wa_notification(statuses=[wa_status("wamid.out1", USER), wa_status("wamid.out1", USER)]),
        wa_notification([reaction]),
        wa_notification([wa_text("wamid.other", USER, "hoi")], phone_number_id="999"),
        {"object": "page", "entry": [{"id": "1", "changes": [{"field": "feed", "value": {}}]}]},
        {"object": "whatsapp_business_account", "entry": "not a list"},
        {"entry": [{"changes": [{"field": "messages", "value": {"messages": [{"id": 5}]}}]}]},
        {},
    ]
    for body in bodies:
        response = await post_signed(http, bridge, body)
        assert response.status_code == 200
    await asyncio.sleep(SETTLE)
    await bridge.drain()
    assert fake_rasa.requests == []
    assert fake_graph.messages == []


# ---------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    ("signature", "status"),
    [
        (None, 401),
        ("", 401),
        ("sha256=" + "0" * 64, 403),
        ("sha1=abc", 403),
        ("sha256=ünïcode", 403),
        ("wrong-secret", 403),
    ],
)
async def test_wrong_or_missing_signature_is_refused(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
    signature: str | None,
    status: int,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    payload = wa_notification([wa_text("wamid.sig", USER, "hoi")])
    body = json.dumps(payload).encode()
    if signature == "wrong-secret":
        signature = signature_for("another secret", body)
    response = await post_signed(http, bridge, None, raw=body, signature=signature)
    assert response.status_code == status
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []
    assert fake_graph.messages == []
    # Nothing was stored: the correctly signed delivery of the same message is processed.
    assert (await post_signed(http, bridge, payload)).status_code == 200
    await fake_graph.wait_for()


async def test_signature_covers_the_raw_body(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    body = json.dumps(wa_notification([wa_text("wamid.raw", USER, "hoi")])).encode()
    tampered = body.replace(b"hoi", b"hai")
    response = await http.post(
        hook_url(bridge),
        content=tampered,
        headers={SIGNATURE_HEADER: signature_for(WA_APP_SECRET, body)},
    )
    assert response.status_code == 403
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []


@pytest.mark.parametrize("raw", [b"{not json", b"[]", b"\xff\xfe", b"null", b""])
async def test_invalid_json_is_400(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    http: httpx.AsyncClient,
    raw: bytes,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    response = await post_signed(http, bridge, None, raw=raw)
    assert response.status_code == 400
    assert fake_rasa.requests == []


async def test_huge_body_is_413(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    payload = wa_notification([wa_text("wamid.big", USER, "x" * (1024 * 1024 + 1))])
    response = await post_signed(http, bridge, payload)
    assert response.status_code == 413

    async def chunks() -> Any:  # no Content-Length: aiohttp's client_max_size applies
        body = json.dumps(payload).encode()
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = await http.post(
        hook_url(bridge), content=chunks(), headers={SIGNATURE_HEADER: "sha256=00"}
    )
    assert response.status_code == 413
    await asyncio.sleep(SETTLE)
    assert fake_rasa.requests == []
    assert fake_graph.messages == []


async def test_replayed_message_is_answered_once(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    payload = wa_notification([wa_text("wamid.once", USER, "één keer")])
    responses = await asyncio.gather(*(post_signed(http, bridge, payload) for _ in range(3)))
    assert [r.status_code for r in responses] == [200, 200, 200]
    # The same id twice inside one notification counts once too.
    twice = wa_notification([wa_text("wamid.twice", USER, "a"), wa_text("wamid.twice", USER, "a")])
    await post_signed(http, bridge, twice)
    await fake_graph.wait_for(2)
    await asyncio.sleep(SETTLE)
    await bridge.drain()
    assert [r["message"] for r in fake_rasa.requests] == ["één keer", "a"]
    assert len(fake_graph.messages) == 2


async def test_old_or_undated_signed_messages_are_refused(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    """Issue #17 point 10: a signed body could be replayed after the dedup window."""
    bridge = await start_whatsapp(fake_rasa.url)
    old = wa_text("wamid.old", USER, "oud bericht")
    old["timestamp"] = str(int(time.time()) - 3600)
    future = wa_text("wamid.future", USER, "uit de toekomst")
    future["timestamp"] = str(int(time.time()) + 3600)
    undated = wa_text("wamid.undated", USER, "zonder tijd")
    del undated["timestamp"]
    garbage = wa_text("wamid.garbage", USER, "rare tijd")
    garbage["timestamp"] = "gisteren"
    for message in (old, future, undated, garbage):
        response = await post_signed(http, bridge, wa_notification([message]))
        assert response.status_code == 200  # accepted, so Meta does not retry; not answered
    recent = wa_text("wamid.recent", USER, "nieuw bericht")
    recent["timestamp"] = str(int(time.time()) - 200)  # inside the 5-minute window
    await post_signed(http, bridge, wa_notification([recent]))
    await fake_graph.wait_for(1)
    await asyncio.sleep(SETTLE)
    await bridge.drain()
    assert [r["message"] for r in fake_rasa.requests] == ["nieuw bericht"]
    # A shorter window is a setting.
    strict = await start_whatsapp(fake_rasa.url, whatsapp={"max_message_age": 60.0})
    late = wa_text("wamid.late", USER, "twee minuten oud")
    late["timestamp"] = str(int(time.time()) - 120)
    await post_signed(http, strict, wa_notification([late]))
    await asyncio.sleep(SETTLE)
    await strict.drain()
    assert [r["message"] for r in fake_rasa.requests] == ["nieuw bericht"]


async def test_replay_after_a_restart_is_answered_once(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    """Issue #17 point 10: the dedup set used to live in memory only."""
    settings = {"dedup_file": str(tmp_path / "dedup.sqlite3")}
    bridge = await start_whatsapp(fake_rasa.url, whatsapp=settings)
    body = json.dumps(wa_notification([wa_text("wamid.keep", USER, "één keer")])).encode()
    await post_signed(http, bridge, None, raw=body)
    await fake_graph.wait_for(1)
    await bridge.drain()
    await bridge.stop()
    restarted = await start_whatsapp(fake_rasa.url, whatsapp=settings)
    response = await post_signed(http, restarted, None, raw=body)  # the same signed body
    assert response.status_code == 200
    await asyncio.sleep(SETTLE)
    await restarted.drain()
    assert [r["message"] for r in fake_rasa.requests] == ["één keer"]
    assert len(fake_graph.messages) == 1
    assert b"wamid.keep" not in (tmp_path / "dedup.sqlite3").read_bytes()


async def test_command_with_text_after_it_keeps_the_text(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    """Issue #17 point 11, WhatsApp: the same rule as Telegram."""
    bridge = await start_whatsapp(fake_rasa.url)
    message = wa_text("wamid.cmd", USER, "/help ik wil niet meer leven")
    await post_signed(http, bridge, wa_notification([message]))
    await fake_graph.wait_for(2)
    await bridge.drain()
    assert [r["message"] for r in fake_rasa.requests] == ["/help", "ik wil niet meer leven"]
    assert [m["text"]["body"] for m in fake_graph.messages] == [
        "echo: /help",
        "echo: ik wil niet meer leven",
    ]


async def test_forget_me_flood_stays_rate_limited(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    """Issue #17 point 7, WhatsApp: one message after the other, each answered first."""
    bridge = await start_whatsapp(fake_rasa.url, rate_burst=5, rate_per_minute=1.0)
    for n in range(60):
        text = "/vergeetmij" if n % 2 else f"spam {n}"
        await post_signed(http, bridge, wa_notification([wa_text(f"wamid.f{n}", USER, text)]))
        await bridge.drain()
    assert len(fake_rasa.requests) <= 6, len(fake_rasa.requests)
    bodies = [m["text"]["body"] for m in fake_graph.messages]
    assert bodies.count(bridge.texts.rate_limited) == 1


async def test_webhook_answers_fast_while_rasa_is_slow(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    fake_rasa.mode = "slow"
    fake_rasa.delay = 1.0
    bridge = await start_whatsapp(fake_rasa.url, rasa_timeout=3.0)
    started = time.monotonic()
    response = await post_signed(http, bridge, wa_notification([wa_text("wamid.s", USER, "hoi")]))
    assert response.status_code == 200
    assert time.monotonic() - started < 0.5
    [sent] = await fake_graph.wait_for(timeout=5)
    assert sent["text"]["body"] == "slow hoi"


async def test_burst_from_one_number_is_rate_limited(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url, rate_burst=3, rate_per_minute=1.0)
    messages = [wa_text(f"wamid.b{n}", USER, f"spam {n}") for n in range(10)]
    await post_signed(http, bridge, wa_notification(messages))
    await bridge.drain()
    assert [r["message"] for r in fake_rasa.requests] == ["spam 0", "spam 1", "spam 2"]
    bodies = [m["text"]["body"] for m in fake_graph.messages]
    assert bodies.count(bridge.texts.rate_limited) == 1
    assert len(bodies) == 4


async def test_rasa_down_gives_fallback_then_recovers(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    for n, mode in enumerate(["error", "slow", "empty", "invalid"]):
        fake_rasa.mode = mode
        await post_signed(http, bridge, wa_notification([wa_text(f"wamid.d{n}", USER, "hoi")]))
        sent = await fake_graph.wait_for(n + 1)
        assert FALLBACK_MARKER in sent[-1]["text"]["body"]
        assert sent[-1]["to"] == USER
    fake_rasa.mode = "echo"
    await post_signed(http, bridge, wa_notification([wa_text("wamid.d9", USER, "weer daar?")]))
    sent = await fake_graph.wait_for(5)
    assert sent[-1]["text"]["body"] == "echo: weer daar?"


async def test_rasa_unreachable_gives_fallback(
    start_whatsapp: StartWhatsApp,
    dead_rasa_url: str,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(dead_rasa_url)
    await post_signed(http, bridge, wa_notification([wa_text("wamid.x", USER, "hoi")]))
    [sent] = await fake_graph.wait_for()
    assert FALLBACK_MARKER in sent["text"]["body"]


async def test_graph_errors_are_retried(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    fake_graph.fail_next = 1
    bridge = await start_whatsapp(fake_rasa.url)
    await post_signed(http, bridge, wa_notification([wa_text("wamid.g", USER, "hoi")]))
    [sent] = await fake_graph.wait_for()
    assert sent["text"]["body"] == "echo: hoi"
    assert fake_graph.failures == 1
    assert len(fake_rasa.requests) == 1  # retrying the send does not ask Rasa again


async def test_welcome_request_starts_the_conversation(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)
    now = str(int(time.time()))
    welcome = {"from": USER, "id": "wamid.w", "timestamp": now, "type": "request_welcome"}
    await post_signed(http, bridge, wa_notification([welcome]))
    await fake_graph.wait_for()
    assert fake_rasa.requests[0]["message"] == "/start"


def test_entry_point_reports_missing_configuration(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": PROJECT_ROOT,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "BRIDGE_ENV_FILE": str(tmp_path / "x"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot_bridge.whatsapp"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert result.returncode == 2
    assert "WHATSAPP_ACCESS_TOKEN" in result.stderr
    del env["PSEUDONYM_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "bot_bridge.whatsapp"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(tmp_path),
    )
    assert result.returncode == 2
    assert "PSEUDONYM_KEY is not set" in result.stderr


async def test_unexpected_error_still_gives_fallback(
    start_whatsapp: StartWhatsApp,
    fake_rasa: FakeRasa,
    fake_graph: FakeGraph,
    http: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bridge = await start_whatsapp(fake_rasa.url)

    async def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(bridge.core, "ask", broken)
    await post_signed(http, bridge, wa_notification([wa_text("wamid.bug", USER, "hoi")]))
    [sent] = await fake_graph.wait_for()
    assert FALLBACK_MARKER in sent["text"]["body"]
