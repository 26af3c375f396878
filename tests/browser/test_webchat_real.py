"""The chat in real headless Chromium against the real Rasa + action server (trained model).

One conversation on the page: a need, the role buttons, funds, a crisis message, erasure
(checked in the tracker store too) and a reload into a new conversation. Then the widget on
an allowed and on a not-allowed site.
"""

from __future__ import annotations

import sqlite3
from typing import Iterator

import pytest

from rasa_project.addons.pseudonym import pseudonymise
from tests.browser.chatpage import PRIVACY_LINE, ChatPage, open_page, open_widget
from tests.browser.conftest import (
    ERASED_TEXT,
    Hosts,
    Loop,
    RunningApp,
    make_settings,
    start_app,
    stop_app,
)
from tests.browser.webdriver import Browser
from tests.conftest import Servers, server_env
from webchat.server import create_app

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def real_chat(loop: Loop, rasa_url: str, hosts: Hosts) -> Iterator[RunningApp]:
    """The chat server in front of the real Rasa; the ``allowed`` test site may embed it."""
    settings = make_settings(rasa_url, rasa_timeout=60.0, allowed_origins=(hosts.allowed,))
    running = start_app(loop, create_app(settings))
    yield running
    stop_app(loop, running)


def stored_rows(servers: Servers, conversation: str) -> int:
    """Events in the SQLite tracker store for the conversation id of the page."""
    key = server_env()["PSEUDONYM_KEY"].encode()
    sender = pseudonymise("web-" + conversation, key=key)
    db = sqlite3.connect(servers.workdir / "tracker.db")
    try:
        query = "SELECT COUNT(*) FROM events WHERE sender_id = ?"
        return int(db.execute(query, (sender,)).fetchone()[0])
    finally:
        db.close()


def test_whole_conversation_on_the_page(
    browser: Browser, real_chat: RunningApp, servers: Servers
) -> None:
    chat = open_page(browser, real_chat.url)
    assert chat.texts(".gz-privacy") == [PRIVACY_LINE]

    # A need without saying for whom: the role question comes with buttons.
    reply = chat.say("ik zoek geld voor sport")
    assert any("Mag ik vragen voor wie je dit vraagt?" in t for t in reply), reply
    titles = [browser.text(b) for b in chat.choices()]
    assert "Voor mijn kind" in titles and "Voor mezelf" in titles, titles
    reply = chat.tap("Voor mijn kind")
    assert chat.user_texts()[-1] == "Voor mijn kind"
    assert any(t.startswith("Hoe oud is je kind?") for t in reply), reply
    reply = chat.say("hij is 10")
    assert any(t.startswith("In welke gemeente woon je?") for t in reply), reply
    funds = "\n".join(chat.say("Utrecht"))
    assert "Leergeld" in funds and "Jeugdfonds Sport & Cultuur" in funds, funds
    hrefs = {
        browser.attribute(a, "href"): (browser.attribute(a, "target"), browser.attribute(a, "rel"))
        for a in chat.qa(".gz-msg-bot a[href^='https://']")
    }
    assert hrefs.get("https://www.leergeld.nl") == ("_blank", "noopener noreferrer"), hrefs

    # A crisis message: the crisis line is the very first thing the bot says.
    reply = chat.say("ik wil niet meer leven")
    assert "113" in reply[0] and "0800-0113" in reply[0], reply
    assert chat.qa(".gz-msg-bot:last-child a[href='tel:08000113']")

    # Erase: confirmed in the page, gone from the screen and from the tracker store.
    old = chat.conversation_id()
    assert stored_rows(servers, old) > 0
    erased = chat.erase()
    assert erased[0] == ERASED_TEXT, erased  # after a crisis the bot may add the line again
    assert chat.user_texts() == []
    assert stored_rows(servers, old) == 0
    assert chat.stored_id() is None and chat.conversation_id() != old

    # Reload: a new, empty conversation.
    browser.refresh()
    chat.wait_ready()
    assert chat.texts(".gz-notice") == [] and chat.bot_texts() == []
    reply = chat.say("hallo")
    assert reply[0].startswith("Hoi!"), reply
    assert chat.stored_id() == chat.conversation_id() != old


def test_erase_that_the_real_bot_does_not_confirm_keeps_the_conversation(
    browser: Browser, real_chat: RunningApp, servers: Servers
) -> None:
    """Issue #17 point 5 with the real servers: with the action server down Rasa still
    answers HTTP 200 (its friendly technical message) but erases nothing; the page must keep
    the conversation id and say that erasing did not work."""
    chat = open_page(browser, real_chat.url)
    chat.say("hoi")
    old = chat.conversation_id()
    rows = stored_rows(servers, old)
    assert rows > 0
    servers.stop_actions()
    try:
        error = chat.erase_refused(timeout=60)
    finally:
        servers.start_actions()
    assert error.startswith("Het wissen is niet gelukt")
    assert chat.conversation_id() == old and chat.stored_id() == old
    assert chat.user_texts() == ["hoi"]
    assert stored_rows(servers, old) >= rows  # nothing was erased
    assert chat.q(".gz-erased") is None


def test_html_and_markdown_stay_text_with_the_real_bot(
    browser: Browser, real_chat: RunningApp
) -> None:
    chat = open_page(browser, real_chat.url)
    typed = "<script>window.__pwned = 1</script> **mijn zoon** wil op <b>voetbal</b>"
    reply = chat.say(typed)
    assert reply and all(reply)
    assert chat.user_texts() == [typed]
    assert chat.qa(".gz-log script, .gz-log b, .gz-log strong") == []
    assert browser.execute("return window.__pwned === undefined") is True


def test_widget_on_an_allowed_site_with_the_real_bot(
    browser: Browser, real_chat: RunningApp, hosts: Hosts
) -> None:
    chat: ChatPage = open_widget(browser, hosts.page(hosts.allowed, real_chat.url))
    chat.clear_storage()
    browser.click(chat.launcher())
    chat.wait_ready()
    reply = chat.say("mijn zoon wil op voetbal maar de contributie is te duur")
    assert any(t.startswith("Hoe oud is je kind?") for t in reply), reply
    reply = chat.say("hij is 10")
    assert any(t.startswith("In welke gemeente woon je?") for t in reply), reply
    funds = "\n".join(chat.say("Utrecht"))
    assert "Leergeld" in funds and "Jeugdfonds Sport & Cultuur" in funds, funds


def test_widget_refused_on_a_site_that_is_not_allowed(
    browser: Browser, real_chat: RunningApp, hosts: Hosts
) -> None:
    browser.get(hosts.page(hosts.denied, real_chat.url))
    state = browser.wait_until(
        lambda: browser.execute("return window.widgetState !== 'loading' && window.widgetState"),
        "the widget script to load or fail",
    )
    assert state == "error"
    assert browser.execute("return document.getElementById('geldzorgen-chat')") is None
