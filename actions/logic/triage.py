"""Geldfit-style triage: which help tier fits someone with money worries, and is it urgent.

Tiers follow the four Geldfit "afslagen" of the Nederlandse Schuldhulproute (also in the
handreiking, "Steun bij financiele zelfredzaamheid"): 1 zelfhulp (Nibud, Wijzer in
geldzaken), 2 a digital volunteer (fiKks, can be anonymous), 3 a local (volunteer)
organisation (SchuldHulpMaatje, Humanitas, social work), 4 the municipality's debt help.
The routes per tier are the routes with that ``tier`` in ``content/routes.yml``.

Rule table (the first row that matches wins):

===  =========================================================  ====  ======  ===============
row  answers                                                    tier  urgent  reason
===  =========================================================  ====  ======  ===============
1    threat: cut-off of gas, electricity, district heating or    4     yes     threat
     water, eviction, or the health insurance is stopped
2    bailiff, or 3 or more bills/months behind                    4     no      bailiff /
                                                                                many_bills
3    1-2 bills behind (or arrears, count unknown), wants          3     no      arrears_in_person
     in-person help
4    1-2 bills behind (or arrears, count unknown), does not       2     no      arrears_online
     want in-person help
5    1-2 bills behind (or arrears, count unknown), in-person      3     no      arrears_unsure
     unknown: lean to the higher tier, offer fiKks as well
6    no arrears known, but debts mentioned                        3     no      debts_unknown
7    no arrears (arrears False or 0 bills behind)                 1     no      no_arrears
8    nothing known, no debts mentioned                            1     no      unknown
===  =========================================================  ====  ======  ===============

- Tier 4 always comes with tier-3 volunteer support; with a bailiff also sociaal raadslieden
  and the Juridisch Loket (handreiking, "Steun bij schulden").
- Urgent (row 1): the municipality must hold a *first conversation* within three working
  days (Wet gemeentelijke schuldhulpverlening, art. 4: "bedreigende situatie"; otherwise
  within four weeks). It is a first conversation, not a promise that the cut-off stops.
- Unknown answers: lean to the higher tier when debts are mentioned (rows 5 and 6), and list
  the questions that could still change the outcome in ``ask_next``.
- The Geldfit test is offered with every non-urgent result (first when little is known).
- Young people (role "youth"): add zelfjeschuldenregelen and fiKks; a minor (under 18, or
  age unknown) also gets De Kindertelefoon to talk to, and ``talk_to_trusted_adult`` is set,
  so a minor is never sent alone to municipal debt help.

The thresholds (3+ bills = tier 4, 1-2 bills = tier 2/3) are this project's reading of the
Geldfit afslagen, not a rule published by Geldfit.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from actions.logic.content import Content, get_content
from actions.logic.lookup import ADULT_AGE, ROLE_PARENT, ROLE_YOUTH, normalise_role, route_fits

MANY_BILLS = 3

GELDFIT = "geldfit"
MUNICIPAL = "municipal_debt_help"
FIKKS = "fikks"
SELF_DEBTS = "zelfjeschuldenregelen"
KINDERTELEFOON = "kindertelefoon"
BAILIFF_EXTRA = ("sociaal_raadslieden", "juridisch_loket")


class TriageReason(str, Enum):
    """Which row of the rule table decided the tier."""

    threat = "threat"
    bailiff = "bailiff"
    many_bills = "many_bills"
    arrears_in_person = "arrears_in_person"
    arrears_online = "arrears_online"
    arrears_unsure = "arrears_unsure"
    debts_unknown = "debts_unknown"
    no_arrears = "no_arrears"
    unknown = "unknown"


@dataclass(frozen=True)
class TriageAnswers:
    """What the person told us; None means not asked or not known."""

    arrears: bool | None = None  # behind with paying bills
    bills_behind: int | None = None  # how many bills or months behind
    bailiff: bool | None = None  # a bailiff (deurwaarder) is involved
    threat: bool | None = None  # threatened cut-off (energy, water) or eviction
    wants_in_person: bool | None = None  # prefers someone who helps in person
    debts_mentioned: bool = False  # debts or arrears came up in the conversation


@dataclass(frozen=True)
class TriageResult:
    """The tier, whether it is urgent, and the route ids to offer (from routes.yml)."""

    tier: int
    urgent: bool
    reason: TriageReason
    route_ids: tuple[str, ...]  # main routes, in the order to offer them
    support_route_ids: tuple[str, ...] = ()  # extra support next to the main routes
    youth_route_ids: tuple[str, ...] = ()  # extra routes for a young person
    talk_to_trusted_adult: bool = False  # minor: mention talking to a trusted adult
    ask_next: tuple[str, ...] = ()  # TriageAnswers fields still worth asking, in order

    @property
    def three_working_days(self) -> bool:
        """True when the first conversation with the municipality is due in 3 working days."""
        return self.urgent

    @property
    def all_route_ids(self) -> tuple[str, ...]:
        """Main, support and youth routes without duplicates, in that order."""
        seen: list[str] = []
        for rid in self.route_ids + self.support_route_ids + self.youth_route_ids:
            if rid not in seen:
                seen.append(rid)
        return tuple(seen)


def tier_route_ids(tier: int, role: str | None, content: Content | None = None) -> list[str]:
    """Ids of the routes with this tier that suit ``role``; own-group routes first.

    An unknown role is treated like a parent here, so youth-only routes are left out.
    """
    content = content or get_content()
    role = normalise_role(role) or ROLE_PARENT
    routes = [r for r in content.routes.values() if r.tier == tier and route_fits(r, role)]
    routes.sort(key=lambda r: 0 if role and r.audience.value == role else 1)
    return [r.id for r in routes]


def _bills(answers: TriageAnswers) -> tuple[bool | None, int | None]:
    """Arrears and bill count made consistent (a count of 1+ means arrears)."""
    bills = answers.bills_behind
    if bills is not None and bills < 0:
        bills = None
    arrears = answers.arrears
    if bills is not None and bills > 0:
        arrears = True
    elif bills == 0 and arrears is None:
        arrears = False
    if arrears is True and bills == 0:
        bills = None  # contradictory: keep the arrears, forget the count
    return arrears, bills


def _decide(answers: TriageAnswers) -> tuple[int, bool, TriageReason]:
    """Apply the rule table: tier, urgent, reason."""
    arrears, bills = _bills(answers)
    if answers.threat:
        return 4, True, TriageReason.threat
    if answers.bailiff:
        return 4, False, TriageReason.bailiff
    if bills is not None and bills >= MANY_BILLS:
        return 4, False, TriageReason.many_bills
    if arrears:
        if answers.wants_in_person is True:
            return 3, False, TriageReason.arrears_in_person
        if answers.wants_in_person is False:
            return 2, False, TriageReason.arrears_online
        return 3, False, TriageReason.arrears_unsure
    if arrears is False:
        return 1, False, TriageReason.no_arrears
    if answers.debts_mentioned:
        return 3, False, TriageReason.debts_unknown
    return 1, False, TriageReason.unknown


def _ask_next(answers: TriageAnswers, tier: int, reason: TriageReason) -> tuple[str, ...]:
    """The unknown answers that could still change the outcome, most important first."""
    arrears, bills = _bills(answers)
    if reason is TriageReason.no_arrears:
        return ()
    worried = reason is not TriageReason.unknown or answers.debts_mentioned
    questions: list[str] = []
    if answers.threat is None and worried:
        questions.append("threat")
    if tier < 4 and worried:
        if answers.bailiff is None:
            questions.append("bailiff")
        if bills is None and arrears is not False:
            questions.append("bills_behind")
    if tier in (2, 3) and answers.wants_in_person is None:
        questions.append("wants_in_person")
    if reason is TriageReason.unknown and arrears is None:
        questions = ["arrears", *questions]
    return tuple(questions)


def triage(
    answers: TriageAnswers,
    role: str | None,
    age: int | None = None,
    content: Content | None = None,
) -> TriageResult:
    """Tier 1-4, urgency and the route ids to offer for these answers (see the rule table)."""
    content = content or get_content()
    role = normalise_role(role)
    known = set(content.routes)
    tier, urgent, reason = _decide(answers)

    main = tier_route_ids(tier, role, content)
    support: list[str] = []
    if tier == 4:
        support = tier_route_ids(3, role, content)
        if reason is TriageReason.bailiff:
            support += [rid for rid in BAILIFF_EXTRA if rid in known]
    elif reason is TriageReason.arrears_unsure:
        support = tier_route_ids(2, role, content)
    if not urgent and GELDFIT in known:
        if reason in (TriageReason.unknown, TriageReason.debts_unknown):
            main = [GELDFIT, *main]
        else:
            main.append(GELDFIT)

    youth: list[str] = []
    minor = role == ROLE_YOUTH and (age is None or age < ADULT_AGE)
    if role == ROLE_YOUTH:
        wanted = [SELF_DEBTS, FIKKS] + ([KINDERTELEFOON] if minor else [])
        youth = [rid for rid in wanted if rid in known and rid not in main]

    return TriageResult(
        tier=tier,
        urgent=urgent,
        reason=reason,
        route_ids=tuple(main),
        support_route_ids=tuple(rid for rid in support if rid not in main),
        youth_route_ids=tuple(youth),
        talk_to_trusted_adult=minor,
        ask_next=_ask_next(answers, tier, reason),
    )
