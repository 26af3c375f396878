"""Pseudonymous sender ids for Rasa.

The bridges never send a Telegram chat id or a WhatsApp phone number to Rasa. Instead they
send ``"tg-" + HMAC-SHA256(PSEUDONYM_KEY, "telegram:" + chat_id)[:32]`` (``"wa-"`` and
``"whatsapp:"`` for WhatsApp). The same key gives the same pseudonym, so a conversation keeps
its tracker; without the key the pseudonym cannot be traced back to the person.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from bot_bridge.config import ConfigError

PREFIXES = {"telegram": "tg-", "whatsapp": "wa-"}
KEY_ENV = "PSEUDONYM_KEY"
MIN_KEY_LENGTH = 16


class PseudonymKeyMissing(ConfigError):
    """``PSEUDONYM_KEY`` is not configured."""


def check_key(key: str | None) -> str:
    """Return ``key`` if it is usable, else raise :class:`PseudonymKeyMissing`.

    Like the Rasa channel, the bridges refuse keys shorter than ``MIN_KEY_LENGTH``.
    """
    key = key or ""
    if len(key.strip()) < MIN_KEY_LENGTH:
        raise PseudonymKeyMissing(
            f"{KEY_ENV} is not set (or shorter than {MIN_KEY_LENGTH} characters). The bridges "
            "need it to pseudonymise chat ids and phone numbers before anything is sent to "
            "Rasa. Run `make setup` (writes var/secrets.env) or set it in .env; generate one "
            "with `python -c 'import secrets; print(secrets.token_hex(32))'`. "
            "See docs/channels.md."
        )
    return key


def pseudonym_key_from_env() -> str:
    """Return ``$PSEUDONYM_KEY`` or raise :class:`PseudonymKeyMissing` with a clear message."""
    return check_key(os.environ.get(KEY_ENV))


def pseudonymise(platform: str, user_id: str, key: str | None = None) -> str:
    """Return the pseudonymous Rasa sender id for ``user_id`` on ``platform``.

    Args:
        platform: ``"telegram"`` or ``"whatsapp"``.
        user_id: the Telegram chat id or the WhatsApp id (phone number), as text.
        key: the secret; defaults to ``$PSEUDONYM_KEY``.

    Raises:
        PseudonymKeyMissing: when the key (given, or ``$PSEUDONYM_KEY``) is missing or
            shorter than 16 characters.
        ValueError: for an unknown platform or an empty user id.
    """
    if platform not in PREFIXES:
        raise ValueError(f"Unknown platform {platform!r}; expected one of {sorted(PREFIXES)}.")
    if not str(user_id):
        raise ValueError("user_id must not be empty.")
    secret = check_key(key) if key is not None else pseudonym_key_from_env()
    digest = hmac.new(
        secret.encode("utf-8"), f"{platform}:{user_id}".encode(), hashlib.sha256
    ).hexdigest()
    return PREFIXES[platform] + digest[:32]
