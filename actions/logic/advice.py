"""Turn a need and what we know of the person into advice messages (domain responses).

The facts come from ``content/`` (funds, routes, municipalities), the small text fragments
from ``content/texts.yml``; the sentences around them are domain responses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import yaml

from actions.logic.content import (
    CONTENT_DIR,
    AgeRange,
    Applicant,
    Fund,
    Municipality,
    Route,
    get_content,
)
from actions.logic.lookup import ApplyPath, FundMatch, find_funds, find_routes, route_age_fits
from actions.logic.safety_dialogue import home_unsafe
from actions.logic.triage import TriageAnswers, triage

if TYPE_CHECKING:  # pragma: no cover
    from actions.logic.dialogue import State
    from actions.logic.turns import Say

MAX_FUNDS = 4
MAX_ROUTES = 3
MAX_DEBT_ROUTES = 4
DEBT_TRIAGE_NEEDS = ("debts", "energy", "administration", "money_general")
LOCAL_TOPIC = {
    "debts": "debts",
    "energy": "debts",
    "administration": "debts",
    "cutoff": "debts",
    "eviction": "debts",
    "health_insurance_stop": "debts",
    "youth_debts": "debts",
    "school": "minima",
    "sport_culture": "minima",
    "laptop": "minima",
    "clothes": "minima",
    "household": "household",
}


@lru_cache(maxsize=1)
def texts() -> Dict[str, Any]:
    """The fragments of ``content/texts.yml`` (checked for the keys used here)."""
    data = yaml.safe_load((CONTENT_DIR / "texts.yml").read_text(encoding="utf-8"))["texts"]
    for group, keys in {
        "ages": ("any", "between", "up_to", "from", "unverified", "unknown"),
        "who.parent": (
            "self", "self_or_professional", "varies", "professional", "professional_default",
            "registered", "registered_default", "school", "foodbank", "organisations",
        ),
        "who.youth": (
            "self", "via_parent", "via_parent_or_professional", "self_unsafe_home",
            "via_parent_unsafe_home", "varies", "professional", "professional_default",
            "registered", "registered_default", "school", "foodbank", "organisations",
        ),
        "who.professional": (
            "can", "can_family_too", "registered", "family", "varies", "school", "foodbank",
            "organisations",
        ),
        "local": ("debt_help", "wijkteam", "minima", "website", "phone", "joiner"),
        "topics": ("default", "debts", "minima", "household"),
    }.items():  # fmt: skip
        node: Any = data
        for part in group.split("."):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        missing = [k for k in keys if k not in node]
        if missing:
            raise ValueError(f"texts.yml: texts.{group} lacks {missing}")
    return data


def _say(response: str, **values: Any) -> Say:
    from actions.logic.turns import Say

    return Say(response, values)


def municipality_of(state: State) -> Optional[Municipality]:
    if not state.municipality:
        return None
    return next((m for m in get_content().municipalities if m.code == state.municipality), None)


def age_text(
    min_age: Optional[int],
    max_age: Optional[int],
    verified: bool = True,
    name: str = "",
) -> str:
    """The age sentence of a card; an unverified range says so and asks to check it."""
    t = texts()["ages"]
    if not verified and min_age is None and max_age is None:
        return t["unknown"].format(name=name)
    if min_age is None and max_age is None:
        sentence = t["any"]
    elif min_age is None or min_age == 0:
        sentence = t["up_to"].format(max=max_age) if max_age is not None else t["any"]
    elif max_age is None:
        sentence = t["from"].format(min=min_age)
    else:
        sentence = t["between"].format(min=min_age, max=max_age)
    if verified:
        return sentence
    phrase = sentence.rstrip(".")
    return t["unverified"].format(range=phrase[:1].lower() + phrase[1:], name=name)


def fund_age_text(fund: Fund) -> str:
    """The age sentence for ``fund`` from its data."""
    age: AgeRange = fund.age
    return age_text(age.min, age.max, age.verified, fund.name)


def _who_phrase(fund: Fund) -> Optional[str]:
    """The fund's intermediaries as a phrase that fits after "zoals", or None."""
    if not fund.intermediaries:
        return None
    who = fund.intermediaries.strip().rstrip(".")
    return who[:1].lower() + who[1:]


def _professional_text(fund: Fund) -> str:
    """Who applies, for a hulpverlener asking on behalf of a family (from ``applies``)."""
    t = texts()["who"]["professional"]
    applies = set(fund.applies)
    family = bool(applies & {Applicant.parent, Applicant.youth})
    if fund.applies_varies:
        return t["varies"].format(name=fund.name)
    if Applicant.organisations_only in applies:
        return t["organisations"].format(name=fund.name)
    if Applicant.school in applies:
        return t["school"]
    if Applicant.foodbank in applies:
        return t["foodbank"]
    if Applicant.professional in applies:
        return t["can_family_too" if family else "can"]
    if Applicant.registered_intermediary_only in applies:
        return t["registered"].format(name=fund.register_with or fund.name)
    return t["family"]


