"""Erasure and retention on Rasa's tracker stores (SQL: SQLite or PostgreSQL; in-memory).

Rasa 3.6 has no delete operation on its tracker stores, so these functions work on the
SQL tables that ``SQLTrackerStore`` defines (table ``events``: sender_id, timestamp, ...).
"""

from __future__ import annotations

import json
import time
from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore, TrackerStore


def unwrap(store: Any) -> TrackerStore:
    """Return the real tracker store behind Rasa's wrappers (FailSafe, AwaitableTrackerStore)."""
    seen = 0
    while hasattr(store, "_tracker_store") or hasattr(store, "tracker_store"):
        inner = getattr(store, "_tracker_store", None) or getattr(store, "tracker_store", None)
        if inner is None or inner is store or seen > 5:
            break
        store, seen = inner, seen + 1
    return store


def erase_sender(store: Any, sender_id: str) -> int:
    """Delete every stored event of ``sender_id``; return how many rows/events went."""
    store = unwrap(store)
    if isinstance(store, SQLTrackerStore):
        with store.session_scope() as session:
            count = (
                session.query(store.SQLEvent)
                .filter(store.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
            return int(count)
    if isinstance(store, InMemoryTrackerStore):
        return 1 if store.store.pop(sender_id, None) is not None else 0
    raise TypeError(f"erasure is not implemented for {type(store).__name__}")


def purge_older_than(store: Any, days: float, now: float | None = None) -> int:
    """Delete whole conversations whose last event is older than ``days``; return the count."""
    store = unwrap(store)
    cutoff = (now if now is not None else time.time()) - days * 86400
    if isinstance(store, SQLTrackerStore):
        from sqlalchemy import func

        event = store.SQLEvent
        with store.session_scope() as session:
            old = (
                session.query(event.sender_id)
                .group_by(event.sender_id)
                .having(func.max(event.timestamp) < cutoff)
                .all()
            )
            senders = [row[0] for row in old]
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                session.query(event).filter(event.sender_id.in_(chunk)).delete(
                    synchronize_session=False
                )
            session.commit()
            return len(senders)
    if isinstance(store, InMemoryTrackerStore):
        senders = []
        for sender_id, dialogue in list(store.store.items()):
            data = json.loads(dialogue) if isinstance(dialogue, str) else dialogue
            events = data.get("events", []) if isinstance(data, dict) else []
            last = max((e.get("timestamp", 0) for e in events), default=0)
            if last < cutoff:
                senders.append(sender_id)
        for sender_id in senders:
            store.store.pop(sender_id, None)
        return len(senders)
    raise TypeError(f"retention is not implemented for {type(store).__name__}")
