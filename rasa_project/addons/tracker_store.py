"""The embedded default's tracker store: Rasa's SQL tracker store on SQLite, tuned.

Used by ``rasa_project/endpoints.yml`` (``type:
rasa_project.addons.tracker_store.SQLiteTrackerStore``). The same tables and queries as
Rasa's ``SQLTrackerStore`` (so erasure, retention and ``rasa`` tools work unchanged), with
connections that are kept open in a pool (SQLAlchemy 1.4 opens and closes a new SQLite
connection for every query by default: ~12 % of the Rasa server's CPU per message) and two
SQLite settings on each of them:

- ``journal_mode=WAL``: a commit appends to a log instead of rewriting pages and syncing
  twice, and readers (``make purge``, the tests) do not block the server;
- ``synchronous=NORMAL``: in WAL mode a crash can lose at most the last turns, never
  corrupt the database (a power cut, not a process crash).

A second process writing at the same moment (``make purge``) makes a turn wait (Python's
sqlite3 waits up to 5 s for a lock by default), not fail.

The commit was the largest single cost of a turn after the cached action-reply validator
(docs/scaling.md, "Where the time goes"). The two queries of every turn (count the stored
events of the latest session before saving; load them) are written once as SQL instead of
being built by the ORM each time; ``tests/test_tracker_store.py`` checks that they return
what Rasa's own queries return.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import Session, sessionmaker

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")

# The events of the latest conversation session, as Rasa's ``SQLTrackerStore._event_query``
# selects them: from the last ``session_started`` on, or all when there is none.
_LATEST_SESSION = """
FROM events
WHERE sender_id = :sender
  AND ((SELECT max(timestamp) FROM events
        WHERE sender_id = :sender AND type_name = :session_started) IS NULL
       OR timestamp >= (SELECT max(timestamp) FROM events
                        WHERE sender_id = :sender AND type_name = :session_started))
"""
COUNT_LATEST_SESSION = sa.text("SELECT count(*) " + _LATEST_SESSION)
EVENTS_OF_LATEST_SESSION = sa.text("SELECT data " + _LATEST_SESSION + " ORDER BY id")


def _apply_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` for SQLite: pooled connections, WAL, ``synchronous=NORMAL``."""

    def __init__(self, host: Any = None, db: str = "rasa.db", **kwargs: Any) -> None:
        kwargs.pop("dialect", None)
        super().__init__(dialect="sqlite", host=host, db=db, **kwargs)
        url = self.engine.url
        self.engine.dispose()  # the one Rasa made (tables exist now)
        # Rasa runs the store in its event loop; other threads (tests, tools) may use it
        # too, one connection at a time each, which QueuePool guarantees.
        self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=2,
                                       max_overflow=8,
                                       connect_args={"check_same_thread": False})
        sa.event.listen(self.engine, "connect", _apply_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)

    @staticmethod
    def _params(sender_id: str) -> dict:
        return {"sender": sender_id, "session_started": SessionStarted.type_name}

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        """The tracker's events that are not stored yet (Rasa's logic, one SQL query)."""
        stored = session.execute(COUNT_LATEST_SESSION, self._params(tracker.sender_id)).scalar()
        return itertools.islice(tracker.events, stored, len(tracker.events))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> Optional[DialogueStateTracker]:
        """The tracker of the latest session (one SQL query); all sessions as in Rasa."""
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            rows = session.execute(EVENTS_OF_LATEST_SESSION, self._params(sender_id)).all()
        events = [json.loads(data) for (data,) in rows]
        if self.domain and events:
            return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        return None
