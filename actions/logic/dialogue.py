"""The conversation as a plain state machine: one user turn in, the bot's replies out.

``respond(state, turn)`` is called by ``action_assistant`` for every user message. It reads
the message itself (signals, municipality, crisis checks), asks only what changes the advice
(one question at a time, each skippable, an unclear answer is asked once more and then
skipped) and then gives concrete funds and routes. Replies are names of domain responses
with the values to fill in; no user-facing sentence is written here, except the small
fragments from ``content/texts.yml``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Tuple

from actions.logic import advice, handover, safety_dialogue
from actions.logic.content import get_content
from actions.logic.crisis import detect_acute_need, needs_check
from actions.logic.municipality import find_unknown_place, match_municipality
from actions.logic.safety import Level, parse_intent
from actions.logic.signals import Signals, extract_signals
from actions.logic.turns import Say, Turn

# Which questions matter for which need, in the order they are asked.
QUESTIONS: Dict[str, Tuple[str, ...]] = {
    "school": ("role", "age", "municipality"),
    "sport_culture": ("role", "age", "municipality"),
    "laptop": ("role", "age", "municipality"),
    "bike": ("role", "age"),
    "clothes": ("role", "age"),
    "birthday": ("role", "age"),
    "holiday": ("role", "age"),
    "toys": ("role", "age"),
    "food": ("municipality",),
    "household": ("municipality",),
    "energy": ("threat", "municipality"),
    "debts": ("threat", "bailiff", "bills", "municipality"),
    "administration": ("municipality",),
    "money_general": ("role", "municipality"),
    "youth_debts": (),
    "cutoff": ("municipality",),
    "eviction": ("municipality",),
    "stress": ("role",),
    "turning_18": (),
    "health_costs": (),
    "baby": (),
    "pets": (),
}
# Needs marked `urgent: true` in content/needs.yml (a Wgs "bedreigende situatie": cut-off,
# eviction, cancelled health insurance): asked about and advised first.
URGENT_NEEDS = tuple(sorted(n.id for n in get_content().needs.values() if n.urgent))
DEBT_NEEDS = ("debts", "energy", "administration", "youth_debts", "cutoff", "eviction")
CHILD_NEEDS = (
    "school",
    "sport_culture",
    "laptop",
    "bike",
    "clothes",
    "birthday",
    "holiday",
    "toys",
)

ASKS_FOR_ADVICE = re.compile(
    r"\b(wat (kan|moet) ik( nu)? doen|wat nu|zeg (het )?maar|geef (me )?(maar )?(tips|advies)|"
    r"help me gewoon|vertel (het )?maar)\b",
    re.I,
)
# A question about privacy inside a longer message ("moet ik mn naam zeggen?"): answered
# next to whatever else the message says.
PRIVACY_QUESTION = re.compile(
    r"\b(anoniem|anonymous|privacy|(mijn|mn|me|m'n) naam (zeggen|geven|noemen|invullen)|"
    r"naam (zeggen|geven|noemen|invullen)\?|(mogen|mag) (het|dit|dat)? ?(niet|nooit) weten|"
    r"(komen|komt) (mijn |mn |me )?(ouders|moeder|vader|mama|papa|school) (dit |het )?"
    r"(te weten|erachter)|wie (leest|kan) (dit|mee)|(wordt|word) (dit|het|alles) "
    r"(opgeslagen|bewaard|doorgegeven)|(krijgt|hoort|weet|ziet) (de gemeente|het uwv|mijn "
    r"(ouders|school|werk)|school) (dat|dit|het|ervan)|te horen krijgen)\b",
    re.I,
)
# The erase question comes only after an explicit request to erase ("/vergeetmij", "wis
# alles", "verwijder mijn gegevens", "delete my data"), never because the model guessed it.
ERASE_REQUEST = re.compile(
    r"(/vergeetmij|/forget|\b(wis|wist|wissen|gewist|verwijder|verwijderen|vergeet|vergeten|"
    r"vergetelheid|weg|weggooien|bewaren|bewaar|bewaard|onthoud|onthoudt|opslaan|sla \w+ "
    r"(niet )?op|reset|leeg|delete|erase|forget|remove)\b)",
    re.I,
)
SMALLTALK = {
    "greet": "utter_greet_again",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "ask_bot": "utter_bot_identity",
    "out_of_scope": "utter_out_of_scope",
}
# Acute material need (crisis.detect_acute_need): its own first reply, then that need.
ACUTE_ROUTES = {
    "no_food_today": ("utter_acute_food", "food"),
    "no_roof_tonight": ("utter_acute_roof", "eviction"),
    "cutoff_today": ("utter_acute_cutoff", "cutoff"),
}


class Services(Protocol):
    """What the dialogue may ask of the outside world (injected by the action)."""

    def handover_organisation(self, municipality_code: Optional[str]) -> Optional[Dict[str, str]]:
        """An organisation ({"id", "name"}) that takes handovers here, or None."""


@dataclass
class State:
    """Everything the assistant remembers of one conversation (one slot)."""

    role: Optional[str] = None
    ages: List[int] = field(default_factory=list)
    turning_age: Optional[int] = None
    school_level: Optional[str] = None
    municipality: Optional[str] = None  # CBS code
    on_foodbank: Optional[bool] = None
    skipped: List[str] = field(default_factory=list)
    needs_open: List[str] = field(default_factory=list)
    needs_done: List[str] = field(default_factory=list)
    intro_done: List[str] = field(default_factory=list)
    local_shown: List[str] = field(default_factory=list)
    pending: Optional[str] = None
    retries: int = 0
    triage: Dict[str, Any] = field(default_factory=dict)
    misunderstood: int = 0
    asked_what_need: int = 0
    greeted: bool = False
    crisis_seen: bool = False
    crisis_kind: Optional[str] = None  # kind of the last disclosure or check (safety.py)
    crisis_other: bool = False  # the disclosure was about someone else
    turns: int = 0
    reminded_at: int = 0  # turn of the last line reminder after a disclosure
    language_noted: bool = False
    tier: Optional[int] = None
    urgent: bool = False
    suggested: List[str] = field(default_factory=list)
    handover: Dict[str, Any] = field(default_factory=dict)  # see actions/logic/handover.py
    services: Optional[Services] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_slot(cls, value: Any) -> State:
        """Rebuild the state from the slot value (tolerates missing/unknown keys)."""
        if not isinstance(value, dict):
            return cls()
        known = {
            k: v for k, v in value.items() if k in cls.__dataclass_fields__ and k != "services"
        }
        try:
            return cls(**known)
        except TypeError:
            return cls()

    def to_slot(self) -> Dict[str, Any]:
        """The JSON-safe slot value (without the injected services)."""
        services, self.services = self.services, None
        try:
            return asdict(self)
        finally:
            self.services = services

    def knows(self, item: str) -> bool:
        """True when ``item`` is answered or skipped, so it need not be asked."""
        if item in self.skipped:
            return True
        if item == "role":
            return self.role is not None
        if item == "age":
            return bool(self.ages)
        if item == "municipality":
            return self.municipality is not None
        return item in self.triage


def respond(state: State, turn: Turn, services: Optional[Services] = None) -> List[Say]:
    """Handle one user message: update ``state`` in place and return the bot's replies."""
    state.services = services
    state.turns += 1
    says = _respond(state, turn)
    return _keep_help_in_reach(state, turn, says)


