"""Redact personal details from chat text before a professional reads a handover transcript.

With the person's explicit consent, a debt counsellor or wijkteam member reads the chat. They
need the situation (ages of the children, amounts, the municipality, what was asked), not who
the person is. :func:`redact` replaces identifying details with Dutch placeholders:

==================================  ===================  ==========================================
what                                placeholder          how it is found
==================================  ===================  ==========================================
names of people                     ``[naam]``           deduce + cues ("ik heet", "mijn zoon …",
                                                         "mevrouw …", "groetjes …") + deduce's
                                                         first-name list
street + house number, P.O. box     ``[adres]``          deduce + street-suffix / cue patterns
postcode (1234 AB, 1234AB)          ``[postcode]``       pattern
phone numbers                       ``[telefoon]``       pattern (06, +31, 0031, area codes, 0800,
                                                         foreign +xx) + deduce
e-mail addresses                    ``[e-mail]``         pattern (also "naam [at] gmail.com" and
                                                         in words: "jan punt jansen at gmail
                                                         punt com")
social media handles                ``[account]``        ``@naam``; after "insta", "snap",
                                                         "tiktok" … a name with ``_ . 0-9``
Dutch number plates                 ``[kenteken]``       the sidecodes with dashes ("12-ABC-3",
                                                         "AB-123-C"); lower case after a cue
IBAN (NL and other countries)       ``[IBAN]``           pattern; NL structure or mod-97 check
BSN                                 ``[BSN]``            9 digits passing the 11-proef (also
                                                         1234.56.789, 123 456 789); after "BSN" /
                                                         "sofinummer" any 8 or 9 digits (leading
                                                         0 lost, typo)
dates of birth                      ``[geboortedatum]``  a date near "geboren", "geb.",
                                                         "geboortedatum", "jarig", "verjaardag"
other old full dates                ``[datum]``          day-month-year more than a year back
client / file numbers, long digits  ``[nummer]``         "klantnummer …", 7+ digits; case
                                                         numbers "SHV-2023-4411", "ZK-123456";
                                                         deduce ``id``
links with a path (user text)       ``[link]``           pattern
==================================  ===================  ==========================================

Decisions:

* **Dates.** Only dates of birth and old full dates go. A date near a birth cue becomes
  ``[geboortedatum]``; any other full date (day, month and year) from before last year becomes
  ``[datum]`` (these are nearly always birth dates in a family chat). Dates without a year and
  recent or future dates stay: "de deurwaarder komt op 12 maart" is what the professional
  needs.
* **Places.** Place and municipality names stay: the municipality is part of the handover
  summary and decides which local help applies. Street + house number, postcode and P.O. box
  go, so the place alone does not point to a household. A street without a house number only
  goes after a residence cue ("we wonen in de Kerkstraat").
* **Ages and amounts stay** ("mijn dochter van 9", "250 euro", "groep 6").
* **Public numbers stay** everywhere: the crisis and help lines the bot itself names
  (113, 112, 0800-0113, 0800-0432, 0800-2000, 0800-8115, 0900-8020). Any other phone
  number goes, in user and in bot turns.
* **Funds, organisations and municipalities are protected**: a name hit inside "Jarige Job",
  "Sam&", "Home-Start", "Kindertelefoon", a fund from ``content/funds.yml`` or a municipality
  (or alias) from ``content/municipalities.yml`` is not a person.
* **Bot turns** are our own texts: they get the same structured patterns (a number the bot
  repeats goes) and names only after a personal cue, no deduce and no first-name list, so fund
  and service names ("Sam&", "Steffie", "Actie Pepernoot") are never mangled.
* ``keep``: exact strings (3+ characters) the person chose to share with the professional
  (their contact phone or e-mail) survive; a phone number with the same digits in another
  notation and an e-mail in another letter case survive too.
* **Long messages** go to deduce in pieces of at most 400 characters (its context rules slow
  down more than linearly); our own patterns always see the whole text.

:class:`Redactor` loads deduce once (lazily, thread-safe). If deduce cannot load (no
``base_config.json`` from the sdist: run ``make setup``) it logs a warning and redacts with the
patterns only, which catch every structured detail but fewer names. That is never silent:
:meth:`Redactor.redact_transcript` returns a :class:`RedactedTranscript` whose
``redaction_mode`` is ``"patterns"`` then (also when deduce failed on one message), the
handover store records it and the review app shows "alleen patronen, naam-herkenning niet
beschikbaar" with the handover.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import (
    Any,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
)

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
CONTENT_DIR = ROOT / "content"
DEDUCE_DIR = ROOT / ".cache" / "deduce"
DEDUCE_CONFIG = DEDUCE_DIR / "base_config.json"
DEDUCE_CACHE_FILE = DEDUCE_DIR / "cache" / "lookup_structs.pickle"

SETUP_HINT = "run `make setup` (or `.venv/bin/python scripts/setup_deduce.py`)"

PLACEHOLDERS: Dict[str, str] = {
    "name": "[naam]",
    "address": "[adres]",
    "postcode": "[postcode]",
    "phone": "[telefoon]",
    "email": "[e-mail]",
    "iban": "[IBAN]",
    "bsn": "[BSN]",
    "birthdate": "[geboortedatum]",
    "date": "[datum]",
    "number": "[nummer]",
    "handle": "[account]",
    "plate": "[kenteken]",
    "link": "[link]",
    "other": "[verwijderd]",
}

# When spans overlap, the merged span gets the kind with the highest priority.
_PRIORITY: Dict[str, int] = {
    "email": 100,
    "handle": 95,
    "iban": 90,
    "phone": 80,
    "bsn": 75,
    "postcode": 70,
    "address": 60,
    "link": 55,
    "plate": 52,
    "birthdate": 50,
    "date": 45,
    "number": 40,
    "other": 30,
    "name": 10,
}

# Help and crisis lines the bot names itself (content/, domain): never redacted.
PUBLIC_NUMBERS: FrozenSet[str] = frozenset(
    {"112", "113", "08000113", "08000432", "08002000", "08008115", "09008020"}
)

# deduce tag -> our kind; None = leave it (ages, places, institutions; dates and links are
# handled by our own rules).
_DEDUCE_TAGS: Dict[str, Optional[str]] = {
    "persoon": "name",
    "patient": "name",
    "locatie": "address",
    "postbus": "address",
    "postcode": "postcode",
    "telefoonnummer": "phone",
    "emailadres": "email",
    "bsn": "bsn",
    "id": "number",
    "datum": None,
    "leeftijd": None,
    "woonplaats": None,
    "url": None,
    "ziekenhuis": None,
    "zorginstelling": None,
}


class DeduceUnavailable(RuntimeError):
    """deduce (or its base_config.json from the sdist) cannot be loaded."""


@dataclass(frozen=True)
class Span:
    """A piece of text to replace: ``text[start:end]`` is a detail of ``kind``."""

    start: int
    end: int
    kind: str
    cue: bool = False  # a name found after a personal cue ("mevrouw …"): never protected


# --------------------------------------------------------------------------------------------
# deduce loading
# --------------------------------------------------------------------------------------------


def deduce_config(config_path: Path = DEDUCE_CONFIG) -> Dict[str, Any]:
    """deduce's base config, with tags renamed so that our mapping can tell them apart.

    deduce tags place names, postcodes, P.O. boxes and street + house number all as
    ``locatie``; the first three are renamed so that place names can be left alone.
    """
    try:
        config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DeduceUnavailable(
            f"deduce's base_config.json is missing at {config_path}: {SETUP_HINT}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise DeduceUnavailable(f"cannot read {config_path} ({exc}): {SETUP_HINT}") from exc
    annotators = config.get("annotators") if isinstance(config, dict) else None
    if not isinstance(annotators, dict):
        raise DeduceUnavailable(f"{config_path} has no 'annotators': {SETUP_HINT}")
    renames = (("placename", "woonplaats"), ("postal_code", "postcode"), ("postbus", "postbus"))
    try:
        for name, tag in renames:
            if name in annotators:
                annotators[name]["args"]["tag"] = tag
    except (KeyError, TypeError) as exc:
        raise DeduceUnavailable(f"{config_path} has an unexpected layout ({exc})") from exc
    return config


def _import_deduce() -> Any:
    """Import deduce without its side effect on logging.

    ``deduce.deduce`` calls ``logging.basicConfig(stream=sys.stdout, level=DEBUG)`` at import
    time, which would print every library's debug messages. A temporary handler on the root
    logger turns that call into a no-op.
    """
    root = logging.getLogger()
    guard: Optional[logging.Handler] = None
    if not root.handlers:
        guard = logging.NullHandler()
        root.addHandler(guard)
    try:
        import deduce
    finally:
        if guard is not None:
            root.removeHandler(guard)
    return deduce


def load_deduce(
    config_path: Path = DEDUCE_CONFIG, cache_dir: Path = DEDUCE_DIR, build_missing: bool = True
) -> Any:
    """A ready ``deduce.Deduce``; raises :class:`DeduceUnavailable` when it cannot load.

    The lookup structures are cached in ``cache_dir/cache/`` (under ``.cache/``, so the
    package folder may be read-only). Building them takes one to three minutes;
    ``scripts/setup_deduce.py`` does that once. With ``build_missing=False`` a missing cache
    raises instead of building.
    """
    config = deduce_config(config_path)
    cache_file = Path(cache_dir) / "cache" / "lookup_structs.pickle"
    if not cache_file.exists():
        if not build_missing:
            raise DeduceUnavailable(f"deduce's lookup cache {cache_file} is missing: {SETUP_HINT}")
        log.warning("deduce's lookup cache is missing; building it now (minutes): %s", SETUP_HINT)
    try:
        module = _import_deduce()
        return module.Deduce(load_base_config=False, config=config, cache_path=Path(cache_dir))
    except Exception as exc:  # any failure here means: use the patterns only
        raise DeduceUnavailable(f"deduce failed to load: {type(exc).__name__}: {exc}") from exc


# --------------------------------------------------------------------------------------------
# word lists
# --------------------------------------------------------------------------------------------


def _deduce_data_dir() -> Optional[Path]:
    """deduce's lookup source folder, found without importing deduce."""
    try:
        spec = importlib.util.find_spec("deduce")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "lookup" / "src"
    return folder if folder.is_dir() else None


