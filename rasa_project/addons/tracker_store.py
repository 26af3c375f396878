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
(docs/scaling.md, "Where the time goes").
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.orm import sessionmaker

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


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
