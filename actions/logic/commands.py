"""Chat commands and the normalisation of incoming text (shared by channels and actions)."""

from __future__ import annotations

import re
from typing import Any, Iterable

# The custom payload the action sends when a person confirmed erasure; the REST channel
# strips it from the reply and erases the conversation.
ERASE_MARKER = "erase_conversation"

# Commands people type (Telegram-style) mapped to the intent they trigger.
COMMANDS = {
    "start": "greet",
    "begin": "greet",
    "help": "ask_bot",
    "hulp": "ask_bot",
    "vergeetmij": "forget_me",
    "vergeet": "forget_me",
    "wis": "forget_me",
    "stop": "goodbye",
}
EMPTY_PAYLOAD = "/empty_message"
MAX_TEXT_CHARS = 5000

_COMMAND = re.compile(r"^/+([A-Za-z_]+)(@\w+)?\s*$")
_PAYLOAD = re.compile(r"^/([A-Za-z_]+)(\{.*\})?$", re.S)


def normalise_incoming(message: Any, known_intents: Iterable[str]) -> str:
    """Turn whatever a caller sent into text Rasa can handle safely.

    - not a string, empty or only whitespace: the ``/empty_message`` payload;
    - ``/vergeetmij`` and other commands (also ``/start@BotName``): their intent payload;
    - ``/intent`` payloads of the domain's own intents (buttons) stay as they are;
    - any other text that starts with ``/`` loses the slashes (so it goes through NLU);
    - text longer than ``MAX_TEXT_CHARS`` is cut there.
    """
    if not isinstance(message, str) or not message.strip():
        return EMPTY_PAYLOAD
    text = message.replace("\x00", "").strip()[:MAX_TEXT_CHARS]
    command = _COMMAND.match(text)
    if command and command.group(1).lower() in COMMANDS:
        return "/" + COMMANDS[command.group(1).lower()]
    if text.lower() in COMMANDS and text.lower() in ("vergeetmij",):
        return "/" + COMMANDS[text.lower()]
    payload = _PAYLOAD.match(text)
    if payload and payload.group(1) in set(known_intents):
        return text
    if text.startswith("/"):
        text = text.lstrip("/").strip()
        return text or EMPTY_PAYLOAD
    return text
