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


# Jarige Job's age range is unverified (sources give 4-12, 2-12 and 1-18): it may rank the
# fund and the card says "check", but it never excludes a child (issue #16).
@pytest.mark.parametrize("age", [1, 2, 3, *range(13, 22)])
@pytest.mark.parametrize("role", ["parent", "youth", None])
def test_jarige_job_unverified_age_never_excludes(content: Content, age: int, role) -> None:
    advice = find_funds("birthday", age, role, content=content)
    assert advice.exclusion("jarige_job") is None
    match = advice.match("jarige_job")
    if match is not None:  # a young person under 18 reaches it only through a hulpverlener
        assert match.age_outside and not match.age_verified and match.needs_check
        assert (match.age_min, match.age_max) == (4, 12)


@pytest.mark.parametrize("age", range(4, 13))
def test_jarige_job_for_4_to_12(content: Content, age: int) -> None:
    match = find_funds("birthday", age, "parent", content=content).match("jarige_job")
    assert match is not None and match.path is ApplyPath.self and match.age_checked
    assert not match.age_outside


def test_unverified_age_outside_ranks_after_a_sure_fit(content: Content) -> None:
    # a 13-year-old's sport: the Jeugdeducatiefonds (primary school, age derived) comes
    # after the funds whose age range surely fits, and only with a "check" sentence
    advice = find_funds("sport_culture", 13, "parent", content=content)
    jef = advice.match("jeugdeducatiefonds")
    assert jef is not None and jef.age_outside and jef.needs_check
    same_path = [m for m in advice.matches if m.path is jef.path]
    assert same_path.index(jef) == len(same_path) - 1


def test_birthday_for_17_is_honest(content: Content) -> None:
    advice = find_funds("birthday", 17, "parent", content=content)
    # no fund says for sure that it is for 17; the ones that may be are kept with a check
    assert all(not m.age_verified or not m.age_limited for m in advice.matches)
    assert all(m.age_outside for m in advice.matches if m.age_limited)


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


def test_never_a_fund_outside_a_verified_known_age(content: Content) -> None:
    for need in NEED_IDS:
        for age in (0, 3, 8, 12, 13, 16, 17, 18, 20, 25):
            for role in ("parent", "youth"):
                for match in find_funds(need, age, role, content=content).matches:
                    if match.fund.age.verified:
                        assert match.fund.age.contains(age), (need, age, match.id)
                    else:
                        assert match.age_outside == (not match.fund.age.contains(age))


def test_unverified_age_never_excludes(content: Content) -> None:
    for need in NEED_IDS:
        for age in (0, 3, 8, 12, 13, 16, 17, 18, 20, 25):
            for exclusion in find_funds(need, age, "parent", content=content).excluded:
                if exclusion.reason in (ExcludeReason.too_old, ExcludeReason.too_young):
                    assert exclusion.fund.age.verified, (need, age, exclusion.id)


# --- school level ------------------------------------------------------------------------


@pytest.mark.parametrize("age", [None, 10, 12, 13, 15])
def test_jeugdeducatiefonds_never_for_secondary(content: Content, age) -> None:
    advice = find_funds("school", age, "parent", school_level="secondary", content=content)
    assert "jeugdeducatiefonds" not in advice.fund_ids
    assert "jeugdeducatiefonds" in advice.excluded_ids


# Age 4-12 of the Jeugdeducatiefonds is derived from primary school (a pupil in groep 8 or
# in special education can be 13): the school level excludes, the derived age only ranks.
@pytest.mark.parametrize("age", range(13, 19))
def test_jeugdeducatiefonds_from_13_only_ranks_lower(content: Content, age: int) -> None:
    for need in ("school", "laptop", "sport_culture"):
        advice = find_funds(need, age, "parent", content=content)
        match = advice.match("jeugdeducatiefonds")
        assert match is not None and match.age_outside and not match.school_level_checked
        secondary = find_funds(need, age, "parent", school_level="secondary", content=content)
        assert secondary.exclusion("jeugdeducatiefonds").reason is ExcludeReason.school_level


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
    ApplyPath.via_organisation: 4,
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
    assert "moneymaatje" not in parent


def test_routes_for_youth_debts_put_youth_routes_first(content: Content) -> None:
    routes = find_routes("youth_debts", "youth", content=content)
    ids = [r.id for r in routes]
    assert {"fikks", "zelfjeschuldenregelen", "moneymaatje"} <= set(ids)
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


# --- who may apply (issue #16) -------------------------------------------------------------


@pytest.mark.parametrize("role", ["parent", "youth", None])
def test_organisations_only_fund_is_never_an_application(content: Content, role) -> None:
    match = find_funds("school", 8, role, content=content).match("armoedefonds")
    assert match.path is ApplyPath.via_organisation and match.other_paths == ()
    ranks = [_RANK[m.path] for m in find_funds("school", 8, role, content=content).matches]
    assert ranks[-1] == _RANK[ApplyPath.via_organisation]


@pytest.mark.parametrize("fund_id,need", [
    ("linda_foundation", "toys"), ("kinderhulp", "laptop"), ("sun_urgente_noden", "household"),
])
def test_registered_intermediary_only(content: Content, fund_id: str, need: str) -> None:
    for role in ("parent", "youth"):
        match = find_funds(need, 10, role, content=content).match(fund_id)
        assert match.path is ApplyPath.via_professional and match.other_paths == ()


def test_varying_route_is_marked_for_a_check(content: Content) -> None:
    match = find_funds("food", None, "parent", content=content).match("voedselbank")
    assert match.fund.applies_varies and match.needs_check
