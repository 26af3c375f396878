"""Tests for actions/logic/triage.py: the Geldfit-style rule table."""

from __future__ import annotations

import pytest

from actions.logic.content import Content, load_content
from actions.logic.triage import TriageAnswers, TriageReason, triage
from tests.test_content import build_content_dir


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Content:
    """The content, loaded from a tmp copy (see tests/test_content.py)."""
    return load_content(build_content_dir(tmp_path_factory.mktemp("content")))


A = TriageAnswers
R = TriageReason

TABLE = [
    # answers, expected tier, urgent, reason
    (A(threat=True), 4, True, R.threat),
    (A(threat=True, arrears=False, bailiff=False), 4, True, R.threat),
    (A(threat=True, bills_behind=1, wants_in_person=False), 4, True, R.threat),
    (A(bailiff=True), 4, False, R.bailiff),
    (A(bailiff=True, bills_behind=1, threat=False), 4, False, R.bailiff),
    (A(bills_behind=3), 4, False, R.many_bills),
    (A(bills_behind=6, wants_in_person=False), 4, False, R.many_bills),
    (A(arrears=True, bills_behind=2, wants_in_person=True), 3, False, R.arrears_in_person),
    (A(bills_behind=1, wants_in_person=True), 3, False, R.arrears_in_person),
    (A(arrears=True, bills_behind=2, wants_in_person=False), 2, False, R.arrears_online),
    (A(bills_behind=1, wants_in_person=False, threat=False), 2, False, R.arrears_online),
    (A(arrears=True, wants_in_person=False), 2, False, R.arrears_online),
    (A(arrears=True, bills_behind=2), 3, False, R.arrears_unsure),
    (A(arrears=True), 3, False, R.arrears_unsure),
    (A(arrears=False), 1, False, R.no_arrears),
    (A(bills_behind=0), 1, False, R.no_arrears),
    (A(arrears=False, bailiff=False, threat=False), 1, False, R.no_arrears),
    (A(debts_mentioned=True), 3, False, R.debts_unknown),
    (A(), 1, False, R.unknown),
]


@pytest.mark.parametrize("role", ["parent", "youth", None])
@pytest.mark.parametrize("answers,tier,urgent,reason", TABLE)
def test_rule_table(content: Content, answers, tier, urgent, reason, role) -> None:
    result = triage(answers, role, age=15 if role == "youth" else None, content=content)
    assert (result.tier, result.urgent, result.reason) == (tier, urgent, reason)
    assert result.three_working_days is urgent


@pytest.mark.parametrize("answers,tier,urgent,reason", TABLE)
def test_route_ids_exist_and_match_tier(content: Content, answers, tier, urgent, reason) -> None:
    result = triage(answers, "parent", content=content)
    assert result.route_ids
    for rid in result.all_route_ids:
        assert rid in content.routes, rid
    tiers = {content.routes[rid].tier for rid in result.route_ids} - {None}
    assert tiers == {tier}


def test_tier_routes(content: Content) -> None:
    assert {"nibud", "wijzer_in_geldzaken", "geldfit"} <= set(
        triage(A(arrears=False), "parent", content=content).route_ids
    )
    assert (
        "fikks"
        in triage(A(bills_behind=1, wants_in_person=False), "parent", content=content).route_ids
    )
    tier3 = triage(A(bills_behind=2, wants_in_person=True), "parent", content=content).route_ids
    assert {"schuldhulpmaatje", "humanitas_thuisadministratie", "social_work"} <= set(tier3)
    assert "schuldhulpmaatje_jong" not in tier3


def test_urgent_goes_to_municipality_first(content: Content) -> None:
    result = triage(A(threat=True), "parent", content=content)
    assert result.route_ids[0] == "municipal_debt_help"
    assert "geldfit" not in result.route_ids
    assert "schuldhulpmaatje" in result.support_route_ids


def test_tier4_has_volunteer_support(content: Content) -> None:
    result = triage(A(bills_behind=4), "parent", content=content)
    assert result.route_ids[0] == "municipal_debt_help"
    assert {"schuldhulpmaatje", "social_work"} <= set(result.support_route_ids)


def test_bailiff_adds_legal_help(content: Content) -> None:
    result = triage(A(bailiff=True), "parent", content=content)
    assert {"sociaal_raadslieden", "juridisch_loket"} <= set(result.support_route_ids)


def test_unsure_in_person_also_offers_online(content: Content) -> None:
    result = triage(A(bills_behind=2), "parent", content=content)
    assert "fikks" in result.support_route_ids
    assert "wants_in_person" in result.ask_next


def test_little_known_starts_with_geldfit(content: Content) -> None:
    assert triage(A(), "parent", content=content).route_ids[0] == "geldfit"
    assert triage(A(debts_mentioned=True), "parent", content=content).route_ids[0] == "geldfit"


@pytest.mark.parametrize(
    "answers,expected",
    [
        (A(), ("arrears",)),
        (A(debts_mentioned=True), ("threat", "bailiff", "bills_behind", "wants_in_person")),
        (A(bills_behind=2, wants_in_person=True), ("threat", "bailiff")),
        (A(bills_behind=5), ("threat",)),
        (A(threat=True), ()),
        (A(arrears=False), ()),
    ],
)
def test_ask_next(content: Content, answers, expected) -> None:
    assert triage(answers, "parent", content=content).ask_next == expected


@pytest.mark.parametrize("answers", [row[0] for row in TABLE])
def test_minor_never_alone(content: Content, answers) -> None:
    result = triage(answers, "youth", age=15, content=content)
    assert result.talk_to_trusted_adult
    assert "kindertelefoon" in result.youth_route_ids
    assert "zelfjeschuldenregelen" in result.all_route_ids
    assert "fikks" in result.all_route_ids


def test_minor_with_heavy_debts(content: Content) -> None:
    result = triage(A(threat=True), "youth", age=16, content=content)
    assert result.route_ids[0] == "municipal_debt_help"
    assert result.talk_to_trusted_adult and "kindertelefoon" in result.youth_route_ids


def test_youth_age_unknown_counts_as_minor(content: Content) -> None:
    result = triage(A(bills_behind=1), "youth", content=content)
    assert result.talk_to_trusted_adult and "kindertelefoon" in result.youth_route_ids


def test_young_adult(content: Content) -> None:
    result = triage(A(bills_behind=2, wants_in_person=True), "youth", age=20, content=content)
    assert not result.talk_to_trusted_adult
    assert "kindertelefoon" not in result.all_route_ids
    # SchuldHulpMaatje Jong is MoneyMaatje since March 2024 (for 18 to 27-year-olds)
    assert result.route_ids[0] in ("moneymaatje", "humanitas_get_a_grip")


def test_parent_gets_no_youth_routes(content: Content) -> None:
    result = triage(A(bills_behind=2), "parent", content=content)
    assert result.youth_route_ids == () and not result.talk_to_trusted_adult
    assert "humanitas_get_a_grip" not in result.all_route_ids
