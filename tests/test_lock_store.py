"""The resilient Redis lock store (rasa_project/addons/lock_store.py) over a real Redis.

Redis on 127.0.0.1:6379 must run (``make test`` starts it); these tests fail, never skip,
when it is not reachable. Two store objects stand for two Rasa servers.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
import time
import uuid
from typing import List

import pytest
from rasa.core.lock_store import RedisLockStore
from redis.connection import SSLConnection

from rasa_project.addons.lock_store import ResilientRedisLockStore
from tests.conftest import ROOT

REDIS_DB = 6  # this module's own Redis db (tests/test_scaled.py uses 5)


def make_store(cls: type = ResilientRedisLockStore, **kwargs: object) -> RedisLockStore:
    store = cls(host="127.0.0.1", port=6379, db=REDIS_DB, **kwargs)
    try:
        store.red.ping()
    except Exception as exc:  # noqa: BLE001 - any connection problem
        pytest.fail(f"Redis is not reachable on 127.0.0.1:6379 ({exc}). "
                    "Start it with `make services`.")
    return store


def conversation() -> str:
    return "lock-test-" + uuid.uuid4().hex[:10]


async def time_to_acquire(store: RedisLockStore, conv: str, lifetime: float,
                          limit: float) -> float:
    """Seconds until ``store`` serves a new message of ``conv`` (``inf`` after ``limit``)."""
    start = time.monotonic()

    async def take() -> None:
        async with store.lock(conv, lock_lifetime=lifetime, wait_time_in_seconds=1):
            pass

    try:
        await asyncio.wait_for(take(), limit)
    except asyncio.TimeoutError:
        return float("inf")
    return time.monotonic() - start


def test_a_message_behind_a_dead_servers_lock_is_served_when_its_ticket_expires() -> None:
    store, conv = make_store(), conversation()
    store.issue_ticket(conv, 1.5)  # a server took the lock and was killed: never returned
    waited = asyncio.run(time_to_acquire(store, conv, lifetime=1.5, limit=6))
    assert 1.0 <= waited < 3.0, waited
    assert store.red.get(store.key_prefix + conv) is None  # nothing left behind


def test_rasas_own_redis_lock_store_hangs_in_that_case() -> None:
    """Why the add-on exists: if this starts failing, Rasa fixed its lock store."""
    store, conv = make_store(RedisLockStore), conversation()
    store.issue_ticket(conv, 1.5)
    assert asyncio.run(time_to_acquire(store, conv, lifetime=1.5, limit=4)) == float("inf")
    store.delete_lock(conv)


async def hold_then_follow(store: RedisLockStore, conv: str, hold: float,
                           lifetime: float) -> float:
    """One turn holds ``conv`` for ``hold`` s; return when a second turn got in (s)."""
    start = time.monotonic()
    entered = asyncio.Event()

    async def holder() -> None:
        async with store.lock(conv, lock_lifetime=lifetime, wait_time_in_seconds=1):
            entered.set()
            await asyncio.sleep(hold)

    async def follower() -> float:
        await entered.wait()
        async with store.lock(conv, lock_lifetime=lifetime, wait_time_in_seconds=1):
            return time.monotonic() - start

    first = asyncio.create_task(holder())
    got_in = await asyncio.wait_for(follower(), hold + lifetime + 5)
    await first
    return got_in


def test_a_live_turn_keeps_its_lock_longer_than_one_lease() -> None:
    store, conv = make_store(lease_seconds=0.6), conversation()
    got_in = asyncio.run(hold_then_follow(store, conv, hold=2.5, lifetime=20))
    assert got_in >= 2.5, f"second turn got in after {got_in:.1f} s, during the first"
    assert store.red.get(store.key_prefix + conv) is None


def test_a_turn_never_holds_the_lock_beyond_the_lock_lifetime() -> None:
    store, conv = make_store(lease_seconds=0.6), conversation()
    got_in = asyncio.run(hold_then_follow(store, conv, hold=4, lifetime=1.5))
    assert 1.0 <= got_in < 3.0, got_in  # as with Rasa: the lifetime is the upper bound


HOLDER = """
import asyncio, sys
from rasa_project.addons.lock_store import ResilientRedisLockStore
from tests.conftest import ROOT