def _keep_help_in_reach(state: State, turn: Turn, says: List[Say]) -> List[Say]:
    """After a disclosure: no fallback-only reply, and the line stays within reach."""
    kind = state.crisis_kind
    if not state.crisis_seen or kind is None or (turn.intent or "").startswith("crisis_"):
        return says
    names = [s.response for s in says]
    if any("crisis" in n or n == "utter_safety_answer" for n in names):
        state.reminded_at = state.turns
        return says
    if not says or safety_dialogue.only_fallback(names):
        state.reminded_at = state.turns
        return [Say("utter_crisis_stay", {"line": safety_dialogue.reminder(kind)})]
    if state.turns - state.reminded_at >= 2:
        state.reminded_at = state.turns
        return says + [Say("utter_crisis_reminder", {"line": safety_dialogue.reminder(kind)})]
    return says


def _respond(state: State, turn: Turn) -> List[Say]:
    says: List[Say] = []
    intent = turn.intent or "nlu_fallback"
    level, kind, other = parse_intent(intent)
    if level is Level.LINE and kind is not None:
        # The rule already sent the crisis line; stay with the person, ask nothing now.
        state.crisis_seen = True
        state.crisis_kind, state.crisis_other = kind.value, other
        state.reminded_at = state.turns
        # the next reply often answers the line ("soms wel", "nee, het is alleen het geld")
        state.pending = "crisis_followup"
        return says
    if level is Level.CHECK and kind is not None:
        # The rule already sent the check question (which names the line): await the answer.
        if not state.crisis_seen:
            state.crisis_kind = kind.value
        state.pending = "crisis_check"
        return says
    if intent == "empty_message" or not turn.text.strip():
        return [Say("utter_empty")] + _reask(state)

    signals = extract_signals(turn.text)
    if state.pending == "forget_confirm":
        state.pending = None
        if signals.affirm or intent == "affirm":
            return [Say("utter_forgotten", custom={"erase_conversation": True})]
        says.append(Say("utter_forget_cancelled"))
        return says + _reask(state)
    if intent == "forget_me" and ERASE_REQUEST.search(turn.text):
        state.pending = "forget_confirm"
        return [Say("utter_ask_forget_confirm")]
    if state.pending in ("handover_consent", "handover_contact"):
        return says + handover.answer(state, turn, signals)
    if intent == "ask_human" or handover.asks_for_person(turn.text):
        offer = handover.offer(state, asked=True)
        if offer:
            return says + offer
    if state.pending in ("crisis_check", "crisis_followup"):
        # A reply to the check question, or the reply right after a crisis line: hedged or
        # yes -> the line (again), gently; a clear no -> on with the money question (after a
        # line only when it was about the person's own suicide or self-harm thoughts).
        after_check = state.pending == "crisis_check"
        state.pending = None
        reading = safety_dialogue.check_answer(
            turn.text, signals.affirm or intent == "affirm", signals.deny or intent == "deny"
        )
        kind_now = state.crisis_kind or "suicide"
        if reading == "yes":
            state.reminded_at = state.turns
            if after_check:
                state.crisis_seen, state.crisis_kind = True, kind_now
                return [Say("utter_crisis_after_check"), Say(f"utter_crisis_{kind_now}")]
            return [
                Say("utter_crisis_after_check"),
                Say("utter_crisis_reminder", {"line": safety_dialogue.reminder(kind_now)}),
            ]
        if reading == "no" and after_check:
            if not state.crisis_seen:
                state.crisis_kind = None
            says.append(Say("utter_crisis_check_no"))
        elif reading == "no" and kind_now in ("suicide", "self_harm") and not state.crisis_other:
            says.append(Say("utter_crisis_check_no"))
    answer = safety_dialogue.faq_answer(
        turn.text, state.crisis_kind if state.crisis_seen else None,
        english=signals.other_language == "en",
    )
    if answer:
        return says + [Say("utter_safety_answer", {"answer": answer})] + _reask(state)

    acute = detect_acute_need(turn.text)
    if acute is not None:
        response, need = ACUTE_ROUTES[acute.value]
        says.append(Say(response))
        if need not in state.needs_open and need not in state.needs_done:
            state.needs_open.insert(0, need)
            state.intro_done.append(need)
    elif needs_check(turn.text):
        state.pending = "crisis_check"
        state.crisis_kind = state.crisis_kind or "suicide"
        return says + [Say("utter_crisis_check_suicide")]

    if signals.other_language and not state.language_noted:
        state.language_noted = True
        says.append(Say("utter_other_language"))
    privacy_asked = intent == "ask_privacy" or bool(PRIVACY_QUESTION.search(turn.text))
    if privacy_asked:
        says.append(Say("utter_privacy"))
    known_before = (state.role, tuple(state.ages), state.municipality)
    answered = _absorb(state, signals, turn)
    learned = known_before != (state.role, tuple(state.ages), state.municipality)
    new_needs = _new_needs(state, signals)
    understood = answered or bool(new_needs) or acute is not None
    if ASKS_FOR_ADVICE.search(turn.text) and state.needs_open:
        _skip_open_questions(state)
        understood = True

    if not understood:
        if signals.other_language:
            return says or [Say("utter_other_language")]
        if intent == "out_of_scope" and state.misunderstood >= 1:
            return says + _misunderstood(state)
        if privacy_asked:
            return says + (_reask(state) or _advance(state))
        if ASKS_FOR_ADVICE.search(turn.text) and not state.pending:
            return says + _ask_what_need(state)
        if intent in SMALLTALK and not signals.gibberish:
            state.misunderstood = 1 if intent == "out_of_scope" else 0
            return says + _smalltalk(state, intent) + _reask(state)
        if intent == "ask_human":
            youth = state.role == "youth"
            return says + [Say("utter_human_youth" if youth else "utter_human")] + _reask(state)
        if state.pending == "anything_else":
            state.pending = None
            if signals.deny or intent == "deny":
                return says + [Say("utter_closing")]
            if signals.affirm or intent == "affirm":
                return says + [Say("utter_anything_else_yes")]
        if state.pending and not signals.gibberish:
            return says + _unclear_answer(state, signals, turn)
        place = find_unknown_place(turn.text)
        if place:
            state.pending, state.retries = "municipality", 1
            return says + [Say("utter_unknown_place", {"place": place})]
        if (learned or intent == "describe_need") and not signals.gibberish:
            return says + [Say("utter_ask_what_need")]
        return says + _misunderstood(state)

    state.misunderstood = 0
    return says + _advance(state)


