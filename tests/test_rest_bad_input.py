"""Bad input over the REST channel: always a kind, short reply; never a crash or silence."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.conftest import Chat, post_message


def raw_post(url: str, body: bytes) -> int:
    request = urllib.request.Request(
        url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.server
@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "🙏",
        "x" * 5000,
        "ik heb schulden " * 300,
        "**vet** _schuin_ `code`",
        "<script>alert(1)</script>",
        "<b>hallo</b>",
        "Can you help me with money?",
        "qwertyuiop",
        "asdfghjkl",
        "?!?!",
        "/onbekendcommando",
        "////",
        "\x00\x01",
        "1234567890",
    ],
)
def test_every_bad_input_gets_a_kind_reply(chat, text: str) -> None:
    conversation = chat()
    reply = conversation.say(text)
    assert reply.strip(), f"silence for {text[:30]!r}"
    assert len(reply) < 1500
    assert "Traceback" not in reply and "Error" not in reply
    assert conversation.say("mijn zoon wil op voetbal").strip()  # and the conversation goes on


@pytest.mark.server
@pytest.mark.parametrize("message", [None, 42, ["lijst"], {"a": 1}])
def test_non_text_message_is_handled(rasa_url: str, message: object) -> None:
    replies = post_message(rasa_url, "odd-sender", message)
    assert replies and replies[0].get("text")


@pytest.mark.server
def test_invalid_json_and_huge_bodies_get_clear_status_codes(rasa_url: str) -> None:
    assert raw_post(rasa_url, b"{not json") == 400
    assert raw_post(rasa_url, b"[1, 2]") == 400
    assert raw_post(rasa_url, json.dumps({"sender": "a", "message": "x" * 200_000}).encode()) == 413


@pytest.mark.server
def test_other_language_gets_an_honest_answer(chat) -> None:
    reply = chat().say("Hello, can you help me please? I have no money for food")
    assert "Nederlands" in reply or "Dutch" in reply


@pytest.mark.server
def test_unclear_twice_offers_choices(chat) -> None:
    conversation: Chat = chat()
    first = conversation.say("blablabla")
    second = conversation.say("bloep bliep")
    assert first and second
    assert any(m.get("buttons") for m in conversation.replies[-1]) or "kies" in second.lower()
