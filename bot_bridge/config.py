"""Configuration of the bridges from environment variables and an optional ``.env`` file.

Real environment variables always win over the ``.env`` file. The file is never committed
(it is in ``.gitignore``); ``docs/channels.md`` lists every variable.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping

DOCS_HINT = "See docs/channels.md for how to set it up."
SECRETS_FILE = "var/secrets.env"

_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
# Telegram allows 1-256 characters of A-Z a-z 0-9 _ -; we ask for at least 32 (a guessable
# secret lets anyone post fake updates, e.g. as another chat id).
TELEGRAM_SECRET_MIN = 32
_TELEGRAM_SECRET_RE = re.compile(rf"^[A-Za-z0-9_-]{{{TELEGRAM_SECRET_MIN},256}}$")
TELEGRAM_SECRET_HELP = (
    f"TELEGRAM_WEBHOOK_SECRET must be {TELEGRAM_SECRET_MIN}-256 characters of A-Z, a-z, 0-9, "
    "_ and -. Make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
)


class ConfigError(ValueError):
    """A required setting is missing or has an invalid value."""


def parse_env_file(text: str) -> Dict[str, str]:
    """Parse the text of a ``.env`` file into a dict.

    Supports ``KEY=value``, ``export KEY=value``, blank lines, ``#`` comments, single and
    double quotes (double quotes understand ``\\n``) and trailing `` # comments`` after an
    unquoted value.
    """
    result: Dict[str, str] = {}
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if not match:
            continue
        key, value = match.group(1), match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in ("'", '"'):
            quote = value[0]
            value = value[1:-1]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"')
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        result[key] = value
    return result


def load_environment(env_file: str | None = None) -> Dict[str, str]:
    """Return the settings: ``var/secrets.env`` < the ``.env`` file < the real environment.

    ``env_file`` defaults to ``$BRIDGE_ENV_FILE`` or ``.env`` in the working directory; a
    missing default file is not an error (production usually sets real environment
    variables), a missing explicit one is. ``var/secrets.env`` (written by ``make setup``,
    holds the ``PSEUDONYM_KEY`` of the embedded default) is read first if it exists, like
    ``scripts/serve.sh`` does for Rasa.
    """
    values: Dict[str, str] = {}
    secrets = Path(SECRETS_FILE)
    if secrets.is_file():
        values.update(parse_env_file(secrets.read_text(encoding="utf-8")))
    path = Path(env_file or os.environ.get("BRIDGE_ENV_FILE") or ".env")
    if path.is_file():
        values.update(parse_env_file(path.read_text(encoding="utf-8")))
    elif env_file:
        raise ConfigError(f"Env file {path} does not exist. {DOCS_HINT}")
    values.update(os.environ)
    return values


def _required(env: Mapping[str, str], name: str) -> str:
    value = (env.get(name) or "").strip()
    if not value:
        raise ConfigError(f"Environment variable {name} is not set. {DOCS_HINT}")
    return value


def _pseudonym_key(env: Mapping[str, str]) -> str:
    from bot_bridge.pseudonym import check_key  # pseudonym imports ConfigError from here

    return check_key(env.get("PSEUDONYM_KEY"))


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, got {raw!r}.")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, got {raw!r}.")
    return value


def _path(env: Mapping[str, str], name: str, default: str) -> str:
    value = (env.get(name) or default).strip()
    return value if value.startswith("/") else "/" + value


@dataclass(frozen=True)
class CommonSettings:
    """Settings shared by both bridges."""

    pseudonym_key: str
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 15.0
    rasa_connect_timeout: float = 3.0
    rasa_max_concurrent: int = 20
    rate_burst: int = 5
    rate_per_minute: float = 20.0
    dedup_ttl: float = 24 * 3600.0
    max_body_bytes: int = 1024 * 1024
    log_level: str = "INFO"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> CommonSettings:
        """Build the settings from a mapping of environment variables."""
        return cls(
            pseudonym_key=_pseudonym_key(env),
            rasa_url=(env.get("RASA_URL") or cls.rasa_url).strip().rstrip("/"),
            rasa_timeout=_float(env, "RASA_TIMEOUT", cls.rasa_timeout),
            rasa_connect_timeout=_float(env, "RASA_CONNECT_TIMEOUT", cls.rasa_connect_timeout),
            rasa_max_concurrent=_int(env, "RASA_MAX_CONCURRENT", cls.rasa_max_concurrent),
            rate_burst=_int(env, "BRIDGE_RATE_BURST", cls.rate_burst),
            rate_per_minute=_float(env, "BRIDGE_RATE_PER_MINUTE", cls.rate_per_minute),
            dedup_ttl=_float(env, "BRIDGE_DEDUP_TTL", cls.dedup_ttl),
            max_body_bytes=_int(env, "BRIDGE_MAX_BODY_BYTES", cls.max_body_bytes),
            log_level=(env.get("LOG_LEVEL") or cls.log_level).strip().upper(),
        )


@dataclass(frozen=True)
class TelegramSettings:
    """Settings of the Telegram bridge."""

    common: CommonSettings
    bot_token: str
    mode: str = "polling"
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_secret: str | None = None
    webhook_url: str | None = None
    listen_host: str = "127.0.0.1"
    listen_port: int = 8081
    webhook_path: str = "/telegram/webhook"

    def __post_init__(self) -> None:
        if self.mode == "webhook":
            check_telegram_secret(self.webhook_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str], mode: str | None = None) -> TelegramSettings:
        """Build the settings; ``mode`` (from a command-line flag) overrides ``TELEGRAM_MODE``."""
        common = CommonSettings.from_env(env)
        mode = (mode or env.get("TELEGRAM_MODE") or cls.mode).strip().lower()
        if mode not in ("polling", "webhook"):
            raise ConfigError(f"TELEGRAM_MODE must be 'polling' or 'webhook', got {mode!r}.")
        secret = (env.get("TELEGRAM_WEBHOOK_SECRET") or "").strip() or None
        if mode == "webhook":
            check_telegram_secret(secret)
        return cls(
            common=common,
            bot_token=_required(env, "TELEGRAM_BOT_TOKEN"),
            mode=mode,
            base_url=(env.get("TELEGRAM_BASE_URL") or cls.base_url).strip(),
            base_file_url=(env.get("TELEGRAM_BASE_FILE_URL") or cls.base_file_url).strip(),
            webhook_secret=secret,
            webhook_url=(env.get("TELEGRAM_WEBHOOK_URL") or "").strip() or None,
            listen_host=(env.get("TELEGRAM_LISTEN_HOST") or cls.listen_host).strip(),
            listen_port=_int(env, "TELEGRAM_LISTEN_PORT", cls.listen_port),
            webhook_path=_path(env, "TELEGRAM_WEBHOOK_PATH", cls.webhook_path),
        )


def check_telegram_secret(secret: str | None) -> str:
    """The webhook secret, or :class:`ConfigError` when it is missing, short or malformed."""
    if not secret:
        raise ConfigError(f"TELEGRAM_WEBHOOK_SECRET is required in webhook mode. "
                          f"{TELEGRAM_SECRET_HELP} {DOCS_HINT}")
    if not _TELEGRAM_SECRET_RE.match(secret):
        raise ConfigError(f"{TELEGRAM_SECRET_HELP} (got {len(secret)} characters)")
    return secret


@dataclass(frozen=True)
class WhatsAppSettings:
    """Settings of the WhatsApp Cloud API bridge."""

    common: CommonSettings
    access_token: str
    phone_number_id: str
    verify_token: str
    app_secret: str
    graph_url: str = "https://graph.facebook.com"
    graph_version: str = "v22.0"
    graph_timeout: float = 10.0
    listen_host: str = "127.0.0.1"
    listen_port: int = 8082
    webhook_path: str = "/whatsapp/webhook"
    # Signed messages older than this (seconds, by their own timestamp) are refused, so a
    # captured body cannot be replayed later; ids seen within it are kept in dedup_file, so
    # a replay right after a restart is caught too.
    max_message_age: float = 300.0
    dedup_file: str = "var/whatsapp-dedup.sqlite3"  # relative to the working directory

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WhatsAppSettings:
        """Build the settings from a mapping of environment variables."""
        return cls(
            common=CommonSettings.from_env(env),
            access_token=_required(env, "WHATSAPP_ACCESS_TOKEN"),
            phone_number_id=_required(env, "WHATSAPP_PHONE_NUMBER_ID"),
            verify_token=_required(env, "WHATSAPP_VERIFY_TOKEN"),
            app_secret=_required(env, "WHATSAPP_APP_SECRET"),
            graph_url=(env.get("WHATSAPP_GRAPH_URL") or cls.graph_url).strip().rstrip("/"),
            graph_version=(env.get("WHATSAPP_GRAPH_VERSION") or cls.graph_version).strip(),
            graph_timeout=_float(env, "WHATSAPP_GRAPH_TIMEOUT", cls.graph_timeout),
            listen_host=(env.get("WHATSAPP_LISTEN_HOST") or cls.listen_host).strip(),
            listen_port=_int(env, "WHATSAPP_LISTEN_PORT", cls.listen_port),
            webhook_path=_path(env, "WHATSAPP_WEBHOOK_PATH", cls.webhook_path),
            max_message_age=_float(env, "WHATSAPP_MAX_MESSAGE_AGE", cls.max_message_age),
            dedup_file=(env.get("WHATSAPP_DEDUP_FILE") or cls.dedup_file).strip(),
        )
