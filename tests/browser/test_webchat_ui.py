"""The chat page and widget in real headless Chromium, against a fake Rasa (fast, no model).

The same flows against the real Rasa server are in ``test_webchat_real.py``.
"""

from __future__ import annotations

import json
import time
from typing import List

import pytest

from tests.browser.chatpage import PRIVACY_LINE, ChatPage, open_page, open_widget
from tests.browser.conftest import (
    ERASED_TEXT,
    HOSTILE_TEXT,
    NOT_ERASED_TEXT,
    ChatFactory,
    FakeRasa,
    Hosts,
    Loop,
    RunningApp,
    stop_app,
)
from tests.browser.webdriver import Browser, Keys

CONTRAST_JS = """
const parse = (c) => {
  const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
  return { rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1 };
};
const lum = (rgb) => {
  const a = rgb.map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2];
};
const background = (node) => {
  while (node) {
    if (node.nodeType === 1) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if (c.a > 0.5) return c.rgb;
    }
    node = node.parentNode && node.parentNode.host ? node.parentNode.host : node.parentNode;
    if (node === document) break;
  }
  return [255, 255, 255];
};
const ratio = (el, prop) => {
  const fg = lum(parse(getComputedStyle(el)[prop || 'color']).rgb);
  const bg = lum(background(el));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
};
const root = arguments[0];
const out = [];
for (const css of arguments[1]) {
  for (const el of root.querySelectorAll(css)) {
    if (el.offsetParent === null && getComputedStyle(el).position !== 'fixed') continue;
    out.push([css, Math.round(ratio(el) * 100) / 100]);
  }
}
return out;
"""

TEXT_SELECTORS = [
    ".gz-title",
    ".gz-privacy",
    ".gz-new",
    ".gz-erase",
    ".gz-msg-bot .gz-text",
    ".gz-msg-user .gz-text",
    ".gz-link",
    ".gz-choice:not(:disabled)",
    ".gz-label",
    ".gz-send",
    ".gz-notice",
    ".gz-error-text",
    ".gz-error-help",
    ".gz-error .gz-link",
    ".gz-retry",
    ".gz-typing-text",
    ".gz-launcher",
]


def csp_problems(browser: Browser) -> List[str]:
    return [
        entry["message"]
        for entry in browser.console_log()
        if "Content Security Policy" in entry.get("message", "")
        or "Trusted Type" in entry.get("message", "")
        or "Uncaught" in entry.get("message", "")
    ]


# -- the page -------------------------------------------------------------------------------


