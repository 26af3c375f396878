"""The embedded default's tracker store (rasa_project/addons/tracker_store.py) on SQLite.

Built from rasa_project/endpoints.yml as ``rasa run`` builds it; checks the SQLite settings
on the connections Rasa uses, a save/retrieve round trip, erasure, and that a second
process writing at the same moment (``make purge``) makes a turn wait, not fail.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from rasa_project.addons.storage import erase_sender
from rasa_project.addons.tracker_store import SQLiteTrackerStore
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "rasa_project" / "domain"))


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SQLiteTrackerStore:
    """The tracker store of rasa_project/endpoints.yml, in a temporary working directory."""
    (tmp_path / "var").mkdir()
    monkeypatch.chdir(tmp_path)
    config = read_endpoint_config(str(ROOT / "rasa_project" / "endpoints.yml"), "tracker_store")
    created = TrackerStore.create(config, domain=DOMAIN)
    while not isinstance(created, SQLiteTrackerStore) and hasattr(created, "_tracker_store"):
        created = created._tracker_store
    assert isinstance(created, SQLiteTrackerStore), type(created)
    return created


def pragma(store: SQLiteTrackerStore, name: str) -> object:
    with store.engine.connect() as conn:
        return conn.execute(sa.text(f"PRAGMA {name}")).scalar()


def tracker(sender: str, turns: int) -> DialogueStateTracker:
    events = []
    for turn in range(turns):
        events += [ActionExecuted("action_listen"), UserUttered(f"bericht {turn}"),
                   BotUttered(f"antwoord {turn}"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events(sender, events)


def test_connections_use_wal_and_normal_sync(store: SQLiteTrackerStore) -> None:
    assert Path("var/tracker.db").exists()
    assert pragma(store, "journal_mode") == "wal"
    assert pragma(store, "synchronous") == 1  # NORMAL
    assert pragma(store, "busy_timeout") >= 1000  # Python's sqlite3 default: 5 s
    with sqlite3.connect("var/tracker.db") as other:  # WAL is a property of the file
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_connections_are_kept_open_between_turns(store: SQLiteTrackerStore) -> None:
    connects = []
    sa.event.listen(store.engine, "connect", lambda *_: connects.append(1))
    for turn in range(1, 6):
        asyncio.run(store.save(tracker("ouder-1", turn)))
        assert asyncio.run(store.retrieve("ouder-1")) is not None
    assert len(connects) <= 1  # SQLAlchemy's default for SQLite would connect 10 times


def test_save_retrieve_and_erase(store: SQLiteTrackerStore) -> None:
    asyncio.run(store.save(tracker("ouder-1", 3)))
    asyncio.run(store.save(tracker("jongere-2", 1)))
    again = asyncio.run(store.retrieve("ouder-1"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == [
        "bericht 0", "bericht 1", "bericht 2"]
    assert erase_sender(store, "ouder-1") > 0
    assert asyncio.run(store.retrieve("ouder-1")) is None
    assert asyncio.run(store.retrieve("jongere-2")) is not None


def test_a_turn_waits_for_another_writer_instead_of_failing(store: SQLiteTrackerStore) -> None:
    asyncio.run(store.save(tracker("ouder-1", 1)))
    held = threading.Event()

    def other_process_writes_for_a_second() -> None:
        with sqlite3.connect(os.path.abspath("var/tracker.db"), isolation_level=None) as c:
            c.execute("BEGIN IMMEDIATE")  # takes the write lock, as `make purge` does
            held.set()
            time.sleep(1.0)
            c.execute("COMMIT")

    writer = threading.Thread(target=other_process_writes_for_a_second)
    writer.start()
    held.wait(5)
    start = time.time()
    asyncio.run(store.save(tracker("ouder-1", 2)))  # waits; must not raise "database is locked"
    waited = time.time() - start
    writer.join()
    assert waited >= 0.5
    user_turns = [e for e in asyncio.run(store.retrieve("ouder-1")).events
                  if isinstance(e, UserUttered)]
    assert len(user_turns) == 2


def sessions_tracker(sender: str, sessions: int, turns: int, start: float) -> DialogueStateTracker:
    """A tracker with ``sessions`` conversation sessions of ``turns`` turns each."""
    events, t = [], start
    for session in range(sessions):
        events += [ActionExecuted("action_session_start", timestamp=t),
                   SessionStarted(timestamp=t), ActionExecuted("action_listen", timestamp=t)]
        for turn in range(turns):
            t += 1
            events += [UserUttered(f"sessie {session} bericht {turn}", timestamp=t),
                       SlotSet("dialogue_state", {"turn": turn}, timestamp=t),
                       BotUttered(f"antwoord {turn}", timestamp=t),
                       ActionExecuted("action_listen", timestamp=t)]
        t += 100
    return DialogueStateTracker.from_events(sender, events)


def test_its_queries_return_what_rasas_own_queries_return(store: SQLiteTrackerStore) -> None:
    rasa_store = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db="var/tracker.db")
    cases = {"zonder-sessie": tracker("zonder-sessie", 3),
             "een-sessie": sessions_tracker("een-sessie", 1, 2, 1000.0),
             "drie-sessies": sessions_tracker("drie-sessies", 3, 2, 5000.0)}
    for number, (sender, full) in enumerate(cases.items()):
        half = DialogueStateTracker.from_events(sender, list(full.events)[: len(full.events) // 2])
        # half of it saved by one store, the rest by the other: both must agree on what is new
        first, second = (store, rasa_store) if number % 2 else (rasa_store, store)
        asyncio.run(first.save(half))
        with store.session_scope() as ours, rasa_store.session_scope() as theirs:
            assert (list(store._additional_events(ours, full))
                    == list(SQLTrackerStore._additional_events(rasa_store, theirs, full)))
        asyncio.run(second.save(full))
        got = asyncio.run(store.retrieve(sender))
        expected = asyncio.run(rasa_store.retrieve(sender))
        assert [e.as_dict() for e in got.events] == [e.as_dict() for e in expected.events]
        assert len(got.events) < len(full.events) or sender != "drie-sessies"
        every = asyncio.run(store.retrieve_full_tracker(sender))
        assert every.events == asyncio.run(rasa_store.retrieve_full_tracker(sender)).events
    assert asyncio.run(store.retrieve("onbekend")) is None
