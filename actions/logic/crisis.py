"""Deterministic crisis detection for every user message (Dutch, parents and teenagers).

This module runs on every user message, before and above the ML models: when
:func:`detect_crisis` fires, the NLU component ``crisis_override`` sets the intent
``crisis_<kind>`` and the matching crisis line is sent first. It must therefore favour
recall (a missed crisis is far worse than an extra helpline), stay fast (< 1 ms for a
typical message) and never raise.

Design
------
1. **Normalisation** (:func:`normalize`): lower case, diacritics removed (``suïcide`` ->
   ``suicide``), apostrophes dropped (``m'n`` -> ``mn``), clause punctuation kept as a
   ``,`` token (so a gap in a pattern never crosses a clause), every other symbol (emoji,
   HTML, control characters) becomes a space, runs of 3+ equal letters are collapsed to
   two (``doooood`` -> ``dood``) and youth / chat spellings are mapped token by token
   (``nie`` -> ``niet``, ``k`` -> ``ik``, ``kwil`` -> ``ik wil``, ``leve`` -> ``leven``,
   ``mn``/``me`` before a family word -> ``mijn`` ...).
2. **Pattern families**: each rule is a named regular expression over the normalised text
   with shared building blocks (who, what, whom, gaps). Gaps never contain a negation
   word, so ``ik wil niet dood`` or ``mijn vader heeft me nooit geslagen`` do not match.
   A match is also dropped when a negation stands just before it in the same clause
   (``geen zelfmoordgedachten``) or right after it (``slaat mij nooit``). Rules that carry
   their own negation (``wil niet meer leven``) are written as such.
3. **Violence is classified by who does what to whom**: a parent-like person (father,
   mother, step-parent, mother's boyfriend, grandparent, uncle, older sibling) hurting the
   speaker is ``abuse_child``; one parent hurting the other (``papa slaat mama``) or a
   partner hurting the speaker is ``domestic_violence``; anyone hurting a child is
   ``abuse_child``; an unnamed actor (``hij slaat me``) is ``domestic_violence`` and also
   ``abuse_child`` when the text suggests a minor is speaking.
4. **A squashed pass**: the normalised text with all spaces removed is searched for a small
   set of unambiguous phrases, so ``wilnietmeerleven`` or ``ikwildood`` still fire.
5. **Idioms are not crises**: the death and violence words in money talk (``ik ga dood van
   de stress``, ``die rekening is moordend``, ``die deurwaarder slaat alles kapot``) are
   matched by :func:`is_idiom` and masked out of the text before :func:`needs_check`
   runs; the crisis rules themselves are written narrowly enough not to match them, and
   an idiom never hides a real crisis elsewhere in the same message.
6. :func:`needs_check` covers ambiguous despair (``ik zie het niet meer zitten``, ``ik kan
   niet meer``): no crisis line, the dialogue asks a gentle check question.
7. :func:`detect_acute_need` covers acute material need that needs its own immediate route
   (no food today, no roof tonight, utilities cut off today). Decisions:

   * food: only when there is no food now (``niks te eten``, ``geen eten in huis``,
     hungry children and nothing in the house, not eaten since yesterday, cannot buy food
     today). ``we eten al een week alleen brood`` or ``weinig eten`` is a food need, not
     acute.
   * roof: sleeping rough or in a car, evicted already (``uit huis gezet`` in the perfect
     tense), no place to sleep tonight, ``dakloos``. A coming eviction is not acute.
   * cut-off: gas, electricity, water or heating already cut off, or being cut off today
     or tomorrow morning (``vandaag``, ``nu``, ``morgen``). ``ze gaan het gas afsluiten``
     without a day is a threat and is handled as urgent debt help, not as acute.
     A phone or internet cut-off is never acute.

Speaker age: :attr:`CrisisResult.speaker_is_minor_hint` is a hint only (``mijn vader slaat
mij``, ``mn stiefvader``, ``mama``, an age under 18), switched off by adult markers (an
age of 18 or more, ``mijn man``, ``mijn kinderen``) unless a minor age is stated.

The patterns are a safety net written by developers from realistic example messages. A
clinician (crisis-line or youth-care professional) should review them and the labelled
phrase lists in ``tests/data/crisis_phrases*.yaml`` before this is used with real users.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Callable, Dict, List, Optional, Pattern, Tuple

__all__ = [
    "AcuteNeed",
    "CrisisKind",
    "CrisisResult",
    "detect_acute_need",
    "detect_crisis",
    "is_ambiguous_idiom",
    "is_idiom",
    "needs_check",
    "normalize",
]


class CrisisKind(str, Enum):
    """What kind of crisis a message shows; the value is used in the intent name."""

    SUICIDE = "suicide"
    SELF_HARM = "self_harm"
    ABUSE_CHILD = "abuse_child"
    UNSAFE_CHILD = "unsafe_child"
    DOMESTIC_VIOLENCE = "domestic_violence"
    ACUTE_DANGER = "acute_danger"


# Most urgent first; CrisisResult.kinds follows this order.
URGENCY: Tuple[CrisisKind, ...] = (
    CrisisKind.ACUTE_DANGER,
    CrisisKind.SUICIDE,
    CrisisKind.SELF_HARM,
    CrisisKind.ABUSE_CHILD,
    CrisisKind.UNSAFE_CHILD,
    CrisisKind.DOMESTIC_VIOLENCE,
)


class AcuteNeed(str, Enum):
    """Acute material need that gets its own immediate route (not a crisis)."""

    NO_FOOD_TODAY = "no_food_today"
    NO_ROOF_TONIGHT = "no_roof_tonight"
    CUTOFF_TODAY = "cutoff_today"


@dataclass(frozen=True)
class CrisisResult:
    """A detected crisis: kinds (most urgent first), a minor hint and the rule name(s)."""

    kinds: Tuple[CrisisKind, ...]
    speaker_is_minor_hint: bool
    matched: str


# ---------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------

MAX_CHARS = 20_000  # longer input is cut (a chat message is far shorter)

_FAMILY_AFTER_ME = frozenset(
    ["vader", "moeder", "pa", "ma", "papa", "mama", "pap", "mam", "paps", "mams", "pappa", "mamma", "ouders", "stiefvader", "stiefmoeder", "stiefpa", "stiefma", "stiefpapa", "stiefmama", "stief", "pleegvader", "pleegmoeder", "pleegouders", "opa", "oma", "oom", "tante", "broer", "zus", "broertje", "zusje", "man", "vrouw", "vriend", "vriendin", "partner", "ex", "exman", "exvrouw", "exvriend", "exvriendin", "zoon", "dochter", "kind", "kinderen", "leven", "arm", "armen", "pols", "polsen", "benen", "been", "moeders", "vaders"]
)

# Token -> replacement (may be several tokens). Applied after lower-casing.
_TOKEN_MAP: Dict[str, str] = {
    "nie": "niet",
    "ni": "niet",
    "nit": "niet",
    "niej": "niet",
    "neit": "niet",
    "nt": "niet",
    "nooit": "nooit",
    "nooid": "nooit",
    "mr": "meer",
    "mer": "meer",
    "meor": "meer",
    "mn": "mijn",
    "m": "mijn",
    "mijn": "mijn",
    "myn": "mijn",
    "mijne": "mijn",
    "zn": "zijn",
    "k": "ik",
    "ikke": "ik",
    "ic": "ik",
    "kben": "ik ben",
    "kbn": "ik ben",
    "kwil": "ik wil",
    "kwl": "ik wil",
    "kheb": "ik heb",
    "khb": "ik heb",
    "kga": "ik ga",
    "kzie": "ik zie",
    "kweet": "ik weet",
    "kvoel": "ik voel",
    "kdenk": "ik denk",
    "kdurf": "ik durf",
    "kword": "ik word",
    "kwordt": "ik word",
    "khoop": "ik hoop",
    "ksnij": "ik snij",
    "kkan": "ik kan",
    "kan": "kan",
    "ikwil": "ik wil",
    "ikben": "ik ben",
    "ikheb": "ik heb",
    "ikga": "ik ga",
    "wl": "wil",
    "wll": "wil",
    "wilt": "wil",
    "wel": "wel",
    "leve": "leven",
    "levn": "leven",
    "lven": "leven",
    "leeven": "leven",
    "lefen": "leven",
    "doot": "dood",
    "dod": "dood",
    "doodt": "dood",
    "gwn": "gewoon",
    "gewon": "gewoon",
    "gwoon": "gewoon",
    "egt": "echt",
    "eggt": "echt",
    "ech": "echt",
    "ff": "even",
    "t": "het",
    "ut": "het",
    "da": "dat",
    "dt": "dat",
    "hy": "hij",
    "zy": "zij",
    "wy": "wij",
    "mij": "mij",
    "mezelf": "mezelf",
    "mijzelf": "mezelf",
    "mzelf": "mezelf",
    "mezelv": "mezelf",
    "mezelluf": "mezelf",
    "mzlf": "mezelf",
    "mezlf": "mezelf",
    "meself": "mezelf",
    "mijself": "mezelf",
    "nx": "niks",
    "nix": "niks",
    "niets": "niks",
    "nks": "niks",
    "sny": "snij",
    "snijd": "snij",
    "snijdt": "snij",
    "snei": "snij",
    "snyd": "snij",
    "krast": "kras",
    "slaad": "slaat",
    "slaaat": "slaat",
    "slat": "slaat",
    "sloech": "sloeg",
    "geslage": "geslagen",
    "geslaan": "geslagen",
    "wordt": "word",
    "wort": "word",
    "wrd": "word",
    "vd": "van de",
    "vn": "van",
    "v": "van",
    "zelfmoort": "zelfmoord",
    "zelfmort": "zelfmoord",
    "zelmoord": "zelfmoord",
    "zelfmord": "zelfmoord",
    "selfmoord": "zelfmoord",
    "zlfmoord": "zelfmoord",
    "thuis": "thuis",
    "thuiss": "thuis",
    "tuis": "thuis",
    "huiz": "huis",
    "veilg": "veilig",
    "vijlig": "veilig",
    "feilig": "veilig",
    "pappa": "papa",
    "mamma": "mama",
    "mammie": "mama",
    "pappie": "papa",
    "mams": "mama",
    "paps": "papa",
    "vadr": "vader",
    "moedr": "moeder",
    "stiefva": "stiefvader",
    "stiefpa": "stiefvader",
    "stiefpapa": "stiefvader",
    "stiefma": "stiefmoeder",
    "stiefmama": "stiefmoeder",
    "vriendje": "vriend",
    "vriendinnetje": "vriendin",
    "ex-man": "exman",
    "vanacht": "vannacht",
    "vandaach": "vandaag",
    "vndaag": "vandaag",
    "vdaag": "vandaag",
    "vanavnd": "vanavond",
    "omdat": "omdat",
    "wan": "want",
}

_APOSTROPHES = "'’‘`´ʼ"
_CLAUSE_CHARS = ".,!?;:()[]{}\n\r\t…|/\\\"“”„«»"
_REPEAT_RE = re.compile(r"([a-z])\1{2,}")
_NON_WORD_RE = re.compile(r"[^a-z0-9,]+")
_SPACE_RE = re.compile(r" +")
_COMMAS_RE = re.compile(r"(?: ?,)+")
_CLAUSE_TABLE = str.maketrans({c: " , " for c in _CLAUSE_CHARS})
_APOS_TABLE = str.maketrans({c: "" for c in _APOSTROPHES})


def _strip_diacritics(text: str) -> str:
    """Remove combining marks after NFKD decomposition (``ï`` -> ``i``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Normalise a user message for the patterns (see the module docstring).

    The result is lower-case ASCII letters and digits in single-space separated tokens;
    clause punctuation is kept as a ``,`` token. Never raises on a ``str``.
    """
    if not isinstance(text, str):
        return ""
    text = text[:MAX_CHARS]
    if not text.isascii():
        text = _strip_diacritics(text)
    text = text.lower().translate(_APOS_TABLE).translate(_CLAUSE_TABLE)
    text = _NON_WORD_RE.sub(" ", text)
    text = _REPEAT_RE.sub(r"\1\1", text)
    text = _COMMAS_RE.sub(" ,", text)
    tokens = text.split()
    out: List[str] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < n else ""
        if tok in ("me", "m", "mn", "mijn", "min") and nxt in _FAMILY_AFTER_ME:
            out.append("mijn")
            continue
        if tok == "m" and nxt not in _FAMILY_AFTER_ME:
            out.append(tok)
            continue
        rep = _TOKEN_MAP.get(tok)
        out.append(rep if rep is not None else tok)
    return " ".join(out)


# ---------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------

NEG = r"(?:niet|nooit|geen|never|nimmer|nergens)"
W = r"[a-z0-9]+"


def gap(n: int) -> str:
    """Up to ``n`` words, none of them a negation, never crossing a clause."""
    return rf"(?:(?!{NEG}\b){W} ){{0,{n}}}"


G1, G2, G3, G4, G5, G6 = (gap(i) for i in range(1, 7))
# A gap that also excludes another person as subject ("ik denk dat hij me ...").
OTHER = r"(?:hij|zij|ze|jij|je|u|jullie|die|mijn|de|iemand|men)"
IG4 = rf"(?:(?!(?:{NEG}|{OTHER})\b)[a-z0-9]+ ){{0,4}}"

MY = r"(?:mijn|onze|ons|de|die)"
PARENT_WORD = (
    r"(?:vader|moeder|pa|ma|papa|mama|pap|mam|ouders|stiefvader|stiefmoeder|stiefouders|"
    r"stief (?:vader|moeder)|pleegvader|pleegmoeder|pleegouders|opa|oma|oom|tante|"
    r"broer|grote broer|zus|grote zus|neef|vaders|moeders)"
)
# "de vriend van mijn moeder", "mijn moeders vriend", "de man van mama"
PARENT_PARTNER = (
    r"(?:(?:de |die )?(?:nieuwe )?(?:vriend|man|vriendin|partner|vrouw) van (?:mijn )?"
    r"(?:moeder|ma|mama|mam|vader|pa|papa|pap)|(?:mijn )?(?:moeders|vaders) "
    r"(?:vriend|vriendin|partner))"
)
PARENT = rf"(?:{PARENT_PARTNER}|(?:mijn |me )?{PARENT_WORD})"
PARTNER = (
    r"(?:(?:mijn|me|m) (?:ex )?(?:man|vrouw|vriend|vriendin|partner|echtgenoot|echtgenote|"
    r"vent|lief|verloofde|exman|exvrouw|exvriend|exvriendin|ex)|(?:mijn )?(?:ex|exman|"
    r"exvrouw|exvriend|exvriendin|echtgenoot|echtgenote)|(?:mijn )?ex (?:man|vrouw|vriend|"
    r"vriendin|partner))"
)
CHILD_ACTOR = r"(?:(?:mijn|onze) (?:zoon|dochter|puber|tiener|oudste|stiefzoon|stiefdochter))"
PRONOUN = r"(?:hij|zij|ze|die man|die vent|iemand|die gast|die jongen)"

SELF = r"(?:me|mij|mezelf|ons)"
CHILD_VICTIM = (
    r"(?:(?:mijn|onze|ons|de|haar|zijn) (?:zoon|dochter|kind|kinderen|kids|baby|broertje|"
    r"zusje|broer|zus|zoontje|dochtertje|jongste|oudste|meisje|jongen|kleine)|"
    r"(?:mijn|de) (?:broertjes|zusjes))"
)
PARENT_VICTIM = r"(?:(?:mijn )?(?:mama|moeder|ma|mam|papa|vader|pa|pap))"

HIT_PRESENT = (
    r"(?:slaat|slaan|sla|schopt|schoppen|trapt|trappen|stompt|stompen|mept|meppen|"
    r"mishandelt|mishandelen|wurgt|wurgen|duwt|verkracht|verkrachten|misbruikt|misbruiken|"
    r"bedreigt|bedreigen|knijpt|bijt|beukt|ramt|aanrandt)"
)
HIT_PAST = (
    r"(?:sloeg|sloegen|schopte|schopten|trapte|trapten|stompte|mepte|mishandelde|"
    r"mishandelden|wurgde|duwde|verkrachtte|misbruikte|bedreigde|kneep|beet)"
)
HIT_PART = (
    r"(?:geslagen|geschopt|getrapt|gestompt|gemept|mishandeld|gewurgd|geduwd|verkracht|"
    r"misbruikt|bedreigd|geknepen|gebeten|aangerand|betast|in elkaar geslagen|gebeukt|"
    r"pijn gedaan|opgesloten|aangevallen|gemolesteerd)"
)
HIT_NOUN = r"(?:klappen|klap|mep|meppen|slaag|een pak slaag|pak slaag|rammel|schoppen|trappen|" \
    r"tikken|een tik|stompen|een blauw oog|blauwe plekken|een schop)"


# ---------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------

Kinds = Tuple[CrisisKind, ...]
_SUI = (CrisisKind.SUICIDE,)
_SH = (CrisisKind.SELF_HARM,)
_AC = (CrisisKind.ABUSE_CHILD,)
_UC = (CrisisKind.UNSAFE_CHILD,)
_DV = (CrisisKind.DOMESTIC_VIOLENCE,)
_AD = (CrisisKind.ACUTE_DANGER,)


@dataclass(frozen=True)
class _Rule:
    """A named pattern and the kinds it gives; ``minor`` marks a child-speaker rule."""

    name: str
    kinds: Kinds
    pattern: Pattern[str]
    minor: bool = False
    negatable: bool = True


def _r(name: str, kinds: Kinds, pattern: str, minor: bool = False, negatable: bool = True) -> _Rule:
    return _Rule(name, kinds, re.compile(pattern), minor, negatable)


DEATH_WISH = r"(?:dood|doodgaan|dood gaan|sterven|overlijden|dood zijn|doodgaan)"

_SUICIDE_RULES: List[_Rule] = [
    _r("suicide.word", _SUI,
       r"\b(?:[sz]el?f ?mo{1,2}r[dt]|zelfdoding|su[iy]{0,2}[cs]{1,2}[iy]{0,2}d\w*|"
       r"zelfmoord\w*|levensmoe|doodswens|doodsgedachte\w*|zelfdodings?\w*)"),
    _r("suicide.want_dead", _SUI,
       rf"\b(?:wil|wou|wilde|willen|zou willen|hoop|wens|verlang) {G3}(?:het liefst |liefst |"
       rf"gewoon |echt |graag )?(?:dood|doodgaan|dood gaan|sterven|overlijden|dood zijn)\b"
       rf"(?! (?:van|aan|om|door) (?:de|het|die|dat|al|mijn|deze|zo)\b)"),
    _r("suicide.want_dead_inv", _SUI,
       r"\b(?:dood|sterven|doodgaan) (?:wil|wou|zou) ik\b"),
    _r("suicide.rather_dead", _SUI,
       rf"\b(?:liever|beter|best|maar) (?:af )? {G2}(?:dood|sterven|doodgaan|niet (?:meer )?"
       rf"(?:leven|bestaan|geboren))\b(?! (?:van|aan|om) )"),
    _r("suicide.was_dead", _SUI,
       r"\b(?:was|ware|lag|ben) ik (?:maar|nu maar|gewoon|liever) (?:dood|er niet meer|"
       r"niet meer|nooit geboren)"),
    _r("suicide.wish_dead", _SUI,
       r"\b(?:wou|wilde|zou willen|hoop|wens) (?:dat|da) ik (?:dood|er niet meer|niet meer "
       r"(?:leefde|wakker|bestond|zou bestaan|zou leven|hoef))"),
    _r("suicide.no_more_life", _SUI,
       rf"\b(?:wil|wou|wilde|willen|zin om|hoef|hoeft|kan|ga) {G2}niet (?:meer |langer )?"
       rf"(?:verder )?(?:leven|bestaan|te leven|ademen)\b(?! van| op| met| in| zonder)",
       negatable=False),
    _r("suicide.no_more_life2", _SUI,
       r"\b(?:geen zin|geen reden|geen puf|geen kracht) (?:meer )?(?:in |om |tot )?(?:te )?"
       r"(?:leven|het leven|verder te leven|bestaan)\b", negatable=False),
    _r("suicide.not_be_there", _SUI,
       rf"\b(?:wil|wou|wilde|liefst|beter|best|hoop|wens) {G3}er (?:gewoon |echt )?niet "
       rf"(?:meer|langer) (?:zijn|wezen|bestaan|te zijn)\b", negatable=False),
    _r("suicide.when_gone", _SUI,
       r"\b(?:als|wanneer|zodra|tegen de tijd dat) ik er (?:straks |morgen )?niet meer "
       r"(?:ben|zal zijn|zou zijn|was)\b", negatable=False),
    _r("suicide.better_without", _SUI,
       rf"\b(?:beter|blij|gelukkiger|beter af|rustiger|fijner) {G4}zonder (?:mij|me)\b"),
    _r("suicide.nobody_miss", _SUI,
       rf"\bniemand (?:zou|zal|gaat) (?:mij|me) {G2}missen\b|\bniemand mist (?:mij|me)\b",
       negatable=False),
    _r("suicide.end_it", _SUI,
       rf"\b(?:er|het) (?:(?:een|n|helemaal|gewoon|dan|vanavond|vannacht|zelf) ){{0,3}}"
       rf"(?:eind|einde|end|punt) (?:aan|achter) {G2}(?:maken|te maken|zetten|te zetten|"
       rf"maak|breien|gemaakt)\b"),
    _r("suicide.end_it2", _SUI,
       r"\b(?:maak|maken|maakte|te maken|zet|zetten|breien) (?:er |het )?(?:een )?"
       r"(?:eind|einde|punt) (?:aan|achter) (?:mijn|het|m|dit|me) (?:leven|bestaan)\b"),
    _r("suicide.end_life", _SUI,
       r"\b(?:eind|einde|end|punt) (?:aan|achter) (?:mijn|m|het|dit|me|mn) "
       r"(?:eigen )?(?:leven|bestaan)\b"),
    _r("suicide.end_all", _SUI,
       r"\b(?:eind|einde|punt) (?:aan|achter) (?:alles|het allemaal|de hele boel)\b"
       r"(?! (?:van|met) (?:die|de|deze|mijn))"),
    _r("suicide.kill_self", _SUI,
       rf"\b(?:mezelf|ik {IG4}(?:me|mij)) {G3}(?:van kant|om het leven|om zeep|ophangen|"
       rf"op te hangen|opgehangen|dood maken|doodmaken|dood te maken|doden|te doden|"
       rf"vermoorden|te vermoorden|verdrinken|te verdrinken|overdoseren|iets aan doen|"
       rf"iets aandoen|iets aan te doen|wat aan doen|wat aandoen|wat aan te doen|"
       rf"iets aangedaan|wat aangedaan|dood drinken|dood zuipen|voor de trein|voor een trein|"
       rf"voor de metro|voor een auto|doodrijden|dood rijden|laten verdrinken)\b"),
    _r("suicide.kill_self_reflexive", _SUI,
       rf"\b(?:me|mij) (?:van kant|om het leven) (?:te )?(?:maken|brengen|gebracht|gemaakt)\b"
       rf"|\bik {IG4}(?:me|mij) (?:op ?hangen|op te hangen)\b"),
    _r("suicide.jump", _SUI,
       rf"\b(?:spring|springen|sprong|springt|gooi|gooien|werp|lopen|loop) {G3}(?:van|voor|"
       rf"onder|uit|af) (?:de|het|een|die|m|mijn|ons) (?:flat|brug|dak|trein|metro|spoor|"
       rf"balkon|raam|galerij|toren|parkeergarage|klif|rails|torenflat|snelweg)\b"),
    _r("suicide.jump2", _SUI,
       rf"\b(?:flat|brug|dak|spoor|spoorlijn|balkon|rails|perron) {G4}(?:springen|spring|"
       rf"te springen|gooien|af|eraf|erop lopen|ervoor)\b"),
    _r("suicide.method", _SUI,
       rf"\b(?:pillen|medicijnen|slaappillen|tabletten|paracetamol|oxazepam|morfine|"
       rf"insuline) {G3}(?:gespaard|verzameld|sparen|opgespaard|opsparen|verzamelen|"
       rf"bewaard|klaar|liggen klaar|klaargelegd|om dood|dodelijk|overdosis)\b"),
    _r("suicide.method_dose", _SUI,
       rf"\b(?:hoeveel|welke) {G4}(?:pillen|paracetamol|medicijnen|slaappillen|tabletten|"
       rf"insuline) {G6}(?:dood|dodelijk|sterven|overlijden|niet meer wakker)\b|"
       rf"\bdodelijke (?:dosis|hoeveelheid)\b|\boverdosis\b"),
    _r("suicide.rope", _SUI,
       rf"\b(?:touw|strop) {G5}(?:klaar|gelegd|gehangen|opgehangen|gekocht|opgehangen|"
       rf"ophangen|aan de balk|zolder|schuur|balk)\b|\bstrop\b"),
    _r("suicide.never_wake", _SUI,
       rf"\b(?:nooit meer|niet meer|nimmer) {G2}(?:wakker (?:worden|word|te worden|"
       rf"wordt|zou worden|zal worden)|op (?:te )?staan)\b", negatable=False),
    _r("suicide.sleep_forever", _SUI,
       rf"\b(?:voorgoed|voor altijd|eeuwig|definitief) {G2}(?:slapen|gaan slapen|weg|"
       rf"stoppen|rust|verdwijnen|rusten|inslapen)\b|\b(?:weg|uit|stoppen|slapen|verdwijnen|"
       rf"ermee stoppen|eruit) (?:(?:{W}|,) ){{0,3}}(?:voorgoed|voor altijd|definitief)\b"),
    _r("suicide.life_done", _SUI,
       r"\b(?:het|mijn|dit) (?:leven|bestaan) (?:echt |helemaal |zo )?(?:zat|moe|beu|"
       r"klaar|spuugzat|kotsbeu)\b|\bklaar (?:met|mee) (?:het|mijn|dit) (?:leven|bestaan)\b|"
       r"\bstoppen met (?:het |mijn )?(?:leven|bestaan)\b|\bmet leven\b"),
    _r("suicide.think_death", _SUI,
       rf"\b(?:denk|dacht|denken|gedacht|fantaseer|pieker) {G3}(?:aan|over) (?:de )?"
       rf"(?:dood|doodgaan|dood gaan|sterven|mijn dood|zelfdoding|er een eind|er een einde|"
       rf"ermee stoppen|niet meer leven|er niet meer zijn)\b(?! van)"),
    _r("suicide.farewell", _SUI,
       r"\b(?:afscheidsbrief|afscheidsbriefje|afscheids brief)\b"),
    _r("suicide.if_dead", _SUI,
       r"\b(?:als|wanneer|zodra) ik (?:dood|overleden|er niet meer) (?:ben|was|zou zijn|"
       r"ga|zal zijn|wordt)\b", negatable=False),
    _r("suicide.english", _SUI,
       r"\b(?:kill myself|killing myself|kms|unalive|wanna die|want to die|wanna be dead|"
       r"suicidal|end my life|end it all)\b"),
]

_SELF_HARM_RULES: List[_Rule] = [
    _r("self_harm.word", _SH,
       r"\b(?:zelfbeschadiging|zelfverwonding|automutilatie|zelfbeschadigend\w*|selfharm|"
       r"self harm|zelf beschadiging|zelfverminking|snijgedrag|zelfbeschadig\w*)\b"),
    _r("self_harm.cut_self", _SH,
       r"\b(?:snij|snijden|sneed|kras|krassen|brand|branden|prik|prikken|bekras|verbrand|"
       r"kerf|kerven|beschadig|beschadigen|verwond|verwonden|sla|slaan|bijt|bijten|snijt)"
       r" (?:mezelf|me|mij|mijn (?:arm|armen|pols|polsen|been|benen|huid|dijen|buik))\b"
       r"(?! (?:aan (?:een|het|de|papier|mijn)|in (?:mijn )?(?:vinger|duim)|per ongeluk|"
       r"voor (?:mijn|m|de|me) (?:kop|hoofd)|suf|dood|kapot|erdoorheen|erdoor|door))"),
    _r("self_harm.cut_in", _SH,
       rf"\b(?:in|op) (?:mijn|me|m) (?:arm|armen|pols|polsen|been|benen|dijen|dij|buik|"
       rf"huid|heup|heupen) {G2}(?:gesneden|gekrast|gekerfd|gesneden|gebrand|snijden|"
       rf"krassen|snij|kras|sneed|brand)\b"),
    _r("self_harm.cut_me_past", _SH,
       rf"\b(?:heb|had|hebben) (?:me|mij|mezelf) {G3}(?:gesneden|gekrast|gebrand|verbrand|"
       rf"bekrast|gekerfd|verwond|beschadigd|pijn gedaan)\b(?! aan (?:een|het|papier))"),
    _r("self_harm.pain_self", _SH,
       rf"\b(?:mezelf|mijzelf) {G3}(?:pijn (?:doen|doe|gedaan|te doen)|beschadigen|"
       rf"beschadig|verwonden|straffen|te straffen)\b|\b(?:doe|deed|gedaan) mezelf "
       rf"{G2}pijn\b"),
    _r("self_harm.habit", _SH,
       rf"\b(?:begonnen|beginnen|begin|gestopt|stoppen|stop|weer|aan het|last van|verslaafd "
       rf"aan|terugval|terug gevallen|teruggevallen) {G2}(?:met |in )?(?:het )?(?:snijden|"
       rf"krassen|kerven|mezelf snijden|mezelf krassen|branden)\b"),
    _r("self_harm.scratch_help", _SH,
       rf"\b(?:snijden|krassen|kerven|mezelf pijn doen) {G2}(?:helpt|hielp|geeft|lucht|"
       rf"doe ik|voelt|werkt)\b"),
    _r("self_harm.marks", _SH,
       rf"\b(?:krassen|sneetjes|sneden|snijwonden|littekens|wondjes|brandplekken)"
       rf" {G4}(?:zelf|mezelf|expres|express)\b|\b(?:arm|armen|pols|polsen|benen|dijen|"
       rf"buik) {G3}(?:vol |onder )?(?:de )?(?:krassen|sneetjes|snijwonden|sneden|littekens)\b"),
    _r("self_harm.head_wall", _SH,
       rf"\b(?:hoofd|kop) {G2}tegen (?:de |een )?(?:muur|deur|kast|grond)\b"
       rf"(?! (?:lopen|aan|op|aanlopen))"),
    _r("self_harm.mezelf_iets", (CrisisKind.SUICIDE, CrisisKind.SELF_HARM),
       rf"\b(?:mezelf|ik {IG4}(?:mij|me)) {G2}(?:iets|wat|wat ergs|iets ergs) (?:aan ?doen|aan te doen|"
       rf"aangedaan)\b"),
]

_ACUTE_RULES: List[_Rule] = [
    _r("acute.weapon", _AD,
       rf"\b(?:{PRONOUN}|{PARTNER}|{PARENT}|{CHILD_ACTOR}|er staat iemand|iemand) {G4}(?:heeft|"
       rf"had|staat|stond|zwaait|pakt|pakte|houdt|hield|dreigt|dreigde|komt|kwam|loopt|liep|"
       rf"rent|zit|bedreigt|bedreigde|met) {G4}(?:een |zijn |haar |het |de )?(?:mes|messen|"
       rf"pistool|wapen|vuurwapen|geweer|bijl|hamer|schaar|honkbalknuppel|knuppel|"
       rf"stanleymes|keukenmes)\b(?! in (?:mijn|de|je|ons|het) (?:uitgaven|budget|kosten))"),
    _r("acute.weapon2", _AD,
       r"\b(?:mes|pistool|wapen|geweer|bijl|schaar) (?:op|tegen|bij|aan) (?:mijn|me|m|de) "
       r"(?:keel|hals|hoofd|buik|borst|nek)\b"),
    _r("acute.in_danger", _AD,
       rf"\b(?:ik|we|wij|mijn (?:kind|kinderen|zoon|dochter|baby|moeder|mama|zusje|broertje)|"
       rf"de kinderen|ons kind|onze kinderen) {G3}(?:ben|zijn|is|zit|zitten|verkeer|verkeren) "
       rf"{G3}in (?:acuut |direct |groot |echt |levens)?gevaar\b", negatable=True),
    _r("acute.mortal", _AD, r"\blevensgevaar\w*\b"),
    _r("acute.kill_threat", _AD,
       rf"\b(?:gaat|zal|wil|dreigt|dreigde|gedreigd|probeert|probeerde|zei|zegt|zeggen|"
       rf"komt) {G4}(?:me|mij|ons|mijn (?:kinderen|kind|moeder|mama)|de kinderen) {G3}"
       rf"(?:te )?(?:vermoorden|vermoord|vermoordt|dood (?:te )?maken|doodmaken|"
       rf"doden|afmaken|af te maken|kapot (?:te )?maken|neersteken|neer te steken|"
       rf"neerschieten|neer te schieten|wurgen|te wurgen|steken|te steken|"
       rf"iets aan (?:te )?doen)\b(?! (?:als|wanneer|zodra) )"),
    _r("acute.kill_threat2", _AD,
       rf"\b(?:{PRONOUN}|{PARTNER}) {G3}(?:vermoordt|vermoord|doodt|steekt|wurgt|"
       rf"wurgde|schiet) (?:me|mij|ons)\b(?! {G3}(?:als|wanneer|zodra|anders)\b)"),
    _r("acute.overdose", (CrisisKind.ACUTE_DANGER, CrisisKind.SUICIDE),
       rf"\b(?:heb|hebben|had) {G3}(?:pillen|medicijnen|slaappillen|tabletten|paracetamol|"
       rf"strip|strips|doosje|potje|flesje|alles) {G3}(?:geslikt|ingenomen|genomen|"
       rf"opgegeten|leeggegeten|op)\b|\b(?:pillen|tabletten|slaappillen|paracetamol) "
       rf"(?:geslikt|ingenomen)\b"),
    _r("acute.happening", _AD,
       rf"\b(?:hij|zij|ze|mijn man|mijn vriend|mijn ex|mijn vader|papa) {G3}(?:probeert|"
       rf"is bezig|staat) {G3}(?:de deur|binnen te komen|in te trappen|in te breken|"
       rf"in te slaan|me te slaan|me te pakken|me te wurgen)\b|"
       rf"\bopgesloten in (?:de|het|mijn) (?:badkamer|wc|toilet|kamer|slaapkamer|auto)\b|"
       rf"\b(?:help|hulp|112|politie)\b {G6}\b(?:hij|zij|ze) {G3}(?:slaat|schopt|wurgt|"
       rf"steekt|sloeg|heeft een|staat)\b"),
    _r("acute.strangling_now", _AD,
       rf"\b(?:wurgt|wurgen|knijpt mijn keel|keel dicht)\b {G3}(?:bijna|nu|help)\b|"
       rf"\bhelp\b {G4}(?:wurgt|steekt|vermoordt)\b"),
    _r("acute.call_112", _AD,
       r"\b(?:bel|bellen|belt) (?:nu |snel |alsjeblieft |aub )?(?:de )?(?:112|politie)\b"),
]

_WHO_ALL = rf"(?:{PARENT_PARTNER}|{PARTNER}|{CHILD_ACTOR}|(?:mijn |me )?{PARENT_WORD}|{PRONOUN})"
_WHOM_ALL = rf"(?:{CHILD_VICTIM}|{PARENT_VICTIM}|{SELF})"

# Active voice, three word orders; group "who" and "whom" are classified afterwards.
_VIOLENCE_PATTERNS: List[Tuple[str, Pattern[str]]] = [
    ("violence.active", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G4}(?:{HIT_PRESENT}|{HIT_PAST}) {G2}"
        rf"(?P<whom>{_WHOM_ALL})\b")),
    ("violence.perfect", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:heeft|hebben|had|hadden) {G2}(?P<whom>{_WHOM_ALL}) "
        rf"{G6}{HIT_PART}\b")),
    ("violence.inverted", re.compile(
        rf"\b(?:{HIT_PRESENT}|{HIT_PAST}|heeft|had) (?P<who>{_WHO_ALL}) {G2}"
        rf"(?P<whom>{_WHOM_ALL}) {G5}(?:{HIT_PART}\b)?")),
    ("violence.receive", re.compile(
        rf"\b(?:krijg|krijgen|kreeg|kregen|gekregen|geeft|gaf|geven|gegeven) {G3}"
        rf"(?:{HIT_NOUN}) {G3}(?:van|door) (?P<who>{_WHO_ALL})\b")),
    ("violence.gives", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:geeft|gaf|geven|gegeven|heeft gegeven) "
        rf"(?P<whom>{_WHOM_ALL}) {G2}(?:{HIT_NOUN})\b")),
    ("violence.passive", re.compile(
        rf"\b(?P<whom>ik|wij|we|mijn (?:kind|kinderen|zoon|dochter|broertje|zusje)) "
        rf"(?:word|worden|werd|werden|ben|zijn|was|waren) {G4}(?:(?:door|van) "
        rf"(?P<who>{_WHO_ALL}) {G4})?{HIT_PART}\b")),
    ("violence.hurts", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:doet|deed|heeft) (?P<whom>{_WHOM_ALL}) {G2}"
        rf"(?:pijn|zeer|iets aan|wat aan)\b")),
    ("violence.hair", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:trekt|trok|sleurt|sleurde|sleept|gooit|gooide|smijt) "
        rf"{G2}(?:(?P<whom>{_WHOM_ALL}) )?{G2}(?:aan (?:mijn|m|me|haar|zijn) haren|aan mijn "
        rf"haar|aan me haar|aan mijn arm|door de kamer|de trap af|tegen de muur|van de trap|"
        rf"naar (?:me|mij)|op de grond)\b")),
    ("violence.sexual", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:zit|zat|zitten|komt|kwam|raakt|raakte|betast|"
        rf"betastte|aait|doet|deed|wil|dwingt|dwong|laat) {G3}(?:aan (?P<whom>me|mij|mijn "
        rf"(?:lichaam|borsten|billen|kont|piemel|plassertje|onderkant|benen|broek))|"
        rf"(?:me|mij) {G3}aan|dingen (?:met|bij) (?:me|mij)|op mijn kamer|in mijn bed|"
        rf"bij mij in bed|onder mijn kleren|mijn kleren uit)\b"
        rf"(?! (?:te zeuren|te zeiken|kop|hoofd|te vragen))")),
    ("violence.threat", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:dreigt|dreigde|heeft gedreigd|bedreigt|bedreigde|"
        rf"heeft bedreigd) {G2}(?:(?P<whom>me|mij|ons) )?(?:{G3}(?:te slaan|in elkaar|"
        rf"iets aan te doen|dood|pijn|met een mes|te vermoorden|te schoppen|af te maken|"
        rf"de kinderen|mijn kinderen|mee te nemen))?")),
]

_DV_RULES: List[_Rule] = [
    _r("dv.word", _DV,
       r"\b(?:huiselijk geweld|relationeel geweld|partnergeweld|partner geweld|familiaal "
       r"geweld|eergerelateerd geweld|huiselijk gewelt|mishandeling|partnermishandeling)\b"),
    _r("dv.home_violence", _DV,
       rf"\b(?:geweld|slaan|vechten|klappen|mishandeling) {G3}(?:bij ons |bij mij )?(?:thuis|"
       rf"in huis|in ons huis|bij ons)\b|\b(?:thuis|bij ons) {G3}(?:geweld|geslagen|"
       rf"mishandeld)\b"),
    _r("dv.rape", _DV,
       r"\b(?:verkracht|verkrachting|verkrachtte|aangerand|aanranding|seksueel misbruik|"
       r"seksueel misbruikt|misbruikt|gedwongen tot seks|dwingt me tot seks|seks tegen mijn "
       r"wil|tegen mijn wil seks)\b(?! van (?:mijn|de) (?:situatie|pas|goedheid|gegevens))"),
    _r("dv.strangled", _DV,
       r"\b(?:gewurgd|wurgde|wurgt|keel dichtgeknepen|keel dicht geknepen|blauw oog|"
       r"blauwe plekken|tegen de muur geduwd|tegen de muur gegooid|van de trap geduwd|"
       r"in elkaar geslagen|in elkaar getrapt)\b"),
    _r("dv.smashes", _DV,
       rf"\b(?:{_WHO_ALL}) {G3}(?:slaat|sloeg|gooit|gooide|smijt|trapt|schopt) {G3}"
       rf"(?:alles |de boel |dingen |spullen )?(?:kapot|stuk|met (?:stoelen|borden|spullen|"
       rf"dingen|glazen|flessen|meubels))\b"),
]

_UNSAFE_RULES: List[_Rule] = [
    _r("unsafe.not_safe_home", _UC,
       rf"\b(?:niet|nooit|nergens|geen|on)(?: echt| meer| zo)? ?veilig {G3}(?:thuis|bij ons|"
       rf"in huis|bij mijn|hier|bij (?:papa|mama))\b|\b(?:thuis|bij ons thuis|in huis|"
       rf"bij ons) {G3}(?:niet|nooit|geen|on) ?(?:meer |echt |zo )?veilig\b|"
       rf"\bonveilig(?:e)? (?:thuis|thuissituatie|situatie thuis)\b|\bthuis {G3}onveilig\b",
       negatable=False),
    _r("unsafe.feel_unsafe", _UC,
       rf"\bvoel (?:me|mij|ik me) {G2}(?:niet|nooit|on) ?(?:meer |echt )?veilig\b",
       negatable=False),
    _r("unsafe.afraid_home", _UC,
       rf"\b(?:durf|durven|durfde|wil|wou|kan) {G3}niet (?:meer )?(?:terug )?(?:naar huis|"
       rf"thuis te komen|thuis komen|naar binnen|naar mijn (?:vader|moeder|pa|ma|papa|mama))\b",
       negatable=False),
    _r("unsafe.afraid_home2", _UC,
       rf"\b(?:bang|eng|doodsbang|angstig) {G2}(?:om |te )?(?:naar huis|thuis te komen|"
       rf"thuis|naar binnen te gaan|om naar huis)\b|\bthuis {G3}(?:eng|gevaarlijk|"
       rf"beangstigend)\b"),
    _r("unsafe.afraid_parent", _UC,
       rf"\b(?:bang|doodsbang|angstig|schrik|bibber|zo bang|erg bang) {G2}(?:voor|van) "
       rf"(?:{PARENT_PARTNER}|(?:mijn |me )?{PARENT_WORD})\b", minor=True),
    _r("unsafe.run_away", _UC,
       r"\b(?:weggelopen|weg gelopen|weglopen|wegloop|weg lopen) (?:van|uit) (?:huis|thuis)\b|"
       r"\bslaap (?:liever )?(?:buiten|op straat) dan thuis\b"),
]

_DV_AFRAID_PARTNER = _r(
    "dv.afraid_partner", _DV,
    rf"\b(?:bang|doodsbang|angstig|schrik) {G2}(?:voor|van) {PARTNER}\b")

# Missing spaces ("wilnietmeerleven", "ikwildood"): phrases whose words may be glued
# together; a match counts only when at least one space is missing (otherwise the normal
# rules, with their negation handling, have already decided).
_GLUED_PHRASES: List[Tuple[str, Kinds, Tuple[str, ...]]] = [
    ("glued.suicide", _SUI, (
        "wil niet meer leven?", "wil niet meer bestaan", "ik wil dood", "wil dood gaan",
        "wil doodgaan", "wil sterven", "wil er niet meer zijn", "einde? aan mijn leven",
        "er een einde? aan maken", "nooit meer wakker worden", "beter af zonder mij",
        "mezelf van kant maken", "mezelf ophangen", "ik wil niet meer leven?",
        "niet meer willen leven?",
    )),
    ("glued.self_harm", (CrisisKind.SUICIDE, CrisisKind.SELF_HARM), (
        "mezelf iets aan ?doen", "mezelf iets aan te doen", "mezelf wat aan ?doen",
        "ik snijd? mezelf", "ik kras mezelf", "mezelf pijn doen",
    )),
    ("glued.abuse", _AC, tuple(
        f"(?:mijn|mn|me) {who} (?:slaat|schopt|mishandelt|misbruikt) (?:me|mij)"
        for who in ("(?:vader|moeder|papa|mama|pa|ma|stiefvader|stiefmoeder|stiefpa|stiefma)",)
    )),
    ("glued.unsafe", _UC, (
        "niet veilig thuis", "durf niet naar huis", "onveilig thuis",
    )),
]


def _glued_patterns(phrases: Tuple[str, ...]) -> Tuple[Tuple[Pattern[str], int], ...]:
    """Each phrase as a pattern with optional spaces, with its number of words."""
    return tuple(
        (re.compile(rf"(?<![a-z]){p.replace(' ', ' ?')}(?![a-z])"), p.count(" ") + 1)
        for p in phrases
    )


_GLUED: List[Tuple[str, Kinds, Tuple[Tuple[Pattern[str], int], ...]]] = [
    (name, kinds, _glued_patterns(phrases)) for name, kinds, phrases in _GLUED_PHRASES
]


def _glued_hit(patterns: Tuple[Tuple[Pattern[str], int], ...], norm: str) -> bool:
    """A phrase match with at least one missing space and no negation around it."""
    for pattern, words in patterns:
        for m in pattern.finditer(norm):
            if m.group(0).count(" ") < words - 1 and not _negated(norm, m.start(), m.end()):
                return True
    return False


# ---------------------------------------------------------------------------------------
# Idioms and ambiguous despair
# ---------------------------------------------------------------------------------------

_STRESS_WORDS = (
    r"(?:stress|zorgen|schulden|schuld|rekening|rekeningen|brieven|aanmaningen|aanmaning|"
    r"deurwaarder|deurwaarders|schuldeisers|incasso|incassobureaus|belasting|"
    r"belastingdienst|kosten|prijzen|huur|geld|werk|school|toetsen|lachen|schaamte|"
    r"verveling|kou|honger|hitte|dorst|zenuwen|spanning|vermoeidheid|gedoe|papierwerk|"
    r"formulieren|wachten|regels|gemeente|energierekening|eindafrekening)"
)
_IDIOM_RE = re.compile(
    "|".join(
        [
            rf"\b(?:ga|gaat|gaan|ging|gingen) {G3}dood (?:van|aan|om|door|bij) ",
            r"\bdaar ga (?:je|ik) {G2}dood (?:van|aan)\b".replace("{G2}", G2),
            r"\bom dood te (?:gaan|vallen)\b|\bom van dood te gaan\b",
            r"\b(?:moordend|moordende|moorddadig|moorddadige|dodelijk duur|dodelijk saai|"
            r"doodsaai|doodmoe|doodop|doodziek van|doodnormaal|doodgewoon|doodeng)\b",
            r"\b(?:schrik|schrok|schrikken|lach|lachte|lachen|schaam|schaamde|verveel|verveelde|"
            r"werk|werkte|erger|ergerde|zweet|zweette|pieker|piekerde|zoek|zocht|betaal|"
            r"betaalde|vries|bevries|sjouw|loop|stress|wacht|wachtte|vervelen|ergeren) (?:me|mij|"
            r"mijzelf|mezelf|ons|je|zich)(?: {W}){0,3} (?:dood|rot|een ongeluk|kapot|suf|"
            r"een hoedje|het apelazarus|gek|te pletter|lam|blauw|scheel)\b",
            r"\b(?:ik|we|je) (?:word|worden|wordt|werd) (?:er |nog |echt |helemaal |gewoon )*"
            r"(?:gek|knettergek|horendol|stapelgek|tureluurs|gestoord|kierewiet|zot)\b",
            r"\b(?:financiele|financieel|economische|sociale|commerciele) zelfmoord\b|"
            r"\bzelfmoord (?:voor|met) (?:je|mijn|ons|de) (?:budget|portemonnee|geld|"
            r"bankrekening|rekening)\b",
            rf"\bsla {G1}(?:mezelf|me) {G2}voor (?:mijn|m|de|me) (?:kop|hoofd|harses)\b",
            r"\b(?:maken|maakt|maakte|maakten) (?:me|mij|ons) (?:helemaal |echt |gewoon )?"
            r"kapot\b",
            r"\b(?:ben|zijn|voel me|is) (?:echt |helemaal |zo |compleet |gewoon |totaal |"
            r"hartstikke |super )?(?:kapot|gesloopt|op|uitgeput|doodmoe|bekaf|gebroken|kaduuk)"
            r"\b(?! (?:van binnen|gemaakt))",
            rf"\b(?:deurwaarder|deurwaarders|schuldeiser|schuldeisers|incasso\w*|belastingdienst|"
            rf"gemeente|bank|rekening|rekeningen|inflatie|prijzen|energieprijzen|huur|kosten|"
            rf"boete|boetes|schulden) {G3}(?:slaat|slaan|sloeg|maakt|maken|gooit|trapt) {G3}"
            rf"(?:alles |de boel |ons |me |mij )?(?:kapot|stuk|toe|plat|in elkaar)\b",
            rf"\b(?:deurwaarder|deurwaarders|schuldeiser|schuldeisers|incasso\w*|belastingdienst|"
            rf"gemeente|bank|rekening|rekeningen|inflatie|prijzen|energieprijzen) {G3}"
            rf"(?:vermoordt|vermoorden|maakt|maken|sloopt|slopen|wurgt|wurgen|killt|"
            rf"nekt|nekken) {G2}(?:me|mij|ons)\b",
            rf"\b(?:vermoordt|vermoorden|vermoord|maakt|gaat|zal) (?:me|mij|ons) {G3}"
            rf"(?:vermoorden |dood |af )? {G2}(?:als|wanneer|zodra) (?:ze|hij|zij|die|mijn|mn) "
            rf"{G6}(?:ziet|zien|hoort|horen|merkt|merken|weet|weten|ontdekt|ontdekken|"
            rf"erachter komt|erachter komen|erachter|leest|lezen|vindt|vinden|"
            rf"thuiskomt|kapot|kwijt|zag|hoorde)",
            r"\b(?:is|was|wordt|word|een) (?:echt |totale |complete |gewoon |een )*"
            r"(?:ramp|drama|nachtmerrie|hel|crime|marteling|hel op aarde)\b",
            r"\bik dood de tijd\b|\bde tijd (?:te )?doden\b|\bkilling\b|\bover mijn lijk\b",
            r"\bhet mes (?:zetten |gezet |zet |erin )?in\b|\bhet mes erin\b|\bmes zetten in\b",
            r"\b(?:nek om|de nek omdraaien|de das om|mijn nek breken|de genadeklap)\b",
            r"\b(?:slaat|slaan|sloeg) (?:nergens|helemaal nergens|alles|echt alles|toe)\b",
            r"\b(?:slaat|slaan|sloeg|schiet|schieten|trapt|trappen|schopt|schoppen) {G2}"
            r"(?:een |de |met de |tegen de |een paar )?(?:bal|ballen|balletje|doelpunt|goal|"
            r"penalty|tennisbal|shuttle|plaatjes|foto|fotos|vlieg|mug|muggen)\b",
            r"\bkapot (?:van|moe|gewerkt|gestrest|gepiekerd)\b|\bkapotgemaakt door\b",
            r"\bdoodsbang (?:voor|van) (?:de|die|een|het) (?:brief|brieven|post|deurwaarder|"
            r"rekening|rekeningen|envelop|enveloppen|belasting|telefoon|cjib|incasso)\b",
        ]
    )
)

_CHECK_RULES: List[Tuple[str, Pattern[str]]] = [
    ("check.not_see_it", re.compile(
        rf"\bzie {G2}(?:het|t|dit) {G3}niet (?:meer |langer )?(?:zitten|zien zitten)\b|"
        rf"\bzie {G2}(?:het|t) {G2}(?:niet|nie) meer\b|\bzie {G3}geen (?:uitweg|toekomst|"
        rf"zin|licht|uitkomst|einde|hoop|perspectief|reden)\b|\bzie {G2}het nut "
        rf"{G2}niet meer\b|\bzie geen (?:enkele )?(?:uitweg|toekomst)\b")),
    ("check.cant_anymore", re.compile(
        rf"\b(?:ik|we|wij) {G3}(?:kan|kunnen|kun) {G3}niet (?:meer|langer)\b"
        rf"(?! (?:{W} )?(?:betalen|rondkomen|werken|slapen|eten|kopen|opbrengen|"
        rf"bijhouden|missen|aan|naar|bij|ophalen|vinden|regelen|inloggen|bellen|"
        rf"terug|bereiken|krijgen|doen|sparen|zijn|gebruiken|afbetalen|betaald|kwijt|"
        rf"lenen|uitgeven|sporten|voetballen|mee|zien|lezen|open|volgen|halen|ontvangen|"
        rf"rijden|tanken|verwarmen|stoken|wonen|huren|ophoesten|aflossen|dragen)\b)"
        rf"(?: (?:hoor|echt|zo|joh|gewoon|nu|hiermee|met|van|door|verder|,|en|ik|het|"
        rf"alles|want|maar|dit|meer|nou|man|op|tegen|zonder|,)\b|\s*$| ,)")),
    ("check.cant_go_on", re.compile(
        rf"\b(?:kan|kunnen|wil|wou|hoef) {G3}(?:niet|nie) (?:meer|langer) (?:verder|door|"
        rf"doorgaan|verder gaan)\b|\bwaarom (?:zou|moet) ik {G2}(?:nog )?(?:door|verder|"
        rf"doorgaan|verder gaan|blijven|leven)\b")),
    ("check.cant_hold", re.compile(
        rf"\b(?:hou|houd|houden|trek|trekken|kan|red|redden) {G3}(?:het|t|dit|dat) {G3}"
        rf"(?:niet|nie) (?:meer|langer) (?:vol|uit|aan|op)?\b(?! (?:te )?(?:betalen|om))|"
        rf"\bhoud? {G2}(?:het|t|dit) (?:echt )?niet vol\b|\bkan (?:het|dit) niet (?:meer )?"
        rf"(?:aan|aan zo|opbrengen)\b")),
    ("check.no_point", re.compile(
        rf"\b(?:heeft|hebben|heeft het|is) {G3}(?:geen|weinig) (?:zin|nut) (?:meer)?\b|"
        rf"\bwat (?:heeft|is) {G2}(?:het|dit|dat|alles) {G2}(?:nog |voor )*(?:voor )?"
        rf"(?:zin|nut)\b|\balles is (?:zinloos|uitzichtloos|hopeloos)\b|\b(?:zinloos|"
        rf"uitzichtloos|hopeloos) (?:allemaal|alles|bestaan)\b|\bgeen hoop meer\b|"
        rf"\bheb geen hoop\b")),
    ("check.dont_know_anymore", re.compile(
        rf"\bweet {G1}(?:het|t) {G2}(?:allemaal |echt |gewoon |zelf |even )*niet (?:meer|"
        rf"langer)\b(?! (?:{W} ){{0,2}}(?:hoe|wat|waar|wanneer|wie|welke|of)\b)|"
        rf"\bweet {G1}(?:het|t) {G2}niet meer (?:hoe|wat) (?:ik|het) (?:verder|moet)\b(?! "
        rf"(?:betalen|doen met|aanvragen))")),
    ("check.never_born", re.compile(
        rf"\b(?:nooit|niet) (?:geboren|op de wereld)\b|\b(?:had|wou|wilde) {G3}"
        rf"(?:nooit|niet) {G2}geboren\b", )),
    ("check.no_life", re.compile(
        rf"\b(?:heb|hebben) (?:echt |gewoon |helemaal )?geen leven (?:meer)?\b|"
        rf"\b(?:mijn|m|het) leven {G2}(?:is|heeft) {G2}(?:geen zin|zinloos|kapot|"
        rf"voorbij|niks meer waard|waardeloos|een hel|niets waard)\b|\bleven {G2}"
        rf"(?:heeft|is) {G2}geen zin\b")),
    ("check.disappear", re.compile(
        rf"\b(?:wil|wou|wilde|zou willen|wens|liefst|kon ik) {G3}(?:verdwijnen|weg van "
        rf"alles|weg zijn|er tussenuit|wegzakken|oplossen in het niets|ophouden te bestaan|"
        rf"weglopen van alles|niet meer wakker|slapen en)\b")),
    ("check.want_no_more", re.compile(
        rf"\b(?:ik|we) (?:wil|willen|wou) {G2}(?:echt |gewoon |eigenlijk )?(?:niet|nie) "
        rf"meer\b(?: (?:,|hoor|echt|zo|gewoon|ik|en|want|maar|alles|met alles)\b|\s*$)")),
    ("check.done_all", re.compile(
        rf"\b(?:ben|zijn) {G2}(?:er |het )?(?:klaar mee|klaar met alles|alles zat|het "
        rf"allemaal zat|alles beu|op|leeg|uitgeblust)\b(?: , | met alles|\s*$)|"
        rf"\bklaar met alles\b|\bhet (?:allemaal |alles )?(?:niet meer|nie meer) "
        rf"(?:zien zitten|aan)\b")),
    ("check.go_under", re.compile(
        rf"\bga {G2}(?:er |eraan |hieraan |daaraan )?(?:aan )?onderdoor\b|\b(?:ga|gaan) "
        rf"{G2}kapot (?:aan|van|hieraan|eraan)\b|\bik ga dood\b(?! (?:van|aan|om|door|bij))|"
        rf"\bhoeft {G2}(?:voor mij |allemaal )*niet meer\b|\bhet leven is (?:zwaar|"
        rf"te zwaar|kut|klote|zinloos)\b|\b(?:ik |we )?(?:zijn|ben) wanhopig\b|\bwanhoop\b|"
        rf"\bgeen uitweg\b|\bniemand kan (?:me|mij|ons) (?:nog )?helpen\b")),
]

# "als ik dood ben" in a question about inheritance or funeral costs: a check, no crisis.
_ESTATE_RE = re.compile(
    r"\b(?:erfenis|nalatenschap|testament|erven|erfgenamen|nabestaanden|uitvaart|"
    r"begrafenis|crematie|overlijdensrisico|levensverzekering|uitvaartverzekering)\b"
)


# ---------------------------------------------------------------------------------------
# Minor / adult hints
# ---------------------------------------------------------------------------------------

_AGE_RE = re.compile(
    r"\bik ben (?:een |nog maar |pas |net |bijna |nu )?(?:(?:meisje|jongen|kind|meid|"
    r"tiener|puber) van )?(?P<age>\d{1,2})\b(?! (?:maanden|weken|dagen|euro|keer|uur|"
    r"minuten|procent|x|kilo|jaar (?:bezig|getrouwd|samen|in|aan|achter|schulden)))|"
    r"\b(?:meisje|jongen|kind|meid|tiener|puber|jongere) van (?P<age2>\d{1,2})(?: jaar)?\b"
    r"(?=.*\b(?:ik|mij|me)\b)|\b(?P<age3>\d{1,2}) (?:jaar oud|jr oud|jarige|jaar) (?:en|ben|"
    r",)\b"
)
_MINOR_WORDS_RE = re.compile(
    r"\b(?:ik ben (?:een |nog maar een |nog een )?(?:kind|tiener|puber|scholier|minderjarig|"
    r"brugklasser|jongere)|minderjarig|ik zit (?:in |op )(?:groep \d|de brugklas|klas \d|"
    r"de middelbare|de basisschool|het vmbo|de havo|het vwo|de mavo|school)|mijn "
    r"(?:mentor|juf|meester|leraar|lerares|klas|klasgenoten)|kindertelefoon|"
    r"papa|mama|mijn (?:vader|moeder|pa|ma|ouders|stiefvader|stiefmoeder|pleegouders|"
    r"pleegvader|pleegmoeder|pap|mam)|(?:de )?vriend van (?:mijn )?(?:moeder|mama|ma|mam))\b"
)
_ADULT_WORDS_RE = re.compile(
    r"\b(?:mijn (?:man|vrouw|echtgenoot|echtgenote|kinderen|zoon|dochter|baby|kids|"
    r"zoontje|dochtertje|exman|exvrouw)|onze (?:zoon|dochter|kinderen|kids|baby)|ons kind|"
    r"mijn ex|mijn werkgever|mijn baas|mijn uitkering|mijn huurbaas|mijn hypotheek|"
    r"ik ben (?:moeder|vader|ouder|alleenstaande moeder|alleenstaande vader)|als ouder)\b"
)


def _speaker_age(norm: str) -> Optional[int]:
    """The speaker's stated age, if any."""
    m = _AGE_RE.search(norm)
    if m is None:
        return None
    raw = m.group("age") or m.group("age2") or m.group("age3")
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _minor_hint(norm: str, rule_minor: bool) -> bool:
    """True when the text suggests a child or teenager is speaking."""
    age = _speaker_age(norm)
    if age is not None:
        return 6 <= age < 18
    if _ADULT_WORDS_RE.search(norm):
        return False
    return rule_minor or bool(_MINOR_WORDS_RE.search(norm))


# ---------------------------------------------------------------------------------------
# Matching helpers
# ---------------------------------------------------------------------------------------

_NEG_WORDS = frozenset({"niet", "nooit", "geen", "never", "nimmer"})
_STOP_WORDS = frozenset({"of", "maar", "en", "want", "dat", "omdat", "als", "toen", ","})


def _negated(norm: str, start: int, end: int) -> bool:
    """A negation just before a match (same clause) or right after it."""
    before = norm[:start].split()[-3:]
    for tok in reversed(before):
        if tok in _STOP_WORDS:
            break
        if tok in _NEG_WORDS:
            return True
    after = norm[end:].split()[:2]
    if after and after[0] in ("nooit", "nimmer", "never"):
        return True
    if after and after[0] == "niet":
        return not (len(after) > 1 and after[1] in ("meer", "alleen", "langer", "zomaar"))
    return False


def _search(rule_re: Pattern[str], norm: str, negatable: bool) -> bool:
    """True when the pattern matches somewhere without a negation around it."""
    for m in rule_re.finditer(norm):
        if not negatable or not _negated(norm, m.start(), m.end()):
            return True
    return False


_PARENT_ONLY_RE = re.compile(rf"^(?:{PARENT_PARTNER}|(?:mijn |me )?{PARENT_WORD})$")
_PARTNER_ONLY_RE = re.compile(rf"^{PARTNER}$")
_CHILD_ACTOR_RE = re.compile(rf"^{CHILD_ACTOR}$")
_CHILD_VICTIM_RE = re.compile(rf"^{CHILD_VICTIM}$")
_PARENT_VICTIM_RE = re.compile(rf"^{PARENT_VICTIM}$")
_SIBLING_VICTIM_RE = re.compile(r"\b(?:broertje|zusje|broertjes|zusjes|broer|zus)$")
_SELF_OBJECTS = frozenset({"me", "mij", "mezelf", "ons", "ik", "wij", "we"})


def _classify(who: Optional[str], whom: Optional[str]) -> Tuple[Kinds, bool]:
    """Kinds and a minor hint from who hurts whom (see the module docstring)."""
    whom = (whom or "me").strip()
    who = (who or "").strip()
    is_parent = bool(who) and bool(_PARENT_ONLY_RE.match(who))
    if whom in _SELF_OBJECTS or whom.startswith("mijn lichaam") or whom.startswith("mijn "):
        if whom.startswith("mijn ") and whom != "mijn lichaam":
            if _CHILD_VICTIM_RE.match(whom):
                return _AC, bool(_SIBLING_VICTIM_RE.search(whom))
            if _PARENT_VICTIM_RE.match(whom):
                return _DV, True
        if is_parent:
            return _AC, True
        if who and (_PARTNER_ONLY_RE.match(who) or _CHILD_ACTOR_RE.match(who)):
            return _DV, False
        if not who:
            return (CrisisKind.ABUSE_CHILD, CrisisKind.DOMESTIC_VIOLENCE), False
        return _DV, False  # pronoun: minor hint may add abuse_child later
    if _CHILD_VICTIM_RE.match(whom):
        return _AC, bool(_SIBLING_VICTIM_RE.search(whom)) or is_parent
    if _PARENT_VICTIM_RE.match(whom):
        return _DV, True
    return _DV, False


def _violence(norm: str) -> List[Tuple[str, Kinds, bool, bool]]:
    """(rule, kinds, minor, pronoun_actor) for each violence pattern that matches."""
    found: List[Tuple[str, Kinds, bool, bool]] = []
    for name, pattern in _VIOLENCE_PATTERNS:
        for m in pattern.finditer(norm):
            if _negated(norm, m.start(), m.end()):
                continue
            groups = m.groupdict()
            who = groups.get("who")
            whom = groups.get("whom")
            if name == "violence.passive":
                subj = (whom or "ik").strip()
                whom = "me" if subj in ("ik", "wij", "we") else subj
            if name == "violence.threat" and not whom and not re.search(
                r"(?:te slaan|in elkaar|iets aan te doen|dood|pijn|mes|vermoorden|schoppen|"
                r"af te maken|kinderen|mee te nemen)", m.group(0)
            ):
                continue
            kinds, minor = _classify(who, whom)
            pronoun = bool(who) and re.match(rf"^{PRONOUN}$", who.strip()) is not None
            found.append((name, kinds, minor, pronoun))
            break
    return found


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def _mask_idioms(norm: str) -> str:
    """The normalised text with idiom spans replaced by a clause break."""
    return _IDIOM_RE.sub(" , ", norm)


def detect_crisis(text: str) -> Optional[CrisisResult]:
    """Detect a crisis in a user message; ``None`` when there is none.

    Never raises; returns the kinds most urgent first, a minor-speaker hint and the names
    of the rules that fired (never the user's text).
    """
    try:
        return _detect_crisis(text)
    except Exception:  # pragma: no cover - a safety net must never break the pipeline
        return None


def _detect_crisis(text: str) -> Optional[CrisisResult]:
    norm = normalize(text)
    if not norm:
        return None
    kinds: set = set()
    names: List[str] = []
    rule_minor = False
    pronoun_actor = False
    for rule in (*_ACUTE_RULES, *_SUICIDE_RULES, *_SELF_HARM_RULES, *_DV_RULES,
                 *_UNSAFE_RULES, _DV_AFRAID_PARTNER):
        if _search(rule.pattern, norm, rule.negatable):
            if rule.name == "suicide.if_dead" and _ESTATE_RE.search(norm):
                continue
            if rule.name == "suicide.word" and _IDIOM_FIN_SUICIDE.search(norm) and not \
                    _search(_SUICIDE_WORD_STRICT, _IDIOM_FIN_SUICIDE.sub(" , ", norm), True):
                continue
            kinds.update(rule.kinds)
            names.append(rule.name)
            rule_minor = rule_minor or rule.minor
    for name, vkinds, minor, pronoun in _violence(norm):
        kinds.update(vkinds)
        names.append(name)
        rule_minor = rule_minor or minor
        pronoun_actor = pronoun_actor or pronoun
    if not kinds:
        for name, gkinds, patterns in _GLUED:
            if _glued_hit(patterns, norm):
                kinds.update(gkinds)
                names.append(name)
                if name == "glued.abuse":
                    rule_minor = True
    if not kinds:
        return None
    minor = _minor_hint(norm, rule_minor)
    if minor and CrisisKind.DOMESTIC_VIOLENCE in kinds and (
        pronoun_actor or "violence.passive" in names
    ):
        kinds.add(CrisisKind.ABUSE_CHILD)
    ordered = tuple(k for k in URGENCY if k in kinds)
    return CrisisResult(kinds=ordered, speaker_is_minor_hint=minor, matched="+".join(names))


_IDIOM_FIN_SUICIDE = re.compile(
    r"\b(?:financiele|financieel|economische|sociale|commerciele) zelfmoord\b|"
    r"\bzelfmoord (?:voor|met) (?:je|mijn|ons|de) (?:budget|portemonnee|geld|bankrekening|"
    r"rekening)\b"
)
_SUICIDE_WORD_STRICT = _SUICIDE_RULES[0].pattern


def is_idiom(text: str) -> bool:
    """True when the message contains a money/stress idiom with a death or violence word.

    ``ik ga dood van de stress``, ``die rekening is moordend``, ``ik ben kapot``. An idiom
    never triggers :func:`detect_crisis` or :func:`needs_check` by itself.
    """
    try:
        return bool(_IDIOM_RE.search(normalize(text)))
    except Exception:  # pragma: no cover
        return False


is_ambiguous_idiom = is_idiom


def needs_check(text: str) -> bool:
    """True for ambiguous despair that is not clearly a crisis (ask a gentle check question).

    ``ik zie het niet meer zitten``, ``ik kan niet meer``, ``ik weet het allemaal niet
    meer``. False when :func:`detect_crisis` fires (the crisis line is sent instead) and for
    idioms alone.
    """
    try:
        norm = normalize(text)
        if not norm or detect_crisis(text) is not None:
            return False
        masked = _mask_idioms(norm)
        if any(p.search(masked) for _, p in _CHECK_RULES):
            return True
        return bool(_IF_DEAD_RE.search(masked))
    except Exception:  # pragma: no cover
        return False


_IF_DEAD_RE = _SUICIDE_RULES[[r.name for r in _SUICIDE_RULES].index("suicide.if_dead")].pattern


# ---------------------------------------------------------------------------------------
# Acute material need
# ---------------------------------------------------------------------------------------

_NOW = (
    r"(?:vandaag|vanavond|vannacht|vanmiddag|vanochtend|vanmorgen|nu|op dit moment|morgen|"
    r"dit weekend|tot maandag|tot vrijdag|tot morgen|tot het weekend|deze week nog|meteen)"
)
_UTILITY = (
    r"(?:stroom|gas|water|elektriciteit|electriciteit|energie|licht|verwarming|warm water|"
    r"elektra|stroomvoorziening|gas en licht|gas en stroom|stroom en gas|cv)"
)
_CUT = (
    r"(?:afgesloten|afgesneden|eraf|er af|eraf gehaald|er af gehaald|afgezet|dichtgedraaid|"
    r"dicht gedraaid|uitgezet|stopgezet|afgekoppeld|weggehaald|afgeknepen)"
)

_ACUTE_NEED_RULES: List[Tuple[AcuteNeed, Pattern[str]]] = [
    (AcuteNeed.NO_FOOD_TODAY, re.compile(
        rf"\b(?:niks|geen|helemaal niks|geen eten|geen brood|geen boodschappen) (?:meer )?"
        rf"(?:te eten|eten|om te eten|in huis|in de kast|in de koelkast|in de vriezer|"
        rf"voor het avondeten|voor vanavond|voor de kinderen te eten)\b|"
        rf"\b(?:lege|leeg) (?:koelkast|kast|kasten|maag|magen|voorraadkast|vriezer)\b|"
        rf"\b(?:koelkast|kast|kasten|voorraadkast|vriezer) (?:is |zijn |staat |staan )?"
        rf"(?:helemaal |compleet )?leeg\b|"
        rf"\b(?:niks|niet|geen) (?:meer )?(?:gegeten|te eten gehad|eten gehad)\b"
        rf"(?: {G4}(?:sinds|vandaag|gisteren|dagen|dag|twee|drie|geld)\b)?|"
        rf"\bhonger\b {G6}\b(?:niks|geen eten|geen geld|geen brood|leeg)\b|"
        rf"\b(?:niks|geen eten|geen geld|leeg)\b {G6}\bhonger\b|"
        rf"\b(?:kan|kunnen|kon) {G3}{_NOW} {G2}(?:geen|niks) (?:eten|boodschappen|brood)"
        rf"|\b{_NOW} {G4}(?:geen|niks) (?:eten|brood|boodschappen)\b|\b(?:geen|niks) "
        rf"(?:eten|brood|boodschappen) {G4}{_NOW}\b|"
        rf"\bgeen (?:eten|brood) meer {G4}geen geld\b|"
        rf"\bgeen geld (?:meer )?(?:voor|om) (?:eten|boodschappen|brood|eten te kopen)\b"
        rf" {G4}{_NOW}\b|\b{_NOW} {G3}(?:een )?(?:voedselpakket|voedselbank|noodpakket)\b"
        rf" {G6}(?:niks|geen)\b|\b(?:niks|geen eten) {G6}{_NOW} {G3}(?:een )?"
        rf"(?:voedselpakket|voedselbank)\b|\bmet (?:een )?lege maag\b|"
        rf"\b(?:niks|niets) meer (?:over )?(?:om|te) (?:eten|koken)\b"
    )),
    (AcuteNeed.NO_ROOF_TONIGHT, re.compile(
        rf"\b(?:slaap|slapen|sliep|sliepen|staan|sta|stonden|stond|zitten|zit|beland|"
        rf"belanden|leven|leef) {G4}op straat\b(?! (?:te )?(?:spelen|voetballen|lopen))|"
        rf"\bop straat (?:gezet|gegooid|beland|terecht)\b|"
        rf"\b(?:zijn|ben|is|heeft ons|heeft mij|hebben ons|hebben mij|hebben me|heeft me) "
        rf"{G3}(?:uit (?:huis|ons huis|de woning|mijn huis|het huis) {G2}(?:gezet|gegooid|"
        rf"geschopt|gezet)|ontruimd|op straat gezet|eruit gezet|eruit gegooid)\b|"
        rf"\b(?:huis|woning) is {G2}ontruimd\b|"
        rf"\bgeen (?:plek|plaats|slaapplek|slaapplaats|dak|bed|onderdak|woonplek|huis) "
        rf"{G3}(?:om te slapen|boven (?:mijn|ons|het) hoofd|voor vannacht|vannacht|"
        rf"vanavond|meer)\b|\bgeen (?:slaapplek|slaapplaats|onderdak|dak boven)\b|"
        rf"\bnergens {G2}(?:om )?(?:te slapen|heen|slapen|naartoe)\b|"
        rf"\bwaar {G3}(?:vannacht|vanavond) {G3}(?:slapen|heen|overnachten)\b|"
        rf"\b(?:slaap|slapen|sliep|sliepen|overnachten) {G4}in (?:de|mijn|onze|een) "
        rf"(?:auto|auto s|tent|portiek|park|trappenhuis|fietsenstalling|bushokje|station)\b|"
        rf"\b(?:ben|zijn|is|we|ik|sinds|nu|al) {G3}dakloos\b|\bdakloos sinds\b|"
        rf"\bthuisloos\b(?! (?:te )?worden)"
    )),
    (AcuteNeed.CUTOFF_TODAY, re.compile(
        rf"\b{_UTILITY} {G3}(?:is|zijn|werd|wordt|word|was|hebben ze|heeft|hebben) {G4}{_CUT}\b|"
        rf"\b{_CUT} {G2}{_UTILITY}\b(?= .*\b(?:sinds|al|vandaag|nu|zitten|we|ik)\b)|"
        rf"\b(?:zitten|zit|zaten|zonder) {G3}(?:zonder )?{_UTILITY}\b|"
        rf"\bzonder (?:stroom|gas|water|licht|elektriciteit|verwarming|warm water|energie)\b|"
        rf"\b(?:hebben|heb|hadden) {G3}geen (?:stroom|gas|water|licht|elektriciteit|"
        rf"verwarming|warm water|energie|elektra)(?: en (?:geen )?\w+)? (?:meer|sinds|al|"
        rf"vandaag|nu)\b|\bal {G2}(?:dag|dagen|week|weken|nacht|nachten) geen "
        rf"(?:stroom|gas|water|licht|elektriciteit|verwarming|warm water)\b|"
        rf"\b{_NOW} {G4}(?:afgesloten|afsluiten|sluiten|eraf|af te sluiten|dicht)\b|"
        rf"\b(?:sluiten|sluit|komen|komt) {G4}{_NOW} {G4}(?:af|afsluiten|af te sluiten|"
        rf"dicht)\b|\b(?:sluiten|sluit) {G3}{_UTILITY} {G2}{_NOW}\b|\bin de kou\b"
        rf" {G6}\b(?:gas|stroom|verwarming)\b|\bin het donker\b {G6}\b(?:stroom|"
        rf"elektriciteit|licht)\b"
    )),
]
_ACUTE_UTILITY_RE = re.compile(rf"\b{_UTILITY}\b|\bafsluit\w*\b")
_ACUTE_CUTOFF_EXCLUDE = re.compile(
    r"\b(?:telefoon|internet|abonnement|simkaart|sim|wifi|tv|televisie|netflix|mobiel|"
    r"kapot|storing|lekkage|onderhoud|werkzaamheden)\b"
)
_FUTURE_RE = re.compile(
    r"\b(?:gaan|gaat|dreigen|dreigt|willen|wil|zullen|zal|brief|aangekondigd|aankondiging|"
    r"waarschuwing|binnenkort|volgende week|over een week|straks|als)\b"
)


def detect_acute_need(text: str) -> Optional[AcuteNeed]:
    """Acute material need that gets its own immediate route; ``None`` otherwise.

    See the module docstring for what counts as acute (today / tonight) and what does not
    (a coming cut-off without a day, a week of only bread).
    """
    try:
        return _detect_acute_need(text)
    except Exception:  # pragma: no cover
        return None


def _detect_acute_need(text: str) -> Optional[AcuteNeed]:
    norm = normalize(text)
    if not norm:
        return None
    for need, pattern in _ACUTE_NEED_RULES:
        m = pattern.search(norm)
        while m is not None and _negated(norm, m.start(), m.end()) and need != \
                AcuteNeed.NO_FOOD_TODAY:
            m = pattern.search(norm, m.end())
        if m is None:
            continue
        if need is AcuteNeed.CUTOFF_TODAY:
            if not _ACUTE_UTILITY_RE.search(norm):
                continue
            clause = m.group(0)
            if _ACUTE_CUTOFF_EXCLUDE.search(norm) and not re.search(
                r"\b(?:stroom|gas|water|elektriciteit|licht|verwarming)\b", clause
            ):
                continue
            if _FUTURE_RE.search(clause) and not re.search(rf"\b{_NOW}\b", clause):
                continue
        return need
    return None


_Checker = Callable[[str], bool]