def _read_list(path: Path) -> Set[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return set()
    return {line.strip() for line in lines if line.strip()}


def _words(text: str) -> FrozenSet[str]:
    """The whitespace-separated words of a word-list literal."""
    return frozenset(text.split())


# Dutch words that are also first names or surnames but nearly always mean the word in a chat.
_NOT_NAMES = _words(
    """
    hoi hallo hey hee hai dag doei moi goedemorgen goedemiddag goedenavond ja nee oke ok okay
    sorry dank bedankt thanks top fijn super help hulp vraag mama papa mam pap oma opa juf
    meester mevrouw meneer moeder vader zoon dochter kind kinderen baby school werk geld euro
    huur schuld schulden rekening brief post week maand jaar vandaag morgen gisteren
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april mei
    juni juli augustus september oktober november december kerst sinterklaas pasen ramadan
    suiker offerfeest god allah jezus bijstand toeslag toeslagen gemeente wijkteam
    deurwaarder bewindvoerder schuldhulp voedselbank kledingbank leergeld jeugdfonds
    stichting fonds nibud geldfit jarige home start kinderhulp humanitas
    kindertelefoon veilig thuis ouders ouder alleen samen want dus toen daarna echter wel
    niet geen heel erg zo ook nog al maar even eens soms vaak nooit altijd mijn zijn haar
    hun onze jouw uw lieve beste groetjes groeten groet liefs mvg via tip punt actie skip
    kader kas ai
    """
)

# First names that are mostly words in a chat ("max 300 euro", "ik ken", "Frans"): only names
# after a personal cue ("mijn zoon Max").
_WORDLIKE_NAMES = _words("max ken frans adam ronaldo france bella job storm")

# Interfixes of Dutch surnames (lower case), and other surname particles seen in the
# Netherlands (Arabic, Turkish, Surinamese, Frisian…).
_INTERFIXES = _words(
    """
    van de der den het 't ter ten te vd d' del della da di do dos du le la les el al bin
    ben ibn ait abu von zu mac mc sint
    """
)


@dataclass(frozen=True)
class _NameLists:
    first: FrozenSet[str]  # lower case
    surname: FrozenSet[str]  # lower case
    common: FrozenSet[str]  # lower case words that must not count as names


@lru_cache(maxsize=1)
def _name_lists() -> _NameLists:
    """First names and surnames from deduce's data files (present even if deduce won't load)."""
    src = _deduce_data_dir()
    first: Set[str] = set()
    surname: Set[str] = set()
    common: Set[str] = set(_NOT_NAMES)
    if src is not None:
        first = {w.lower() for w in _read_list(src / "names/lst_first_name/items.txt")}
        first -= {w.lower() for w in _read_list(src / "names/lst_first_name/exceptions.txt")}
        surname = {w.lower() for w in _read_list(src / "names/lst_surname/items.txt")}
        surname |= {w.lower() for w in _read_list(src / "names/lst_interfix_surname/items.txt")}
        surname -= {w.lower() for w in _read_list(src / "names/lst_surname/exceptions.txt")}
        for sub in ("whitelist/lst_common_word/items.txt", "whitelist/lst_stop_word/items.txt"):
            common |= {w.lower() for w in _read_list(src / sub)}
    else:
        log.warning("deduce's name lists were not found; name patterns use cues only")
    first -= common
    surname -= common
    return _NameLists(frozenset(first), frozenset(surname), frozenset(common))


@lru_cache(maxsize=1)
def _dutch_words() -> FrozenSet[str]:
    """Dutch word forms (spaCy's lemma lookup table), to tell "roos" from "lisa".

    Empty when spacy-lookups-data is not installed; the lower-case name rule is then off.
    """
    try:
        import gzip

        import spacy_lookups_data

        path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            table = json.load(handle)
    except Exception as exc:  # optional data
        log.info("redact: no Dutch word list (%s); lower-case name rule off", exc)
        return frozenset()
    words = {key.lower() for key in table} | {str(value).lower() for value in table.values()}
    return frozenset(words)


# Always protected (organisations, funds, help lines); extended from content/ at load time.
_STATIC_PROTECTED = (
    "Jarige Job", "Stichting Jarige Job", "Leergeld", "Stichting Leergeld", "Sam&",
    "Sam& voor alle kinderen", "Home-Start", "Homestart", "Kindertelefoon",
    "De Kindertelefoon", "Veilig Thuis", "Nibud", "Geldfit", "fiKks", "Kinderhulp",
    "Nationaal Fonds Kinderhulp", "Humanitas", "Armoedefonds", "LINDA.foundation",
    "Jeugdfonds Sport & Cultuur", "Jeugdfonds", "Jeugdeducatiefonds", "Voedselbank",
    "Kledingbank", "Speelgoedbank", "Vakantiebank", "ANWB", "Juridisch Loket",
    "Het Juridisch Loket", "UWV", "SVB", "CAK", "DUO", "CJIB", "Belastingdienst",
    "Dienst Toeslagen", "Zilveren Kruis", "Menzis", "VGZ", "Eneco", "Vattenfall", "Essent",
    "Albert Heijn", "Kruidvat", "Zalando", "Klarna", "Afterpay", "Riverty", "Wehkamp",
    "Coolblue", "Intrum", "Flanderijn", "Stadspas", "Kindpakket", "Ooievaarspas",
    "Rotterdampas", "Vakantieweken", "Sinterklaas", "Zwarte Piet", "Actie Pepernoot",
    "Actie Zomerpret", "Steunpunt Kindervakanties", "Schuldhulpmaatje", "SchuldHulpMaatje",
    "Thuisgekookt", "Moeders voor Moeders", "Steffie", "BerekenUwRecht",
    "Jongeren Informatie Punt", "JIP", "Wijzer in geldzaken", "MoneyWise", "Geldzorgen",
    "Stichting Babyspullen", "113 Zelfmoordpreventie",
)


def _content_terms() -> List[str]:
    """Fund names and municipality names and aliases from content/ (best effort)."""
    terms: List[str] = []
    try:
        import yaml

        funds = yaml.safe_load((CONTENT_DIR / "funds.yml").read_text(encoding="utf-8")) or {}
        for fund in funds.get("funds", []):
            name = str(fund.get("name", ""))
            terms.append(name)
            terms.extend(part.strip() for part in re.split(r"[()]", name) if part.strip())
        places = yaml.safe_load(
            (CONTENT_DIR / "municipalities.yml").read_text(encoding="utf-8")
        ) or {}
        for place in places.get("municipalities", []):
            terms.append(str(place.get("name", "")))
            terms.extend(str(alias) for alias in place.get("aliases", []) or [])
    except Exception as exc:  # content problems must never stop redaction
        log.warning("redact: could not read protected terms from content/: %s", exc)
    return [term for term in terms if len(term) >= 2]


@lru_cache(maxsize=1)
def _protected_pattern() -> re.Pattern:
    terms = sorted({*(_STATIC_PROTECTED), *_content_terms()}, key=len, reverse=True)
    body = "|".join(re.escape(term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# patterns
# --------------------------------------------------------------------------------------------


# E-mail, also lightly obfuscated ("naam [at] gmail.com", "naam(at)ziggo(punt)nl").
_AT = r"(?:\s?@\s?|\s?[\[(]\s?(?:at|@)\s?[\])]\s?)"
_DOT = r"(?:\.|\s?[\[(]\s?(?:dot|punt)\s?[\])]\s?)"
_EMAIL_RE = re.compile(
    rf"(?<![\w.+-])[\w.+-]*\w{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[A-Za-z]{{2,24}}(?![\w-])"
)

# E-mail written out in words: "jan punt jansen at gmail punt com", "jan.jansen apenstaartje
# hotmail punt nl". The domain must end in "punt"/"dot" + a known top-level domain.
_WORD_DOT = r"(?:\s*\.\s*|\s+(?:punt|dot)\s+)"
_WORD_AT = r"(?:\s+(?:at|apenstaartje|apestaart(?:je)?)\s+|\s*@\s*)"
_TLDS = (r"(?:com|nl|be|org|net|eu|info|de|fr|uk|nu|me|io|live|online|email|mail|biz|co"
         r"|frl|amsterdam)")
_EMAIL_WORDS_RE = re.compile(
    rf"(?i)(?<![\w.@-])[\w+-]+(?:(?:{_WORD_DOT}|[_-])[\w+-]+)*{_WORD_AT}"
    rf"[\w-]+(?:{_WORD_DOT}[\w-]+)*{_WORD_DOT}{_TLDS}(?![\w-])"
)

# Social media handles: "@jan_jansen99" (not the @ inside an e-mail address), and a name
# with "_", "." or digits after "insta", "snap", "tiktok" ...
_HANDLE_RE = re.compile(r"(?<![\w@.+-])@[A-Za-z0-9_](?:[A-Za-z0-9_.]*[A-Za-z0-9_])?")
_HANDLE_CUE_RE = re.compile(
    r"(?i)\b(?:insta(?:gram)?|ig|snap(?:chat)?|tiktok|twitter|x|facebook|fb|threads|"
    r"discord|telegram|whatsapp|signal|gebruikersnaam|username|account)"
    r"(?:\s*(?:naam|name|account))?\s*(?:is|:|=)?\s*"
)
_HANDLE_AFTER_CUE_RE = re.compile(r"[A-Za-z0-9_.]{3,30}")

# Dutch number plates (kentekens): three groups with dashes, letters and digits
# alternating, six characters in all ("12-ABC-3", "AB-123-C", "XX-99-99" ... sidecodes
# 1-14). Upper case anywhere; lower case only after a cue ("kenteken", "nummerbord").
_PLATE_RE = re.compile(
    r"(?<![\w-])([A-Za-z]{1,3}|\d{1,3})-([A-Za-z]{1,3}|\d{1,3})-([A-Za-z]{1,3}|\d{1,3})(?![\w-])"
)
_PLATE_CUE_RE = re.compile(r"(?i)\b(?:kenteken\w*|nummerbord|nummerplaat|auto|wagen|busje)\b")

# Case and file numbers: a letter code with digit groups ("SHV-2023-4411", "ZK-123456",
# "DOS/2024/0012", "SHV20234411"): at least 5 digits, or 2 groups of digits.
_CASE_NUMBER_RE = re.compile(
    r"(?<![\w/-])([A-Za-z]{2,6})((?:[-/.]?[A-Za-z]{0,3}\d+)+)(?![\w-])"
)

# IBAN: country code, 2 check digits, BBAN; spaces or dashes anywhere between characters.
_IBAN_LENGTHS: Dict[str, int] = {
    "NL": 18, "BE": 16, "DE": 22, "FR": 27, "LU": 20, "GB": 22, "IE": 22, "ES": 24, "PT": 25,
    "IT": 27, "AT": 20, "CH": 21, "PL": 28, "CZ": 24, "SK": 24, "HU": 28, "RO": 24, "BG": 22,
    "GR": 27, "TR": 26, "DK": 18, "SE": 24, "NO": 15, "FI": 18, "LT": 20, "LV": 21, "EE": 20,
    "HR": 21, "SI": 19, "MT": 31, "CY": 28, "IS": 26, "LI": 21, "MC": 27, "SM": 27, "MA": 28,
    "TN": 24, "DZ": 26, "SA": 24, "AE": 23, "IL": 23, "LB": 28, "JO": 30, "EG": 29, "UA": 29,
    "RS": 22, "BA": 20, "AL": 28, "MK": 19, "ME": 22, "XK": 20, "MD": 24, "GE": 22, "AZ": 28,
}
_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Za-z]{2})[ \-]?(\d{2})((?:[ \-]?[A-Za-z0-9]){8,30})(?![A-Za-z0-9])"
)

