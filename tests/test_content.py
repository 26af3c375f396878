"""Schema and fact tests for content/funds.yml and content/routes.yml.

needs.yml and municipalities.yml are written by other helpers. The tests copy the content to
a tmp dir and use the real needs/municipalities files when they exist, otherwise minimal
stand-ins (never written into content/).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from actions.logic.content import CONTENT_DIR, Content, ContentError, load_content

NEED_IDS = (
    "food", "clothes", "school", "sport_culture", "birthday", "holiday", "bike", "laptop",
    "baby", "household", "energy", "debts", "administration", "cutoff", "eviction", "stress",
    "youth_debts", "turning_18", "health_costs", "toys", "pets", "money_general",
    "health_insurance_stop",
)  # fmt: skip

# SKKIN, Stichting Uitgestelde Kinderfeestjes and the Nationaal Jeugd Ontbijt were removed on
# 2026-12-07 as probable dead ends (no current source; docs/content-guide.md).
APPENDIX_FUNDS = (
    "leergeld", "jeugdfonds_sport_cultuur", "kinderhulp", "jarige_job",
    "samen_voor_alle_kinderen", "jeugdeducatiefonds",
    "kinderen_van_de_voedselbank", "stichting_babyspullen", "anwb_kinderfietsenplan",
    "linda_foundation", "armoedefonds", "sun_urgente_noden", "kledingbank",
    "gemeente_bijzondere_bijstand", "dierenvoedselbank",
)  # fmt: skip

REMOVED_FUNDS = ("skkin", "uitgestelde_kinderfeestjes", "nationaal_jeugd_ontbijt")

OTHER_FUNDS = (
    "voedselbank", "speelgoedbank", "kinderhulp_actie_pepernoot",
    "kinderhulp_actie_zomerpret", "home_start", "steunpunt_kindervakanties",
    "humanitas_kindervakantieweken", "vakantiebank", "gemeente_kindpakket", "bibliotheek",
    "gemeente_energiehulp", "toeslagen", "kinderbijslag", "individuele_inkomenstoeslag",
    "waterschap_kwijtschelding", "gemeente_kwijtschelding",
)  # fmt: skip

# "SchuldHulpMaatje Jong" and "MoneyFit" are MoneyMaatje since March 2024; the Vaste Lasten
# Pakket (a Den Haag pilot) became the general municipal route budgetbeheer (2026-12-07).
REQUIRED_ROUTES = (
    "geldfit", "nibud", "wijzer_in_geldzaken", "fikks", "schuldhulpmaatje",
    "moneymaatje", "humanitas_thuisadministratie", "humanitas_get_a_grip",
    "social_work", "municipal_debt_help", "juridisch_loket", "sociaal_raadslieden",
    "zelfjeschuldenregelen", "geldplan_bijna_18", "berekenuwrecht",
    "geldfit_potjescheck", "kandoor", "steffie", "kindertelefoon", "zelfmoordpreventie_113",
    "veilig_thuis", "alarm_112", "jip", "budgetbeheer", "betalingsregeling",
    "zorgverzekeraar_betalingsregeling", "jongeren_perspectief_fonds",
)  # fmt: skip

FORMAL_YOU = re.compile(r"\b(u|uw)\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
MAX_WORDS = 22


def _minimal_needs() -> dict:
    """A needs.yml stand-in with every fixed need id."""
    return {
        "needs": [
            {"id": nid, "label": nid.replace("_", " "), "keywords": [nid.replace("_", " ")]}
            for nid in NEED_IDS
        ]
    }


def _minimal_municipalities() -> dict:
    """A municipalities.yml stand-in with one municipality."""
    return {"municipalities": [{"code": "GM0307", "name": "Amersfoort", "province": "Utrecht"}]}


def build_content_dir(target: Path) -> Path:
    """Copy the content into ``target``; stand-ins for needs/municipalities when missing."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("funds.yml", "routes.yml"):
        shutil.copy(CONTENT_DIR / name, target / name)
    for name, stand_in in (
        ("needs.yml", _minimal_needs),
        ("municipalities.yml", _minimal_municipalities),
    ):
        if (CONTENT_DIR / name).exists():
            shutil.copy(CONTENT_DIR / name, target / name)
        else:
            (target / name).write_text(yaml.safe_dump(stand_in()), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def content_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tmp copy of the content dir."""
    return build_content_dir(tmp_path_factory.mktemp("content"))


@pytest.fixture(scope="session")
def content(content_dir: Path) -> Content:
    """The content, loaded and validated."""
    return load_content(content_dir)


def _texts(entry) -> list:
    """The user-facing texts of a fund or route."""
    return [t for t in (entry.gives, entry.how, getattr(entry, "intermediaries", None)) if t]


# --- loading and error messages ---------------------------------------------------------


def test_content_loads(content: Content) -> None:
    assert len(content.funds) >= 25
    assert len(content.routes) >= len(REQUIRED_ROUTES)


@pytest.mark.skipif(
    not all((CONTENT_DIR / n).exists() for n in ("needs.yml", "municipalities.yml")),
    reason="needs.yml or municipalities.yml not written yet",
)
def test_real_content_dir_loads() -> None:
    content = load_content(CONTENT_DIR)
    assert set(NEED_IDS) <= set(content.needs)


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A content copy with ``old`` replaced by ``new`` once in file ``name``."""
    target = build_content_dir(tmp_path / "broken")
    text = (target / name).read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    (target / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_broken_url_names_file_entry_and_field(tmp_path: Path) -> None:
    target = _broken_copy(
        tmp_path,
        "funds.yml",
        "url: https://www.stichtingjarigejob.nl",
        "url: http://www.stichtingjarigejob.nl",
    )
    with pytest.raises(ContentError) as err:
        load_content(target)
    message = str(err.value)
    assert "funds.yml" in message
    assert "(jarige_job)" in message and "entry 4" in message
    assert "field 'url'" in message


def test_missing_field_names_file_entry_and_field(tmp_path: Path) -> None:
    target = _broken_copy(
        tmp_path,
        "routes.yml",
        "    how: Kijk op de site van Steffie en kies het onderwerp. Steffie legt het stap voor"
        " stap uit.\n",
        "",
    )
    with pytest.raises(ContentError) as err:
        load_content(target)
    message = str(err.value)
    assert "routes.yml" in message and "(steffie)" in message
    assert "field 'how'" in message


def test_unknown_need_tag_names_file_entry_and_field(tmp_path: Path) -> None:
    target = _broken_copy(tmp_path, "funds.yml", "needs: [pets]", "needs: [pets, unicorns]")
    with pytest.raises(ContentError) as err:
        load_content(target)
    message = str(err.value)
    assert "funds.yml" in message and "(dierenvoedselbank)" in message
    assert "field 'needs'" in message and "unicorns" in message


def test_bad_age_range_names_field(tmp_path: Path) -> None:
    target = _broken_copy(tmp_path, "funds.yml", "age: {min: 4, max: 17}", "age: {min: 17, max: 4}")
    with pytest.raises(ContentError) as err:
        load_content(target)
    assert "funds.yml" in str(err.value) and "field 'age.max'" in str(err.value)


# --- every entry --------------------------------------------------------------------------


def test_required_funds_present(content: Content) -> None:
    ids = {f.id for f in content.funds}
    assert set(APPENDIX_FUNDS) <= ids
    assert set(OTHER_FUNDS) <= ids
    assert not ids & set(REMOVED_FUNDS)


def test_required_routes_present(content: Content) -> None:
    assert set(REQUIRED_ROUTES) <= set(content.routes)
    assert not {"schuldhulpmaatje_jong", "moneyfit", "vaste_lasten_pakket"} & set(content.routes)


def test_need_tags_are_the_fixed_ids(content: Content) -> None:
    used = {n for f in content.funds for n in f.needs}
    used |= {n for r in content.routes.values() for n in r.needs}
    assert used <= set(NEED_IDS)


def test_every_need_has_a_fund_or_route(content: Content) -> None:
    used = {n for f in content.funds for n in f.needs}
    used |= {n for r in content.routes.values() for n in r.needs}
    assert set(NEED_IDS) <= used


def test_urls_are_https(content: Content) -> None:
    for entry in [*content.funds, *content.routes.values()]:
        if entry.url is not None:
            assert entry.url.startswith("https://"), entry.id


def test_sources_and_last_checked(content: Content) -> None:
    for entry in [*content.funds, *content.routes.values()]:
        assert len(entry.source) >= 20, entry.id
        assert isinstance(entry.last_checked, dt.date), entry.id
        assert entry.last_checked >= dt.date(2026, 1, 1), entry.id


def test_texts_use_je_never_u(content: Content) -> None:
    for entry in [*content.funds, *content.routes.values()]:
        for text in _texts(entry):
            assert not FORMAL_YOU.search(text), f"{entry.id}: {text}"


def test_gives_is_one_sentence(content: Content) -> None:
    for entry in [*content.funds, *content.routes.values()]:
        assert len(SENTENCE_END.findall(entry.gives)) == 1, entry.id


def test_sentences_are_short(content: Content) -> None:
    for entry in [*content.funds, *content.routes.values()]:
        for text in _texts(entry):
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                assert len(sentence.split()) <= MAX_WORDS, f"{entry.id}: {sentence}"


# --- facts that must not drift ------------------------------------------------------------


def _fund(content: Content, fund_id: str):
    return next(f for f in content.funds if f.id == fund_id)


def test_fund_facts(content: Content) -> None:
    leergeld = _fund(content, "leergeld")
    assert (leergeld.age.min, leergeld.age.max) == (4, 17)
    assert [a.value for a in leergeld.applies] == ["parent"]
    jsc = _fund(content, "jeugdfonds_sport_cultuur")
    assert [a.value for a in jsc.applies] == ["professional"]
    assert not jsc.age.verified  # 17 or 18 (or 21) per local fund
    assert "coach," not in jsc.how and "buurtsportcoach" in jsc.intermediaries
    jef = _fund(content, "jeugdeducatiefonds")
    assert [a.value for a in jef.applies] == ["school"]
    assert [lv.value for lv in jef.school_levels] == ["primary"]
    assert jef.age.max == 12 and not jef.age.verified  # derived from primary school
    kinderhulp = _fund(content, "kinderhulp")
    assert (kinderhulp.age.min, kinderhulp.age.max) == (0, 21)
    assert [a.value for a in kinderhulp.applies] == ["registered_intermediary_only"]
    sun = _fund(content, "sun_urgente_noden")
    assert [a.value for a in sun.applies] == ["registered_intermediary_only"] and sun.local_only
    job = _fund(content, "jarige_job")
    assert (job.age.min, job.age.max) == (4, 12) and not job.age.verified
    assert "zes weken" not in job.how and job.unverified
    for fund_id in ("kinderen_van_de_voedselbank", "kinderen_van_de_voedselbank_verjaardag"):
        fund = _fund(content, fund_id)
        assert fund.requires_foodbank and [a.value for a in fund.applies] == ["foodbank"]
    assert "baby" in _fund(content, "stichting_babyspullen").needs
    assert [a.value for a in _fund(content, "armoedefonds").applies] == ["organisations_only"]
    linda = _fund(content, "linda_foundation")
    assert [a.value for a in linda.applies] == ["registered_intermediary_only"]
    humanitas = _fund(content, "humanitas_kindervakantieweken")
    assert (humanitas.age.min, humanitas.age.max) == (6, 12)
    home_start = _fund(content, "home_start")
    assert home_start.age.max == 6 and not home_start.age.verified
    zomerpret = _fund(content, "kinderhulp_actie_zomerpret")
    assert zomerpret.age.max < 21 and not zomerpret.age.verified
    voedselbank = _fund(content, "voedselbank")
    assert voedselbank.applies_varies and "zelf" not in voedselbank.how


def test_route_tiers(content: Content) -> None:
    routes = content.routes
    assert routes["geldfit"].kind == "geldfit"
    assert routes["nibud"].tier == routes["wijzer_in_geldzaken"].tier == 1
    assert routes["fikks"].tier == 2 and routes["fikks"].anonymous
    assert routes["fikks"].kind == "online_volunteer"
    for rid in ("schuldhulpmaatje", "humanitas_thuisadministratie", "social_work"):
        assert routes[rid].tier == 3 and routes[rid].kind == "local_volunteer", rid
    assert routes["humanitas_get_a_grip"].audience.value == "youth"
    assert routes["municipal_debt_help"].tier == 4
    assert routes["municipal_debt_help"].kind == "municipal"


def test_three_working_days_is_a_first_conversation(content: Content) -> None:
    how = content.routes["municipal_debt_help"].how
    assert "drie werkdagen" in how and "eerste gesprek" in how
    assert "geen belofte" in how


def test_juridisch_loket_is_never_called_free(content: Content) -> None:
    route = content.routes["juridisch_loket"]
    assert route.phone == "0900-8020"
    assert route.free is False
    assert all("gratis" not in t.lower() for t in _texts(route))
    assert "0900-8020 kost geld" in route.how
    # the free routes: walking in at an office and the question form on the site
    assert "binnenlopen" in route.how.lower() and "formulier" in route.how


def test_crisis_lines(content: Content) -> None:
    routes = content.routes
    line_113 = routes["zelfmoordpreventie_113"]
    assert "113" in line_113.phone and "0800-0113" in line_113.phone
    assert line_113.free and "24 uur" in line_113.how
    # both numbers are free since October 2025: never suggest that only one of them is
    assert "Bel gratis 113 of 0800-0113" in line_113.how
    assert "zelfdoding" in line_113.gives and "zelfmoord denkt" not in line_113.gives
    kt = routes["kindertelefoon"]
    assert kt.phone == "0800-0432" and kt.free and kt.anonymous
    assert kt.audience.value == "youth"
    assert (kt.age.min, kt.age.max) == (8, 17) and "11 tot 21 uur" in kt.how
    assert routes["veilig_thuis"].phone == "0800-2000"
    assert routes["alarm_112"].phone == "112"
    for rid in ("zelfmoordpreventie_113", "veilig_thuis", "alarm_112"):
        assert routes[rid].needs == [], rid


def test_moneymaatje_replaces_the_old_youth_programmes(content: Content) -> None:
    route = content.routes["moneymaatje"]
    assert (route.age.min, route.age.max) == (18, 27) and route.audience.value == "youth"
    assert "SchuldHulpMaatje" in route.gives


def test_health_insurance_cancellation_is_urgent(content: Content) -> None:
    assert content.needs["health_insurance_stop"].urgent
    assert {"cutoff", "eviction"} <= {n for n, tag in content.needs.items() if tag.urgent}
    assert "health_insurance_stop" in content.routes["municipal_debt_help"].needs
