"""Loader for the bridge-only texts in ``texts.yml`` (data, not Python)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")

_REQUIRED = (
    "fallback",
    "only_text",
    "rate_limited",
    "choose_option",
    "button_expired",
    "list_button",
    "list_section",
    "more_options",
)
# WhatsApp limits for the list message's button label and section title.
_MAX_LENGTH = {"list_button": 20, "list_section": 24}


class TextsError(ValueError):
    """``texts.yml`` is missing a text or has an invalid one."""


@dataclass(frozen=True)
class Texts:
    """The bridge's own user-facing texts."""

    fallback: str
    only_text: str
    rate_limited: str
    choose_option: str
    button_expired: str
    list_button: str
    list_section: str
    more_options: str
    commands: Dict[str, str] = field(default_factory=dict)


def load_texts(path: Path | None = None) -> Texts:
    """Load and check the texts file (default: ``bot_bridge/texts.yml``)."""
    source = Path(path) if path else TEXTS_FILE
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TextsError(f"Cannot read {source}: {exc}") from exc
    if not isinstance(data, dict):
        raise TextsError(f"{source} must contain a mapping of text names to texts.")
    values: Dict[str, str] = {}
    for name in _REQUIRED:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise TextsError(f"{source}: text {name!r} is missing or empty.")
        limit = _MAX_LENGTH.get(name)
        if limit and len(value.strip()) > limit:
            raise TextsError(f"{source}: text {name!r} is longer than {limit} characters.")
        values[name] = value.strip()
    commands = data.get("commands") or {}
    if not isinstance(commands, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in commands.items()
    ):
        raise TextsError(f"{source}: 'commands' must map command names to descriptions.")
    return Texts(**values, commands={k: v.strip() for k, v in commands.items()})