def who_text(match: FundMatch, role: Optional[str], unsafe_home: bool = False) -> str:
    """Who applies, in words for this asker, derived from the fund's ``applies`` list.

    ``role`` is "parent", "youth", "professional" or None (treated like a parent). Never
    "your parent" when home is not safe; never "you can apply" to a professional where only
    the family, a school, the food bank or registered intermediaries may apply.
    """
    fund = match.fund
    if role == "professional":
        return _professional_text(fund)
    audience = "youth" if role == "youth" else "parent"
    t = texts()["who"][audience]
    who = _who_phrase(fund)
    paths = (match.path, *match.other_paths)
    if fund.applies_varies:
        return t["varies"].format(name=fund.name)
    if match.path is ApplyPath.self:
        if audience == "youth":
            return t["self_unsafe_home" if unsafe_home else "self"]
        if ApplyPath.via_intermediary in paths or ApplyPath.via_professional in paths:
            return t["self_or_professional"]
        return t["self"]
    if match.path is ApplyPath.via_parent:
        return t["via_parent_unsafe_home" if unsafe_home else "via_parent"]
    if match.path is ApplyPath.via_intermediary:
        if audience == "youth" and ApplyPath.via_parent in paths and not unsafe_home and who:
            return t["via_parent_or_professional"].format(who=who)
        return t["professional"].format(who=who) if who else t["professional_default"]
    if match.path is ApplyPath.via_professional:
        register = fund.register_with or fund.name
        if who:
            return t["registered"].format(name=register, who=who)
        return t["registered_default"].format(name=register)
    key = {
        ApplyPath.via_school: "school",
        ApplyPath.via_foodbank: "foodbank",
        ApplyPath.via_organisation: "organisations",
    }[match.path]
    return t[key].format(name=fund.name)


def _link(url: Optional[str], phone: Optional[str]) -> str:
    t = texts()
    parts = []
    if url:
        parts.append(t["link"].format(url=url))
    if phone:
        parts.append(t["phone"].format(phone=phone))
    return "".join(parts)


def fund_say(match: FundMatch, role: Optional[str], unsafe_home: bool = False) -> Say:
    """One fund card (``utter_fund``) for this asker; every text comes from the content."""
    return _say(
        "utter_fund",
        name=match.name,
        gives=match.fund.gives,
        ages=fund_age_text(match.fund),
        who=who_text(match, role, unsafe_home) + " ",
        how=match.fund.how,
        link=_link(match.fund.url, match.fund.phone),
    )


def fund_says(state: State, need: str) -> List[Say]:
    """Fund cards that fit every known age (or any age when unknown), best first."""
    role = state.role if state.role in ("parent", "youth", "professional") else None
    lookup_role = "parent" if role == "professional" else role
    ages: List[Optional[int]] = list(state.ages) or [None]
    if need == "birthday" and state.turning_age is not None:
        ages = [state.turning_age]
    excluded = False
    ordered: List[FundMatch] = []
    for age in ages:
        found = find_funds(need, age, lookup_role, state.school_level, state.on_foodbank)
        excluded |= bool(found.excluded)
        ordered.extend(found.matches)
    # one card per fund; a fund that fits one of the children without doubt goes before one
    # whose unverified age range leaves out the known age (that one only ranks lower)
    first: Dict[str, int] = {}
    best: Dict[str, FundMatch] = {}
    for index, match in enumerate(ordered):
        first.setdefault(match.id, index)
        if match.id not in best or (best[match.id].age_outside and not match.age_outside):
            best[match.id] = match
    chosen = sorted(best.values(), key=lambda m: (m.age_outside, first[m.id]))
    unsafe = home_unsafe(state.crisis_kind)
    says = [fund_say(m, role, unsafe) for m in chosen[:MAX_FUNDS]]
    if says and excluded and state.ages:
        says.append(_say("utter_some_excluded"))
    return says


def route_says(routes: List[Route], limit: int = MAX_ROUTES) -> List[Say]:
    return [
        _say("utter_route", name=r.name, gives=r.gives, how=r.how, link=_link(r.url, r.phone))
        for r in routes[:limit]
    ]


