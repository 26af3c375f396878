"""Page object for the chat in a real browser: the page at ``/`` or the embedded widget."""

from __future__ import annotations

from typing import List, Optional

from tests.browser.webdriver import Browser, Element, Keys

STORAGE_KEY = "geldzorgen-chat:conversation"
PRIVACY_LINE = (
    "Anoniem: je hoeft geen naam te geven. We bewaren het gesprek onder een code, 30 dagen, "
    "en jij kunt het altijd wissen."
)

# Text of an element without the screen-reader-only parts (".gz-sr").
_TEXT_JS = """
const visibleText = (node) => {
  const copy = node.cloneNode(true);
  copy.querySelectorAll('.gz-sr').forEach((n) => n.remove());
  return copy.textContent;
};
"""


class ChatPage:
    """Drives one chat component; ``root_js`` is a JS expression for its DOM root."""

    def __init__(self, browser: Browser, widget: bool = False) -> None:
        self.b = browser
        self.widget = widget
        if widget:
            self.root_js = "document.getElementById('geldzorgen-chat').shadowRoot"
            self.chat_js = "document.getElementById('geldzorgen-chat').gzChat"
        else:
            self.root_js = "document"
            self.chat_js = "document.getElementById('chat').gzChat"

    # -- finding ------------------------------------------------------------------------

    def q(self, css: str) -> Optional[Element]:
        """The first element matching ``css`` in the chat, or None."""
        return self.b.execute(f"return {self.root_js}.querySelector(arguments[0]);", css)

    def qa(self, css: str) -> List[Element]:
        """All elements matching ``css`` in the chat."""
        return self.b.execute(
            f"return Array.from({self.root_js}.querySelectorAll(arguments[0]));", css
        )

    def must(self, css: str) -> Element:
        """The first element matching ``css``; fails clearly if there is none."""
        element = self.q(css)
        assert element is not None, f"no element {css!r} in the chat"
        return element

    def wait_visible(self, css: str, timeout: float = 15.0) -> Element:
        """Wait until ``css`` exists and is displayed."""

        def visible() -> Optional[Element]:
            element = self.q(css)
            return element if element is not None and self.b.is_displayed(element) else None

        return self.b.wait_until(visible, f"{css!r} to be visible", timeout)

    def wait_ready(self, timeout: float = 15.0) -> None:
        """Wait until the chat is built (and, for the widget, opened)."""
        self.b.wait_until(
            lambda: self.b.execute(
                f"try {{ return !!{self.chat_js}; }} catch (e) {{ return false; }}"
            ),
            "the chat to start",
            timeout,
        )
        self.wait_visible(".gz-input", timeout)

    # -- reading ------------------------------------------------------------------------

    def texts(self, css: str) -> List[str]:
        """Visible texts (without screen-reader-only parts) of all ``css`` matches."""
        return self.b.execute(
            _TEXT_JS
            + f"return Array.from({self.root_js}.querySelectorAll(arguments[0])).map(visibleText);",
            css,
        )

    def message_texts(self, css: str) -> List[str]:
        """The text paragraphs (not the buttons) of each message matching ``css``."""
        return self.b.execute(
            _TEXT_JS
            + f"return Array.from({self.root_js}.querySelectorAll(arguments[0])).map((m) =>"
            " Array.from(m.querySelectorAll('.gz-text')).map(visibleText).join('\\n'));",
            css,
        )

    def bot_texts(self) -> List[str]:
        """Texts of the bot's messages, without the built-in greeting."""
        return self.message_texts(".gz-msg-bot:not(.gz-intro)")

    def user_texts(self) -> List[str]:
        return self.message_texts(".gz-msg-user")

    def busy(self) -> bool:
        return bool(self.b.execute(f"return {self.chat_js}.busy;"))

    def conversation_id(self) -> str:
        return str(self.b.execute(f"return {self.chat_js}.conversationId;"))

    def stored_id(self) -> Optional[str]:
        return self.b.execute("return sessionStorage.getItem(arguments[0]);", STORAGE_KEY)

    def error_text(self) -> str:
        return self.b.execute(
            f"const e = {self.root_js}.querySelector('.gz-error');"
            "return e && !e.hidden ? e.querySelector('.gz-error-text').textContent : '';"
        )

    def input_value(self) -> str:
        return str(self.b.prop(self.must(".gz-input"), "value"))

    # -- acting -------------------------------------------------------------------------

    def send(self, text: str) -> None:
        """Type ``text`` in the message field and press Enter."""
        field = self.must(".gz-input")
        self.b.click(field)
        self.b.type(field, text + Keys.ENTER)

    def wait_reply(self, before: int, timeout: float = 30.0) -> List[str]:
        """Wait until the bot said more than ``before`` messages and is done; the new ones."""

        def done() -> Optional[List[str]]:
            texts = self.bot_texts()
            return texts[before:] if len(texts) > before and not self.busy() else None

        return self.b.wait_until(done, f"a bot reply after message {before}", timeout)

    def say(self, text: str, timeout: float = 30.0) -> List[str]:
        """Send ``text`` and return the bot's new messages."""
        before = len(self.bot_texts())
        self.send(text)
        return self.wait_reply(before, timeout)

    def choices(self) -> List[Element]:
        """The answer buttons that can still be used."""
        return self.qa(".gz-choice:not(:disabled)")

    def choice(self, title: str) -> Element:
        for button in self.choices():
            if self.b.text(button) == title:
                return button
        titles = [self.b.text(b) for b in self.choices()]
        raise AssertionError(f"no answer button {title!r}; buttons: {titles}")

    def tap(self, title: str, timeout: float = 30.0) -> List[str]:
        """Tap the answer button ``title``; return the bot's new messages."""
        before = len(self.bot_texts())
        self.b.click(self.choice(title))
        return self.wait_reply(before, timeout)

    def erase(self, timeout: float = 30.0) -> List[str]:
        """'Wis dit gesprek' and confirm in the dialog; return the bot texts afterwards."""
        self.b.click(self.must(".gz-erase"))
        self.wait_visible(".gz-dialog")
        self.b.click(self.must(".gz-confirm"))
        self.b.wait_until(
            lambda: self.q(".gz-erased") is not None and not self.busy(),
            "the erasure to be confirmed",
            timeout,
        )
        return self.message_texts(".gz-msg")


def open_page(browser: Browser, url: str) -> ChatPage:
    """Open the chat page at ``url`` with an empty sessionStorage (a fresh conversation)."""
    browser.get(url + "/")
    browser.execute("sessionStorage.clear();")
    browser.refresh()
    chat = ChatPage(browser)
    chat.wait_ready()
    return chat


def open_widget(browser: Browser, url: str) -> ChatPage:
    """Open a test site that embeds the widget; wait until the widget has started."""
    browser.get(url)
    state = browser.wait_until(
        lambda: browser.execute("return window.widgetState !== 'loading' && window.widgetState"),
        "the widget script to load or fail",
    )
    assert state == "loaded"
    browser.wait_until(
        lambda: browser.execute(
            "const h = document.getElementById('geldzorgen-chat');"
            "return h && h.getAttribute('data-ready') === 'true';"
        ),
        "the widget to start",
    )
    return ChatPage(browser, widget=True)
