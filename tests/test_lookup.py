"""Tests for actions/logic/lookup.py: which funds fit, which are excluded and why."""

from __future__ import annotations

import pytest

from actions.logic.content import Content, load_content
from actions.logic.lookup import (
    ApplyPath,
    ExcludeReason,
    crisis_routes,
    find_funds,
    find_routes,
)
from tests.test_content import NEED_IDS, build_content_dir


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """The content, loaded from a tmp copy (see tests/test_content.py)."""
    return load_content(build_content_dir(tmp_path_factory.mktemp("content")))


# need -> a fund that must be offered to a parent (age unknown)
NEED_EXAMPLES = {
    "food": "voedselbank",
    "clothes": "kledingbank",
    "school": "leergeld",
    "sport_culture": "jeugdfonds_sport_cultuur",
    "birthday": "jarige_job",
    "holiday": "vakantiebank",
    "bike": "anwb_kinderfietsenplan",
    "laptop": "kinderhulp",
    "baby": "stichting_babyspullen",
    "household": "gemeente_bijzondere_bijstand",
    "energy": "gemeente_kwijtschelding",
    "toys": "kinderhulp_actie_pepernoot",
    "pets": "dierenvoedselbank",
    "money_general": "gemeente_kindpakket",
    "health_costs": "gemeente_bijzondere_bijstand",
    "stress": "home_start",
}


@pytest.mark.parametrize("need,fund_id", sorted(NEED_EXAMPLES.items()))
def test_need_offers_fund(content: Content, need: str, fund_id: str) -> None:
    advice = find_funds(need, None, "parent", content=content)
    assert fund_id in advice.fund_ids


@pytest.mark.parametrize("need", NEED_IDS)
def test_every_need_answers(content: Content, need: str) -> None:
    advice = find_funds(need, 8, "parent", content=content)
    routes = find_routes(need, "parent", content=content)
    assert advice.matches or routes, need


def test_unknown_need_raises(content: Content) -> None:
    with pytest.raises(ValueError):
        find_funds("unicorns", 8, "parent", content=content)
    with pytest.raises(ValueError):
        find_routes("unicorns", "parent", content=content)


def test_unknown_school_level_raises(content: Content) -> None:
    with pytest.raises(ValueError):
        find_funds("school", 8, "parent", school_level="university", content=content)


# --- age limits --------------------------------------------------------------------------


@pytest.mark.parametrize("age", range(13, 22))
@pytest.mark.parametrize("role", ["parent", "youth", None])
def test_jarige_job_never_for_13_plus(content: Content, age: int, role) -> None:
    advice = find_funds("birthday", age, role, content=content)
    assert "jarige_job" not in advice.fund_ids
    exclusion = advice.exclusion("jarige_job")
    assert exclusion is not None and exclusion.reason is ExcludeReason.too_old
    assert exclusion.age_max == 12


@pytest.mark.parametrize("age", range(4, 13))
def test_jarige_job_for_4_to_12(content: Content, age: int) -> None:
    match = find_funds("birthday", age, "parent", content=content).match("jarige_job")
    assert match is not None and match.path is ApplyPath.self and match.age_checked


def test_jarige_job_too_young(content: Content) -> None:
    advice = find_funds("birthday", 3, "parent", content=content)
    assert advice.exclusion("jarige_job").reason is ExcludeReason.too_young


def test_birthday_for_17_is_honest(content: Content) -> None:
    advice = find_funds("birthday", 17, "parent", content=content)
    assert {"jarige_job", "uitgestelde_kinderfeestjes"} <= set(advice.excluded_ids)
    assert "kinderen_van_de_voedselbank_verjaardag" not in advice.fund_ids
    assert "skkin" in advice.fund_ids  # no age limit known


@pytest.mark.parametrize("age", range(4, 18))
def test_leergeld_for_4_to_17(content: Content, age: int) -> None:
    match = find_funds("school", age, "parent", content=content).match("leergeld")
    assert match is not None and match.path is ApplyPath.self and match.can_apply_self


@pytest.mark.parametrize("age,reason", [(3, ExcludeReason.too_young), (18, ExcludeReason.too_old)])
def test_leergeld_outside_4_to_17(content: Content, age: int, reason: ExcludeReason) -> None:
    advice = find_funds("school", age, "parent", content=content)
    assert "leergeld" not in advice.fund_ids
    assert advice.exclusion("leergeld").reason is reason


