"""Telegram bridge (python-telegram-bot 22): long polling or a secret-checked webhook.

Run it with ``python -m bot_bridge.telegram [--mode polling|webhook]``. Every text (also
``/start``, ``/help`` and ``/vergeetmij``) goes to Rasa under a pseudonymous sender id; a
command with text after it goes as the command and then the text (``core.split_command``),
so "/help ik wil niet meer leven" never loses its words. Rasa buttons become an inline
keyboard and a tap is sent to Rasa as the button's payload.
Replies are sent as plain text (no ``parse_mode``), so Telegram never rejects markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hmac
import logging
import sys
from typing import Any, Awaitable, Callable, List, Sequence

from aiohttp import web
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot_bridge.config import ConfigError, TelegramSettings, load_environment
from bot_bridge.core import BridgeCore
from bot_bridge.limits import Deduplicator, PayloadCodec
from bot_bridge.rasa_client import BotMessage, Button
from bot_bridge.splitting import TELEGRAM_TEXT_LIMIT, split_text, utf16_len
from bot_bridge.web import (
    health,
    install_stop_signals,
    parse_json_object,
    read_limited_body,
    start_site,
)

logger = logging.getLogger(__name__)

PLATFORM = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_BYTES = 64
ALLOWED_UPDATES = ["message", "callback_query"]
MAX_RETRY_AFTER = 30.0


def _seconds(value: Any) -> float:
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value)


class TelegramBridge:
    """Connects one Telegram bot to Rasa.

    Args:
        settings: the Telegram settings (token, mode, base URL, webhook secret, ...).
        core: the shared bridge core; built from ``settings.common`` if omitted.
        poll_timeout: long-polling timeout in seconds (polling mode).
    """

    def __init__(
        self,
        settings: TelegramSettings,
        core: BridgeCore | None = None,
        poll_timeout: float = 10.0,
    ) -> None:
        self.settings = settings
        self.core = core if core is not None else BridgeCore.from_settings(settings.common)
        self.texts = self.core.texts
        self.dedup = Deduplicator(ttl=settings.common.dedup_ttl)
        self.payloads = PayloadCodec(CALLBACK_DATA_BYTES)
        self.poll_timeout = poll_timeout
        self.application: Application = self._build_application()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # ----------------------------------------------------------------- set-up
    def _build_application(self) -> Application:
        builder = (
            ApplicationBuilder()
            .token(self.settings.bot_token)
            .base_url(self.settings.base_url)
            .base_file_url(self.settings.base_file_url)
            .concurrent_updates(True)
        )
        if self.settings.mode == "webhook":
            builder = builder.updater(None)
        app = builder.build()
        private_message = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        app.add_handler(TypeHandler(Update, self._drop_duplicates), group=-1)
        app.add_handler(MessageHandler(private_message & filters.TEXT, self._on_text))
        app.add_handler(
            MessageHandler(
                private_message & ~filters.TEXT & ~filters.StatusUpdate.ALL, self._on_non_text
            )
        )
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_error_handler(self._on_error)
        return app

    async def start(self) -> None:
        """Initialise the bot, register the command menu and start receiving updates."""
        await self.application.initialize()
        await self._set_commands()
        await self.application.start()
        if self.settings.mode == "polling":
            updater = self.application.updater
            assert updater is not None
            await updater.start_polling(
                allowed_updates=ALLOWED_UPDATES,
                timeout=dt.timedelta(seconds=self.poll_timeout),
                drop_pending_updates=False,
            )
            logger.info("Telegram bridge polling %s", self.settings.base_url.split("/bot")[0])
            return
        self._runner, self.port = await start_site(
            self.make_webhook_app(), self.settings.listen_host, self.settings.listen_port
        )
        logger.info(
            "Telegram webhook listening on %s:%s%s",
            self.settings.listen_host,
            self.port,
            self.settings.webhook_path,
        )
        if self.settings.webhook_url:
            await self.application.bot.set_webhook(
                url=self.settings.webhook_url,
                secret_token=self.settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            logger.info("Telegram webhook registered")

    async def stop(self) -> None:
        """Stop receiving updates, finish the running ones and release everything."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        await self.core.aclose()

    async def serve(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set."""
        await self.start()
        try:
            await stop.wait()
        finally:
            await self.stop()

    async def _set_commands(self) -> None:
        commands = [
            BotCommand(name, description) for name, description in self.texts.commands.items()
        ]
        if commands:
            await self._call(self.application.bot.set_my_commands, commands=commands)

    # ---------------------------------------------------------------- webhook
    def make_webhook_app(self) -> web.Application:
        """The aiohttp application that receives Telegram's webhook calls."""
        app = web.Application(client_max_size=self.settings.common.max_body_bytes)
        app.router.add_post(self.settings.webhook_path, self._webhook)
        app.router.add_get("/healthz", health)
        return app

    async def _webhook(self, request: web.Request) -> web.Response:
        expected = (self.settings.webhook_secret or "").encode("utf-8")
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8", "replace")
        if not expected or not hmac.compare_digest(given, expected):
            logger.warning("Telegram webhook call with a missing or wrong secret token")
            raise web.HTTPForbidden(text="forbidden")
        body = await read_limited_body(request, self.settings.common.max_body_bytes)
        data = parse_json_object(body)
        if not isinstance(data.get("update_id"), int) or isinstance(data["update_id"], bool):
            raise web.HTTPBadRequest(text="not a Telegram update")
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception as exc:  # noqa: BLE001 - any parse problem is the sender's fault
            raise web.HTTPBadRequest(text="not a Telegram update") from exc
        await self.application.update_queue.put(update)
        return web.Response(text="ok")

    # --------------------------------------------------------------- handlers
    async def _drop_duplicates(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if self.dedup.seen(str(update.update_id)):
            logger.info("dropping redelivered Telegram update %s", update.update_id)
            raise ApplicationHandlerStop

    async def _on_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        chat = update.effective_chat
        if message is None or chat is None or not message.text:
            return
        await self._answer(chat.id, message.text, typed=True)

    async def _on_non_text(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is not None:
            await self._answer(chat.id, None)

    async def _on_callback(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        await self._call(query.answer)
        chat = update.effective_chat
        if chat is None:
            return
        payload = self.payloads.decode(query.data)
        if payload is None:
            await self.send_messages(chat.id, [BotMessage(text=self.texts.button_expired)])
            return
        await self._answer(chat.id, payload)

    async def _on_error(self, _update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("error while handling a Telegram update", exc_info=context.error)

    # ---------------------------------------------------------------- sending
    async def _answer(self, chat_id: int, text: str | None, typed: bool = False) -> None:
        """Ask Rasa (``text``) or answer a non-text message (``None``) and send the reply.

        ``typed``: the person typed ``text`` (a command with words after it is split);
        button payloads are sent as they are.
        """

        async def deliver(messages: List[BotMessage]) -> None:
            await self.send_messages(chat_id, messages)

        async def typing() -> None:
            await self._call(
                self.application.bot.send_chat_action, chat_id=chat_id, action=ChatAction.TYPING
            )

        try:
            await self.core.handle(
                PLATFORM, str(chat_id), text, deliver, before_ask=typing, typed=typed
            )
        except Exception:  # noqa: BLE001 - a bug must not leave the user without an answer
            logger.exception("unexpected error while answering a Telegram message")
            await self.send_messages(chat_id, self.core.fallback())

    def keyboard(self, buttons: Sequence[Button]) -> InlineKeyboardMarkup:
        """One inline button per row; ``callback_data`` carries the (encoded) payload."""
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        button.title, callback_data=self.payloads.encode(button.payload)
                    )
                ]
                for button in buttons
            ]
        )

    async def send_messages(self, chat_id: int, messages: List[BotMessage]) -> None:
        """Send Rasa's messages to ``chat_id``: images, split texts, inline keyboards."""
        for message in messages:
            if message.image:
                sent = await self._call(
                    self.application.bot.send_photo, chat_id=chat_id, photo=message.image
                )
                if sent is None:  # e.g. an image URL Telegram cannot fetch: send the link
                    await self._call(
                        self.application.bot.send_message, chat_id=chat_id, text=message.image
                    )
            text = message.text or (self.texts.choose_option if message.buttons else None)
            if not text:
                continue
            chunks = split_text(text, TELEGRAM_TEXT_LIMIT, utf16_len)
            markup = self.keyboard(message.buttons) if message.buttons else None
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                await self._call(
                    self.application.bot.send_message,
                    chat_id=chat_id,
                    text=chunk,
                    reply_markup=markup if last else None,
                )

    async def _call(self, method: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        """Call a Bot API method; wait once on flood control; log (not raise) other errors."""
        for attempt in (1, 2):
            try:
                return await method(**kwargs)
            except RetryAfter as exc:
                if attempt == 2:
                    break
                await asyncio.sleep(min(_seconds(exc.retry_after), MAX_RETRY_AFTER))
            except TelegramError as exc:
                logger.warning("Telegram %s failed: %s", getattr(method, "__name__", method), exc)
                break
        return None


def build_arg_parser() -> argparse.ArgumentParser:
    """Command-line flags; each overrides its environment variable."""
    parser = argparse.ArgumentParser(
        prog="python -m bot_bridge.telegram", description="Telegram bridge to Rasa."
    )
    parser.add_argument("--mode", choices=("polling", "webhook"), help="TELEGRAM_MODE")
    parser.add_argument("--env-file", help="read settings from this file (default .env)")
    parser.add_argument("--host", help="TELEGRAM_LISTEN_HOST (webhook mode)")
    parser.add_argument("--port", type=int, help="TELEGRAM_LISTEN_PORT (webhook mode)")
    parser.add_argument("--base-url", help="TELEGRAM_BASE_URL, e.g. a local Bot API server")
    parser.add_argument("--rasa-url", help="RASA_URL")
    return parser


def settings_from_args(argv: Sequence[str] | None = None) -> TelegramSettings:
    """Read the environment and ``.env`` file, apply the flags, return the settings."""
    args = build_arg_parser().parse_args(argv)
    env = load_environment(args.env_file)
    overrides = {
        "TELEGRAM_LISTEN_HOST": args.host,
        "TELEGRAM_LISTEN_PORT": str(args.port) if args.port else None,
        "TELEGRAM_BASE_URL": args.base_url,
        "RASA_URL": args.rasa_url,
    }
    env.update({key: value for key, value in overrides.items() if value})
    return TelegramSettings.from_env(env, mode=args.mode)


async def _run(settings: TelegramSettings) -> None:
    stop = asyncio.Event()
    install_stop_signals(stop)
    await TelegramBridge(settings).serve(stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bot_bridge.telegram``."""
    try:
        settings = settings_from_args(argv)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.common.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every request URL, which contains the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        asyncio.run(_run(settings))
    except TelegramError as exc:  # e.g. a wrong token, or the Bot API is unreachable
        print(
            f"Telegram error: {exc}. Check TELEGRAM_BOT_TOKEN and TELEGRAM_BASE_URL.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
