"""Run the review web app: ``python -m handover.review --port 8090``.

The database comes from ``--db-url`` or ``$HANDOVER_DB_URL`` (default
``sqlite:///<project>/var/handover.db``). Listen on 127.0.0.1 and put a TLS reverse proxy
in front for real use (then pass ``--behind-proxy``, or ``--trusted-proxy`` with the
proxy's address when it runs on another host); see ``docs/handover.md``.

Cookies are always ``Secure`` with the ``__Host-`` prefix. Browsers accept those on
``http://localhost`` / ``http://127.0.0.1`` too; for a client that does not, there is one
documented exception for local development: ``--insecure-dev-cookies`` (or
``REVIEW_INSECURE_DEV_COOKIES=1``), refused unless the app listens on a loopback address.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
from typing import List, Optional

from aiohttp import web

from handover.review.app import ReviewConfig, create_app
from handover.store import default_url, get_store

# No client IP, referrer or user agent in the access log; handover ids are not content.
ACCESS_LOG_FORMAT = '%t "%r" %s %b %Tf'
TRUE = ("1", "true", "yes", "on")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m handover.review", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--db-url", default=None, help="SQLAlchemy URL (default: env/SQLite)")
    parser.add_argument("--behind-proxy", action="store_true",
                        help="trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy "
                             "on this host (127.0.0.1, ::1)")
    parser.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                        help="address or network of a trusted reverse proxy (repeatable; "
                             "env REVIEW_TRUSTED_PROXIES, comma-separated)")
    parser.add_argument("--insecure-dev-cookies", action="store_true",
                        help="LOCAL DEVELOPMENT ONLY: cookies without Secure and __Host- "
                             "(plain http); only with a loopback --host")
    parser.add_argument("--purge-interval", type=float, default=600.0,
                        help="seconds between purges of expired handovers (0 = off)")
    args = parser.parse_args(argv)
    proxies = [p.strip() for item in args.trusted_proxy for p in item.split(",") if p.strip()]
    env_proxies = os.environ.get("REVIEW_TRUSTED_PROXIES", "")
    proxies += [p.strip() for p in env_proxies.split(",") if p.strip()]
    insecure = args.insecure_dev_cookies or (
        os.environ.get("REVIEW_INSECURE_DEV_COOKIES", "").strip().lower() in TRUE
    )
    if insecure and not _is_loopback(args.host):
        print("--insecure-dev-cookies is only for local development: the app must listen "
              f"on a loopback address, not {args.host!r}.", file=sys.stderr)
        return 2
    config = ReviewConfig(
        behind_proxy=args.behind_proxy,
        trusted_proxies=tuple(proxies),
        insecure_dev_cookies=insecure,
        purge_interval=args.purge_interval or None,
    )
    try:
        config.proxy_networks()
    except ValueError as exc:
        print(f"Not an IP address or network in the trusted proxies: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if insecure:
        logging.getLogger(__name__).warning(
            "insecure development cookies (no Secure, no __Host- prefix): never use this "
            "outside your own computer"
        )
    store = get_store(args.db_url or default_url())
    app = create_app(store, config)
    print(f"Review app on http://{args.host}:{args.port}/login", flush=True)
    web.run_app(app, host=args.host, port=args.port, access_log_format=ACCESS_LOG_FORMAT,
                print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
