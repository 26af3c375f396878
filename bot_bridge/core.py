"""Platform-independent part of the bridges: pseudonymise, rate-limit, ask Rasa, fall back."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List

from bot_bridge.config import CommonSettings
from bot_bridge.limits import Decision, RateLimiter, SenderLocks
from bot_bridge.pseudonym import pseudonymise
from bot_bridge.rasa_client import BotMessage, RasaClient, RasaUnavailable
from bot_bridge.texts import Texts, load_texts

logger = logging.getLogger(__name__)

# Longest user text forwarded to Rasa (both platforms allow 4096 characters).
MAX_INPUT_CHARS = 4096
# The commands of the Telegram menu; Rasa's REST channel maps each one to an intent when it
# arrives on its own (``/start`` -> greet, ``/help`` -> ask_bot, ``/vergeetmij`` -> forget_me).
COMMANDS = ("start", "help", "vergeetmij")

Deliver = Callable[[List[BotMessage]], Awaitable[None]]


def split_command(text: str) -> List[str]:
    """The messages to send to Rasa for one typed text, in order.

    A known command with text after it becomes two messages: the command on its own (so
    it is mapped as always) and then the text as an ordinary message, so nothing the person
    wrote is lost: ``"/help ik wil niet meer leven"`` -> ``["/help", "ik wil niet meer
    leven"]``. ``/start@BotName`` and upper case work too; slashes at the start of the
    rest are dropped, so the rest is always plain text. Anything else (plain text, other
    ``/words``, button payloads) is one message, unchanged: Rasa's channel sends an unknown
    ``/word ...`` through NLU as text.
    """
    stripped = text.strip()
    if not stripped.startswith("/"):
        return [stripped] if stripped else []
    parts = stripped.split(maxsplit=1)
    command = parts[0][1:].split("@")[0].lower()
    if command not in COMMANDS:
        return [stripped]
    messages = ["/" + command]
    rest = parts[1].strip().lstrip("/").strip() if len(parts) > 1 else ""
    if rest:
        messages.append(rest)
    return messages


class BridgeCore:
    """Turns one user message into the messages to send back.

    The raw platform id (chat id, phone number) is only used to compute the pseudonym; it
    is never sent to Rasa or logged.
    """

    def __init__(
        self,
        rasa: RasaClient,
        pseudonym_key: str,
        texts: Texts | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.rasa = rasa
        self.texts = texts if texts is not None else load_texts()
        self.limiter = limiter if limiter is not None else RateLimiter()
        self._key = pseudonym_key
        self._locks = SenderLocks()

    @classmethod
    def from_settings(cls, settings: CommonSettings, texts: Texts | None = None) -> BridgeCore:
        """Build the core from the shared settings."""
        rasa = RasaClient(
            settings.rasa_url,
            timeout=settings.rasa_timeout,
            connect_timeout=settings.rasa_connect_timeout,
            max_concurrent=settings.rasa_max_concurrent,
        )
        limiter = RateLimiter(burst=settings.rate_burst, per_minute=settings.rate_per_minute)
        return cls(rasa, settings.pseudonym_key, texts=texts, limiter=limiter)

    def sender_for(self, platform: str, user_id: str) -> str:
        """Pseudonymous Rasa sender id for a platform user."""
        return pseudonymise(platform, user_id, self._key)

    def fallback(self) -> List[BotMessage]:
        """The friendly 'I cannot answer now' message with a phone number."""
        return [BotMessage(text=self.texts.fallback)]

    async def handle(
        self,
        platform: str,
        user_id: str,
        text: str | None,
        deliver: Deliver,
        metadata: Dict[str, Any] | None = None,
        before_ask: Callable[[], Awaitable[None]] | None = None,
        typed: bool = False,
    ) -> None:
        """Answer one message from ``user_id`` by calling ``deliver`` with what to send.

        ``text=None`` stands for a message without text (photo, voice, sticker, ...): it is
        answered with the "I can only read text" message without asking Rasa.

        ``typed=True`` marks text the person typed (not a button payload): a command with
        text after it is sent as the command and then the text (:func:`split_command`), each
        answer delivered in turn. One incoming message takes one rate-limit token.

        The rate limit is checked first, when the message arrives; then the sender's lock is
        held while Rasa is asked *and* the answer is delivered, so a sender's answers never
        interleave. ``deliver`` is not called when there is nothing to send (blank text, or
        a sender over the rate limit who was already told so). ``before_ask`` (e.g. a
        "typing..." indicator) runs only for admitted text messages, just before Rasa is asked.
        """
        if text is not None:
            text = text.strip()[:MAX_INPUT_CHARS]
            if not text:
                return
        sender = self.sender_for(platform, user_id)
        decision = self.limiter.check(sender)
        if decision is Decision.DENY_NOTIFY:
            logger.info("rate limit reached for %s", sender)
            await deliver([BotMessage(text=self.texts.rate_limited)])
            return
        if decision is Decision.DENY_SILENT:
            return
        async with self._locks.hold(sender):
            if text is None:
                await deliver([BotMessage(text=self.texts.only_text)])
                return
            parts = split_command(text) if typed else [text]
            for part in parts:
                if before_ask is not None:
                    await before_ask()
                messages = await self.ask(
                    sender, part, {"channel": platform, **(metadata or {})}
                )
                await deliver(messages)

    async def ask(
        self, sender: str, text: str, metadata: Dict[str, Any] | None = None
    ) -> List[BotMessage]:
        """Ask Rasa; return its messages, or the fallback if it is down or answers nothing.

        Erasure (``/vergeetmij``) is Rasa's business; it never resets the sender's rate
        limit here (issue #17: it used to, so a flood could refill its bucket at will).
        """
        try:
            messages = await self.rasa.send(sender, text, metadata)
        except RasaUnavailable as exc:
            logger.warning("Rasa unavailable for %s: %s", sender, exc)
            return self.fallback()
        if not messages:
            logger.warning("Rasa gave no answer for %s", sender)
            return self.fallback()
        return messages

    async def aclose(self) -> None:
        """Release the HTTP client."""
        await self.rasa.aclose()