# Phone numbers: Dutch (10 digits, 0 + area or 6; 12 for 097), +31 / 0031, service numbers
# 0800/0900/0909 (8-11 digits), and foreign (+xx / 00xx, 8-15 digits). Up to 3 separators
# per gap.
_GAP = r"[ \t.\-\u2013\u2014/()]{0,3}"
_DATE_START_RE = re.compile(r"\d{1,2}([-/.])\d{1,2}\1(?:19|20)\d{2}(?!\d)")
_PHONE_RES: Tuple[re.Pattern, ...] = (
    re.compile(rf"(?<![\w+])(?:\+|00){_GAP}31{_GAP}(?:\(0\){_GAP})?[1-9](?:{_GAP}\d){{8}}"
               r"(?![\d:])"),
    re.compile(rf"(?<![\w+])\(?0\)?{_GAP}[1-9](?:{_GAP}\d){{8}}(?![\d:])"),
    # 097 numbers have 12 digits (0970 1020 3040, +31 97 0102 03040)
    re.compile(rf"(?<![\w+])(?:(?:\+|00){_GAP}31{_GAP}|0{_GAP})9{_GAP}7(?:{_GAP}\d){{9}}(?![\d:])"),
    re.compile(rf"(?<![\w+])0[89]0[0-9](?:{_GAP}\d){{4,7}}(?![\d:])"),
    re.compile(rf"(?<![\w+])(?:\+|00)(?!31)[1-9]\d{{0,2}}(?:{_GAP}\d){{6,12}}(?![\d:])"),
)

# BSN: 9 digits (plain, 123.456.789, 1234.56.789, 123 45 67 89) or 8 digits (leading 0 lost).
_BSN_RE = re.compile(
    r"(?<![\d.,€])(?:\d{9}|\d{3}([ .\-])\d{3}\1\d{3}|\d{4}([ .\-])\d{2}\2\d{3}"
    r"|\d{3}([ .\-])\d{2}\3\d{2}\3\d{2}|\d{8})(?!\d|[.,]\d)"
)
_BSN_CUE = re.compile(r"(?i)\b(?:bsn|burger\s?service\s?nummer|sofi(?:nummer)?|sofi-nummer)\b")
_AMOUNT_AFTER = re.compile(r"\s?(?:euro|eur|€|,-|,\d\d)", re.IGNORECASE)