def test_unknown_age_keeps_age_limited_funds_with_range(content: Content) -> None:
    match = find_funds("birthday", None, "parent", content=content).match("jarige_job")
    assert match is not None
    assert match.age_limited and not match.age_checked
    assert (match.age_min, match.age_max) == (4, 12)
    voedselbank = find_funds("food", None, "parent", content=content).match("voedselbank")
    assert voedselbank.age_checked and not voedselbank.age_limited


def test_never_a_fund_outside_the_known_age(content: Content) -> None:
    for need in NEED_IDS:
        for age in (0, 3, 8, 12, 13, 16, 17, 18, 20, 25):
            for role in ("parent", "youth"):
                for match in find_funds(need, age, role, content=content).matches:
                    assert match.fund.age.contains(age), (need, age, match.id)


# --- school level ------------------------------------------------------------------------


@pytest.mark.parametrize("age", [None, 10, 12, 13, 15])
def test_jeugdeducatiefonds_never_for_secondary(content: Content, age) -> None:
    advice = find_funds("school", age, "parent", school_level="secondary", content=content)
    assert "jeugdeducatiefonds" not in advice.fund_ids
    assert "jeugdeducatiefonds" in advice.excluded_ids


@pytest.mark.parametrize("age", range(13, 19))
def test_jeugdeducatiefonds_never_from_13(content: Content, age: int) -> None:
    for need in ("school", "laptop", "sport_culture"):
        advice = find_funds(need, age, "parent", content=content)
        assert "jeugdeducatiefonds" not in advice.fund_ids
        assert advice.exclusion("jeugdeducatiefonds").reason is ExcludeReason.too_old


def test_jeugdeducatiefonds_only_via_primary_school(content: Content) -> None:
    advice = find_funds("school", 8, "parent", school_level="primary", content=content)
    match = advice.match("jeugdeducatiefonds")
    assert match is not None and match.path is ApplyPath.via_school
    assert not match.can_apply_self and match.other_paths == ()
    unknown_level = find_funds("school", None, "parent", content=content)
    assert not unknown_level.match("jeugdeducatiefonds").school_level_checked


def test_brugklas_books(content: Content) -> None:
    advice = find_funds("school", 12, "parent", school_level="secondary", content=content)
    assert {"leergeld", "kinderhulp"} <= set(advice.fund_ids)
    assert advice.exclusion("jeugdeducatiefonds").reason is ExcludeReason.school_level


# --- who applies -------------------------------------------------------------------------


def test_babyspullen_for_baby_via_intermediary(content: Content) -> None:
    match = find_funds("baby", None, "parent", content=content).match("stichting_babyspullen")
    assert match is not None and match.path is ApplyPath.via_intermediary
    assert match.intermediaries


@pytest.mark.parametrize("role", ["parent", "youth"])
def test_kinderen_van_de_voedselbank_only_via_foodbank(content: Content, role: str) -> None:
    for need, fund_id in (
        ("clothes", "kinderen_van_de_voedselbank"),
        ("birthday", "kinderen_van_de_voedselbank_verjaardag"),
    ):
        unknown = find_funds(need, 8, role, content=content).match(fund_id)
        assert unknown.path is ApplyPath.via_foodbank and unknown.other_paths == ()
        assert unknown.needs_foodbank
        known = find_funds(need, 8, role, on_foodbank=True, content=content).match(fund_id)
        assert known.path is ApplyPath.via_foodbank and not known.needs_foodbank
        advice = find_funds(need, 8, role, on_foodbank=False, content=content)
        assert fund_id not in advice.fund_ids
        assert advice.exclusion(fund_id).reason is ExcludeReason.not_on_foodbank


@pytest.mark.parametrize("role", ["parent", "youth", None])
def test_sun_only_via_professional(content: Content, role) -> None:
    for need in ("household", "cutoff", "eviction"):
        match = find_funds(need, None, role, content=content).match("sun_urgente_noden")
        assert match.path is ApplyPath.via_professional and match.other_paths == ()
        assert match.local_only and not match.can_apply_self


def test_jeugdfonds_via_intermediary_for_everyone(content: Content) -> None:
    for role in ("parent", "youth"):
        match = find_funds("sport_culture", 14, role, content=content).match(
            "jeugdfonds_sport_cultuur"
        )
        assert match.path is ApplyPath.via_intermediary and match.intermediaries


