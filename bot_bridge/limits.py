"""Guards of the bridges: rate limit, deduplication, per-sender order, payloads.

State is kept in the bridge process, keyed by pseudonym or platform id, and is bounded in
size so a flood of ids cannot exhaust memory. The one exception is
:class:`PersistentDeduplicator` (WhatsApp): keyed digests of message ids in a small SQLite
file, so a signed message cannot be replayed right after a restart.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import hmac
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Callable, Dict, Tuple

Clock = Callable[[], float]


class Decision(enum.Enum):
    """Outcome of :meth:`RateLimiter.check`."""

    ALLOW = "allow"
    DENY_NOTIFY = "deny_notify"  # first refused message of a burst: tell the user once
    DENY_SILENT = "deny_silent"  # further refused messages: stay quiet


@dataclass
class _Bucket:
    tokens: float
    updated: float
    notified: bool = False


class RateLimiter:
    """Token bucket per sender: ``burst`` messages at once, then ``per_minute`` on average."""

    def __init__(
        self,
        burst: int = 5,
        per_minute: float = 20.0,
        clock: Clock = time.monotonic,
        max_senders: int = 100_000,
    ) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("burst must be >= 1 and per_minute > 0")
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._max_senders = max_senders
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def check(self, sender: str) -> Decision:
        """Take one token for ``sender`` if there is one."""
        now = self._clock()
        bucket = self._buckets.get(sender)
        if bucket is None:
            bucket = _Bucket(tokens=self.burst, updated=now)
            self._buckets[sender] = bucket
            self._prune()
        else:
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.rate)
            bucket.updated = now
            self._buckets.move_to_end(sender)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.notified = False
            return Decision.ALLOW
        if bucket.notified:
            return Decision.DENY_SILENT
        bucket.notified = True
        return Decision.DENY_NOTIFY

    def __len__(self) -> int:
        return len(self._buckets)

    def _prune(self) -> None:
        while len(self._buckets) > self._max_senders:
            self._buckets.popitem(last=False)


class Deduplicator:
    """Remembers ids (Telegram ``update_id``, WhatsApp message id) for ``ttl`` seconds."""

    def __init__(
        self, ttl: float = 24 * 3600.0, max_size: int = 100_000, clock: Clock = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def seen(self, key: str) -> bool:
        """Return True if ``key`` was seen before; otherwise remember it and return False.

        The check and the insert happen without an ``await`` in between, so two concurrent
        deliveries of the same id cannot both pass.
        """
        now = self._clock()
        self._expire(now)
        # Only a digest is kept: WhatsApp message ids encode the sender's phone number.
        key = hashlib.blake2b(key.encode("utf-8"), digest_size=16).hexdigest()
        if key in self._seen:
            return True
        self._seen[key] = now
        while len(self._seen) > self.max_size:
            self._seen.popitem(last=False)
        return False

    def __len__(self) -> int:
        return len(self._seen)

    def _expire(self, now: float) -> None:
        while self._seen:
            key, stamp = next(iter(self._seen.items()))
            if now - stamp < self.ttl:
                break
            del self._seen[key]


class PersistentDeduplicator:
    """Like :class:`Deduplicator`, but the ids survive a restart (SQLite file).

    Only a keyed digest (HMAC-BLAKE2b with ``key``) of each id is stored, never the id
    (WhatsApp ids encode the phone number; a plain hash of one could be brute-forced).
    Rows older than ``ttl`` seconds are pruned. The check and the insert are one
    ``INSERT OR IGNORE``: two deliveries of the same id cannot both pass, also across
    processes. ``clock`` must be wall-clock time (it is compared across restarts).
    """

    PRUNE_EVERY = 60.0

    def __init__(
        self, path: str | Path, key: str, ttl: float = 24 * 3600.0, clock: Clock = time.time
    ) -> None:
        self.path = Path(path)
        self.ttl = ttl
        self._key = key.encode("utf-8")
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self.path.touch(mode=0o600)
        os.chmod(self.path, 0o600)
        self._db = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS seen (digest TEXT PRIMARY KEY, at REAL NOT NULL)"
        )
        self._pruned = 0.0

    def _digest(self, key: str) -> str:
        return hmac.new(self._key, key.encode("utf-8"), hashlib.blake2b).hexdigest()[:64]

    def seen(self, key: str) -> bool:
        """True if ``key`` was seen within ``ttl`` (also before a restart); else remember it."""
        now = self._clock()
        digest = self._digest(key)
        with self._lock:
            if now - self._pruned >= self.PRUNE_EVERY:
                self._db.execute("DELETE FROM seen WHERE at <= ?", (now - self.ttl,))
                self._pruned = now
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO seen (digest, at) VALUES (?, ?)", (digest, now)
            ).rowcount
            if inserted:
                return False
            # Known: a replay, unless the old row has expired (then it counts as new).
            renewed = self._db.execute(
                "UPDATE seen SET at = ? WHERE digest = ? AND at <= ?",
                (now, digest, now - self.ttl),
            ).rowcount
            return not renewed

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM seen").fetchone()[0])

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()


class SenderLocks:
    """One :class:`asyncio.Lock` per sender, so a sender's messages reach Rasa in order."""

    def __init__(self) -> None:
        self._locks: Dict[str, Tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, sender: str) -> AsyncIterator[None]:
        """Hold the sender's lock; the lock is removed when nobody holds or waits for it."""
        lock, users = self._locks.get(sender, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[sender] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[sender]
            if users <= 1:
                del self._locks[sender]
            else:
                self._locks[sender] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class PayloadCodec:
    """Fits Rasa button payloads into a platform's id field (Telegram: 64 bytes).

    A payload that fits is sent inline as ``"p:" + payload``; a longer one is stored in a
    bounded in-memory table and sent as ``"k:" + short hash``. After a restart, stored
    payloads are gone and :meth:`decode` returns ``None`` for them.
    """

    INLINE = "p:"
    STORED = "k:"

    def __init__(self, max_bytes: int, max_entries: int = 50_000) -> None:
        if max_bytes < 24:
            raise ValueError("max_bytes must be at least 24")
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self._table: OrderedDict[str, str] = OrderedDict()

    def encode(self, payload: str) -> str:
        """Return the id to put on the button for ``payload``."""
        inline = self.INLINE + payload
        if len(inline.encode("utf-8")) <= self.max_bytes:
            return inline
        key = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]
        self._table[key] = payload
        self._table.move_to_end(key)
        while len(self._table) > self.max_entries:
            self._table.popitem(last=False)
        return self.STORED + key

    def decode(self, data: str | None) -> str | None:
        """Return the payload for a button id, or ``None`` if it is unknown or expired."""
        if not data:
            return None
        if data.startswith(self.INLINE):
            return data[len(self.INLINE) :]
        if data.startswith(self.STORED):
            return self._table.get(data[len(self.STORED) :])
        return None
