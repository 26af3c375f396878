"""Small aiohttp helpers shared by the webhook servers."""

from __future__ import annotations

import asyncio
import json
import logging
import signal
from typing import Any, Tuple

from aiohttp import web

logger = logging.getLogger(__name__)


async def read_limited_body(request: web.Request, limit: int) -> bytes:
    """Read the raw request body, refusing more than ``limit`` bytes with HTTP 413.

    The declared ``Content-Length`` is checked before anything is read; a chunked body is
    cut off by aiohttp's ``client_max_size`` (set it to ``limit`` on the application).
    """
    declared = request.content_length
    if declared is not None and declared > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=declared)
    body = await request.read()
    if len(body) > limit:
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=len(body))
    return body


def parse_json_object(body: bytes) -> dict:
    """Parse ``body`` as a JSON object or raise HTTP 400."""
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise web.HTTPBadRequest(text="invalid JSON") from exc
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return data


async def health(_request: web.Request) -> web.Response:
    """Liveness probe."""
    return web.Response(text="ok")


async def start_site(app: web.Application, host: str, port: int) -> Tuple[web.AppRunner, int]:
    """Start ``app`` on ``host:port`` (``port`` 0 picks a free one); return runner and port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []  # noqa: SLF001
    bound = sockets[0].getsockname()[1] if sockets else port
    return runner, bound


def install_stop_signals(
    stop: asyncio.Event, loop: asyncio.AbstractEventLoop | None = None
) -> None:
    """Set ``stop`` on SIGINT/SIGTERM (where the platform supports signal handlers)."""
    loop = loop or asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - e.g. Windows
            logger.debug("cannot install handler for %s", sig)
