"""Turn a need and what we know of the person into advice messages (domain responses).

The facts come from ``content/`` (funds, routes, municipalities), the small text fragments
from ``content/texts.yml``; the sentences around them are domain responses.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional

import yaml

from actions.logic.content import CONTENT_DIR, Municipality, Route, get_content
from actions.logic.lookup import ApplyPath, FundMatch, find_funds, find_routes
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
        "ages": ("any", "between", "up_to", "from"),
        "who": (
            "self_parent",
            "self_youth",
            "via_parent",
            "self_youth_unsafe_home",
            "via_parent_unsafe_home",
            "via_intermediary",
            "via_school",
            "via_foodbank",
            "via_professional",
            "via_intermediary_default",
            "professional_can",
        ),
        "local": ("debt_help", "wijkteam", "minima", "phone", "joiner"),
        "topics": ("default", "debts", "minima", "household"),
    }.items():
        missing = [k for k in keys if k not in data.get(group, {})]
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


def age_text(min_age: Optional[int], max_age: Optional[int]) -> str:
    t = texts()["ages"]
    if min_age is None and max_age is None:
        return t["any"]
    if min_age is None or min_age == 0:
        return t["up_to"].format(max=max_age) if max_age is not None else t["any"]
    if max_age is None:
        return t["from"].format(min=min_age)
    return t["between"].format(min=min_age, max=max_age)


def who_text(match: FundMatch, role: Optional[str], unsafe_home: bool = False) -> str:
    """Who applies, in words for this asker; never "your parent" when home is not safe."""
    t = texts()["who"]
    if role == "professional" and match.path is not ApplyPath.self:
        return t["professional_can"]
    if match.path is ApplyPath.self:
        if role == "youth":
            return t["self_youth_unsafe_home" if unsafe_home else "self_youth"]
        return t["self_parent"]
    if match.path is ApplyPath.via_parent and unsafe_home:
        return t["via_parent_unsafe_home"]
    if match.path is ApplyPath.via_intermediary:
        if match.intermediaries:
            who = match.intermediaries.rstrip(".")
            return t["via_intermediary"].format(who=who[:1].lower() + who[1:])
        return t["via_intermediary_default"]
    return t[match.path.value]


def _who_unless_said(match: FundMatch, role: Optional[str], unsafe_home: bool = False) -> str:
    """The who-applies sentence, left out when the fund's own ``how`` already says it."""
    if match.path is ApplyPath.self and "zelf" in match.fund.how.lower()[:60] and not (
        unsafe_home and role == "youth"
    ):
        return ""
    return who_text(match, role, unsafe_home) + " "


def _link(url: Optional[str], phone: Optional[str]) -> str:
    t = texts()
    parts = []
    if url:
        parts.append(t["link"].format(url=url))
    if phone:
        parts.append(t["phone"].format(phone=phone))
    return "".join(parts)


def fund_says(state: State, need: str) -> List[Say]:
    """Fund cards that fit every known age (or any age when unknown), best first."""
    role = state.role if state.role in ("parent", "youth", "professional") else None
    lookup_role = "parent" if role == "professional" else role
    ages: List[Optional[int]] = list(state.ages) or [None]
    if need == "birthday" and state.turning_age is not None:
        ages = [state.turning_age]
    seen: Dict[str, FundMatch] = {}
    excluded = False
    for age in ages:
        found = find_funds(need, age, lookup_role, state.school_level, state.on_foodbank)
        excluded |= bool(found.excluded)
        for match in found.matches:
            seen.setdefault(match.id, match)
    says = [
        _say(
            "utter_fund",
            name=m.name,
            gives=m.fund.gives,
            ages=age_text(m.age_min, m.age_max),
            who=_who_unless_said(m, role, home_unsafe(state.crisis_kind)),
            how=m.fund.how,
            link=_link(m.fund.url, m.fund.phone),
        )
        for m in list(seen.values())[:MAX_FUNDS]
    ]
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
        if local.wijkteam:
            links.append(t["wijkteam"].format(url=local.wijkteam))
        if local.phone:
            links.append(t["phone"].format(phone=local.phone))
    if links:
        return [_say("utter_local_links", municipality=place.name, links=t["joiner"].join(links))]
    topic = texts()["topics"][topic_key]
    return [_say("utter_local_general", municipality=place.name, topic=topic)]


def _debt_says(state: State, need: str) -> List[Say]:
    answers = TriageAnswers(
        arrears=state.triage.get("arrears"),
        bills_behind=state.triage.get("bills"),
        bailiff=state.triage.get("bailiff"),
        threat=state.triage.get("threat"),
        wants_in_person=state.triage.get("in_person"),
        debts_mentioned=need in ("debts", "cutoff", "eviction", "youth_debts")
        or bool(state.triage.get("arrears")),
    )
    youth = state.role == "youth"
    age = min(state.ages) if youth and state.ages else None
    result = triage(answers, "youth" if youth else "parent", age=age)
    routes = get_content().routes
    ordered = result.route_ids + result.support_route_ids
    if youth:
        ordered = result.youth_route_ids + ordered
    ids = list(dict.fromkeys(ordered))
    state.tier = max(state.tier or 0, 4 if result.urgent else result.tier)
    state.urgent = state.urgent or result.urgent
    says = [] if result.urgent else [_say(f"utter_triage_tier_{result.tier}")]
    says += route_says([routes[r] for r in ids if r in routes], limit=MAX_DEBT_ROUTES)
    if result.talk_to_trusted_adult:
        says.append(_say("utter_youth_talk"))
    return says


def advise(state: State, need: str) -> List[Say]:
    """All advice messages for ``need``."""
    role = "youth" if state.role == "youth" else ("parent" if state.role else None)
    says: List[Say] = []
    triaged = need in DEBT_TRIAGE_NEEDS and (need == "debts" or state.triage)
    if triaged or need in ("cutoff", "eviction", "youth_debts"):
        says += _debt_says(state, need)
    else:
        funds = fund_says(state, need)
        if need == "money_general":
            says += route_says(find_routes(need, role))
            funds = funds[:2]
        if funds:
            says.append(_say("utter_advice_intro", need=get_content().needs[need].label))
            says += funds
        if need == "health_costs":
            says.append(_say("utter_health_costs"))
        if need in ("stress", "money_general") and role == "youth":
            says.append(_say("utter_youth_talk"))
        elif need != "money_general":
            says += route_says(find_routes(need, role))[: (1 if funds else MAX_ROUTES)]
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
