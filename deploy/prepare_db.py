"""Create the databases and tables of the scaled set-up once, before the Rasa servers start.

Two Rasa servers that create the same tables at the same moment can collide, so
scripts/serve_scaled.sh (and the ``db-init`` service of deploy/docker-compose.yml) run this
first. It also fails loudly when PostgreSQL or Redis cannot be reached. Everything comes
from the environment: DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, REDIS_HOST,
REDIS_PORT, REDIS_DB, HANDOVER_DB_URL (read through rasa_project/endpoints.postgres.yml).

Usage: python deploy/prepare_db.py [ENDPOINTS]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine.url import make_url

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DEFAULT_ENDPOINTS = ROOT / "rasa_project" / "endpoints.postgres.yml"


def create_databases() -> list[str]:
    """Create the tracker and handover databases if missing; return those created."""
    admin = sa.create_engine(
        sa.engine.URL.create(
            "postgresql",
            username=os.environ["DB_USER"],
            password=os.environ.get("DB_PASSWORD") or None,
            host=os.environ["DB_HOST"],
            port=int(os.environ["DB_PORT"]),
            database="postgres",
        ),
        isolation_level="AUTOCOMMIT",
    )
    wanted = [os.environ["DB_NAME"]]
    handover = os.environ.get("HANDOVER_DB_URL")
    if handover:
        url = make_url(handover)
        if url.get_backend_name() == "postgresql" and url.database:
            wanted.append(url.database)
    created = []
    with admin.connect() as conn:
        for name in wanted:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), n=name
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                created.append(name)
    admin.dispose()
    return created


def main(endpoints: str = str(DEFAULT_ENDPOINTS)) -> int:
    """Databases, Rasa's tables, the handover tables and a Redis ping."""
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    for name in create_databases():
        print("created database", name)
    TrackerStore.create(read_endpoint_config(endpoints, "tracker_store"))
    lock_store = LockStore.create(read_endpoint_config(endpoints, "lock_store"))
    if not isinstance(lock_store, RedisLockStore):
        raise SystemExit(f"{endpoints}: lock_store is {type(lock_store).__name__}, not redis")
    lock_store.red.ping()
    if os.environ.get("HANDOVER_DB_URL"):
        from handover.store import get_store

        get_store()
    print("ok: PostgreSQL tables and Redis lock store ready")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
