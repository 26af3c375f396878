"""Page object for the chat in a real browser: the page at ``/`` or the embedded widget.

The widget's chat runs in an iframe of the chat server's own page (``/widget``), inside a
closed shadow root of the host page. In widget mode every chat method first switches
WebDriver into that iframe; :meth:`ChatPage.top`, :meth:`ChatPage.launcher` and
:meth:`ChatPage.panel` work in the host page.
"""

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
        # Inside the page or the widget's iframe the chat is the document's own.
        self.root_js = "document"
        self.chat_js = "document.getElementById('chat').gzChat"

    # -- browsing contexts (widget) -----------------------------------------------------

    def top(self) -> None:
        """Let WebDriver work in the host page (the top-level document)."""
        self.b.switch_to_frame(None)

    def _host_element(self, css: str) -> Element:
        self.top()
        return self.b.shadow_find("#geldzorgen-chat", css)

    def launcher(self) -> Element:
        """The widget's launcher button (in the host page's closed shadow root)."""
        return self._host_element(".gz-launcher")

    def panel(self) -> Element:
        """The widget's panel around the iframe (in the host page)."""
        return self._host_element(".gz-panel")

    def frame(self) -> Element:
        """The widget's iframe element (in the host page)."""
        return self._host_element("iframe")

    def enter(self) -> None:
        """In widget mode: let WebDriver work inside the chat's iframe."""
        if not self.widget:
            return
        in_frame = self.b.execute("return window !== window.top;")
        if not in_frame:
            self.b.switch_to_frame(self.frame())

    # -- finding ------------------------------------------------------------------------

    def q(self, css: str) -> Optional[Element]:
        """The first element matching ``css`` in the chat, or None."""
        self.enter()
        return self.b.execute(f"return {self.root_js}.querySelector(arguments[0]);", css)

    def qa(self, css: str) -> List[Element]:
        """All elements matching ``css`` in the chat."""
        self.enter()
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

        def built() -> bool:
            self.enter()
            return bool(
                self.b.execute(f"try {{ return !!{self.chat_js}; }} catch (e) {{ return false; }}")
            )

        self.b.wait_until(
            built,
            "the chat to start",
            timeout,
        )
        self.wait_visible(".gz-input", timeout)

    # -- reading ------------------------------------------------------------------------

    def texts(self, css: str) -> List[str]:
        """Visible texts (without screen-reader-only parts) of all ``css`` matches."""
        self.enter()
        return self.b.execute(
            _TEXT_JS
            + f"return Array.from({self.root_js}.querySelectorAll(arguments[0])).map(visibleText);",
            css,
        )

    def message_texts(self, css: str) -> List[str]:
        """The text paragraphs (not the buttons) of each message matching ``css``."""
        self.enter()
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
        self.enter()
        return bool(self.b.execute(f"return {self.chat_js}.busy;"))

    def conversation_id(self) -> str:
        self.enter()
        return str(self.b.execute(f"return {self.chat_js}.conversationId;"))

    def stored_id(self) -> Optional[str]:
        """The id in the chat's own sessionStorage (the iframe's, for the widget)."""
        self.enter()
        return self.b.execute("return sessionStorage.getItem(arguments[0]);", STORAGE_KEY)

    def clear_storage(self) -> None:
        """Empty the chat's own sessionStorage (the iframe's, for the widget)."""
        self.enter()
        self.b.execute("sessionStorage.clear();")

    def error_text(self) -> str:
        self.enter()
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

    def start_erase(self) -> None:
        """'Wis dit gesprek' and confirm in the dialog (does not wait for the answer)."""
        self.b.click(self.must(".gz-erase"))
        self.wait_visible(".gz-dialog")
        self.b.click(self.must(".gz-confirm"))

    def erase(self, timeout: float = 30.0) -> List[str]:
        """'Wis dit gesprek' and confirm in the dialog; return the bot texts afterwards."""
        self.start_erase()
        self.b.wait_until(
            lambda: self.q(".gz-erased") is not None and not self.busy(),
            "the erasure to be confirmed",
            timeout,
        )
        return self.message_texts(".gz-msg")

    def erase_refused(self, timeout: float = 30.0) -> str:
        """'Wis dit gesprek' when the bot does not confirm it; return the error text."""
        self.start_erase()
        return self.b.wait_until(
            lambda: (not self.busy() and self.error_text()) or None,
            "the message that erasing did not work",
            timeout,
        )


def open_page(browser: Browser, url: str) -> ChatPage:
    """Open the chat page at ``url`` with an empty sessionStorage (a fresh conversation)."""
    browser.get(url + "/")
    browser.execute("sessionStorage.clear();")
    browser.refresh()
    chat = ChatPage(browser)
    chat.wait_ready()
    return chat


def open_widget(browser: Browser, url: str) -> ChatPage:
    """Open a test site that embeds the widget; wait until the widget has started.

    WebDriver stays in the host page; the chat methods enter the widget's iframe.
    """
    browser.switch_to_frame(None)
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