# Other identifiers: long digit runs and numbers after a "…nummer" cue.
_LONG_DIGITS_RE = re.compile(r"(?<![\w€.,])\d{7,}(?![\w])")
_NUMBER_CUE_RE = re.compile(
    r"(?i)\b(?:klant|dossier|zaak|contract|polis|factuur|referentie|relatie|debiteur|"
    r"betalings|lid|leden|pas|personeels|cli[eë]nt|order|verzekerde|verzekerings|"
    r"aanvraag|kenteken|rijbewijs|paspoort|id-?kaart|document|vorderings|incasso)"
    r"(?:nummer|nr\.?|kenmerk)\b|\b(?:kenmerk|ons kenmerk|uw kenmerk)\b"
)
_NUMBER_AFTER_CUE_RE = re.compile(r"\s*(?:is|:|=)?\s*([A-Za-z0-9][A-Za-z0-9./\-]{3,}\d*)")

# Postcodes: 1234 AB / 1234AB (never SA, SD, SS).
_POSTCODE_RE = re.compile(r"(?<![\w€.,])([1-9]\d{3})([ \t]{0,2})([A-Za-z]{2})(?![\w])")
_POSTCODE_CUE = re.compile(r"(?i)\b(?:postcode|pc|post\s?code)\b")
_NOT_POSTCODE_LETTERS = _words(
    """
    en in op is te al na om of ze we je nu zo er ja uw ie eu km kg mg gr ml cl cm mm
    kw mb gb kb pk st pm am pp hr jr wk mn nr eo ca bv pc
    """
)

# Streets: a word ending in a street suffix (optionally -Oost/-West/…), preceded by up to three
# capitalised words or particles ("Prins Hendrikkade", "Burgemeester de Vlugtlaan").
_STREET_SUFFIX = (
    r"(?:straat|str|laan|ln|weg|wg|plein|pln|gracht|kade|singel|dijk|dyk|dreef|hof|park|pad|"
    r"steeg|markt|plantsoen|baan|ring|boulevard|allee|wal|burgwal|erf|haven|kamp|akker|"
    r"hoek|poort|gaarde|werf|vliet|brink|dam|dwarsstraat|promenade|passage|galerij|"
    r"wetering|zijde|veld|hout|weide|zoom|tuin|tuinen|hage|horst|donk|wei|lei|rij|stede|"
    r"straatje|laantje|pleintje|kwartier|hoven)"
)
_STREET_WORD = rf"[A-Za-zÀ-ÿ'’\-]*{_STREET_SUFFIX}(?:-(?:[Oo]ost|[Ww]est|[Nn]oord|[Zz]uid))?"
_PRE_WORD = r"(?:[A-ZÀ-Þ][\w'’.\-]*|\d{1,2}e|van|de|der|den|het|'t|ter|ten|op|aan|in|la|le)"
_HOUSE_NUMBER = (
    r"(?:nr\.?\s*|nummer\s+|no\.?\s*)?\d{1,5}"
    r"(?:(?:\s?[-/]\s?|\s)(?:\d{1,4}(?!\d)|[A-Za-z]{1,2}(?![\w])|bis|hs|huis|I{1,3}|zw|rd|"
    r"boven|beneden)|[A-Za-z](?![\w]))?"
)
_STREET_NUMBER_RE = re.compile(
    rf"(?<![\w])(?:{_PRE_WORD}\s+){{0,3}}{_STREET_WORD}\s*,?\s*{_HOUSE_NUMBER}(?![\d])"
)
_LAAN_VAN_RE = re.compile(
    rf"(?<![\w])(?:Laan|Plein|Kade|Hof|Singel|Dijk|Park|Markt|Weg|Straat|Dreef|Pad)"
    rf"(?:\s+(?:van|de|der|den|het|'t|op|ter|ten|[A-Z][\w'’\-]*)){{1,4}}\s+{_HOUSE_NUMBER}"
    r"(?![\d])"
)
_RESIDENCE_STREET_RE = re.compile(
    rf"(?i:\b(?:woon|wonen|woont|woonde|wonend|woonachtig|verhuisd|adres\s*(?:is|:)?)\s+"
    rf"(?:(?:nu|al|sinds\s+\w+|hier)\s+)?(?P<pre>(?:in|op|aan|naar|bij)?\s*(?:de|het|'t)?)\s*)"
    rf"((?:[A-ZÀ-Þ][\w'’\-]*\s+){{0,3}}(?:[A-ZÀ-Þ][\w'’\-]*|{_STREET_WORD})"
    rf"(?:\s*,?\s*{_HOUSE_NUMBER})?)"
)
_BEFORE_POSTCODE_RE = re.compile(
    rf"((?:[A-ZÀ-Þ][\w'’\-]*\s+){{0,3}}[A-ZÀ-Þ][\w'’\-]*\s+{_HOUSE_NUMBER})\s*,?\s*$"
)
_RESIDENCE_CUE_RE = re.compile(
    r"(?i)\b(?:woon|wonen|woont|woonde|wonend|woonachtig|verhuisd|verhuizen|adres|huisnummer)\b"
)
_ARTICLE_STREET_RE = re.compile(
    rf"(?i:\b(?:in|op|aan)\s+(?:de|het|'t)\s+)((?:[A-ZÀ-Þ][\w'’\-]*\s+){{0,2}}"
    rf"[A-ZÀ-Þ]{_STREET_WORD})(?![\w])"
)
_POSTBUS_RE = re.compile(r"(?i)\bpostbus\s*\d{1,6}\b")

# Dates.
_MONTHS = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
    r"december|jan|feb|febr|mrt|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec)"
)
_DATE_RES: Tuple[re.Pattern, ...] = (
    re.compile(r"(?<![\d.,])(?P<d>\d{1,2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
               r"(?![\d])"),
    re.compile(r"(?<![\d.,])(?P<y>(?:19|20)\d{2})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})"
               r"(?![\d])"),
    re.compile(rf"(?i)(?<![\d.,])(?P<d>\d{{1,2}})(?:e|ste|de)?[ \-.]{{1,2}}(?P<mn>{_MONTHS})\.?"
               r"(?:[ \-.,]{1,2}(?P<y>(?:19|20)\d{2}|'\d{2}))?(?![\w])"),
    re.compile(rf"(?i)\b(?P<mn>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:e|ste|de)?,?"
               r"(?:\s+(?P<y>(?:19|20)\d{2}))?(?![\w])"),
)
_BIRTH_CUE = re.compile(
    r"(?i)(?:\bgeboren\b|\bgeb\b\.?|\bgeb\.|geboorte\s?datum|geboortedag|\bgeb\.?\s?datum|"
    r"verjaardag|\bjarig\b|\bdob\b|d\.o\.b\.|\bis\s+van\b\s+(?=\d))"
)

# Links with a path (a profile or a document); bare domains stay.
_URL_START_RE = re.compile(r"(?i)(?:https?://|www\.)\S+")
_TLD_SLASH_RE = re.compile(r"(?i)\.(?:com|nl|be|org|net|eu|nu|info|me|io|app|tv)(?=/)")

