"""Run the review web app: ``python -m handover.review --port 8090``.

The database comes from ``--db-url`` or ``$HANDOVER_DB_URL`` (default
``sqlite:///<project>/var/handover.db``). Listen on 127.0.0.1 and put a TLS reverse proxy
in front for real use (then pass ``--behind-proxy``); see ``docs/handover.md``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import List, Optional

from aiohttp import web

from handover.review.app import ReviewConfig, create_app
from handover.store import default_url, get_store

# No client IP, referrer or user agent in the access log; handover ids are not content.
ACCESS_LOG_FORMAT = '%t "%r" %s %b %Tf'


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m handover.review", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--db-url", default=None, help="SQLAlchemy URL (default: env/SQLite)")
    parser.add_argument("--behind-proxy", action="store_true",
                        help="trust X-Forwarded-For / X-Forwarded-Proto of a reverse proxy")
    parser.add_argument("--secure-cookies", choices=("auto", "always", "never"), default="auto",
                        help="Secure flag on cookies (auto: when the request is HTTPS)")
    parser.add_argument("--purge-interval", type=float, default=600.0,
                        help="seconds between purges of expired handovers (0 = off)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    store = get_store(args.db_url or default_url())
    config = ReviewConfig(
        behind_proxy=args.behind_proxy,
        secure_cookies={"auto": None, "always": True, "never": False}[args.secure_cookies],
        purge_interval=args.purge_interval or None,
    )
    app = create_app(store, config)
    print(f"Review app on http://{args.host}:{args.port}/login", flush=True)
    web.run_app(app, host=args.host, port=args.port, access_log_format=ACCESS_LOG_FORMAT,
                print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
