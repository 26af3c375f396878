"""The scaled set-up: two Rasa servers on PostgreSQL + a Redis lock store, behind nginx.

Starts scripts/serve_scaled.sh once for this module (free ports, a PostgreSQL database of
its own that is dropped afterwards, its own Redis db number) and checks over real
connections that
- the Redis lock store of endpoints.postgres.yml works (a ticket lock in Redis);
- both Rasa servers really use it: a message waits while its conversation is locked;
- one conversation sent alternately to the two servers goes on where it was (no question
  asked twice, no reply given twice), with the tracker in PostgreSQL;
- nginx passes messages to the servers on one port.
PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) must run (``make test`` starts
them); these tests fail, never skip, when they are not reachable.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Iterator, List

import pytest
import sqlalchemy as sa

from rasa_project.addons.pseudonym import pseudonymise
from tests.conftest import MODEL, ROOT, free_port, post_message

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_DB = 5  # the lock stores of the tests; bench/ uses 2, serve_scaled.sh 1
KEY = "scaled-test-key-" + "k" * 24
pytestmark = [pytest.mark.server, pytest.mark.postgres]


def require_services() -> None:
    """Fail loudly when PostgreSQL or Redis cannot be reached over a real connection."""
    import redis

    try:
        engine = sa.create_engine(PG_ADMIN)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({exc.orig}). "
                    "Start it with `make services`.")
    try:
        redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_timeout=3).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable on 127.0.0.1:6379 ({exc}). "
                    "Start it with `make services`.")


class Scaled:
    """scripts/serve_scaled.sh running on free ports."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.db_name = "scaled_test_" + uuid.uuid4().hex[:8]
        self.ports = {k: free_port() for k in ("LB_PORT", "RASA_PORT_1", "RASA_PORT_2",
                                               "ACTION_PORT")}
        self.env = dict(os.environ, **{k: str(v) for k, v in self.ports.items()})
        self.env.update(RUN_DIR=str(workdir / "run"), LOG_DIR=str(workdir / "log"),
                        DB_NAME=self.db_name, REDIS_DB=str(REDIS_DB), MODEL=str(MODEL),
                        PSEUDONYM_KEY=KEY, TICKET_LOCK_LIFETIME="20")
        self.out = workdir / "serve_scaled.out"
        self.proc = subprocess.Popen([str(ROOT / "scripts" / "serve_scaled.sh")], cwd=ROOT,
                                     env=self.env, stdout=self.out.open("wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.time() + timeout
        while not (self.workdir / "run" / "ready").exists():
            if self.proc.poll() is not None or time.time() > deadline:
                pytest.fail("scripts/serve_scaled.sh did not start:\n"
                            + self.out.read_text(errors="replace")[-3000:] + self.logs())
            time.sleep(0.5)

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace")[-2000:]
                       for p in sorted((self.workdir / "log").glob("*.log")))

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in (self.db_name, self.db_name + "_handover"):
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :n"), n=name)
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="module")
def scaled() -> Iterator[Scaled]:
    require_services()
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it).")
    running = Scaled(Path(tempfile.mkdtemp(prefix="scaled-test-")))
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def lock_store():
    """The lock store built from rasa_project/endpoints.postgres.yml and env vars."""
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import read_endpoint_config

    env = {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_DB": str(REDIS_DB),
           "REDIS_PASSWORD": "", "REDIS_USE_SSL": "false",
           "DB_HOST": "127.0.0.1", "DB_PORT": "5432", "DB_NAME": "unused", "DB_USER": "postgres",
           "DB_PASSWORD": "", "ACTION_SERVER_URL": "http://127.0.0.1:1/webhook"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        config = read_endpoint_config(str(ROOT / "rasa_project" / "endpoints.postgres.yml"),
                                      "lock_store")
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return LockStore.create(config)


def test_redis_lock_store_over_a_real_connection() -> None:
    require_services()
    store = lock_store()
    assert type(store).__name__ == "ResilientRedisLockStore"
    assert store.red.ping()
    conversation = "scaled-test-" + uuid.uuid4().hex[:8]

    async def scenario() -> None:
        async with store.lock(conversation, lock_lifetime=10):
            raw = store.red.get(store.key_prefix + conversation)
            assert raw and conversation.encode() in raw  # the lock lives in Redis
            waiting = store.issue_ticket(conversation, 10)
            assert store.get_lock(conversation).is_locked(waiting)  # a second one must wait
            store.finish_serving(conversation, waiting)
        assert store.red.get(store.key_prefix + conversation) is None  # cleaned up

    asyncio.run(scenario())


def texts(replies: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in replies).lower()


def assert_no_double(replies: List[dict]) -> None:
    counts = Counter(m.get("text") for m in replies)
    assert all(n == 1 for n in counts.values()), counts


def test_conversation_alternates_between_the_two_servers(scaled: Scaled) -> None:
    servers = [scaled.url("RASA_PORT_1"), scaled.url("RASA_PORT_2")]
    sender = "scaled-" + uuid.uuid4().hex[:10]
    script = [
        ("hoi", "waar kan ik je mee helpen", []),
        ("mijn zoon wil op voetbal maar de contributie is te duur", "hoe oud", []),
        ("hij is 9", "welke gemeente", ["hoe oud"]),
        ("Amersfoort", "leergeld", ["hoe oud", "welke gemeente"]),
        ("doei", "fijn dat je er was", ["hoe oud", "welke gemeente"]),
    ]
    for turn, (message, expected, never) in enumerate(script):
        replies = post_message(servers[turn % 2], sender, message)
        said = texts(replies)
        assert expected in said, (turn, message, said[:300])
        for question in never:
            assert question not in said, f"asked again after it was answered: {said[:300]}"
        assert_no_double(replies)
    engine = sa.create_engine(f"postgresql://postgres@127.0.0.1:5432/{scaled.db_name}")
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"),
            s=pseudonymise(sender, key=KEY.encode()),
        ).scalar()
        raw = conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                           s=sender).scalar()
    engine.dispose()
    assert rows == len(script)  # every turn once, in PostgreSQL, under the pseudonym
    assert raw == 0


def test_servers_wait_for_the_conversation_lock_in_redis(scaled: Scaled) -> None:
    store = lock_store()
    sender = "scaled-lock-" + uuid.uuid4().hex[:8]
    conversation = pseudonymise(sender, key=KEY.encode())
    store.issue_ticket(conversation, 3)  # someone else holds this conversation for 3 s
    start = time.time()
    replies = post_message(scaled.url("RASA_PORT_2"), sender, "hoi")
    waited = time.time() - start
    assert "waar kan ik je mee helpen" in texts(replies)
    assert waited >= 2.0, f"answered after {waited:.1f} s: the Redis lock was not used"
    assert store.red.get(store.key_prefix + conversation) is None


def test_nginx_passes_messages_on_one_port(scaled: Scaled) -> None:
    import urllib.request

    with urllib.request.urlopen(scaled.url("LB_PORT") + "/lb-health", timeout=5) as reply:
        assert reply.status == 200
    sender = "scaled-lb-" + uuid.uuid4().hex[:8]
    assert "hoe oud" in texts(post_message(
        scaled.url("LB_PORT"), sender, "mijn dochter wil op zwemles maar dat is te duur"))
    said = texts(post_message(scaled.url("LB_PORT"), sender, "ze is 7"))
    assert "welke gemeente" in said and "hoe oud" not in said
