"""Privacy over the real servers: pseudonyms, erasure, retention, logs, restarts.

Runs on SQLite (the embedded default) and on the PostgreSQL server on 127.0.0.1:5432.
PostgreSQL must be running (``make test`` starts it); these tests fail, never skip, if not.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa

from rasa_project.addons.pseudonym import pseudonymise
from rasa_project.addons.storage import purge_older_than
from tests.conftest import Chat, Servers, server_env, start_servers

PG_ENDPOINTS = """action_endpoint:
  url: "ACTION_URL"
tracker_store:
  type: SQL
  dialect: "postgresql"
  url: "127.0.0.1"
  port: 5432
  db: "DBNAME"
  username: "postgres"
"""


@pytest.fixture(scope="module")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this module, dropped afterwards."""
    name = "assistant_test_" + uuid.uuid4().hex[:8]
    admin = sa.create_engine(
        "postgresql://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield name
    with admin.connect() as conn:
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            n=name,
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_servers(request, servers: Servers, tmp_path_factory) -> Iterator[Servers]:
    """The session's SQLite servers, or servers of their own on PostgreSQL."""
    if request.param == "sqlite":
        yield servers
        return
    dbname = request.getfixturevalue("pg_database")
    running = start_servers(
        tmp_path_factory.mktemp("rasa-pg"), PG_ENDPOINTS.replace("DBNAME", dbname)
    )
    running.db_url = f"postgresql://postgres@127.0.0.1:5432/{dbname}"
    yield running
    running.stop()


def engine_of(servers: Servers) -> sa.engine.Engine:
    url = getattr(servers, "db_url", None) or f"sqlite:///{servers.workdir / 'tracker.db'}"
    return sa.create_engine(url)


def rows_of(servers: Servers, sender_id: str) -> int:
    engine = engine_of(servers)
    with engine.connect() as conn:
        count = conn.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), s=sender_id
        ).scalar()
    engine.dispose()
    return int(count)


def stored_text(servers: Servers) -> str:
    engine = engine_of(servers)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT sender_id, data FROM events")).fetchall()
    engine.dispose()
    return "\n".join(f"{r[0]} {r[1]}" for r in rows)


@pytest.mark.server
@pytest.mark.postgres
def test_raw_sender_ids_are_never_stored(store_servers: Servers) -> None:
    phone = "31612345678"
    chat = Chat(store_servers.url, sender=phone)
    assert chat.say("hoi")
    assert chat.replies[-1][0]["recipient_id"] == phone  # the caller gets its own id back
    data = stored_text(store_servers)
    assert phone not in data
    assert rows_of(store_servers, pseudonymise(phone, key=server_env()["PSEUDONYM_KEY"].encode()))


@pytest.mark.server
@pytest.mark.postgres
def test_vergeetmij_erases_everything_of_that_sender(store_servers: Servers) -> None:
    chat = Chat(store_servers.url)
    other = Chat(store_servers.url)
    other.say("mijn dochter wil op turnen")
    chat.say("ik woon in Zaanstad en heb schulden bij de deurwaarder, uniekwoord42")
    assert "wis" in chat.say("/vergeetmij").lower()
    assert "gewist" in chat.say("ja").lower()
    pseudonym = pseudonymise(chat.sender, key=server_env()["PSEUDONYM_KEY"].encode())
    assert rows_of(store_servers, pseudonym) == 0
    assert "uniekwoord42" not in stored_text(store_servers)
    assert (
        rows_of(
            store_servers, pseudonymise(other.sender, key=server_env()["PSEUDONYM_KEY"].encode())
        )
        > 0
    )
    assert chat.say("hoi")  # a new, empty conversation starts


@pytest.mark.server
@pytest.mark.postgres
def test_erasure_can_be_cancelled(store_servers: Servers) -> None:
    chat = Chat(store_servers.url)
    chat.say("verwijder mijn gegevens")
    assert "niets" in chat.say("nee").lower()
    assert (
        rows_of(
            store_servers, pseudonymise(chat.sender, key=server_env()["PSEUDONYM_KEY"].encode())
        )
        > 0
    )


@pytest.mark.server
@pytest.mark.postgres
def test_retention_purges_only_old_conversations(store_servers: Servers) -> None:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain

    chat = Chat(store_servers.url)
    chat.say("mijn zoon heeft een fiets nodig")
    key = server_env()["PSEUDONYM_KEY"].encode()
    pseudonym = pseudonymise(chat.sender, key=key)
    url = sa.engine.make_url(engine_of(store_servers).url)
    if url.drivername.startswith("sqlite"):
        store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=url.database)
    else:
        store = SQLTrackerStore(
            Domain.empty(),
            dialect="postgresql",
            host="127.0.0.1",
            port=5432,
            db=url.database,
            username="postgres",
        )
    assert purge_older_than(store, days=30) >= 0
    assert rows_of(store_servers, pseudonym) > 0  # fresh: kept
    assert purge_older_than(store, days=30, now=time.time() + 31 * 86400) >= 1
    assert rows_of(store_servers, pseudonym) == 0  # 31 days later: gone


@pytest.mark.server
@pytest.mark.postgres
def test_restart_mid_conversation_continues_from_the_store(store_servers: Servers) -> None:
    chat = Chat(store_servers.url)
    assert "oud" in chat.say("mijn zoon wil op voetbal maar de contributie is te duur").lower()
    store_servers.stop_rasa()
    store_servers.start_rasa()
    reply = chat.say("hij is 9").lower()
    assert "gemeente" in reply and "hoe oud" not in reply


@pytest.mark.server
def test_logs_hold_no_message_text(servers: Servers) -> None:
    marker = "Zebrapaard" + uuid.uuid4().hex[:6]
    chat = Chat(servers.url)
    chat.say(f"ik heb schulden, {marker}")
    chat.say(f"{marker} wil op zwemles")
    time.sleep(0.5)
    assert marker not in servers.logs()
    assert marker.lower() not in servers.logs().lower()


def test_pseudonyms_are_stable_keyed_and_not_reversible() -> None:
    a = pseudonymise("31612345678", key=b"k" * 32)
    assert a == pseudonymise("31612345678", key=b"k" * 32)
    assert a != pseudonymise("31612345678", key=b"j" * 32)
    assert a != pseudonymise("31612345679", key=b"k" * 32)
    assert "31612345678" not in a and a.startswith("p-")


def test_missing_key_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa_project.addons.pseudonym import MissingKeyError

    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    with pytest.raises(MissingKeyError):
        pseudonymise("123")


def test_no_secrets_file_is_tracked() -> None:
    root = Path(__file__).resolve().parents[1]
    ignored = (root / ".gitignore").read_text()
    assert ".env" in ignored and "var/" in ignored