# Names.
_NAME_TOKEN = r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*"
_TOKEN_RE = re.compile(_NAME_TOKEN)
_STRONG_NAME_CUE = re.compile(
    r"(?i)(?:\bik\s+heet|\bheet\s+ik|\b(?:mijn|m'n|mn|me|onze)\s+(?:voor|achter)?naam\s+is|"
    r"\b(?:voor|achter)?naam\s*:|\bnoem\s+(?:me|mij)|"
    r"\b(?:je|u)\s+(?:kan|kunt|mag)\s+(?:me|mij)\s+(?=[^\W\d_]+(?:\s+[^\W\d_]+)?\s+noemen)|"
    r"\bspreek\s+je\s+met|\bu\s+spreekt\s+met|\bje\s+spreekt\s+met)(?!\w)\s*,?\s*"
)
_GREETING_CUE = re.compile(
    r"(?i)\b(?:groetjes(?:\s+van)?|groeten|groet|gr|liefs|mvg|m\.v\.g|"
    r"vriendelijke\s+groet(?:en)?|x+|doei)(?!\w)\.?\s*,?\s*(?:\n\s*)?"
)
_SELF_CUE = re.compile(
    r"(?i)(?:^|[.!?,;:]\s*|\b(?:hoi|hallo|hey|hi|dag|goedemorgen|goedemiddag|goedenavond)"
    r"[,!]?\s+)(?:ik\s+ben|met)\s+"
)
_RELATION_CUE = re.compile(
    r"(?i)\b(?:mijn|m'n|mn|onze|ons|haar|zijn|de|het|jouw|je)\s+(?:\w+\s+)?"
    r"(?:zoon|zoontje|zoons|dochter|dochtertje|dochters|kinderen|kids|meiden|jongens|man|vrouw|partner|vriend|vriendin|ex|ex-man|"
    r"ex-vrouw|exman|exvrouw|ex-partner|moeder|vader|mama|papa|moeders|broer|broertje|zus|"
    r"zusje|oma|opa|kind|kindje|oudste|jongste|middelste|tweede|buurvrouw|buurman|tante|oom|"
    r"schoonmoeder|schoonvader|stiefvader|stiefmoeder|stiefzoon|stiefdochter|neef|nicht|"
    r"baby|tweeling|pleegzoon|pleegdochter|pleegkind|zwager|schoonzus|collega|juf|meester|"
    r"mentor|coach|hulpverlener|bewindvoerder|consulent|klantmanager|contactpersoon|"
    r"begeleider|maatje|buddy)\b\s*,?\s*(?:heet\s+|is\s+)?"
)
_FAMILY_OF_CUE = re.compile(
    r"(?i)\b(?:moeder|vader|mama|papa|ouder|oma|opa|voogd)\s+van\s+"
    r"(?:(?:mijn|m'n|de|onze)\s+)?"
)
_HONORIFIC_CUE = re.compile(
    r"(?:\b(?:[Mm]evrouw|[Mm]evr\.?|[Mm]w\.?|[Mm]eneer|[Mm]ijnheer|[Dd]hr\.?|[Dd]e\s+heer|"
    r"[Jj]uf|[Mm]eester|[Mm]r\.?|[Dd]r\.?|[Ff]amilie|[Ff]am\.?|[Zz]uster|[Bb]roeder)\s+)"
)
_INITIALS_RE = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,4}(?=\s*(?:[a-z']{1,4}\s+)*[A-Z][a-z])")
_PAIR_RE = re.compile(rf"(?<![\w-])({_NAME_TOKEN})\s+(?:en|&)\s+({_NAME_TOKEN})(?![\w&])")
_ARTICLES = frozenset({"de", "den", "der", "het", "'t", "t"})
_WEAK_INTERFIXES = frozenset({"in", "op", "aan", "bij", "voor", "uit", "onder"})
_NAME_STOP = _words(
    """
    en of maar want dus ik je jij hij zij ze we wij u jullie is ben zijn was heeft heb had
    wil kan mag moet zou die dat dit deze de het een van voor met op in aan bij om uit tot
    naar over niet geen wel ook nog al heel erg echt zo die daar hier nu toen als dan
    zelf thuis alleen samen moe bang boos blij ziek verdrietig kapot op klaar bezig
    benieuwd alleenstaand werkloos zwanger
    """
)


def _eleven_test(digits: str) -> bool:
    """The 11-proef for a 9-digit BSN."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    weights = range(9, 1, -1)
    total = sum(int(d) * w for d, w in zip(digits[:8], weights, strict=True)) - int(digits[8])
    return total % 11 == 0


def _iban_valid(iban: str) -> bool:
    """The ISO 13616 mod-97 check."""
    moved = iban[4:] + iban[:4]
    try:
        number = "".join(str(int(char, 36)) for char in moved)
    except ValueError:
        return False
    return int(number) % 97 == 1


def _phone_digits(text: str) -> str:
    """Digits of a phone number with +31 / 0031 written as a leading 0."""
    digits = re.sub(r"\D", "", text)
    plus = text.lstrip().startswith("+")
    if plus and digits.startswith("31"):
        digits = "0" + digits[2:]
    elif digits.startswith("0031"):
        digits = "0" + digits[4:]
    if digits.startswith("0") and len(digits) == 11 and digits[1] == "0":
        digits = digits[1:]  # "+31 (0)6 …" written as 0 0 6 …
    return digits


def _starts_sentence(text: str, pos: int) -> bool:
    """``pos`` is at the start of the text, a line or a sentence."""
    index = pos - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    return index < 0 or text[index] in ".!?:\n" and (index < pos - 1 or text[index] == "\n")


def _window(text: str, start: int, end: int, before: int = 45, after: int = 30) -> Tuple[str, str]:
    return text[max(0, start - before):start], text[end:end + after]


class _Finder:
    """All pattern rules; ``speaker`` is "user" or "bot"."""

    def __init__(self, text: str, speaker: str) -> None:
        self.text = text
        self.speaker = speaker
        self.spans: List[Span] = []

    def add(self, start: int, end: int, kind: str, cue: bool = False) -> None:
        if end > start:
            self.spans.append(Span(start, end, kind, cue))

    # structured details ---------------------------------------------------------------------

    def emails(self) -> None:
        for match in _EMAIL_RE.finditer(self.text):
            self.add(match.start(), match.end(), "email")
        for match in _EMAIL_WORDS_RE.finditer(self.text):
            self.add(match.start(), match.end(), "email")

    def handles(self) -> None:
        for match in _HANDLE_RE.finditer(self.text):
            self.add(match.start(), match.end(), "handle")
        for cue in _HANDLE_CUE_RE.finditer(self.text):
            found = _HANDLE_AFTER_CUE_RE.match(self.text, cue.end())
            if found and re.search(r"[_.\d]", found.group(0).strip(".")):
                end = found.end()
                while end > found.start() and self.text[end - 1] == ".":
                    end -= 1  # the full stop after it
                self.add(found.start(), end, "handle")

    def plates(self) -> None:
        for match in _PLATE_RE.finditer(self.text):
            groups = match.groups()
            if sum(len(g) for g in groups) != 6:
                continue
            kinds = [g.isdigit() for g in groups]
            if all(kinds) or not any(kinds):  # a date (12-03-24) or words (ma-di-wo)
                continue
            letters = "".join(g for g in groups if not g.isdigit())
            if not letters.isupper():
                before, _ = _window(self.text, match.start(), match.end(), before=40)
                if not _PLATE_CUE_RE.search(before):
                    continue
            self.add(match.start(), match.end(), "plate")

    def case_numbers(self) -> None:
        for match in _CASE_NUMBER_RE.finditer(self.text):
            prefix, rest = match.group(1), match.group(2)
            digit_groups = re.findall(r"\d+", rest)
            digits = sum(len(g) for g in digit_groups)
            if not (digits >= 5 or (len(digit_groups) >= 2 and digits >= 4)):
                continue
            if not prefix.isupper() and len(digit_groups) < 2:
                continue  # "abc12345" in running text: only the clear shapes in lower case
            _, after = _window(self.text, match.start(), match.end())
            if _AMOUNT_AFTER.match(after):
                continue
            self.add(match.start(), match.end(), "number")

    def ibans(self) -> None:
        for match in _IBAN_RE.finditer(self.text):
            country = match.group(1).upper()
            length = _IBAN_LENGTHS.get(country)
            if length is None:
                continue
            # positions of the BBAN characters (separators skipped)
            chars = [pos for pos in range(match.start(3), match.end(3))
                     if self.text[pos].isalnum()]
            letters = "".join(self.text[pos] for pos in chars).upper()
            if country == "NL":
                # bank code + account number; a digit too many or too few is still an IBAN
                shape = re.match(r"[A-Z]{4}\d{7,11}", letters)
                if shape:
                    self.add(match.start(), chars[shape.end() - 1] + 1, "iban")
                continue
            want = length - 4
            if len(chars) < want:
                continue
            bban = letters[:want]
            digits = sum(char.isdigit() for char in bban)
            valid = digits >= 6 and _iban_valid(country + match.group(2) + bban)
            # a typo in a foreign IBAN: upper-case country code and (nearly) all digits
            typo = match.group(1).isupper() and digits >= want - 4
            if valid or typo:
                self.add(match.start(), chars[want - 1] + 1, "iban")

    def phones(self) -> None:
        for pattern in _PHONE_RES:
            for match in pattern.finditer(self.text):
                raw = match.group(0)
                digits = _phone_digits(raw)
                if digits in PUBLIC_NUMBERS or _DATE_START_RE.match(raw):
                    continue
                start, end = match.start(), match.end()
                if raw.endswith(")"):
                    end -= 1
                self.add(start, end, "phone")

    def bsns(self) -> None:
        for match in _BSN_RE.finditer(self.text):
            digits = re.sub(r"\D", "", match.group(0))
            before, after = _window(self.text, match.start(), match.end())
            if _AMOUNT_AFTER.match(after) or before.rstrip().endswith(("€", "EUR", "eur")):
                continue
            cue = _BSN_CUE.search(before) is not None
            # 8 digits: a BSN whose leading 0 was lost, only after a cue (any other run of 7+
            # digits becomes [nummer] anyway)
            if (len(digits) == 9 and _eleven_test(digits)) or cue:
                self.add(match.start(), match.end(), "bsn")

    def numbers(self) -> None:
        for match in _LONG_DIGITS_RE.finditer(self.text):
            _, after = _window(self.text, match.start(), match.end())
            if not _AMOUNT_AFTER.match(after):
                self.add(match.start(), match.end(), "number")
        for cue in _NUMBER_CUE_RE.finditer(self.text):
            found = _NUMBER_AFTER_CUE_RE.match(self.text, cue.end())
            if found and any(char.isdigit() for char in found.group(1)):
                end = found.start(1) + len(found.group(1).rstrip("./-"))  # not the full stop
                self.add(found.start(1), end, "number")

    def postcodes(self) -> None:
        for match in _POSTCODE_RE.finditer(self.text):
            letters = match.group(3)
            if letters.upper() in {"SA", "SD", "SS"}:
                continue
            before, _ = _window(self.text, match.start(), match.end(), before=30)
            cue = _POSTCODE_CUE.search(before) is not None
            # lower case ("1800 en …", "2000km") only without a space and not a word or unit
            lower_ok = not match.group(2) and letters.lower() not in _NOT_POSTCODE_LETTERS
            if not cue and not letters.isupper() and not lower_ok:
                continue
            self.add(match.start(), match.end(), "postcode")

    def addresses(self) -> None:
        for pattern in (_STREET_NUMBER_RE, _LAAN_VAN_RE):
            for match in pattern.finditer(self.text):
                start = match.start()
                # drop leading particles that belong to the sentence ("aan de Kerkstraat 1")
                lead = re.match(r"(?:(?:van|de|der|den|het|'t|ter|ten|op|aan|in|la|le)\s+)+",
                                match.group(0))
                if lead and not re.match(r"\d", match.group(0)[lead.end():]):
                    start += lead.end()
                self.add(start, match.end(), "address")
        for match in _RESIDENCE_STREET_RE.finditer(self.text):
            street = match.group(1)
            if re.search(r"\d", street):
                self.add(match.start(1), match.end(1), "address")
                continue
            # no house number: "in de Kerkstraat", "aan de Dorpsweg", not "in Rotterdam"
            pre = match.group("pre").lower().split()
            if (re.search(_STREET_SUFFIX + r"$", street) and
                    (set(pre) & {"de", "het", "'t", "aan", "op"})):
                self.add(match.start(1), match.end(1), "address")
        if _RESIDENCE_CUE_RE.search(self.text):
            # "ik woon op nummer 14 in de Bloemstraat"
            for match in _ARTICLE_STREET_RE.finditer(self.text):
                self.add(match.start(1), match.end(1), "address")
        for match in _POSTBUS_RE.finditer(self.text):
            self.add(match.start(), match.end(), "address")
        for span in [s for s in self.spans if s.kind == "postcode"]:
            found = _BEFORE_POSTCODE_RE.search(self.text[max(0, span.start - 80):span.start])
            if found:
                offset = max(0, span.start - 80)
                self.add(offset + found.start(1), offset + found.end(1), "address")

    def dates(self) -> None:
        this_year = dt.date.today().year
        for pattern in _DATE_RES:
            for match in pattern.finditer(self.text):
                groups = match.groupdict()
                day = int(groups["d"])
                if not 1 <= day <= 31:
                    continue
                if groups.get("m") is not None and not 1 <= int(groups["m"]) <= 12:
                    continue
                year_text = groups.get("y")
                year: Optional[int] = None
                if year_text:
                    digits = year_text.strip("'")
                    year = int(digits)
                    if len(digits) == 2:
                        year += 2000 if year <= this_year % 100 else 1900
                before, after = _window(self.text, match.start(), match.end(), 45, 25)
                before = re.split(r"(?<!geb)[.!?\n]\s", before)[-1]  # not after "geb."
                after = re.split(r"[.!?\n]", after)[0]
                birth = _BIRTH_CUE.search(before) or re.search(r"(?i)\bgeboren\b", after)
                if birth:
                    self.add(match.start(), match.end(), "birthdate")
                elif year is not None and year < this_year - 1:
                    self.add(match.start(), match.end(), "date")

    def links(self) -> None:
        if self.speaker == "bot":
            return
        text = self.text
        candidates = [(m.start(), m.end()) for m in _URL_START_RE.finditer(text)]
        for match in _TLD_SLASH_RE.finditer(text):
            # "facebook.com/naam": walk back over the host name, forward over the path
            start = match.start()
            while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._-"):
                start -= 1
            end = match.end()
            while end < len(text) and not text[end].isspace():
                end += 1
            candidates.append((start, end))
        for start, end in candidates:
            url = text[start:end].rstrip(".,;:!?)")
            rest = re.sub(r"(?i)^(?:https?://)?(?:www\.)?[^/]+", "", url)
            if rest.strip("/"):
                self.add(start, start + len(url), "link")

    # names ----------------------------------------------------------------------------------

    def _tokens_after(self, pos: int, limit: int = 5) -> List[re.Match]:
        tokens: List[re.Match] = []
        cursor = pos
        while len(tokens) < limit:
            gap = re.match(r"[ \t]*", self.text[cursor:])
            cursor += gap.end() if gap else 0
            match = _TOKEN_RE.match(self.text, cursor)
            if not match:
                break
            tokens.append(match)
            cursor = match.end()
        return tokens

    def _is_interfix(self, tokens: List[re.Match], index: int) -> bool:
        """Token ``index`` is a surname particle ("van", "de", "el"; "in" only before "'t")."""
        lower = tokens[index].group(0).lower()
        if lower in _INTERFIXES:
            return True
        if lower in _WEAK_INTERFIXES and index + 1 < len(tokens):
            return tokens[index + 1].group(0).lower() in _ARTICLES
        return False

    def _take_name(self, pos: int, lowercase_ok: bool, strong: bool,
                   particle_first: bool = False, cue: bool = True) -> None:
        """Name tokens starting at ``pos``: a first name and what belongs to the surname.

        ``lowercase_ok``: "joyce" counts when it is a known first name or surname;
        ``strong``: after "ik heet" / "mijn naam is" any word counts; ``particle_first``:
        after "mevrouw" a surname may start with its particle ("mevrouw De Groot").
        """
        lists = _name_lists()
        tokens = self._tokens_after(pos, 6)
        if not tokens:
            return
        taken: List[re.Match] = []
        index = 0
        if particle_first:
            while index < len(tokens) and self._is_interfix(tokens, index):
                index += 1
            if index:
                if index < len(tokens) and tokens[index].group(0)[0].isupper():
                    self.add(tokens[0].start(), tokens[index].end(), "name", cue)
                return
        first = tokens[0].group(0)
        lower = first.lower()
        capital = first[0].isupper()
        if lower in _NOT_NAMES or lower in _NAME_STOP:
            return
        if lower in _WORDLIKE_NAMES and not (cue and capital):
            return
        known = lower in lists.first or lower in lists.surname
        if lower in lists.common and not known and not (capital and (strong or cue)):
            return  # "mevrouw Bos", "ik heet Roos" are names; a bare "bos" is not
        if not (capital or known or strong):
            return
        taken.append(tokens[0])
        index = 1
        while index < len(tokens):
            token = tokens[index]
            word = token.group(0)
            lower = word.lower()
            if self._is_interfix(tokens, index):
                nxt = index + 1
                while nxt < len(tokens) and self._is_interfix(tokens, nxt):
                    nxt += 1
                if nxt >= len(tokens):
                    break
                nxt_word = tokens[nxt].group(0)
                nxt_lower = nxt_word.lower()
                if nxt_lower in _NAME_STOP or nxt_lower in _NOT_NAMES:
                    break
                if nxt_word[0].isupper() or strong or (lowercase_ok and
                                                       nxt_lower in lists.surname):
                    taken.extend(tokens[index:nxt + 1])
                    index = nxt + 1
                    continue
                break
            if lower in _NAME_STOP or lower in _NOT_NAMES:
                break
            capital_name = word[0].isupper() and (lower not in lists.common or
                                                  lower in lists.surname)
            lower_surname = lowercase_ok and lower in lists.surname and lower not in lists.common
            if not (capital_name or lower_surname):
                break
            taken.append(token)
            index += 1
        self.add(taken[0].start(), taken[-1].end(), "name", cue)

    def names(self) -> None:
        lists = _name_lists()
        text = self.text
        for match in _STRONG_NAME_CUE.finditer(text):
            self._take_name(match.end(), lowercase_ok=True, strong=True)
        for match in _GREETING_CUE.finditer(text):
            # only at the end of a message or line: "groetjes, Anneke"
            tail = text[match.end():]
            line = tail.split("\n", 1)[0]
            if len(_TOKEN_RE.findall(line)) <= 4:
                self._take_name(match.end(), lowercase_ok=True, strong=False)
        for match in _SELF_CUE.finditer(text):
            # weaker cue ("met Sam&"): a protected term after it is not a name
            self._take_name(match.end(), lowercase_ok=True, strong=False, cue=False)
        for pattern in (_RELATION_CUE, _FAMILY_OF_CUE):
            for match in pattern.finditer(text):
                self._take_name(match.end(), lowercase_ok=True, strong=False)
                # "daan (8) en noor (5)": more children after "en"
                self._names_in_list(match.end())
        for match in _HONORIFIC_CUE.finditer(text):
            self._take_name(match.end(), lowercase_ok=False, strong=False,
                            particle_first=True)
        for match in _INITIALS_RE.finditer(text):
            # "J. Pietersen", "A.M. de Graaf"
            self._take_name(match.end(), lowercase_ok=False, strong=False,
                            particle_first=True, cue=False)
            nxt = _TOKEN_RE.match(text, match.end())
            if nxt and self.spans and self.spans[-1].start == nxt.start():
                last = self.spans.pop()
                self.add(match.start(), last.end, "name", last.cue)
        for match in _PAIR_RE.finditer(text):
            # "Yonas en Filmon zijn …": two capitalised words that are no Dutch words
            words = (match.group(1), match.group(2))
            if all(self._unknown_capital(w) for w in words):
                self.add(match.start(1), match.end(1), "name")
                self.add(match.start(2), match.end(2), "name")
        if self.speaker == "bot":
            return  # our own texts: only names after a personal cue
        vocab = _dutch_words()
        for match in _TOKEN_RE.finditer(text):
            word = match.group(0)
            lower = word.lower()
            if lower not in lists.first:
                continue
            if word[0].isupper():
                # "Tip:", "Actie …" at the start of a sentence are words, not names
                if _starts_sentence(text, match.start()) and lower in vocab:
                    continue
                self._take_name(match.start(), lowercase_ok=False, strong=False, cue=False)
            elif word.islower() and len(word) >= 3 and vocab and lower not in vocab:
                # "lisa en ik …": a lower-case first name that is no Dutch word
                self._take_name(match.start(), lowercase_ok=True, strong=False, cue=False)

    @staticmethod
    def _unknown_capital(word: str) -> bool:
        """A capitalised word that is neither a Dutch word nor a common/function word."""
        lower = word.lower()
        vocab = _dutch_words()
        return (word[0].isupper() and len(word) >= 3 and bool(vocab) and lower not in vocab
                and lower not in _name_lists().common and lower not in _NOT_NAMES
                and lower not in _NAME_STOP and not word.isupper())

    def _names_in_list(self, pos: int) -> None:
        """Names joined by "en" or commas after a relation cue ("Daan (8) en Noor (5)")."""
        lists = _name_lists()
        pattern = re.compile(r"\s*(?:\(\s*\d{1,2}\s*(?:jaar|jr)?\s*\)|,?\s*van\s+\d{1,2})?"
                             r"\s*(?:,|\ben\b|&)\s*")
        cursor = pos
        for _ in range(6):
            token = _TOKEN_RE.match(self.text, cursor)
            if not token:
                return
            joiner = pattern.match(self.text, token.end())
            if not joiner:
                return
            cursor = joiner.end()
            nxt = _TOKEN_RE.match(self.text, cursor)
            if not nxt:
                return
            word = nxt.group(0)
            if word.lower() in lists.first or (word[0].isupper() and word.lower() not in
                                               lists.common and word.lower() not in _NAME_STOP):
                self.add(nxt.start(), nxt.end(), "name", cue=True)
            else:
                return

    def run(self) -> List[Span]:
        self.emails()
        self.handles()
        self.ibans()
        self.phones()
        self.bsns()
        self.numbers()
        self.plates()
        self.case_numbers()
        self.postcodes()
        self.addresses()
        self.dates()
        self.links()
        self.names()
        return self.spans


def pattern_spans(text: str, speaker: str = "user") -> List[Span]:
    """Spans found by our own rules (no deduce)."""
    return _Finder(text, speaker).run()


# --------------------------------------------------------------------------------------------
# combining
# --------------------------------------------------------------------------------------------


def _keep_ranges(text: str, keep: Sequence[str]) -> List[Tuple[int, int]]:
    ranges: List[Tuple[int, int]] = []
    for item in keep:
        if not item:
            continue
        start = text.find(item)
        while start != -1:
            ranges.append((start, start + len(item)))
            start = text.find(item, start + 1)
    return ranges


def _is_kept(span: Span, text: str, keep: Sequence[str]) -> bool:
    """A phone or e-mail span the user chose to share in another notation."""
    piece = text[span.start:span.end]
    if span.kind == "phone":
        digits = _phone_digits(piece)
        return any(_phone_digits(item) == digits for item in keep if re.search(r"\d{3}", item))
    if span.kind == "email":
        return any(item.strip().lower() == piece.lower() for item in keep)
    return False


def _subtract(span: Span, ranges: List[Tuple[int, int]], text: str) -> List[Span]:
    pieces = [span]
    for low, high in ranges:
        nxt: List[Span] = []
        for piece in pieces:
            if high <= piece.start or low >= piece.end:
                nxt.append(piece)
                continue
            if piece.start < low:
                nxt.append(Span(piece.start, low, piece.kind))
            if high < piece.end:
                nxt.append(Span(high, piece.end, piece.kind))
        pieces = nxt
    return [p for p in pieces if re.search(r"\w", text[p.start:p.end])]


def _trim_name(span: Span, text: str) -> Span:
    """A name span without greeting or function words at its edges ("Groetjes Mariam")."""
    if span.kind != "name":
        return span
    start, end = span.start, span.end
    while True:
        match = _TOKEN_RE.match(text, start)
        if not match or match.end() >= end:
            break
        if match.group(0).lower() not in _NOT_NAMES and match.group(0).lower() not in _NAME_STOP:
            break
        gap = re.match(r"[\s,.:;!?-]*", text[match.end():end])
        start = match.end() + (gap.end() if gap else 0)
    while True:
        words = list(_TOKEN_RE.finditer(text, start, end))
        if len(words) < 2:
            break
        last = words[-1]
        if last.group(0).lower() not in _NOT_NAMES and last.group(0).lower() not in _NAME_STOP:
            break
        end = words[-2].end()
    # "A. de Graaf van Vluchtelingenwerk": "van" + a word that is no surname is not the name
    lists = _name_lists()
    words = list(_TOKEN_RE.finditer(text, start, end))
    for index in range(1, len(words) - 1):
        if words[index].group(0).lower() == "van":
            rest = [w.group(0).lower() for w in words[index + 1:]]
            if not any(w in lists.surname or w in lists.first for w in rest
                       if w not in _INTERFIXES):
                end = words[index - 1].end()
                break
    return Span(start, end, span.kind, span.cue)


def _protected_ranges(text: str) -> List[Tuple[int, int]]:
    return [(m.start(), m.end()) for m in _protected_pattern().finditer(text)]


def _merge(spans: Iterable[Span], text: str) -> List[Span]:
    """Union of overlapping spans (kind by priority); same-kind neighbours are joined."""
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: List[Span] = []
    for span in ordered:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = max((last.kind, span.kind), key=lambda k: _PRIORITY.get(k, 0))
            merged[-1] = Span(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    joined: List[Span] = []
    for span in merged:
        if joined and joined[-1].kind == span.kind and span.kind in {"name", "address"}:
            between = text[joined[-1].end:span.start]
            if re.fullmatch(r"[ \t\-]*", between):
                joined[-1] = Span(joined[-1].start, span.end, span.kind)
                continue
        joined.append(span)
    return joined


def _apply(text: str, spans: List[Span]) -> str:
    parts: List[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor:span.start])
        parts.append(PLACEHOLDERS.get(span.kind, PLACEHOLDERS["other"]))
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


# deduce's context annotators slow down more than linearly on long texts ("Jan van " * 200
# takes 3.6 s): long messages go to deduce in pieces of at most this many characters, cut at
# a sentence end or a space. Our own patterns always see the whole text.
_DEDUCE_CHUNK = 400


def _chunks(text: str, limit: int) -> Iterator[Tuple[int, str]]:
    """``(offset, piece)`` pairs covering ``text``, pieces at most ``limit`` long."""
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit - 1
        yield start, text[start:start + cut + 1]
        start += cut + 1
    if start < len(text):
        yield start, text[start:]


class RedactedTranscript(list):
    """A redacted transcript (a plain list of turns) that also says how it was redacted.

    ``redaction_mode`` is ``"deduce"`` (deduce + patterns on every user message) or
    ``"patterns"`` (deduce was not available, or failed on a message: names may be left).
    """

    redaction_mode: str = "patterns"


class Redactor:
    """Redacts text with deduce + our patterns; deduce is loaded once, on first use.

    ``use_deduce=False`` gives the patterns-only mode. If deduce cannot load, the redactor
    logs a warning and stays in patterns-only mode (``mode == "patterns"``).
    """

    def __init__(
        self,
        use_deduce: bool = True,
        config_path: Path = DEDUCE_CONFIG,
        cache_dir: Path = DEDUCE_DIR,
        build_missing: bool = True,
    ) -> None:
        self.use_deduce = use_deduce
        self.config_path = Path(config_path)
        self.cache_dir = Path(cache_dir)
        self.build_missing = build_missing
        self._deduce: Any = None
        self._loaded = not use_deduce
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self.load_error: Optional[str] = None

    def load(self) -> bool:
        """Load deduce now (e.g. at server start); True when deduce is in use."""
        if self._loaded:
            return self._deduce is not None
        with self._load_lock:
            if not self._loaded:
                try:
                    self._deduce = load_deduce(self.config_path, self.cache_dir,
                                               self.build_missing)
                except Exception as exc:  # DeduceUnavailable or anything unexpected
                    self.load_error = str(exc)
                    log.warning("redact: deduce unavailable, using patterns only: %s", exc)
                self._loaded = True
        _name_lists()
        _dutch_words()
        _protected_pattern()
        return self._deduce is not None

    @property
    def mode(self) -> str:
        """``"deduce"`` or ``"patterns"`` (loads deduce if that was not tried yet)."""
        return "deduce" if self.load() else "patterns"

    def _deduce_spans(
        self, text: str, speaker: str = "user", failures: Optional[List[str]] = None
    ) -> List[Span]:
        if speaker == "bot" or not self.load() or not text.strip():
            return []
        spans: List[Span] = []
        for offset, chunk in _chunks(text, _DEDUCE_CHUNK):
            try:
                with self._run_lock:
                    document = self._deduce.deidentify(chunk)
            except Exception as exc:  # a deduce bug must not stop the handover
                log.warning("redact: deduce failed on a message (%s); patterns only for it",
                            type(exc).__name__)
                if failures is not None:
                    failures.append(type(exc).__name__)
                continue
            for annotation in document.annotations:
                kind = _DEDUCE_TAGS.get(str(annotation.tag).lower(), "other")
                if kind is not None:
                    spans.append(Span(offset + annotation.start_char,
                                      offset + annotation.end_char, kind))
        return spans

    def spans(
        self,
        text: str,
        keep: Iterable[str] = (),
        speaker: str = "user",
        failures: Optional[List[str]] = None,
    ) -> List[Span]:
        """The merged spans that :meth:`redact` replaces (deduce failures go to ``failures``)."""
        # keep items are contact details: shorter than 3 characters they would only tear holes
        keep_list = [item for item in keep if isinstance(item, str) and len(item.strip()) >= 3]
        found = pattern_spans(text, speaker)
        found += [_trim_name(span, text)
                  for span in self._deduce_spans(text, speaker, failures)]
        protected = _protected_ranges(text)
        found = [
            span for span in found
            if span.end > span.start
            and not (span.kind in {"name", "address"} and not span.cue
                     and any(lo <= span.start and span.end <= hi for lo, hi in protected))
        ]
        found = [s for s in found if not (s.kind == "phone" and
                                          _phone_digits(text[s.start:s.end]) in PUBLIC_NUMBERS)]
        merged = _merge(found, text)
        ranges = _keep_ranges(text, keep_list)
        result: List[Span] = []
        for span in merged:
            if keep_list and _is_kept(span, text, keep_list):
                continue
            result.extend(_subtract(span, ranges, text) if ranges else [span])
        return result

    def redact(
        self,
        text: str,
        keep: Iterable[str] = (),
        speaker: str = "user",
        failures: Optional[List[str]] = None,
    ) -> str:
        """``text`` with personal details replaced by Dutch placeholders."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        if not text:
            return text
        return _apply(text, self.spans(text, keep, speaker, failures))

    def redact_transcript(
        self, turns: List[Dict[str, Any]], keep: Iterable[str] = ()
    ) -> RedactedTranscript:
        """Copies of ``turns`` with every text redacted (user and, to be safe, bot turns).

        Other string fields of a user turn are redacted too (they may hold entity values);
        the ``speaker`` field is left alone. Anything that is not "bot" counts as "user".
        The result is a list with ``redaction_mode``: ``"patterns"`` when deduce was not
        available or failed on any message (names may be left), else ``"deduce"``.
        """
        keep_list = list(keep)
        failures: List[str] = []
        out = RedactedTranscript()
        for turn in turns:
            if not isinstance(turn, dict):
                continue
            speaker = "bot" if turn.get("speaker") == "bot" else "user"
            copy: Dict[str, Any] = {}
            for key, value in turn.items():
                if key == "speaker":
                    copy[key] = value
                elif key == "text" or speaker == "user":
                    copy[key] = self._redact_value(value, keep_list, speaker, failures)
                else:
                    copy[key] = value
            out.append(copy)
        deduce_used = self.load()
        out.redaction_mode = "deduce" if deduce_used and not failures else "patterns"
        if out.redaction_mode == "patterns":
            log.warning("redact: transcript redacted with patterns only (%s)",
                        "deduce failed on a message" if deduce_used else "deduce unavailable")
        return out

    def _redact_value(
        self, value: Any, keep: List[str], speaker: str, failures: List[str]
    ) -> Any:
        if isinstance(value, str):
            return self.redact(value, keep, speaker, failures)
        if isinstance(value, dict):
            return {k: self._redact_value(v, keep, speaker, failures) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._redact_value(v, keep, speaker, failures) for v in value]
        return value


_default: Optional[Redactor] = None
_default_lock = threading.Lock()


def get_redactor() -> Redactor:
    """The shared redactor (deduce loaded on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Redactor()
    return _default


def redact(text: str, keep: Iterable[str] = ()) -> str:
    """``text`` with names, addresses, postcodes, phone numbers, e-mail, IBAN, BSN and dates
    of birth replaced by Dutch placeholders; strings in ``keep`` survive."""
    return get_redactor().redact(text, keep)


def redact_transcript(
    turns: List[Dict[str, Any]], keep: Iterable[str] = ()
) -> RedactedTranscript:
    """Redacted copies of transcript turns ``{"speaker": "user"|"bot", "text": ...}``; the
    list's ``redaction_mode`` says whether names were recognised (see the module doc)."""
    return get_redactor().redact_transcript(turns, keep)