def test_page_basics_labels_and_no_csp_violations(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    browser.console_log()  # drop older entries
    chat = open_page(browser, fake_chat.url)
    assert browser.execute("return document.documentElement.lang") == "nl"
    assert chat.texts(".gz-privacy") == [PRIVACY_LINE]
    assert chat.texts("h1") == ["Chat over geldzorgen"]
    assert chat.texts(".gz-intro")[0].startswith("Hoi! Waar maak je je zorgen over?")
    log = chat.must(".gz-log")
    assert browser.attribute(log, "role") == "log"
    assert browser.attribute(log, "aria-live") == "polite"
    assert browser.attribute(chat.must(".gz-status"), "role") == "status"
    assert browser.attribute(chat.must(".gz-error"), "role") == "alert"
    field = chat.must(".gz-input")
    label = browser.execute(
        "return document.querySelector('label[for=\"' + arguments[0].id + '\"]').textContent;",
        field,
    )
    assert label == "Typ je bericht"
    assert chat.say("hallo") == ["Je zei: hallo"]
    assert chat.user_texts() == ["hallo"]
    assert browser.execute("return document.cookie") == ""
    assert csp_problems(browser) == []


def test_buttons_are_rendered_and_tapping_sends_the_payload(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    assert chat.say("knoppen") == ["Mag ik vragen voor wie je dit vraagt?"]
    titles = [browser.text(b) for b in chat.choices()]
    assert titles == ["Voor mijn kind", "Voor mezelf"]
    assert all(browser.prop(b, "tagName") == "BUTTON" for b in chat.choices())
    assert chat.tap("Voor mijn kind") == ["Dank je. Hoe oud is je kind?"]
    assert chat.user_texts() == ["knoppen", "Voor mijn kind"]  # the title, not the payload
    assert fake_rasa.received[-1]["message"] == '/inform{"role":"parent"}'
    assert chat.choices() == []  # answered buttons cannot be used twice


def test_user_text_and_bot_content_with_html_or_markdown_stay_text(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    typed = "<b>vet</b> <script>window.__pwned = 9</script> **ster** [x](javascript:alert(1))"
    assert chat.say(typed) == ["Je zei: " + typed]
    assert chat.say("vijandig") == [HOSTILE_TEXT]
    assert chat.user_texts() == [typed, "vijandig"]
    assert chat.qa(".gz-log script, .gz-log img, .gz-log b, .gz-log strong, .gz-log em") == []
    assert chat.qa(".gz-log a") == []  # no link from markdown or javascript: URLs
    time.sleep(0.3)
    assert browser.execute("return window.__pwned === undefined") is True


def test_links_open_in_a_new_tab_without_referrer(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    texts = chat.say("links")
    assert texts[0] == "Kijk op https://www.leergeld.nl. Of bel 113 of gratis 0800-0113."
    links = chat.qa(".gz-msg-bot a")
    found = [
        (browser.attribute(a, "href"), browser.attribute(a, "target"), browser.attribute(a, "rel"))
        for a in links
    ]
    assert found == [
        ("https://www.leergeld.nl", "_blank", "noopener noreferrer"),
        ("tel:113", None, None),
        ("tel:08000113", None, None),
        ("https://example.org/plaatje.png", "_blank", "noopener noreferrer"),
    ]
    sr = chat.texts(".gz-msg-bot a .gz-sr")
    assert sr == [" (opent in een nieuw tabblad)"] * 2


def test_typing_indicator_while_waiting(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    fake_rasa.delay = 1.5
    chat.send("hallo")
    chat.wait_visible(".gz-typing", timeout=5)
    assert chat.texts(".gz-status") == ["De assistent schrijft een antwoord\u2026"]
    assert chat.wait_reply(0) == ["Je zei: hallo"]
    assert not browser.is_displayed(chat.must(".gz-typing"))
    assert chat.texts(".gz-status") == [""]


def test_failed_send_keeps_the_text_and_offers_a_retry(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    fake_rasa.mode = "drop"
    chat.send("mijn zoon wil op zwemles")
    error = browser.wait_until(chat.error_text, "the error message", 15)
    assert error == (
        "De chat is nu even niet bereikbaar. Probeer het zo opnieuw. "
        "Je bericht staat nog in het tekstvak."
    )
    assert chat.input_value() == "mijn zoon wil op zwemles"
    assert chat.user_texts() == []
    assert chat.texts(".gz-error-help") == [
        "Wil je nu met iemand praten? Bel de Kindertelefoon (0800-0432, gratis) of je gemeente."
        " In nood: bel 112."
    ]
    assert chat.qa(".gz-error-help a[href='tel:08000432']")
    retry = chat.must(".gz-retry")
    assert browser.text(retry) == "Opnieuw versturen"
    fake_rasa.mode = "ok"
    browser.click(retry)
    assert chat.wait_reply(0) == ["Je zei: mijn zoon wil op zwemles"]
    assert chat.error_text() == "" and chat.input_value() == ""
    assert chat.user_texts() == ["mijn zoon wil op zwemles"]


def test_failed_button_tap_can_be_sent_again(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    chat.say("knoppen")
    fake_rasa.mode = "error"
    browser.click(chat.choice("Voor mezelf"))
    assert browser.wait_until(chat.error_text, "the error", 15).startswith("Er ging iets mis")
    assert chat.input_value() == ""  # a payload never lands in the text field
    assert len(chat.choices()) == 2  # the buttons work again
    fake_rasa.mode = "ok"
    browser.click(chat.must(".gz-retry"))
    assert chat.wait_reply(1) == ["Dank je. Hoe oud is je kind?"]


def test_chat_server_down_gives_a_clear_message(
    browser: Browser, chat_server: ChatFactory, fake_rasa: FakeRasa, loop: Loop
) -> None:
    server = chat_server(fake_rasa.url)
    chat = open_page(browser, server.url)
    stop_app(loop, server)
    chat.send("hallo daar")
    error = browser.wait_until(chat.error_text, "the error message", 40)
    assert error.startswith("De chat is nu niet bereikbaar. Kijk of je internet werkt")
    assert chat.input_value() == "hallo daar"


# -- conversations: new, reload, erase ------------------------------------------------------


def test_reload_keeps_the_conversation_and_new_chat_starts_another(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    assert chat.stored_id() is None  # nothing stored before the first message
    chat.say("hallo")
    first = chat.conversation_id()
    assert chat.stored_id() == first
    browser.refresh()
    chat.wait_ready()
    assert chat.texts(".gz-notice") == [
        "Je gaat verder met je gesprek. Oude berichten zie je hier niet meer."
    ]
    assert chat.user_texts() == []  # the transcript is not kept in the browser
    chat.say("nog iets")
    browser.click(chat.must(".gz-new"))
    assert chat.texts(".gz-msg") == [chat.texts(".gz-intro")[0]]
    chat.say("opnieuw")
    assert fake_rasa.senders() == ["web-" + first] * 2 + ["web-" + chat.conversation_id()]
    assert chat.conversation_id() != first


def test_erase_asks_in_the_page_then_erases_and_starts_fresh(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    chat.say("mijn geheim")
    old = chat.conversation_id()

    browser.click(chat.must(".gz-erase"))
    dialog = chat.wait_visible(".gz-dialog")
    assert browser.execute("return arguments[0].matches(':modal')", dialog) is True
    assert chat.texts(".gz-dialog-title") == ["Wil je dit gesprek wissen?"]
    assert browser.text(browser.active_element()) == "Nee, niet wissen"  # the safe choice
    browser.click(chat.must(".gz-cancel"))
    assert not browser.is_displayed(dialog)
    assert len(fake_rasa.received) == 1  # cancelled: nothing sent

    texts = chat.erase()
    assert texts == [ERASED_TEXT]
    assert [r["message"] for r in fake_rasa.received[1:]] == ["/vergeetmij", "/affirm"]
    assert fake_rasa.senders() == ["web-" + old] * 3
    assert "mijn geheim" not in json.dumps(chat.texts(".gz-chat"))
    assert chat.stored_id() is None and chat.conversation_id() != old

    browser.refresh()
    chat.wait_ready()
    assert chat.texts(".gz-notice") == [] and chat.user_texts() == []
    assert chat.texts(".gz-intro")
    chat.say("hallo")
    assert fake_rasa.senders()[-1] not in ("web-" + old,)
    assert chat.stored_id() == chat.conversation_id() != old


def test_failed_erase_keeps_the_conversation_and_can_be_retried(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    chat.say("hallo")
    fake_rasa.mode = "drop"
    browser.click(chat.must(".gz-erase"))
    chat.wait_visible(".gz-dialog")
    browser.click(chat.must(".gz-confirm"))
    error = browser.wait_until(chat.error_text, "the error", 15)
    assert error.startswith("Het wissen is niet gelukt.")
    assert chat.user_texts() == ["hallo"]
    retry = chat.must(".gz-retry")
    assert browser.text(retry) == "Opnieuw proberen"
    fake_rasa.mode = "ok"
    browser.click(retry)
    browser.wait_until(lambda: chat.q(".gz-erased"), "the erasure", 15)
    assert chat.user_texts() == []


def test_erase_without_the_bots_confirmation_keeps_the_conversation(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    """Issue #17 point 5: an HTTP 200 is no proof; only {"erase_conversation": true} is."""
    chat = open_page(browser, fake_chat.url)
    chat.say("mijn geheim")
    old = chat.conversation_id()
    fake_rasa.erase_confirms = False  # Rasa answers 200, but nothing was erased
    error = chat.erase_refused()
    assert error == (
        "Het wissen is niet gelukt: je gesprek staat er nog. Probeer het zo nog een keer."
    )
    assert chat.conversation_id() == old and chat.stored_id() == old
    assert chat.user_texts() == ["mijn geheim"]  # the transcript stays on the screen too
    assert chat.bot_texts()[-1] == NOT_ERASED_TEXT  # what the bot did say is shown
    assert chat.q(".gz-erased") is None
    retry = chat.must(".gz-retry")
    assert browser.is_displayed(retry) and browser.text(retry) == "Opnieuw proberen"
    # The next message still goes to the same conversation.
    chat.say("nog iets")
    assert fake_rasa.senders()[-1] == "web-" + old
    # Trying again when the bot does confirm: now the id is forgotten.
    fake_rasa.erase_confirms = True
    assert chat.erase() == [ERASED_TEXT]
    assert chat.stored_id() is None and chat.conversation_id() != old


# -- keyboard, screen size, contrast --------------------------------------------------------


def focused_class(browser: Browser) -> str:
    return str(browser.execute("return document.activeElement.className"))


def test_keyboard_only(browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa) -> None:
    chat = open_page(browser, fake_chat.url)
    order = []
    for _ in range(5):
        browser.press(Keys.TAB)
        order.append(focused_class(browser))
    assert order == ["gz-btn gz-new", "gz-btn gz-erase", "gz-log", "gz-input", "gz-btn gz-send"]
    browser.chord(Keys.SHIFT, Keys.TAB)
    browser.type(browser.active_element(), "knoppen" + Keys.ENTER)
    chat.wait_reply(0)
    browser.chord(Keys.SHIFT, Keys.TAB)  # from the text field back to the last answer button
    assert browser.text(browser.active_element()) == "Voor mezelf"
    browser.press(Keys.ENTER)
    chat.wait_reply(1)
    assert chat.user_texts() == ["knoppen", "Voor mezelf"]
    assert focused_class(browser) == "gz-input"  # focus left the used button

    erase = chat.must(".gz-erase")
    browser.execute("arguments[0].focus()", erase)
    browser.press(Keys.ENTER)
    chat.wait_visible(".gz-dialog")
    browser.press(Keys.ESCAPE)
    browser.wait_until(lambda: not browser.is_displayed(chat.must(".gz-dialog")), "dialog closed")
    assert browser.same(browser.active_element(), erase)


def test_phone_layout_and_tap_targets(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    browser.set_window_size(375, 740)
    chat = open_page(browser, fake_chat.url)
    chat.say("knoppen")
    width = browser.execute("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"page scrolls sideways on a phone: {width}"
    small = []
    for element in chat.qa(".gz-chat button, .gz-chat input"):
        if browser.is_displayed(element):
            rect = browser.rect(element)
            if rect["width"] < 44 or rect["height"] < 44:
                small.append((browser.text(element), rect))
    assert small == [], f"tap targets smaller than 44px: {small}"
    field = browser.rect(chat.must(".gz-input"))
    assert field["y"] + field["height"] <= 740, "the text field must be on screen"


def test_colour_contrast_meets_wcag_aa(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa
) -> None:
    chat = open_page(browser, fake_chat.url)
    chat.say("links")
    chat.say("knoppen")
    browser.refresh()  # a notice
    chat.wait_ready()
    fake_rasa.mode = "error"
    chat.send("fout")  # an error box
    browser.wait_until(chat.error_text, "the error", 15)
    fake_rasa.mode = "ok"
    browser.execute("sessionStorage.clear()")
    results = browser.execute(CONTRAST_JS, browser.find("body"), TEXT_SELECTORS)
    chat2 = open_page(browser, fake_chat.url)
    chat2.say("links")
    chat2.say("knoppen")
    results += browser.execute(CONTRAST_JS, browser.find("body"), TEXT_SELECTORS)
    checked = {css for css, _ in results}
    assert {".gz-privacy", ".gz-msg-user .gz-text", ".gz-link", ".gz-choice:not(:disabled)",
            ".gz-notice", ".gz-error-text", ".gz-send"} <= checked
    low = [(css, value) for css, value in results if value < 4.5]
    assert low == [], f"contrast below 4.5:1: {low}"


# -- the widget on other sites --------------------------------------------------------------


def has_focus(browser: Browser, element: object) -> bool:
    return bool(browser.execute("return arguments[0].matches(':focus');", element))


def frame_focus(chat: ChatPage) -> str:
    chat.enter()
    script = "return document.hasFocus() ? document.activeElement.className : '';"
    return str(chat.b.execute(script))


@pytest.mark.parametrize("crossorigin", [True, False], ids=["crossorigin", "plain-tag"])
def test_widget_works_on_an_allowed_site(
    browser: Browser,
    fake_chat: RunningApp,
    fake_rasa: FakeRasa,
    hosts: Hosts,
    crossorigin: bool,
) -> None:
    chat = open_widget(browser, hosts.page(hosts.allowed, fake_chat.url, crossorigin))
    launcher = chat.launcher()
    assert browser.text(launcher) == "Chat over geldzorgen"
    assert browser.attribute(launcher, "aria-expanded") == "false"
    assert not browser.is_displayed(chat.panel())
    style = browser.execute(
        "const s = getComputedStyle(arguments[0]); return [s.backgroundColor, s.fontSize];",
        launcher,
    )
    assert style == ["rgb(11, 79, 138)", "16px"]  # the site's CSS does not leak in
    browser.click(launcher)
    chat.wait_ready()
    assert browser.attribute(chat.launcher(), "aria-expanded") == "true"
    browser.wait_until(lambda: frame_focus(chat) == "gz-input", "the focus in the text field")
    assert chat.texts(".gz-privacy") == [PRIVACY_LINE]
    assert chat.say("knoppen") == ["Mag ik vragen voor wie je dit vraagt?"]
    assert chat.tap("Voor mijn kind") == ["Dank je. Hoe oud is je kind?"]
    assert fake_rasa.senders() == ["web-" + chat.conversation_id()] * 2
    assert chat.stored_id() == chat.conversation_id()  # the chat's own storage (iframe)
    browser.press(Keys.ESCAPE)
    browser.wait_until(lambda: not browser.is_displayed(chat.panel()), "panel closed")
    browser.wait_until(lambda: has_focus(browser, chat.launcher()), "the focus on the launcher")
    # The close button in the chat closes the panel too.
    browser.click(chat.launcher())
    browser.wait_until(lambda: browser.is_displayed(chat.panel()), "panel open")
    browser.click(chat.must(".gz-close"))
    browser.wait_until(lambda: not browser.is_displayed(chat.panel()), "panel closed again")


def test_widget_erase_in_the_widget(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa, hosts: Hosts
) -> None:
    chat = open_widget(browser, hosts.page(hosts.allowed, fake_chat.url))
    chat.clear_storage()
    browser.click(chat.launcher())
    chat.wait_ready()
    chat.say("hallo")
    browser.click(chat.must(".gz-erase"))
    chat.wait_visible(".gz-dialog")
    assert browser.text(browser.active_element()) == "Nee, niet wissen"  # also in the iframe
    browser.click(chat.must(".gz-cancel"))
    assert chat.erase() == [ERASED_TEXT]
    assert [r["message"] for r in fake_rasa.received] == ["hallo", "/vergeetmij", "/affirm"]


# What any script of the host site can try to reach the conversation with.
SNOOP_JS = """
const found = {};
found.storage = JSON.stringify(Object.entries(sessionStorage))
  + JSON.stringify(Object.entries(localStorage));
found.globals = ['GZChat', 'gzChat'].filter((name) => name in window);
const host = document.getElementById('geldzorgen-chat');
found.hostExists = !!host;
found.shadowRoot = host ? host.shadowRoot !== null : null;
found.gzChatOnHost = host ? 'gzChat' in host : null;
found.html = document.documentElement.outerHTML;
found.iframesInDom = document.querySelectorAll('iframe').length;
// The host's script caught the (closed) shadow root when the widget made it.
const frames = window.__roots.flatMap((root) => Array.from(root.querySelectorAll('iframe')));
found.caughtFrames = frames.length;
found.caughtHtml = window.__roots.map((root) => root.innerHTML).join('');
const attempts = {};
for (const frame of frames) {
  const w = frame.contentWindow;
  for (const [name, read] of [
    ['document', () => w.document.body.innerHTML],
    ['storage', () => JSON.stringify(Object.entries(w.sessionStorage))],
    ['component', () => String(w.GZChat)],
  ]) {
    try { attempts[name] = read(); } catch (e) { attempts[name] = 'blocked ' + e.name; }
  }
}
found.attempts = attempts;
return found;
"""


def test_host_page_cannot_reach_the_widgets_conversation(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa, hosts: Hosts
) -> None:
    """Issue #17 point 4: the chat runs in an iframe of the chat server's own origin."""
    chat = open_widget(browser, hosts.page(hosts.allowed, fake_chat.url))
    browser.click(chat.launcher())
    chat.wait_ready()
    chat.say("mijn geheim")
    conversation = chat.conversation_id()
    assert chat.stored_id() == conversation  # kept, but in the chat server's origin
    chat.top()
    found = browser.execute(SNOOP_JS)
    assert conversation not in found["storage"], "the id is in the host page's storage"
    assert found["globals"] == [], "the chat component is a global of the host page"
    assert found["hostExists"] and found["shadowRoot"] is False  # closed shadow root
    assert found["gzChatOnHost"] is False
    assert conversation not in found["html"] and "mijn geheim" not in found["html"]
    assert found["iframesInDom"] == 0  # the iframe is inside the closed shadow root
    # Even a script that caught the shadow root only finds an iframe of another origin.
    assert found["caughtFrames"] == 1
    assert conversation not in found["caughtHtml"] and "mijn geheim" not in found["caughtHtml"]
    assert found["attempts"] == {
        "document": "blocked SecurityError",
        "storage": "blocked SecurityError",
        "component": "blocked SecurityError",
    }
    # The widget still works after all that, in the same conversation.
    assert chat.say("nog iets") == ["Je zei: nog iets"]
    assert fake_rasa.senders() == ["web-" + conversation] * 2


@pytest.mark.parametrize("crossorigin", [True, False], ids=["crossorigin", "plain-tag"])
def test_widget_does_not_run_on_a_site_that_is_not_allowed(
    browser: Browser,
    fake_chat: RunningApp,
    fake_rasa: FakeRasa,
    hosts: Hosts,
    crossorigin: bool,
) -> None:
    browser.get(hosts.page(hosts.denied, fake_chat.url, crossorigin))
    state = browser.wait_until(
        lambda: browser.execute("return window.widgetState !== 'loading' && window.widgetState"),
        "the widget script to load or fail",
    )
    assert state == "error"
    assert browser.execute("return document.getElementById('geldzorgen-chat')") is None
    # The page cannot talk to the API itself either: the browser blocks it (no CORS answer).
    result = browser.execute_async(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0] + '/api/message', {method: 'POST',"
        " headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({conversation: crypto.randomUUID(), message: 'hoi'})})"
        ".then((r) => done('answered ' + r.status), (e) => done('blocked ' + e.name));",
        fake_chat.url,
    )
    assert result == "blocked TypeError"
    assert fake_rasa.received == []


def test_other_sites_cannot_frame_the_chat_or_call_its_api(
    browser: Browser, fake_chat: RunningApp, fake_rasa: FakeRasa, hosts: Hosts
) -> None:
    # A site that is not allowed, pretending to be an allowed one: the browser refuses to
    # show the chat in its iframe (frame-ancestors names only the claimed site).
    browser.switch_to_frame(None)
    browser.get(hosts.page(hosts.denied, fake_chat.url))
    browser.execute(
        "const f = document.createElement('iframe'); f.id = 'stolen';"
        "f.src = arguments[0] + '/widget?host=' + encodeURIComponent(arguments[1]);"
        "document.body.appendChild(f);",
        fake_chat.url,
        hosts.allowed,
    )
    frame = browser.wait_for_element("#stolen")
    time.sleep(1.0)
    browser.switch_to_frame(frame)
    try:
        assert browser.execute("return document.getElementById('chat')") is None
        assert not str(browser.execute("return location.href")).startswith(fake_chat.url)
    finally:
        browser.switch_to_frame(None)
    # Even the allowed site cannot send messages itself: the API has no CORS any more.
    browser.get(hosts.page(hosts.allowed, fake_chat.url))
    result = browser.execute_async(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0] + '/api/message', {method: 'POST',"
        " headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({conversation: crypto.randomUUID(), message: 'hoi'})})"
        ".then((r) => done('answered ' + r.status), (e) => done('blocked ' + e.name));",
        fake_chat.url,
    )
    assert result == "blocked TypeError"
    assert fake_rasa.received == []


def test_rate_limit_and_length_cap_in_the_page(
    browser: Browser, chat_server: ChatFactory, fake_rasa: FakeRasa
) -> None:
    server = chat_server(fake_rasa.url, rate_burst=1, rate_per_minute=1.0, max_chars=40)
    chat = open_page(browser, server.url)
    assert browser.attribute(chat.must(".gz-input"), "maxlength") == "40"
    chat.send("x" * 60)  # the field itself stops at 40 characters
    assert chat.wait_reply(0) == ["Je zei: " + "x" * 40]
    chat.send("nog een")
    error = browser.wait_until(chat.error_text, "the rate-limit message", 15)
    assert error.startswith("Je stuurt veel berichten snel na elkaar.")
    assert chat.input_value() == "nog een"
    assert not browser.is_displayed(chat.must(".gz-error-help"))
