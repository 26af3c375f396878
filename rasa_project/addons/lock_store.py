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
4. Tickets are leases: a ticket lives ``TICKET_LEASE_SECONDS`` (default 5 s) and the server
   that holds it renews it while it waits or works, up to the ticket lock lifetime
   (``TICKET_LOCK_LIFETIME``, Rasa's 60 s by default). A live turn keeps its lock as with
   Rasa; the lock of a server that was killed is free after at most one lease, not after
   the whole lifetime.
5. ``password: ""`` (an unset ``REDIS_PASSWORD``) sends no AUTH, and ``use_ssl`` accepts
   the strings that environment variables give ("true", "false", "").

A lease is renewed from the server's event loop, so a loop blocked for longer than two
thirds of a lease (seconds; a Rasa turn blocks it for milliseconds) would let it lapse.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from typing import Any, AsyncIterator, Callable

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
MAX_TRANSACTION_RETRIES = 50
DEFAULT_LEASE_SECONDS = 5.0


def _as_bool(value: Any) -> bool:
    """``True`` for true/1/yes/on (any case) or a true bool; ``False`` otherwise."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


class ResilientRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with crash-safe waiting and atomic tickets."""

    def __init__(self, endpoint_config: Any = None, lease_seconds: Any = None,
                 **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store given by module path
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
            lease_seconds = kwargs.pop("lease_seconds", lease_seconds)
        self.lease_seconds = float(lease_seconds or os.environ.get("TICKET_LEASE_SECONDS")
                                   or DEFAULT_LEASE_SECONDS)
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

    def _extend(self, conversation_id: str, ticket_number: int, until: float) -> None:
        """Move the expiry of a still existing ticket to ``until``."""
        def change(lock: TicketLock) -> None:
            for ticket in lock.tickets:
                if ticket.number == ticket_number and not ticket.has_expired():
                    ticket.expires = max(ticket.expires, until)
        self._update(conversation_id, change)

    async def _renew(self, conversation_id: str, ticket_number: int, lease: float,
                     deadline: float) -> None:
        """Renew the lease every third of a lease until ``deadline``."""
        while time.time() < deadline:
            await asyncio.sleep(lease / 3)
            try:
                self._extend(conversation_id, ticket_number,
                             min(time.time() + lease, deadline))
            except (redis.RedisError, LockError) as exc:  # the turn goes on; say so
                logger.warning("Could not renew the lock of a conversation: %s", exc)

    @contextlib.asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncIterator[TicketLock]:
        """Rasa's ``lock`` with a renewed lease instead of one long ticket."""
        lease = min(self.lease_seconds, lock_lifetime)
        ticket = self.issue_ticket(conversation_id, lease)
        renewal = asyncio.ensure_future(
            self._renew(conversation_id, ticket, lease, time.time() + lock_lifetime))
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds)
        finally:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
            self.cleanup(conversation_id, ticket)

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
