"""A Redis lock store that survives a crashed Rasa server (docs/scaling.md, "Lock store").

Used by ``rasa_project/endpoints.postgres.yml`` (``type:
rasa_project.addons.lock_store.ResilientRedisLockStore``). Differences from Rasa 3.6's
``RedisLockStore``:

1. A waiting message is served as soon as no *earlier* unexpired ticket exists. Rasa's own
   loop never serves a waiter whose own ticket expired while it waited, which is what
   happens after the server holding the lock was killed: the message then hangs until the
   HTTP request times out (60 s).
2. It polls every 0.1 s instead of every second.
3. Tickets are issued and returned in a Redis transaction (WATCH/MULTI), so two servers
   cannot overwrite each other's tickets, and the key expires with its last ticket.
4. ``password: ""`` (an unset ``REDIS_PASSWORD``) sends no AUTH, and ``use_ssl`` accepts
   the strings that environment variables give ("true", "false", "").
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

POLL_SECONDS = 0.1
MAX_TRANSACTION_RETRIES = 50


def _as_bool(value: Any) -> bool:
    """``True`` for true/1/yes/on (any case) or a true bool; ``False`` otherwise."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


class ResilientRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with crash-safe waiting and atomic tickets."""

    def __init__(self, endpoint_config: Any = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store given by module path
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        kwargs["password"] = kwargs.get("password") or None
        kwargs["use_ssl"] = _as_bool(kwargs.get("use_ssl", False))
        for name in ("port", "db"):
            if isinstance(kwargs.get(name), str) and kwargs[name].strip():
                kwargs[name] = int(kwargs[name])
        super().__init__(**kwargs)

    def _update(self, conversation_id: str, change: Callable[[TicketLock], Any]) -> Any:
        """Apply ``change`` to the stored lock in one transaction; return its result."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            for _ in range(MAX_TRANSACTION_RETRIES):
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = (TicketLock.from_dict(json.loads(raw)) if raw
                            else TicketLock(conversation_id))
                    result = change(lock)
                    lock.remove_expired_tickets()
                    pipe.multi()
                    if lock.tickets:
                        ttl = max(t.expires for t in lock.tickets) - time.time()
                        pipe.set(key, lock.dumps(), ex=max(1, int(ttl) + 1))
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue
        raise LockError(f"Could not update the lock of conversation '{conversation_id}'.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Issue a ticket atomically."""
        try:
            return self._update(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Return a ticket atomically; the key goes with the last ticket."""
        self._update(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    async def _acquire_lock(
        self, conversation_id: str, ticket: int, wait_time_in_seconds: float
    ) -> TicketLock:
        """Wait while an earlier, unexpired ticket exists."""
        wait = min(wait_time_in_seconds, POLL_SECONDS)
        while True:
            lock = self.get_lock(conversation_id) or TicketLock(conversation_id)
            if not any(t.number < ticket and not t.has_expired() for t in lock.tickets):
                return lock
            await asyncio.sleep(wait)