def _absorb(state: State, signals: Signals, turn: Turn) -> bool:
    """Take every fact the message gives; return True when it answers the pending question."""
    pending = state.pending
    answered = False
    if signals.role and (state.role is None or pending == "role"):
        state.role = signals.role
        answered |= pending == "role"
    if signals.asker_age is not None and signals.asker_age < 18 and state.role is None:
        state.role = "youth"
        answered |= pending == "role"
    ages = list(signals.ages)
    if state.role == "youth" and signals.asker_age is not None:
        ages = [signals.asker_age] + [a for a in ages if a != signals.asker_age]
    if ages:
        state.ages = sorted(set(ages))
        answered |= pending == "age"
    if signals.turning_age is not None:
        state.turning_age = signals.turning_age
        answered |= pending == "age"
    if signals.school_level:
        state.school_level = signals.school_level
    if signals.on_foodbank is not None:
        state.on_foodbank = signals.on_foodbank
    match = match_municipality(turn.text)
    if match is not None:
        state.municipality = match.municipality.code
        answered |= pending == "municipality"
    if signals.threat:
        state.triage["threat"] = True
    if signals.bailiff:
        state.triage["bailiff"] = True
    if signals.arrears:
        state.triage["arrears"] = True
    if pending in ("threat", "bailiff"):
        if signals.affirm or turn.intent == "affirm":
            state.triage[pending] = True
            answered = True
        elif signals.deny or turn.intent == "deny":
            state.triage[pending] = False
            answered = True
        answered |= pending in state.triage
    if pending == "bills" and signals.number is not None:
        state.triage["bills"] = signals.number
        answered = True
    if pending == "bills" and (signals.deny or turn.intent == "deny"):
        state.triage["bills"] = 0
        answered = True
    if pending and not answered and (signals.skip or turn.intent == "skip"):
        if pending not in state.skipped:
            state.skipped.append(pending)
        answered = True
    if answered:
        state.pending = None
        state.retries = 0
    return answered