def local_lines(state: State, need: str) -> List[Say]:
    """The municipality's own entry points for this need, or an honest general route."""
    topic_key = LOCAL_TOPIC.get(need, "default")
    place = municipality_of(state)
    if place is None or f"{need}:{place.code}" in state.local_shown:
        return []
    state.local_shown.append(f"{need}:{place.code}")
    t = texts()["local"]
    links: List[str] = []
    local = place.local
    if local is not None:
        if topic_key == "debts" and local.debt_help:
            links.append(t["debt_help"].format(url=local.debt_help))
        if topic_key in ("minima", "household", "default") and local.minima:
            links.append(
                t["minima"].format(name=local.minima_name or "minimaregelingen", url=local.minima)
            )
        if not links and local.website:  # no page for this topic: the home page, honestly
            topic = texts()["topics"][topic_key]
            links.append(t["website"].format(url=local.website, topic=topic))
        if local.wijkteam:
            links.append(t["wijkteam"].format(url=local.wijkteam))
        if local.phone:
            links.append(t["phone"].format(phone=local.phone))
    if links:
        return [_say("utter_local_links", municipality=place.name, links=t["joiner"].join(links))]
    topic = texts()["topics"][topic_key]
    return [_say("utter_local_general", municipality=place.name, topic=topic)]


def _urgent(need: str) -> bool:
    """True when ``content/needs.yml`` marks the need urgent (a Wgs threatening situation)."""
    tag = get_content().needs.get(need)
    return bool(tag and tag.urgent)


def _debt_says(state: State, need: str) -> List[Say]:
    answers = TriageAnswers(
        arrears=state.triage.get("arrears"),
        bills_behind=state.triage.get("bills"),
        bailiff=state.triage.get("bailiff"),
        threat=True if _urgent(need) else state.triage.get("threat"),
        wants_in_person=state.triage.get("in_person"),
        debts_mentioned=need in ("debts", "cutoff", "eviction", "youth_debts")
        or bool(state.triage.get("arrears")),
    )
    youth = state.role == "youth"
    age = min(state.ages) if youth and state.ages else None
    result = triage(answers, "youth" if youth else "parent", age=age)
    routes = get_content().routes
    extra: List[str] = []
    if _urgent(need) and need not in _dialogue_urgent_needs():
        # an urgent need the dialogue does not know: its own routes right after the first
        # (municipal debt help)
        extra += [r.id for r in find_routes(need, "youth" if youth else "parent")]
    if youth and result.tier == 4:
        # municipal routes made for young people (Jongeren Perspectief Fonds) go right after
        # the municipal debt help; their age range is checked below
        extra += [
            r.id
            for r in find_routes(need, "youth")
            if r.kind == "municipal" and r.audience.value == "youth"
        ]
    main = result.route_ids
    ordered = main[:1] + tuple(extra) + main[1:] + result.support_route_ids
    if youth:
        ordered = result.youth_route_ids + ordered
    ids = list(dict.fromkeys(ordered))
    state.tier = max(state.tier or 0, 4 if result.urgent else result.tier)
    state.urgent = state.urgent or result.urgent
    says = [] if result.urgent else [_say(f"utter_triage_tier_{result.tier}")]
    fitting = [routes[r] for r in ids if r in routes and route_age_fits(routes[r], age)]
    says += route_says(fitting, limit=MAX_DEBT_ROUTES)
    if result.talk_to_trusted_adult:
        says.append(_say("utter_youth_talk"))
    return says


def _dialogue_urgent_needs() -> tuple:
    """The urgent needs whose urgent first reply the dialogue already gives."""
    from actions.logic.dialogue import URGENT_NEEDS

    return tuple(URGENT_NEEDS)


def advise(state: State, need: str) -> List[Say]:
    """All advice messages for ``need``."""
    role = "youth" if state.role == "youth" else ("parent" if state.role else None)
    says: List[Say] = []
    triaged = need in DEBT_TRIAGE_NEEDS and (need == "debts" or state.triage)
    if _urgent(need) and need not in _dialogue_urgent_needs():
        says.append(_say("utter_urgent_need", need=get_content().needs[need].label))
    if triaged or need in ("cutoff", "eviction", "youth_debts") or _urgent(need):
        says += _debt_says(state, need)
    else:
        funds = fund_says(state, need)
        age = min(state.ages) if role == "youth" and state.ages else None
        routes = [r for r in find_routes(need, role) if route_age_fits(r, age)]
        if need == "money_general":
            says += route_says(routes)
            funds = funds[:2]
        if funds:
            says.append(_say("utter_advice_intro", need=get_content().needs[need].label))
            says += funds
        if need == "health_costs":
            says.append(_say("utter_health_costs"))
        if need in ("stress", "money_general") and role == "youth":
            says.append(_say("utter_youth_talk"))
        elif need != "money_general":
            says += route_says(routes)[: (1 if funds else MAX_ROUTES)]
    says += local_lines(state, need)
    if not says:
        says.append(_say("utter_no_fund"))
    for say in says:
        name = say.values.get("name")
        if say.response in ("utter_fund", "utter_route") and name not in state.suggested:
            state.suggested.append(name)
    if state.municipality is None and need in LOCAL_TOPIC and "municipality" in state.skipped:
        says.append(_say("utter_local_unknown"))
    return says
