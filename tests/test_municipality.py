"""Tests for the municipality list and the municipality matcher."""

from __future__ import annotations

import dataclasses
import re
import time
import unicodedata
from typing import Iterator, List

import pytest

from actions.logic import municipality as mm
from actions.logic.content import CONTENT_DIR, Municipality, _load_list

PROVINCES = {
    "Groningen", "Fryslân", "Drenthe", "Overijssel", "Flevoland", "Gelderland", "Utrecht",
    "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant", "Limburg",
}
_REAL_INDEX = mm._index  # before the fixture below replaces it
EXPECTED_COUNT = 342  # CBS list 2025; no reorganisation took effect on 1 January 2026
BIG = [
    "Amsterdam", "Rotterdam", "'s-Gravenhage", "Utrecht", "Eindhoven", "Groningen", "Tilburg",
    "Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Amersfoort", "Zaanstad",
]


@pytest.fixture(scope="module")
def municipalities() -> List[Municipality]:
    """The municipality list, read straight from its file."""
    return _load_list(CONTENT_DIR / "municipalities.yml", "municipalities", Municipality)


@pytest.fixture(scope="module", autouse=True)
def file_index(municipalities: List[Municipality]) -> Iterator[None]:
    """Build the matcher from municipalities.yml only, independent of the other files."""
    index = mm._build_index(municipalities)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mm, "_index", lambda: index)
        mm._cached_match.cache_clear()
        yield
    mm._cached_match.cache_clear()


def by_name(municipalities: List[Municipality], name: str) -> Municipality:
    return next(m for m in municipalities if m.name == name)