def _new_needs(state: State, signals: Signals) -> List[str]:
    """Add needs the message names to the queue; return the new ones."""
    found = list(signals.needs)
    if "debts" in found and state.role == "youth" and signals.youth_debt_markers:
        found = ["youth_debts" if n == "debts" else n for n in found]
    if state.role == "youth" and "debts" in found:
        found = ["youth_debts" if n == "debts" else n for n in found]
    if "cutoff" in found or "eviction" in found:
        state.triage["threat"] = True
    new = [n for n in found if n not in state.needs_open and n not in state.needs_done]
    # Urgent needs go first, the rest in the order they were named.
    for need in sorted(new, key=lambda n: n not in URGENT_NEEDS):
        if need in URGENT_NEEDS:
            state.needs_open.insert(0, need)
        else:
            state.needs_open.append(need)
    if "debts" in state.needs_open and "youth_debts" in state.needs_open:
        state.needs_open.remove("debts")
    return new


def _advance(state: State) -> List[Say]:
    """Ask the next question for the current need, or give its advice."""
    says: List[Say] = []
    while state.needs_open:
        need = state.needs_open[0]
        if need not in state.intro_done:
            state.intro_done.append(need)
            says.extend(_intro(state, need))
        question = _next_question(state, need)
        if question is not None:
            state.pending = question
            return says + [_ask(state, question)]
        says.extend(advice.advise(state, need))
        state.needs_open.pop(0)
        state.needs_done.append(need)
        if state.needs_open:
            continue
        offer = handover.offer(state)
        if offer:
            return says + offer
        state.pending = "anything_else"
        says.append(Say("utter_ask_anything_else"))
        return says
    if not says:
        says.append(Say("utter_ask_what_need"))
    return says


