"""Settings of the web chat server, from environment variables (and an optional ``.env``).

Every variable is listed in ``docs/webchat.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Tuple
from urllib.parse import urlsplit


class ConfigError(ValueError):
    """A setting has an invalid value."""


def normalise_origin(raw: str) -> str:
    """``scheme://host[:port]`` in lower case, without a path; raise on anything else.

    Default ports are dropped (``https://a.nl:443`` is ``https://a.nl``), as browsers do in
    the ``Origin`` header.
    """
    value = raw.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{raw!r} is not an origin like https://www.gemeente.nl")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"{raw!r} must be only scheme://host[:port], without a path")
    try:
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{raw!r} has an invalid port") from exc
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def parse_origins(raw: str | None) -> Tuple[str, ...]:
    """Split a comma- or space-separated list of origins and normalise each one."""
    if not raw:
        return ()
    items = [item for item in raw.replace(",", " ").split() if item]
    return tuple(dict.fromkeys(normalise_origin(item) for item in items))


def _number(env: Mapping[str, str], name: str, default: float, kind: type = float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}.") from exc
    if value <= 0:
        raise ConfigError(f"{name} must be greater than 0, got {raw!r}.")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return (env.get(name) or "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WebchatSettings:
    """Everything the web chat server needs to know.

    ``allowed_origins`` may embed the widget and call the API across origins (CORS);
    ``frame_ancestors`` may show the chat page in an iframe (CSP ``frame-ancestors``).
    """

    host: str = "127.0.0.1"
    port: int = 8080
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout: float = 30.0
    rasa_connect_timeout: float = 3.0
    rasa_max_concurrent: int = 20
    allowed_origins: Tuple[str, ...] = field(default_factory=tuple)
    frame_ancestors: Tuple[str, ...] = field(default_factory=tuple)
    max_chars: int = 1000
    max_body_bytes: int = 16 * 1024
    rate_burst: int = 8
    rate_per_minute: float = 20.0
    ip_rate_burst: int = 60
    ip_rate_per_minute: float = 300.0
    trust_forwarded: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> WebchatSettings:
        """Build the settings from a mapping of environment variables."""
        rasa_url = (env.get("RASA_URL") or cls.rasa_url).strip().rstrip("/")
        if urlsplit(rasa_url).scheme not in ("http", "https"):
            raise ConfigError(f"RASA_URL must start with http:// or https://, got {rasa_url!r}.")
        settings = cls(
            host=(env.get("WEBCHAT_HOST") or cls.host).strip(),
            port=int(_number(env, "WEBCHAT_PORT", cls.port, int)),
            rasa_url=rasa_url,
            rasa_timeout=_number(env, "RASA_TIMEOUT", cls.rasa_timeout),
            rasa_connect_timeout=_number(env, "RASA_CONNECT_TIMEOUT", cls.rasa_connect_timeout),
            rasa_max_concurrent=int(
                _number(env, "RASA_MAX_CONCURRENT", cls.rasa_max_concurrent, int)
            ),
            allowed_origins=parse_origins(env.get("WEBCHAT_ALLOWED_ORIGINS")),
            frame_ancestors=parse_origins(env.get("WEBCHAT_FRAME_ANCESTORS")),
            max_chars=int(_number(env, "WEBCHAT_MAX_CHARS", cls.max_chars, int)),
            max_body_bytes=int(_number(env, "WEBCHAT_MAX_BODY_BYTES", cls.max_body_bytes, int)),
            rate_burst=int(_number(env, "WEBCHAT_RATE_BURST", cls.rate_burst, int)),
            rate_per_minute=_number(env, "WEBCHAT_RATE_PER_MINUTE", cls.rate_per_minute),
            ip_rate_burst=int(_number(env, "WEBCHAT_IP_RATE_BURST", cls.ip_rate_burst, int)),
            ip_rate_per_minute=_number(env, "WEBCHAT_IP_RATE_PER_MINUTE", cls.ip_rate_per_minute),
            trust_forwarded=_flag(env, "WEBCHAT_TRUST_FORWARDED"),
        )
        if settings.max_body_bytes < settings.max_chars * 4 + 512:
            raise ConfigError("WEBCHAT_MAX_BODY_BYTES is too small for WEBCHAT_MAX_CHARS.")
        return settings