def test_youth_reaches_parent_funds_via_parent(content: Content) -> None:
    match = find_funds("school", 15, "youth", content=content).match("leergeld")
    assert match.path is ApplyPath.via_parent and not match.can_apply_self


def test_youth_applies_where_young_people_can(content: Content) -> None:
    assert find_funds("clothes", 15, "youth", content=content).match("kledingbank").can_apply_self
    minor = find_funds("food", 16, "youth", content=content).match("voedselbank")
    assert minor.path is ApplyPath.via_intermediary
    assert ApplyPath.via_parent in minor.other_paths
    adult = find_funds("food", 19, "youth", content=content).match("voedselbank")
    assert adult.path is ApplyPath.self


# --- order ---------------------------------------------------------------------------------


_RANK = {
    ApplyPath.self: 0,
    ApplyPath.via_school: 1,
    ApplyPath.via_intermediary: 1,
    ApplyPath.via_parent: 2,
    ApplyPath.via_foodbank: 2,
    ApplyPath.via_professional: 3,
}


@pytest.mark.parametrize("role", ["parent", "youth"])
@pytest.mark.parametrize("need", NEED_IDS)
def test_direct_application_first(content: Content, need: str, role: str) -> None:
    ranks = [_RANK[m.path] for m in find_funds(need, 10, role, content=content).matches]
    assert ranks == sorted(ranks)


def test_national_before_local_when_equal(content: Content) -> None:
    matches = find_funds("birthday", 8, "parent", content=content).matches
    assert matches[0].id == "jarige_job"
    intermediary = [m for m in matches if m.path is ApplyPath.via_intermediary]
    flags = [m.local_only for m in intermediary if m.fund.needs.index("birthday") == 0]
    assert flags == sorted(flags)


def test_sport_offers_direct_and_intermediary_routes(content: Content) -> None:
    ids = find_funds("sport_culture", 10, "parent", content=content).fund_ids
    assert "leergeld" in ids and "jeugdfonds_sport_cultuur" in ids
    assert ids.index("leergeld") < ids.index("jeugdfonds_sport_cultuur")


# --- routes ------------------------------------------------------------------------------


def test_routes_for_debts(content: Content) -> None:
    parent = [r.id for r in find_routes("debts", "parent", content=content)]
    assert {"geldfit", "schuldhulpmaatje", "municipal_debt_help", "fikks"} <= set(parent)
    assert "schuldhulpmaatje_jong" not in parent


def test_routes_for_youth_debts_put_youth_routes_first(content: Content) -> None:
    routes = find_routes("youth_debts", "youth", content=content)
    ids = [r.id for r in routes]
    assert {"fikks", "zelfjeschuldenregelen", "schuldhulpmaatje_jong"} <= set(ids)
    audiences = [r.audience.value for r in routes]
    assert audiences == sorted(audiences, key=lambda a: 0 if a == "youth" else 1)


def test_cutoff_starts_with_municipal_debt_help(content: Content) -> None:
    assert find_routes("cutoff", "parent", content=content)[0].id == "municipal_debt_help"


def test_health_costs_routes(content: Content) -> None:
    ids = [r.id for r in find_routes("health_costs", "parent", content=content)]
    assert {"zorgverzekeraar_betalingsregeling", "zorg_voor_kinderen"} <= set(ids)


def test_stress_helpline_only_for_youth(content: Content) -> None:
    assert "kindertelefoon" in [r.id for r in find_routes("stress", "youth", content=content)]
    assert "kindertelefoon" not in [r.id for r in find_routes("stress", "parent", content=content)]


@pytest.mark.parametrize("need", NEED_IDS)
def test_crisis_lines_never_in_money_answers(content: Content, need: str) -> None:
    for role in ("parent", "youth", None):
        ids = {r.id for r in find_routes(need, role, content=content)}
        assert not ids & {"zelfmoordpreventie_113", "veilig_thuis", "alarm_112"}


def test_crisis_routes(content: Content) -> None:
    youth = {r.id for r in crisis_routes("youth", content=content)}
    assert {"zelfmoordpreventie_113", "veilig_thuis", "alarm_112", "kindertelefoon"} <= youth
    assert "kindertelefoon" not in {r.id for r in crisis_routes("parent", content=content)}
