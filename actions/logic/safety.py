"""The safety decision for every user message: ``line``, ``check`` or ``none``.

Two detectors, either of which can raise the level:

* the rules of :mod:`actions.logic.crisis` (word lists and patterns in
  ``content/lexicon/crisis/``): precise on the wording they know; a rule hit is at least
  ``check`` and a ``line`` unless the model gives it a low score (a film, a lesson, a crisis
  long over), and ambiguous despair (``ik zie het niet meer zitten``) is ``check``;
* the learned model of :mod:`actions.logic.safety_model` (trained on the labelled corpus in
  ``content/safety/corpus/``): broad on wording nobody wrote a rule for; above its ``line``
  threshold it is ``line``, above its ``check`` threshold ``check``.

``line`` sends the right crisis line first; ``check`` sends a short caring question that
already names the matching line in the same reply; a crisis about someone else (a friend,
a sibling, a client) gets its own variant: how to help and which line to call (113 and
Veilig Thuis also advise people who worry about someone). When in doubt: ``check``.

The decision is made in the NLU pipeline (``rasa_project/addons/crisis_override.py``) as
the intent ``crisis_<kind>``, ``crisis_other_<kind>`` or ``crisis_check_<kind>``, so the rules
of Rasa send the text from the domain even when the action server is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum
from typing import Optional, Tuple

from actions.logic.crisis import CrisisKind, detect_crisis, needs_check
from actions.logic.safety_model import get_model

_log = logging.getLogger(__name__)

INTENT_PREFIX = "crisis_"
P_OTHER = 0.5  # model probability above which a crisis is about someone else


class Level(str, Enum):
    """How the first reply handles a possible crisis."""

    LINE = "line"
    CHECK = "check"
    NONE = "none"


@dataclass(frozen=True)
class SafetyDecision:
    """What the safety layer decided for one message."""

    level: Level
    kind: Optional[CrisisKind] = None
    about_other: bool = False
    minor_hint: bool = False
    source: str = ""  # "rules", "model", "rules+model", "check-rules"
    p_crisis: float = 0.0

    @property
    def intent(self) -> Optional[str]:
        """The NLU intent that carries this decision (None for ``none``)."""
        if self.level is Level.NONE or self.kind is None:
            return None
        if self.level is Level.CHECK:
            return f"{INTENT_PREFIX}check_{self.kind.value}"
        if self.about_other:
            return f"{INTENT_PREFIX}other_{self.kind.value}"
        return f"{INTENT_PREFIX}{self.kind.value}"


NO_CRISIS = SafetyDecision(Level.NONE)


def parse_intent(intent: str) -> Tuple[Level, Optional[CrisisKind], bool]:
    """``crisis_check_suicide`` -> (CHECK, SUICIDE, False); anything else -> (NONE, None, False)."""
    if not intent.startswith(INTENT_PREFIX):
        return Level.NONE, None, False
    rest = intent[len(INTENT_PREFIX) :]
    level, other = Level.LINE, False
    if rest.startswith("check_"):
        level, rest = Level.CHECK, rest[len("check_") :]
    elif rest.startswith("other_"):
        other, rest = True, rest[len("other_") :]
    try:
        return level, CrisisKind(rest), other
    except ValueError:
        return Level.NONE, None, False


def assess(text: str, use_model: bool = True) -> SafetyDecision:
    """Decide the safety level of one message. Never raises (falls back to the rules)."""
    try:
        return _assess(text, use_model)
    except Exception as exc:  # pragma: no cover - the safety net must never break a turn
        _log.error("safety assessment failed: %s", type(exc).__name__)
        rules = detect_crisis(text)
        if rules is not None:
            return SafetyDecision(Level.LINE, rules.kinds[0], source="rules")
        return NO_CRISIS


def _assess(text: str, use_model: bool) -> SafetyDecision:
    if not text or not text.strip() or text.lstrip().startswith("/"):
        return NO_CRISIS
    rules = detect_crisis(text)
    model = get_model() if use_model else None
    score = model.score(text) if model is not None else None
    if rules is not None and score is not None and score.p_crisis < model.thresholds.veto:  # type: ignore[union-attr]
        rules = None  # a film, a lesson, a sports bruise: see safety_model
    about_other = bool(score and score.p_other >= P_OTHER)
    minor = bool(rules and rules.speaker_is_minor_hint)
    if rules is not None:
        # A rule hit always raises the level; the model decides between line and check.
        kind = rules.kinds[0]
        if score is None:
            return SafetyDecision(Level.LINE, kind, about_other, minor, "rules", 1.0)
        soft = score.p_crisis < model.thresholds.soften  # type: ignore[union-attr]
        level = Level.CHECK if soft else Level.LINE
        return SafetyDecision(level, kind, about_other, minor, "rules+model", score.p_crisis)
    if score is not None and score.kind:
        kind = CrisisKind(score.kind)
        if score.p_crisis >= model.thresholds.line:  # type: ignore[union-attr]
            return SafetyDecision(Level.LINE, kind, about_other, minor, "model", score.p_crisis)
        if score.p_crisis >= model.thresholds.check:  # type: ignore[union-attr]
            return SafetyDecision(Level.CHECK, kind, about_other, minor, "model", score.p_crisis)
    if needs_check(text):
        return SafetyDecision(
            Level.CHECK, CrisisKind.SUICIDE, False, minor, "check-rules",
            score.p_crisis if score else 0.0,
        )
    return SafetyDecision(Level.NONE, p_crisis=score.p_crisis if score else 0.0)
