"""Redact personal details from chat text before a professional reads a handover transcript.

(work in progress: loader only)
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any, Dict, Optional

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DEDUCE_DIR = ROOT / ".cache" / "deduce"
DEDUCE_CONFIG = DEDUCE_DIR / "base_config.json"
DEDUCE_CACHE_FILE = DEDUCE_DIR / "cache" / "lookup_structs.pickle"

SETUP_HINT = "run `make setup` (or `.venv/bin/python scripts/setup_deduce.py`)"


class DeduceUnavailable(RuntimeError):
    """deduce (or its base_config.json from the sdist) cannot be loaded."""


def deduce_config(config_path: Path = DEDUCE_CONFIG) -> Dict[str, Any]:
    """deduce's base config, with tags renamed so that our mapping can tell them apart.

    deduce tags place names, postcodes, P.O. boxes and street + house number all as
    ``locatie``; we rename the first three so that place names can be left alone.
    """
    try:
        config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DeduceUnavailable(
            f"deduce's base_config.json is missing at {config_path}: {SETUP_HINT}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise DeduceUnavailable(f"cannot read {config_path} ({exc}): {SETUP_HINT}") from exc
    annotators = config.get("annotators")
    if not isinstance(annotators, dict):
        raise DeduceUnavailable(f"{config_path} has no 'annotators': {SETUP_HINT}")
    for name, tag in (("placename", "woonplaats"), ("postal_code", "postcode"),
                      ("postbus", "postbus")):
        if name in annotators:
            annotators[name]["args"]["tag"] = tag
    return config


def _import_deduce() -> Any:
    """Import deduce without its side effect on logging.

    ``deduce.deduce`` calls ``logging.basicConfig(stream=sys.stdout, level=DEBUG)`` at import
    time, which would make every library's debug messages appear on stdout. A temporary
    handler on the root logger turns that call into a no-op.
    """
    root = logging.getLogger()
    guard: Optional[logging.Handler] = None
    if not root.handlers:
        guard = logging.NullHandler()
        root.addHandler(guard)
    try:
        import deduce  # noqa: PLC0415 (heavy import, only when needed)
    finally:
        if guard is not None:
            root.removeHandler(guard)
    return deduce


def load_deduce(
    config_path: Path = DEDUCE_CONFIG, cache_dir: Path = DEDUCE_DIR, build_missing: bool = True
) -> Any:
    """A ready ``deduce.Deduce``; raises :class:`DeduceUnavailable` when it cannot load.

    The lookup structures are cached in ``cache_dir/cache/`` (under ``.cache/``, so the package
    folder may be read-only). Building them takes about a minute; ``scripts/setup_deduce.py``
    does that once. With ``build_missing=False`` a missing cache raises instead of building.
    """
    config = deduce_config(config_path)
    cache_file = Path(cache_dir) / "cache" / "lookup_structs.pickle"
    if not cache_file.exists():
        if not build_missing:
            raise DeduceUnavailable(f"deduce's lookup cache {cache_file} is missing: {SETUP_HINT}")
        log.warning("deduce lookup cache missing, building it now (about a minute): %s",
                    SETUP_HINT)
    try:
        module = _import_deduce()
        return module.Deduce(load_base_config=False, config=config, cache_path=Path(cache_dir))
    except DeduceUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 (any failure means: fall back)
        raise DeduceUnavailable(f"deduce failed to load: {type(exc).__name__}: {exc}") from exc


_lock = threading.Lock()
