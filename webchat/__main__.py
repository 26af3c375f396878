"""``python -m webchat``: serve the chat page and widget, talking to Rasa at ``RASA_URL``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import List, Optional

from bot_bridge.config import ConfigError as EnvFileError
from bot_bridge.config import load_environment
from bot_bridge.web import install_stop_signals, start_site
from webchat.config import ConfigError, WebchatSettings
from webchat.server import create_app

logger = logging.getLogger("webchat")


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line flags; each one overrides its environment variable."""
    parser = argparse.ArgumentParser(prog="python -m webchat", description=__doc__)
    parser.add_argument("--host", help="WEBCHAT_HOST (default 127.0.0.1)")
    parser.add_argument("--port", help="WEBCHAT_PORT (default 8080)")
    parser.add_argument("--rasa-url", help="RASA_URL (default http://127.0.0.1:5005)")
    parser.add_argument("--allowed-origins", help="WEBCHAT_ALLOWED_ORIGINS (comma-separated)")
    parser.add_argument("--env-file", help=".env file to read (default: .env if present)")
    return parser.parse_args(argv)


async def serve(settings: WebchatSettings) -> None:
    """Run the server until SIGINT/SIGTERM."""
    runner, port = await start_site(create_app(settings), settings.host, settings.port)
    origins = ", ".join(settings.allowed_origins) or "none (only this server's own page)"
    logger.info("Web chat on http://%s:%d/ -> Rasa at %s", settings.host, port, settings.rasa_url)
    logger.info("Widget allowed on: %s", origins)
    stop = asyncio.Event()
    install_stop_signals(stop)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        env = load_environment(args.env_file)
        overrides = {
            "WEBCHAT_HOST": args.host,
            "WEBCHAT_PORT": args.port,
            "RASA_URL": args.rasa_url,
            "WEBCHAT_ALLOWED_ORIGINS": args.allowed_origins,
        }
        env.update({k: v for k, v in overrides.items() if v})
        settings = WebchatSettings.from_env(env)
    except (ConfigError, EnvFileError) as exc:
        print(f"webchat: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(settings))
    except OSError as exc:
        print(f"webchat: cannot listen on {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
