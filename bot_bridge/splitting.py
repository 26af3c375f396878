"""Split long texts at the platform's message-size limit, at natural boundaries."""

from __future__ import annotations

from typing import Callable, List

Measure = Callable[[str], int]

TELEGRAM_TEXT_LIMIT = 4096
WHATSAPP_TEXT_LIMIT = 4096

# Break candidates, best first. A break is only used if it keeps at least this share of
# the limit in the chunk, so a text is not cut into many tiny pieces.
_SEPARATORS = ("\n\n", "\n", ". ", "! ", "? ", "; ", ", ", " ")
_MIN_SHARE = 0.5


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts its limits in."""
    return len(text.encode("utf-16-le")) // 2


def _longest_fitting_prefix(text: str, limit: int, measure: Measure) -> int:
    """Largest ``k`` with ``measure(text[:k]) <= limit`` (at least 1)."""
    if measure is len:
        return max(1, min(len(text), limit))
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    return low


def split_text(text: str, limit: int, measure: Measure = len) -> List[str]:
    """Split ``text`` into chunks of at most ``limit`` units (as counted by ``measure``).

    Prefers paragraph breaks, then line breaks, sentence ends and spaces; a single word
    longer than the limit is cut hard. Whitespace at the cut is dropped. Blank text gives
    an empty list.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    rest = text.strip()
    chunks: List[str] = []
    while rest:
        if measure(rest) <= limit:
            chunks.append(rest)
            break
        end = _longest_fitting_prefix(rest, limit, measure)
        window = rest[:end]
        cut = end
        for separator in _SEPARATORS:
            position = window.rfind(separator)
            if position > 0 and position + len(separator.rstrip()) >= end * _MIN_SHARE:
                cut = position + len(separator.rstrip())
                break
        chunk = rest[:cut].rstrip()
        if not chunk:
            chunk, cut = rest[:end], end
        chunks.append(chunk)
        rest = rest[cut:].lstrip()
    return chunks


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten ``text`` to at most ``limit`` characters, ending in ``ellipsis`` if cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis
