"""The consent dialogue for a handover to a professional (issue #6).

A handover is offered only when a route needs a person (tier 3 or 4, urgent, or the person
asks for someone to look along), the municipality is known, an organisation there takes
handovers (a reviewer account exists), and the person is not under 16. Then the assistant
explains what a handover is and asks an explicit yes/no. Anything but a clear yes shares
nothing. On yes it asks how the professional may reach the person (phone or e-mail, either one;
the review page cannot write into the chat, so "via this chat" is not offered); then the
action creates the handover (``Say.effect == "create_handover"``).

Youth under 16: no handover to an organisation (UAVG art. 5: in the Netherlands a child
under 16 cannot give valid consent for this on its own); they are pointed to De
Kindertelefoon and a trusted adult instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from actions.logic.signals import Signals

if TYPE_CHECKING:  # pragma: no cover
    from actions.logic.dialogue import State
    from actions.logic.turns import Say, Turn

MIN_AGE = 16
ASKS_FOR_PERSON = re.compile(
    r"\b(kan|mag|wil) (er )?iemand (met me|met mij|mee|even) ?(mee)?(kijken|helpen|denken)|"
    r"\bmeekijken\b|\biemand die (met me|mij|me) (mee)?(kijkt|helpt)\b",
    re.I,
)
PHONE = re.compile(r"(?:\+31|0031|0)[\s-]?(?:6[\s-]?(?:\d[\s-]?){8}|[1-9](?:[\s-]?\d){8})")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _say(response: str, **values: Any) -> Say:
    from actions.logic.turns import Say

    return Say(response, values)


def asks_for_person(text: str) -> bool:
    """True for "kan iemand met me meekijken?" and the like."""
    return bool(ASKS_FOR_PERSON.search(text))


def offer(state: State, asked: bool = False) -> List[Say]:
    """Offer a handover when it fits; an empty list when it does not."""
    if state.handover.get("offered") or state.services is None:
        return []
    if not asked and not (state.urgent or (state.tier or 0) >= 3):
        return []
    youth = state.role == "youth"
    if youth and (not state.ages or min(state.ages) < MIN_AGE):
        if asked:
            state.handover["offered"] = True
            unsafe = state.crisis_kind in ("abuse_child", "unsafe_child", "domestic_violence")
            return [_say("utter_handover_youth_unsafe_home" if unsafe else "utter_handover_youth")]
        return []
    if not state.municipality:
        return []
    organisation = state.services.handover_organisation(state.municipality)
    if not organisation:
        return []
    state.handover.update(offered=True, organisation=organisation)
    state.pending = "handover_consent"
    return [_say("utter_handover_explain", organisation=organisation["name"])]


def answer(state: State, turn: Turn, signals: Signals) -> List[Say]:
    """Handle the answer to the consent or the contact question."""
    organisation = state.handover.get("organisation") or {}
    name = organisation.get("name", "")
    if state.pending == "handover_consent":
        state.pending = None
        if (signals.affirm or turn.intent == "affirm") and not signals.deny:
            state.handover["consent"] = True
            state.pending = "handover_contact"
            return [_say("utter_handover_ask_contact", organisation=name)]
        state.handover["consent"] = False
        state.pending = "anything_else"
        return [_say("utter_handover_declined"), _say("utter_ask_anything_else")]
    # the contact question: every part is optional
    contact: Dict[str, Any] = {}
    phone = PHONE.search(turn.text)
    email = EMAIL.search(turn.text)
    if phone:
        contact["phone"] = phone.group(0).strip()
    if email:
        contact["email"] = email.group(0)
    if not contact:
        if not state.handover.get("contact_asked_again"):
            state.handover["contact_asked_again"] = True
            return [_say("utter_handover_need_contact", organisation=name)]
        state.handover["consent"] = False
        state.pending = "anything_else"
        return [_say("utter_handover_declined"), _say("utter_ask_anything_else")]
    state.handover["contact"] = contact
    state.pending = "anything_else"
    from actions.logic.turns import Say

    return [
        Say("utter_handover_done", {"organisation": name}, effect="create_handover"),
        _say("utter_ask_anything_else"),
    ]


def summary(state: State, needs_labels: Dict[str, str]) -> Dict[str, Any]:
    """The summary a professional sees (no free text from the user)."""
    return {
        "role": state.role,
        "child_ages": list(state.ages),
        "municipality": state.municipality,
        "needs": [needs_labels.get(n, n) for n in state.needs_done + state.needs_open],
        "triage_tier": state.tier,
        "urgent": state.urgent,
        "suggested": list(state.suggested),
    }


def contact_values(state: State) -> List[str]:
    """The contact details the person chose to give (kept in the redacted transcript)."""
    contact: Optional[Dict[str, Any]] = state.handover.get("contact")
    return [str(v) for k, v in (contact or {}).items() if k in ("phone", "email")]
