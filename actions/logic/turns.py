"""The two values every part of the dialogue passes around: a bot message and a user turn.

Kept apart from :mod:`actions.logic.dialogue` so that helpers (advice, handover, safety
dialogue) can build replies without importing the dialogue itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, Optional


@dataclass
class Say:
    """One bot message: a domain response name and the values it needs."""

    response: str
    values: Dict[str, Any] = field(default_factory=dict)
    custom: Optional[Dict[str, Any]] = None
    effect: Optional[str] = None  # a side effect the action performs first ("create_handover")


@dataclass
class Turn:
    """What the action knows about the user's latest message."""

    text: str
    intent: str = "nlu_fallback"
    confidence: float = 0.0