async def main():
    store = ResilientRedisLockStore(host="127.0.0.1", port=6379, db=int(sys.argv[2]),
                                    lease_seconds=1.0)
    async with store.lock(sys.argv[1], lock_lifetime=30):
        print("held", flush=True)
        await asyncio.sleep(60)

asyncio.run(main())
"""


def test_a_killed_servers_lock_is_free_after_one_lease_not_the_lifetime() -> None:
    store, conv = make_store(), conversation()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, conv, str(REDIS_DB)], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        time.sleep(2.0)  # the holder renewed its 1 s lease a few times
        assert store.get_lock(conv).tickets, "the live holder's lease lapsed"
        holder.send_signal(signal.SIGKILL)
        holder.wait(5)
        waited = asyncio.run(time_to_acquire(store, conv, lifetime=30, limit=8))
    finally:
        holder.kill()
    assert waited < 1.6, f"waited {waited:.1f} s for a dead server's lock (lifetime 30 s)"


def test_tickets_from_two_servers_at_once_are_all_different() -> None:
    servers, conv = [make_store(), make_store()], conversation()
    numbers: List[int] = []
    guard = threading.Lock()

    def issue(store: RedisLockStore) -> None:
        mine = [store.issue_ticket(conv, 30) for _ in range(25)]
        with guard:
            numbers.extend(mine)

    threads = [threading.Thread(target=issue, args=(servers[i % 2],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(numbers) == 200 and len(set(numbers)) == 200
    assert len(servers[0].get_lock(conv).tickets) == 200  # none overwritten
    servers[0].delete_lock(conv)


def test_one_message_at_a_time_per_conversation_across_two_servers() -> None:
    servers, conv = [make_store(), make_store()], conversation()
    inside, most_inside, order = [0], [0], []

    async def turn(index: int) -> None:
        async with servers[index % 2].lock(conv, lock_lifetime=10, wait_time_in_seconds=1):
            inside[0] += 1
            most_inside[0] = max(most_inside[0], inside[0])
            order.append(index)
            await asyncio.sleep(0.02)
            inside[0] -= 1

    async def all_turns() -> None:
        tasks = []
        for index in range(12):
            tasks.append(asyncio.create_task(turn(index)))
            await asyncio.sleep(0)  # ticket order = arrival order
        await asyncio.wait_for(asyncio.gather(*tasks), 20)

    asyncio.run(all_turns())
    assert most_inside[0] == 1
    assert sorted(order) == list(range(12))
    assert servers[0].red.get(servers[0].key_prefix + conv) is None


def test_the_lock_key_expires_with_its_last_ticket() -> None:
    store, conv = make_store(), conversation()
    store.issue_ticket(conv, 2)
    ttl = store.red.ttl(store.key_prefix + conv)
    assert 1 <= ttl <= 3, ttl
    store.delete_lock(conv)


def test_settings_from_environment_strings() -> None:
    store = ResilientRedisLockStore(host="127.0.0.1", port="6379", db=str(REDIS_DB),
                                    password="", use_ssl="false")
    kwargs = store.red.connection_pool.connection_kwargs
    assert kwargs["password"] is None and kwargs["port"] == 6379 and kwargs["db"] == REDIS_DB
    assert store.red.connection_pool.connection_class is not SSLConnection
    assert store.red.ping()
    secure = ResilientRedisLockStore(host="redis.example", password="geheim", use_ssl="True")
    assert secure.red.connection_pool.connection_class is SSLConnection
    assert secure.red.connection_pool.connection_kwargs["password"] == "geheim"
