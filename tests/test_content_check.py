"""Content check (issue #16, "Content you can trust").

Renders every fund and every route card for every audience (parent, young person,
hulpverlener) through the real advice code (``actions/logic/advice.py``) and the real domain
templates (``rasa_project/domain/advice.yml``), and fails when a card

- says "zelf" (you apply yourself) and "niet zelf" at once,
- tells the reader they may apply where the data say that reader may not (a parent, a young
  person, or a professional told "als hulpverlener kun je dit aanvragen"),
- shows an age range the data do not give,
- rests on an unverified fact (``unverified``, ``age.verified: false``, ``applies_varies``)
  without telling the person to check it.

It also fails on facts whose ``last_checked`` is more than twelve months old (unless the
entry is marked ``stable: true``), on fund ``how`` texts that say who applies, and on
municipal "debt help" links that are only the municipality's home page. It prints a report
of the unverified facts (run ``python -m tests.test_content_check`` for the report alone).
How to fix what it finds: docs/content-guide.md.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple
from urllib.parse import urlparse

import pytest
import yaml

from actions.logic import advice
from actions.logic.content import (
    AgeRange,
    Applicant,
    Content,
    Fund,
    get_content,
)
from actions.logic.lookup import ADULT_AGE, find_funds, route_fits

DOMAIN = Path(__file__).resolve().parents[1] / "rasa_project" / "domain" / "advice.yml"
AUDIENCES = ("parent", "youth", "professional")
MAX_AGE_DAYS = 365  # a fact must be re-checked within twelve months unless `stable: true`

# --- the phrases the check looks for (lower case, one sentence at a time) ------------------

# the reader applies themselves ("je vraagt het zelf aan", "je kunt het zelf aanvragen")
SELF = re.compile(r"\b(je|jij)\b[^.!?]*?(?<!niet )\bzelf\b")
# the reader cannot apply themselves
NOT_SELF = re.compile(r"\bniet zelf\b|\b(je|jij) kunt (dit|het) niet aanvragen\b")
# a professional is told, without condition, that they can apply
PRO_CAN = re.compile(r"\bals hulpverlener kun (je|jij) (dit|het) (?!alleen)")
# ... or only when registered with the fund
PRO_IF_REGISTERED = re.compile(r"\bals hulpverlener kun (je|jij) (dit|het) alleen\b")
# a parent or young person is told that a hulpverlener applies for them
HELPER_APPLIES = re.compile(
    r"\bhulpverlener\b[^.!?]*\b(doet het|kan het doen|vraagt (het|dit) aan|aanvragen)\b"
)
CHECK = re.compile(r"\bcheck\b")
# age mentions: (pattern, how to read the numbers)
AGE_PATTERNS: List[Tuple[re.Pattern, str]] = [
    (re.compile(r"\b(\d{1,2}) (?:tot en met|t/m) (\d{1,2}) jaar"), "both_incl"),
    (re.compile(r"\b(\d{1,2}) tot (\d{1,2}) jaar"), "both_excl"),
    (re.compile(r"(?<!\d )\b(?:tot en met|t/m) (\d{1,2}) jaar"), "max_incl"),
    (re.compile(r"(?<!\d )\btot (\d{1,2}) jaar"), "max_excl"),
    (re.compile(r"\bvanaf (?:ongeveer )?(\d{1,2}) jaar"), "min"),
]
LOOSE_AGE = re.compile(r"\b(\d{1,2}) jaar\b")
SOURCE_NOTES = re.compile(
    r"[^.;]*\b(UNVERIFIED|not verified|not re-checked|could not be|was not found)\b[^.;]*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Card:
    """One rendered card: what a person of ``audience`` reads about ``entry``."""

    entry: object  # Fund or Route
    audience: str
    variant: str  # e.g. "age=None", "age=19", "unsafe_home"
    text: str

    @property
    def label(self) -> str:
        return f"{self.entry.id} [{self.audience}, {self.variant}]"  # type: ignore[attr-defined]


# --- rendering ------------------------------------------------------------------------------


def _templates() -> Dict[str, str]:
    responses = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["responses"]
    return {name: variants[0]["text"] for name, variants in responses.items()}


def render(say) -> str:
    """The text a person reads for ``say`` (the domain template filled with its values)."""
    return _templates()[say.response].format(**say.values)


def _fund_variants(fund: Fund, audience: str) -> Iterator[Tuple[str, Optional[int], bool]]:
    """(variant name, age, unsafe home) combinations worth rendering for ``audience``."""
    yield "age=None", None, False
    ages = {a for a in (fund.age.min, fund.age.max) if a is not None}
    if fund.age.limited and not fund.age.verified:
        ages |= {a for a in ((fund.age.min or 0) - 1, (fund.age.max or 0) + 1) if 0 <= a <= 27}
    if audience == "youth":
        ages |= {15, ADULT_AGE + 1}
        yield "unsafe_home", 15, True
    for age in sorted(ages):
        yield f"age={age}", age, False


def fund_cards(content: Content) -> List[Card]:
    """Every fund, for every audience and the ages that change the text."""
    cards: List[Card] = []
    for fund in content.funds:
        for audience in AUDIENCES:
            lookup_role = "parent" if audience == "professional" else audience
            for variant, age, unsafe in _fund_variants(fund, audience):
                match = None
                for need in fund.needs:
                    found = find_funds(need, age, lookup_role, content=content)
                    match = found.match(fund.id)
                    if match is not None:
                        break
                if match is None:
                    continue  # left out for this age or asker: no card to read
                say = advice.fund_say(match, audience, unsafe)
                cards.append(Card(fund, audience, variant, render(say)))
    return cards


def route_cards(content: Content) -> List[Card]:
    """Every route, for every audience it is offered to (a professional reads parent routes)."""
    cards: List[Card] = []
    for route in content.routes.values():
        for audience in AUDIENCES:
            lookup_role = "parent" if audience == "professional" else audience
            if not route_fits(route, lookup_role):
                continue
            say = advice.route_says([route])[0]
            cards.append(Card(route, audience, "route", render(say)))
    return cards


# --- the checks -----------------------------------------------------------------------------


def _sentences(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.lower().split())) if s]


def ages_shown(text: str) -> List[Tuple[Optional[int], Optional[int]]]:
    """Every age range a text shows, as (lowest, highest) inclusive; None = no bound."""
    flat = " ".join(text.lower().split())
    found: List[Tuple[Optional[int], Optional[int]]] = []
    used: List[Tuple[int, int]] = []
    for pattern, kind in AGE_PATTERNS:
        for m in pattern.finditer(flat):
            if any(a <= m.start() < b for a, b in used):
                continue
            used.append(m.span())
            nums = [int(g) for g in m.groups()]
            found.append(
                {
                    "both_incl": lambda n: (n[0], n[1]),
                    "both_excl": lambda n: (n[0], n[1] - 1),
                    "max_incl": lambda n: (None, n[0]),
                    "max_excl": lambda n: (None, n[0] - 1),
                    "min": lambda n: (n[0], None),
                }[kind](nums)
            )
    for m in LOOSE_AGE.finditer(flat):
        if not any(a <= m.start() < b for a, b in used):
            found.append((int(m.group(1)), int(m.group(1))))  # a single age: must lie inside
    return found


def _age_of(entry) -> Optional[AgeRange]:
    return entry.age if isinstance(entry, Fund) else getattr(entry, "age", None)


def _age_problem(entry, shown: Tuple[Optional[int], Optional[int]]) -> Optional[str]:
    data = _age_of(entry)
    if data is None or not data.limited:
        return f"shows age {shown} but the data give no age range"
    low, high = shown
    data_min = data.min or 0
    if low is not None and high is not None and low == high and low not in (data.min, data.max):
        inside = data_min <= low <= (data.max if data.max is not None else 99)
        return None if inside else f"shows age {low}, outside the data range"
    if low is not None and low != data_min:
        return f"shows a lowest age of {low}, the data say {data.min}"
    if high is not None and high != data.max:
        return f"shows a highest age of {high}, the data say {data.max}"
    return None


def needs_check(entry) -> bool:
    """True when a fact on the card is unverified, so the card must say "check"."""
    age = _age_of(entry)
    if entry.unverified or (age is not None and not age.verified):
        return True
    return isinstance(entry, Fund) and entry.applies_varies


def card_problems(card: Card) -> List[str]:
    """What is wrong with ``card`` (empty when nothing is)."""
    problems: List[str] = []
    sentences = _sentences(card.text)
    self_claim = any(SELF.search(s) for s in sentences)
    not_self = any(NOT_SELF.search(s) for s in sentences)
    if self_claim and not_self:
        problems.append("says 'zelf' and 'niet zelf' at once")
    entry = card.entry
    if isinstance(entry, Fund):
        applies = set(entry.applies)
        varies = entry.applies_varies
        professional = Applicant.professional in applies
        registered = Applicant.registered_intermediary_only in applies
        age = re.fullmatch(r"age=(\d+)", card.variant)
        adult = age is not None and int(age.group(1)) >= ADULT_AGE
        allowed_self = {
            "parent": Applicant.parent in applies,
            "youth": Applicant.youth in applies or (adult and Applicant.parent in applies),
            "professional": professional or registered,
        }[card.audience]
        if self_claim and not (allowed_self or varies):
            who = sorted(a.value for a in applies)
            problems.append(f"tells a {card.audience} to apply themselves; applies={who}")
        text = " ".join(sentences)
        if card.audience == "professional":
            if PRO_CAN.search(text) and not professional:
                problems.append("tells a professional to apply where professionals may not")
            if PRO_IF_REGISTERED.search(text) and not (professional or registered):
                problems.append("tells a registered professional to apply; the data say no")
        elif HELPER_APPLIES.search(text) and not (professional or registered or varies):
            problems.append("says a hulpverlener applies; the data say no")
    for shown in ages_shown(card.text):
        problem = _age_problem(entry, shown)
        if problem:
            problems.append(problem)
    if needs_check(entry) and not CHECK.search(card.text.lower()):
        problems.append("rests on an unverified fact but does not say 'check'")
    return problems


def stale(entry, today: dt.date) -> bool:
    """True when ``entry`` was last checked more than twelve months ago and is not stable."""
    return not entry.stable and (today - entry.last_checked).days > MAX_AGE_DAYS


def _slug(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def home_page_as_topic(municipality) -> List[str]:
    """Topic links (debt help, wijkteam, minima) that are only the municipal home page."""
    local = municipality.local
    if local is None:
        return []
    names = {_slug(n) for n in (municipality.name, *municipality.aliases)}
    bad = []
    for key in ("debt_help", "wijkteam", "minima"):
        url = getattr(local, key)
        if not url:
            continue
        parsed = urlparse(url)
        host = parsed.netloc.lower()
        label = host.split(".")[-2] if host.count(".") >= 1 else host
        bare = parsed.path in ("", "/")
        if url == local.website or (bare and (label in names or host.startswith("gemeente."))):
            bad.append(f"{municipality.code} {key}: {url}")
    return bad


def unverified_report(content: Content) -> str:
    """What no current source confirms, per entry (structured fields and source notes)."""
    lines = ["Unverified facts in content/ (unverified / age.verified / applies_varies)"]
    entries = [("fund", f) for f in content.funds] + [("route", r) for r in content.routes.values()]
    for kind, entry in entries:
        items = list(entry.unverified)
        age = _age_of(entry)
        if age is not None and not age.verified:
            items.append(f"age range not confirmed ({age.min}-{age.max}); never excludes")
        if isinstance(entry, Fund) and entry.applies_varies:
            items.append("who may apply differs per local branch")
        if items:
            lines.append(f"  {kind} {entry.id}:")
            lines += [f"    - {item}" for item in items]
    lines.append("Notes in `source` prose (not re-checked or not found):")
    for kind, entry in entries:
        notes = [" ".join(m.group(0).split()) for m in SOURCE_NOTES.finditer(entry.source)]
        if notes:
            lines.append(f"  {kind} {entry.id}: " + " | ".join(notes))
    for m in content.municipalities:
        if m.local is not None and m.local.unverified:
            lines.append(f"  municipality {m.code}: " + "; ".join(m.local.unverified))
    return "\n".join(lines)


# --- tests ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def content() -> Content:
    return get_content()


@pytest.fixture(scope="module")
def cards(content: Content) -> List[Card]:
    return fund_cards(content) + route_cards(content)


def test_every_fund_and_route_is_rendered_for_every_audience(content, cards) -> None:
    for fund in content.funds:
        audiences = {c.audience for c in cards if c.entry is fund}
        assert audiences == set(AUDIENCES), (fund.id, audiences)
    for route in content.routes.values():
        assert any(c.entry is route for c in cards), route.id


def test_no_card_contradicts_itself_or_the_data(cards) -> None:
    problems = [f"{c.label}: {p}\n      {c.text}" for c in cards for p in card_problems(c)]
    assert not problems, "\n".join(problems)


def test_facts_are_checked_within_twelve_months(content: Content) -> None:
    today = dt.date.today()
    old = [e.id for e in [*content.funds, *content.routes.values()] if stale(e, today)]
    old += [m.code for m in content.municipalities if m.local and stale(m.local, today)]
    assert not old, f"last_checked more than {MAX_AGE_DAYS} days ago (or mark stable): {old}"


def test_fund_how_never_says_who_applies(content: Content) -> None:
    for fund in content.funds:
        assert not re.search(r"\bzelf\b", fund.how.lower()), fund.id
        if fund.intermediaries:
            assert not re.search(r"[.?!](\s|$)", fund.intermediaries.strip()), fund.id


def test_debt_help_links_are_not_home_pages(content: Content) -> None:
    bad = [b for m in content.municipalities for b in home_page_as_topic(m)]
    assert not bad, bad


def test_report_of_unverified_facts(content: Content, capsys) -> None:
    report = unverified_report(content)
    assert "jarige_job" in report
    with capsys.disabled():
        print("\n" + report)


# --- the check itself finds the mistakes of issue #16 ---------------------------------------


def _fund(content: Content, fund_id: str) -> Fund:
    return next(f for f in content.funds if f.id == fund_id)


@pytest.mark.parametrize("audience,fund_id,text", [
    # one professional read both sentences in one card
    ("professional", "jeugdeducatiefonds",
     "Jeugdeducatiefonds: ... Als hulpverlener kun jij dit aanvragen. Je kunt het niet zelf "
     "aanvragen."),
    ("professional", "armoedefonds", "Armoedefonds: ... Als hulpverlener kun jij dit aanvragen."),
    ("professional", "kinderen_van_de_voedselbank",
     "Kinderen van de Voedselbank: ... Als hulpverlener kun jij dit aanvragen."),
    ("parent", "linda_foundation",
     "LINDA.foundation: ... Je kunt dit niet zelf aanvragen. Met die code meld je je gezin "
     "zelf aan."),
    ("parent", "jeugdeducatiefonds", "Jeugdeducatiefonds: ... Je vraagt het zelf aan."),
])  # fmt: skip
def test_the_check_catches_the_old_mistakes(content, audience, fund_id, text) -> None:
    card = Card(_fund(content, fund_id), audience, "age=None", text)
    assert card_problems(card)


def test_the_check_catches_an_age_the_data_do_not_give(content: Content) -> None:
    fund = _fund(content, "humanitas_kindervakantieweken")
    card = Card(fund, "parent", "age=None", "Humanitas: ... Voor 6 tot en met 14 jaar. ...")
    assert any("highest age of 14" in p for p in card_problems(card))
    home_start = _fund(content, "home_start")
    card = Card(home_start, "parent", "age=None", "Home-Start: ... Tot en met 17 jaar. Check.")
    assert card_problems(card)


def test_ages_are_read_like_a_person_reads_them() -> None:
    assert ages_shown("Voor 4 tot en met 12 jaar.") == [(4, 12)]
    assert ages_shown("van 8 tot 18 jaar") == [(8, 17)]
    assert ages_shown("Tot en met 17 jaar.") == [(None, 17)]
    assert ages_shown("kinderen tot 18 jaar") == [(None, 17)]
    assert ages_shown("vaak vanaf 16 jaar") == [(16, None)]
    assert ages_shown("elke dag van 11 tot 21 uur, binnen 5 werkdagen") == []


# --- urgent needs from the data are honoured (health insurance cancellation) ----------------


def test_health_insurance_cancellation_gets_the_urgent_route() -> None:
    from actions.logic.dialogue import State, Turn, respond

    state = State()
    says = respond(
        state,
        Turn(
            text="mijn zorgverzekering is opgezegd, wat nu?", intent="describe_need", confidence=0.9
        ),
    )
    names = [s.response for s in says]
    assert "utter_urgent_need" in names
    routes = [s.values["name"] for s in says if s.response == "utter_route"]
    assert routes and routes[0] == "Schuldhulp van de gemeente"
    text = " ".join(render(s) for s in says if s.response in ("utter_urgent_need", "utter_route"))
    assert "drie werkdagen" in text and "geen belofte" in text
    assert state.urgent


if __name__ == "__main__":  # pragma: no cover
    print(unverified_report(get_content()))