def plain(text: str) -> str:
    """Lower case without diacritics."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def code_of(text: str) -> str | None:
    found = mm.match_municipality(text)
    return found.municipality.code if found else None


# --- the list ------------------------------------------------------------------------------


def test_count_is_current_cbs_list(municipalities: List[Municipality]) -> None:
    assert len(municipalities) == EXPECTED_COUNT


def test_codes_unique_and_well_formed(municipalities: List[Municipality]) -> None:
    codes = [m.code for m in municipalities]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"GM\d{4}", code) for code in codes)


def test_known_codes(municipalities: List[Municipality]) -> None:
    known = {
        "GM0363": "Amsterdam", "GM0599": "Rotterdam", "GM0518": "'s-Gravenhage",
        "GM0344": "Utrecht", "GM0772": "Eindhoven", "GM0014": "Groningen",
        "GM0796": "'s-Hertogenbosch", "GM1900": "Súdwest-Fryslân", "GM0394": "Haarlemmermeer",
        "GM0479": "Zaanstad", "GM0090": "Smallingerland", "GM1680": "Aa en Hunze",
        "GM1992": "Voorne aan Zee", "GM1980": "Dijk en Waard", "GM1991": "Maashorst",
        "GM1982": "Land van Cuijk", "GM0307": "Amersfoort",
    }
    names = {m.code: m.name for m in municipalities}
    for code, name in known.items():
        assert names[code] == name


def test_merged_municipalities_are_gone(municipalities: List[Municipality]) -> None:
    names = {m.name for m in municipalities}
    for old in ("Weesp", "Beemster", "Brielle", "Hellevoetsluis", "Westvoorne", "Uden",
                "Heerhugowaard", "Langedijk", "Boxmeer", "Cuijk", "Haaren", "Appingedam"):
        assert old not in names


def test_names_unique_and_provinces_valid(municipalities: List[Municipality]) -> None:
    names = [m.name for m in municipalities]
    assert len(set(names)) == len(names)
    assert {m.province for m in municipalities} == PROVINCES


def test_municipalities_per_province(municipalities: List[Municipality]) -> None:
    """Counts per province of the CBS list since 1 January 2023 (unchanged in 2024-2026)."""
    expected = {
        "Groningen": 10, "Fryslân": 18, "Drenthe": 12, "Overijssel": 25, "Flevoland": 6,
        "Gelderland": 51, "Utrecht": 26, "Noord-Holland": 44, "Zuid-Holland": 50,
        "Zeeland": 13, "Noord-Brabant": 56, "Limburg": 31,
    }
    counts: dict = {}
    for m in municipalities:
        counts[m.province] = counts.get(m.province, 0) + 1
    assert counts == expected


def test_aliases_unique_across_municipalities(municipalities: List[Municipality]) -> None:
    owner: dict = {}
    for m in municipalities:
        for label in (m.name, *m.aliases):
            key = "".join(mm.normalize_tokens(label))
            assert owner.setdefault(key, m.code) == m.code, f"{label!r} is used twice"


def test_big_municipalities_have_local_links(municipalities: List[Municipality]) -> None:
    for name in BIG:
        local = by_name(municipalities, name).local
        assert local is not None, name
        # a municipal home page is kept as `website`, never as a debt-help link (issue #16)
        assert local.debt_help or local.wijkteam or local.minima or local.website, name
        assert str(local.last_checked) in ("2026-12-01", "2026-12-07")
        assert len(local.source) > 10
    assert by_name(municipalities, "Amsterdam").local.phone == "14 020"
    assert by_name(municipalities, "'s-Gravenhage").local.minima_name == "Ooievaarspas"


# --- matching names and aliases ------------------------------------------------------------


def test_every_name_and_alias_matches_in_a_sentence(municipalities: List[Municipality]) -> None:
    failures = []
    for m in municipalities:
        for label in (m.name, *m.aliases):
            for text in (f"ik woon in {label}", f"Wij wonen in {label}.",
                         f"ik woon in {plain(label)}", f"IK WOON IN {label.upper()}"):
                if code_of(text) != m.code:
                    failures.append((text, m.code, code_of(text)))
    assert not failures, failures[:20]


def test_every_name_matches_alone(municipalities: List[Municipality]) -> None:
    failures = [m.name for m in municipalities if code_of(m.name) != m.code]
    assert not failures


def test_hyphens_and_spaces_are_interchangeable(municipalities: List[Municipality]) -> None:
    failures = []
    for m in municipalities:
        for label in (m.name, *m.aliases):
            variant = plain(label).replace("-", " ").replace("'", "")
            if code_of(f"ik woon in {variant}") != m.code:
                failures.append(variant)
    assert not failures, failures[:20]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ik woon in den bosch", "'s-Hertogenbosch"),
        ("Wij wonen in Amersfoort", "Amersfoort"),
        ("schuldhulp in den haag", "'s-Gravenhage"),
        ("sudwest fryslan", "Súdwest-Fryslân"),
        ("Zaanstad", "Zaanstad"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("s hertogenbosch", "'s-Hertogenbosch"),
        ("shertogenbosch", "'s-Hertogenbosch"),
        ("Den Haag", "'s-Gravenhage"),
        ("denhaag", "'s-Gravenhage"),
        ("we wonen in Scheveningen", "'s-Gravenhage"),
        ("ik woon in Zaandam", "Zaanstad"),
        ("Hoofddorp", "Haarlemmermeer"),
        ("ik woon in Drachten", "Smallingerland"),
        ("Sneek", "Súdwest-Fryslân"),
        ("Snits", "Súdwest-Fryslân"),
        ("Ljouwert", "Leeuwarden"),
        ("ik woon in Weesp", "Amsterdam"),
        ("ik woon in Brielle", "Voorne aan Zee"),
        ("St. Michielsgestel", "Sint-Michielsgestel"),
        ("ik woon in Alphen a/d Rijn", "Alphen aan den Rijn"),
        ("Best", "Best"),
        ("gemeente Buren", "Buren"),
        ("ik woon in Huizen", "Huizen"),
        ("ik kom uit Kampen", "Kampen"),
        ("ik woon in Ede", "Ede"),
        ("Epe", "Epe"),
        ("ik woon op Urk, in Urk dus", "Urk"),
        ("Boxtel", "Boxtel"),
        ("Den Bosch!", "'s-Hertogenbosch"),
        ("bergen op zoom", "Bergen op Zoom"),
        ("Ik woon in Hengelo", "Hengelo"),
        ("mijn woonplaats is Best", "Best"),
        ("woonachtig te Wierden", "Wierden"),
        ("ik woon in Amsterdam maar werk in Rotterdam", "Amsterdam"),
        ("ik werk in Rotterdam maar ik woon in Den Haag", "'s-Gravenhage"),
        ("ik woon in Nieuw-Amsterdam", "Emmen"),
        ("ik woon in Beek en Donk", "Laarbeek"),
        ("in beek", "Beek"),
        ("ik woon in Zaan stad", "Zaanstad"),
        ("Den Helder", "Den Helder"),
    ],
)
def test_examples(text: str, name: str) -> None:
    found = mm.match_municipality(text)
    assert found is not None, text
    assert found.municipality.name == name
    assert found.exact


def test_match_reports_text_as_written() -> None:
    found = mm.match_municipality("Wij wonen sinds kort in Den Bosch, echt waar")
    assert found is not None
    assert found.matched == "Den Bosch"
    assert found.exact is True
    assert dataclasses.is_dataclass(found)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.exact = False  # type: ignore[misc]


# --- typos ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ik woon in rotterdm", "Rotterdam"),
        ("ik woon in amsterdma", "Amsterdam"),
        ("schuldhulp amsterdma", "Amsterdam"),
        ("ik woon in utrect", "Utrecht"),
        ("ik woon in eindhovn", "Eindhoven"),
        ("ik woon in groningn", "Groningen"),
        ("hulp in tilbrug", "Tilburg"),
        ("wij wonen in nijmegn", "Nijmegen"),
        ("ik woon in apeldorn", "Apeldoorn"),
        ("ik woon in amersfort", "Amersfoort"),
        ("ik woon in zaanstadt", "Zaanstad"),
        ("ik woon in den haga", "'s-Gravenhage"),
        ("ik woon in s hertogenbosh", "'s-Hertogenbosch"),
        ("ik woon in hertogenbsoch", "'s-Hertogenbosch"),
        ("ik woon in haarlemmermer", "Haarlemmermeer"),
        ("ik woon in hardewijk", "Harderwijk"),
        ("ik woon in sudwest frislan", "Súdwest-Fryslân"),
        ("ik woon in leeuwaarden", "Leeuwarden"),
        ("ik woon in dordrech", "Dordrecht"),
        ("ik woon in zoetermer", "Zoetermeer"),
    ],
)
def test_typos(text: str, name: str) -> None:
    found = mm.match_municipality(text)
    assert found is not None, text
    assert found.municipality.name == name
    assert found.exact is False


def test_generated_typos(municipalities: List[Municipality]) -> None:
    """Drop or swap one inner letter of every long name; the right municipality must win."""
    index = mm._index()
    failures = []
    for m in municipalities:
        glued = "".join(mm.normalize_tokens(m.name))
        if len(glued) < 8 or len(mm.normalize_tokens(m.name)) > 1:
            continue
        middle = len(glued) // 2
        for typo in (glued[:middle] + glued[middle + 1:],
                     glued[:middle] + glued[middle + 1] + glued[middle] + glued[middle + 2:]):
            rivals = [
                key for key in index.exact
                if key != glued and key[0] == typo[0]
                and mm._osa_distance(typo, key, 2) <= mm._osa_distance(typo, glued, 2)
            ]
            if rivals or typo in mm._FUZZY_STOPWORDS:
                continue
            if code_of(f"ik woon in {typo}") != m.code:
                failures.append((typo, m.name))
    assert not failures, failures


def test_short_names_are_not_fuzzy() -> None:
    assert mm.match_municipality("ik woon in Edd") is None
    assert mm.match_municipality("ik woon in Bets") is None


# --- no false matches ----------------------------------------------------------------------

ORDINARY = [
    "ik heb schulden",
    "mijn zoon wil op voetbal",
    "we eten al een week brood",
    "best lastig",
    "ik werk in de zorg",
    "het is best moeilijk",
    "ja best",
    "dat is best veel geld",
    "mijn buren helpen ons soms",
    "we kampen met schulden",
    "we kampen al jaren met geldzorgen",
    "dat kan leiden tot een huisuitzetting",
    "de kinderen huilen omdat er niks te eten is",
    "mijn dochter zit op de middelbare school",
    "de school vraagt een ouderbijdrage",
    "we worden gek van de rekeningen",
    "ik durf het niet te vragen",
    "mijn moeder heeft het voorschoten",
    "ik leende geld van mijn broer",
    "halfweg de maand is het geld op",
    "het hapert met de betalingen",
    "het leek goed te gaan",
    "huizen zijn veel te duur",
    "we houden niets over aan het eind van de maand",
    "de deurwaarder staat voor de deur",
    "ik ben de weg kwijt",
    "geen geld voor de tandarts",
    "mijn dochter wil op zwemles",
    "we hebben een betalingsachterstand bij de energie",
    "de huur is te hoog",
    "ik krijg een aanmaning na de andere",
    "mijn ex betaalt geen alimentatie",
    "we zitten helemaal in de put",
    "we zitten in de schuldsanering",
    "mijn kinderen gaan naar school zonder ontbijt",
    "ik ben uit huis gezet",
    "ik kom er niet uit",
    "ik kom uit een moeilijke situatie",
    "ik zit in de bijstand",
    "kan de gemeente helpen met de huur",
    "wat kan ik doen",
    "de gemeente helpt niet",
    "de duiven zitten op het dak",
    "in de winter is het koud in huis",
    "vanaf morgen heb ik geen werk meer",
    "ik wil mijn buren niet lastigvallen",
    "in het begin van de maand lukt het nog",
    "ik woon in een huurhuis",
    "ik woon in de buurt van het station",
    "we wonen in een flat met drie kinderen",
    "ik woon alleen met mijn zoon",
    "mijn zorgverzekering is niet betaald",
    "ik heb een brief van het CJIB gekregen",
    "de Belastingdienst wil geld terug",
    "ik moet de toeslagen terugbetalen",
    "mijn loon is te laag",
    "we delen alles met elkaar",
    "het is halen en brengen met de kinderen",
    "we lossen het zelf wel op",
    "ik heb geleend bij vrienden",
    "wij gelden als minima",
    "kun je me helpen met geld voor schoolspullen",
    "mijn zoon heeft een laptop nodig voor school",
    "we kunnen de sportclub niet betalen",
    "ik wil graag hulp bij mijn administratie",
    "kan iemand met mij meekijken naar mijn post",
    "ik schaam me voor mijn schulden",
    "mijn partner weet het niet",
    "ik ben zzp'er en heb geen opdrachten",
    "de koelkast is kapot",
    "de wasmachine doet het niet meer",
    "ik heb geen geld voor kleding van mijn kinderen",
    "mijn kind wordt gepest om zijn kleren",
    "we gaan naar de voedselbank",
    "hoe kom ik bij de voedselbank",
    "wij hebben een uitkering van het UWV",
    "mijn uitkering is gestopt",
    "ik ben mijn baan kwijt",
    "ik werk in de schoonmaak",
    "ik werk bij de supermarkt",
    "we wonen met vijf mensen in een kleine woning",
    "de energierekening is veel hoger geworden",
    "er komt een deurwaarder langs",
    "ik heb een betalingsregeling",
    "mijn bewindvoerder reageert niet",
    "ik heb beslag op mijn loon",
    "waar kan ik terecht met vragen over geld",
    "is er een fonds voor een fiets",
    "mijn dochter wil op dansles maar dat is te duur",
    "we kunnen geen verjaardag vieren",
    "het schoolreisje kost honderd euro",
    "ik wil niet dat mijn kinderen iets merken",
    "ik slaap slecht van de zorgen",
    "ik weet niet meer hoe ik rond moet komen",
    "onze auto is kapot en ik heb hem nodig voor werk",
    "ik heb een lening bij de bank",
    "de rood stand op mijn rekening wordt steeds groter",
    "ik ben alleenstaande moeder",
    "mijn man is overleden en nu is er geen inkomen",
    "we hebben net een baby gekregen",
    "de kinderopvang is te duur",
    "wat is de Geldfit test",
    "kan ik bijzondere bijstand aanvragen",
    "hoe vraag ik kwijtschelding aan",
    "ik heb een klacht over mijn schuldhulpverlener",
    "wij komen net rond",
    "soms sla ik een maaltijd over",
    "mijn zoon van zestien wil een bijbaan",
    "kunnen jullie mij bellen",
    "het gaat echt niet meer",
    "dankjewel voor je hulp",
    "ik wil een afspraak maken",
    "ik heb het al geprobeerd bij de bank",
    "mijn kinderen willen op muziekles",
    "het gaat om huur en gas en licht",
    "ik heb schulden bij de zorgverzekeraar en de woningcorporatie",
    "we moeten verhuizen maar hebben geen geld",
    "ze dreigen ons af te sluiten van gas",
    "wat gebeurt er als ik niet betaal",
    "ik heb hulp nodig",
    "hallo",
    "ja",
    "nee",
    "oke dankjewel",
    "de venter op de markt verkoopt goedkoop fruit",
    "het eren van je ouders",
    "de urne van mijn vader",
]


def test_no_false_matches_in_ordinary_sentences() -> None:
    assert len(ORDINARY) >= 100
    wrong = {text: mm.match_municipality(text) for text in ORDINARY}
    wrong = {text: found.municipality.name for text, found in wrong.items() if found}
    assert not wrong


def test_no_unknown_place_in_ordinary_sentences() -> None:
    wrong = {text: mm.find_unknown_place(text) for text in ORDINARY}
    assert not {text: place for text, place in wrong.items() if place}


def test_province_is_not_the_municipality() -> None:
    assert mm.match_municipality("ik woon in de provincie Utrecht") is None
    assert code_of("ik woon in de stad Utrecht") == "GM0344"


# --- unknown and ambiguous places ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("ik woon in Nergenshuizen", "Nergenshuizen"),
        ("Wij wonen sinds kort in Plompendam en hebben schulden", "Plompendam"),
        ("we wonen in Kleinbroekhoven, met drie kinderen", "Kleinbroekhoven"),
        ("ik woon in nergenshuizen", "nergenshuizen"),
        ("gemeente Nergenshuizen", "Nergenshuizen"),
        ("mijn woonplaats is Plompendam", "Plompendam"),
        ("ik woon in Oud Nergens aan den Dijk en het gaat slecht", "Oud Nergens aan den Dijk"),
        ("ik woon in Brussel", "Brussel"),
    ],
)
def test_unknown_place(text: str, place: str) -> None:
    assert mm.match_municipality(text) is None
    assert mm.find_unknown_place(text) == place


@pytest.mark.parametrize(
    "text",
    [
        "ik woon in Amsterdam",
        "ik woon in rotterdm",
        "ik woon in een flat",
        "ik woon in de buurt",
        "ik woon in Limburg",
        "ik woon in Friesland",
        "ik woon in Bergen",
        "de gemeente helpt niet",
        "de gemeente zegt dat ik te veel verdien",
        "gemeente helpt niet",
        "Gemeente doet niks",
        "ik woon in tijdelijke huisvesting",
        "wij wonen in armoede",
        "ik woon alleen",
        "ik heb schulden",
    ],
)
def test_no_unknown_place(text: str) -> None:
    assert mm.find_unknown_place(text) is None


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Nergenshuizen", "Nergenshuizen"),
        ("Oud Nergens aan den Dijk", "Oud Nergens aan den Dijk"),
        ("Plompendam.", "Plompendam"),
        ("Weet ik niet", None),
        ("Geen idee", None),
        ("Waarom?", None),
        ("sla over", None),
        ("Dat zeg ik liever niet", None),
        ("Amsterdam", None),
        ("Limburg", None),
        ("Bergen", None),
    ],
)
def test_bare_reply_when_the_bot_asked_for_the_place(text: str, place: str | None) -> None:
    assert mm.find_unknown_place(text, expecting_place=True) == place
    assert mm.find_unknown_place(text) is None


def test_ambiguous_names_are_not_guessed() -> None:
    assert mm.match_municipality("ik woon in Bergen") is None
    names = {m.name for m in mm.find_ambiguous("ik woon in Bergen")}
    assert names == {"Bergen (L.)", "Bergen (NH.)"}
    names = {m.name for m in mm.find_ambiguous("ik woon in Alphen")}
    assert names == {"Alphen aan den Rijn", "Alphen-Chaam"}
    assert code_of("ik woon in Bergen op Zoom") == "GM0748"
    assert code_of("ik woon in Bergen Limburg") == "GM0893"
    assert mm.find_ambiguous("ik woon in Bergen op Zoom") == ()


# --- speed and the real content ------------------------------------------------------------


def test_speed_under_two_ms_per_sentence() -> None:
    sentences = ORDINARY + [
        "ik woon in den bosch en heb schulden bij de energie en de zorgverzekeraar",
        "wij wonen in rotterdm met drie kinderen en de huur is te hoog",
        "Hallo, ik ben een alleenstaande moeder met drie kinderen en we hebben al maanden "
        "schulden bij de energieleverancier en de zorgverzekeraar, mijn zoon wil op voetbal "
        "maar dat kan niet en ik weet niet waar ik hulp kan krijgen in de buurt van de stad",
    ]
    mm.match_municipality("warm up")
    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for text in sentences:
            mm._match_uncached(text)  # no cache: the real cost of one sentence
    per_sentence = (time.perf_counter() - start) / (rounds * len(sentences))
    assert per_sentence < 0.002, f"{per_sentence * 1000:.3f} ms per sentence"
    start = time.perf_counter()
    for _ in range(rounds):
        mm._match_uncached(sentences[-1])
    longest = (time.perf_counter() - start) / rounds
    assert longest < 0.004, f"{longest * 1000:.3f} ms for a 45-word message"


def test_real_index_comes_from_get_content() -> None:
    """The unpatched matcher builds its index once from get_content()."""
    built = _REAL_INDEX()
    assert len(built.by_code) == EXPECTED_COUNT
    assert _REAL_INDEX() is built  # cached
