"""Pseudonymous sender ids: HMAC-SHA256 of the channel id with a secret key.

The key comes from the environment variable ``PSEUDONYM_KEY`` (setup writes one for the
embedded default into ``var/secrets.env``). The same key always gives the same pseudonym,
so a conversation continues; without the key nobody can go back from a pseudonym to a
phone number or chat id. If the key is lost, old conversations can no longer be linked to
their senders (they simply age out by retention); nothing else breaks.
"""

from __future__ import annotations

import hashlib
import hmac
import os

PREFIX = "p-"


class MissingKeyError(RuntimeError):
    """PSEUDONYM_KEY is not set."""


def pseudonym_key() -> bytes:
    """The secret key from the environment; fail loudly when it is missing or too short."""
    key = os.environ.get("PSEUDONYM_KEY", "")
    if len(key) < 16:
        raise MissingKeyError(
            "PSEUDONYM_KEY is not set (or shorter than 16 characters). "
            "Run `make setup`, or set it in .env; see README 'Privacy'."
        )
    return key.encode("utf-8")


def pseudonymise(raw_id: str, namespace: str = "rest", key: bytes | None = None) -> str:
    """Return the pseudonym of ``raw_id`` (stable per key and namespace)."""
    digest = hmac.new(key or pseudonym_key(), f"{namespace}:{raw_id}".encode(), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:40]
