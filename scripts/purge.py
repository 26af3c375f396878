"""Retention: delete conversations whose last message is older than RETENTION_DAYS (30).

Usage: python scripts/purge.py [--endpoints rasa_project/endpoints.yml] [--days 30]
Works on the tracker store configured in the endpoints file (SQLite or PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import sys

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import read_endpoint_config

from rasa_project.addons.storage import purge_older_than


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoints", default="rasa_project/endpoints.yml")
    parser.add_argument("--days", type=float, default=float(os.environ.get("RETENTION_DAYS", 30)))
    args = parser.parse_args()
    config = read_endpoint_config(args.endpoints, "tracker_store")
    store = TrackerStore.create(config, Domain.empty())
    removed = purge_older_than(store, args.days)
    print(f"Retention {args.days:g} days: removed {removed} conversation(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