def _intro(state: State, need: str) -> List[Say]:
    """The first, normalising reply to a need (with a concrete pointer where it helps)."""
    youth = state.role == "youth"
    if need == "stress":
        return [Say("utter_normalise_shame_youth" if youth else "utter_normalise_shame")]
    if need in URGENT_NEEDS:
        if need in ("cutoff", "eviction"):
            return [Say("utter_urgent")] + advice.local_lines(state, need)
        label = get_content().needs[need].label.lower()
        return [Say("utter_urgent_need", {"need": label})] + advice.local_lines(state, need)
    if need == "youth_debts":
        return [Say("utter_youth_debts")]
    if need in DEBT_NEEDS:
        return [Say("utter_normalise_debts")] + advice.local_lines(state, need)
    if len(state.intro_done) > 1:
        return []
    return [Say("utter_normalise_youth" if youth else "utter_normalise")]


def _next_question(state: State, need: str) -> Optional[str]:
    for item in QUESTIONS.get(need, ()):
        if item == "role" and state.role is None and state.ages and min(state.ages) < 12:
            continue  # a young child does not chat here: the asker is a parent or carer
        if item == "bailiff" and state.triage.get("threat"):
            continue
        if item == "bills" and (state.triage.get("threat") or state.triage.get("bailiff")):
            continue
        if (
            item in ("threat", "bailiff", "bills")
            and need == "energy"
            and not state.triage.get("arrears")
        ):
            continue
        if not state.knows(item):
            return item
    return None


def _ask(state: State, question: str, again: bool = False) -> Say:
    if question == "role":
        return Say("utter_ask_role_again" if again else "utter_ask_role")
    if question == "age":
        if again:
            return Say("utter_ask_age_again")
        return Say("utter_ask_age_self" if state.role == "youth" else "utter_ask_age_child")
    if question == "municipality":
        return Say("utter_ask_municipality_again" if again else "utter_ask_municipality")
    if question == "bills":
        return Say("utter_ask_number_again" if again else "utter_ask_bills_behind")
    if again:
        return Say("utter_ask_yes_no_again")
    return Say(f"utter_ask_{question}")


def _reask(state: State) -> List[Say]:
    """Repeat the pending question after a side remark (small talk, empty message)."""
    if state.pending and state.pending not in (
        "anything_else", "forget_confirm", "crisis_check", "crisis_followup"
    ):
        return [_ask(state, state.pending)]
    return []


def _unclear_answer(state: State, signals: Signals, turn: Turn) -> List[Say]:
    """An answer we could not read: ask once more, the second time skip the question."""
    pending = state.pending or ""
    if pending == "municipality":
        place = find_unknown_place(turn.text, expecting_place=True)
        if place and state.retries == 0:
            state.retries = 1
            return [Say("utter_unknown_place", {"place": place})]
    if state.retries == 0 and pending not in ("anything_else",):
        state.retries = 1
        return [_ask(state, pending, again=True)]
    if pending not in state.skipped:
        state.skipped.append(pending)
    state.pending = None
    state.retries = 0
    return [Say("utter_skip_ok")] + _advance(state)


def _skip_open_questions(state: State) -> None:
    """The person wants the advice now: skip the remaining questions of the current need."""
    need = state.needs_open[0]
    for item in QUESTIONS.get(need, ()):
        if not state.knows(item):
            state.skipped.append(item)
    state.pending = None


def _smalltalk(state: State, intent: str) -> List[Say]:
    if intent == "greet":
        if state.greeted:
            return [Say("utter_greet_again")]
        state.greeted = True
        return [Say("utter_welcome")]
    if intent == "thanks" and state.pending == "anything_else":
        state.pending = None
        return [Say("utter_closing")]
    return [Say(SMALLTALK[intent])]


def _ask_what_need(state: State) -> List[Say]:
    """'Wat kan ik doen?' before any need is known: ask for it, then offer choices."""
    state.asked_what_need += 1
    if state.asked_what_need == 1:
        return [Say("utter_ask_what_need")]
    state.asked_what_need = 0
    return [Say("utter_fallback_options")]


def _misunderstood(state: State) -> List[Say]:
    """Two-stage fallback: ask to rephrase, then offer choices; never a dead end."""
    state.misunderstood += 1
    if state.misunderstood == 1:
        return [Say("utter_rephrase")] + _reask(state)
    state.misunderstood = 0
    return [Say("utter_not_understood"), Say("utter_fallback_options")]
