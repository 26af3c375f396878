"""Deterministic crisis detection for every user message (Dutch, parents and teenagers).

This module runs on every user message, before and above the ML models: when
:func:`detect_crisis` fires, the NLU component ``crisis_override`` sets the intent
``crisis_<kind>`` and the matching crisis line is sent first. It therefore favours recall
(a missed crisis is far worse than an extra helpline), stays fast (a few hundred
microseconds for a chat message) and never raises (on an internal error it logs the error
type, never the text, and returns ``None``/``False``).

Public API: :class:`CrisisKind`, :class:`CrisisResult`, :func:`detect_crisis`,
:class:`AcuteNeed`, :func:`detect_acute_need`, :func:`needs_check`, :func:`is_idiom`
(alias ``is_ambiguous_idiom``) and :func:`normalize`.

Design
------
1. **Normalisation** (:func:`normalize`): lower case, diacritics removed (``suïcide`` ->
   ``suicide``), apostrophes dropped (``m'n`` -> ``mn``), clause punctuation kept as a
   ``,`` token (so a gap in a pattern never crosses a clause), every other symbol (emoji,
   HTML, control characters) becomes a space, runs of 3+ equal letters collapse to two
   (``doooood`` -> ``dood``) and youth / chat / L2 spellings are mapped token by token
   (``nie`` -> ``niet``, ``k`` -> ``ik``, ``kwil`` -> ``ik wil``, ``leve`` -> ``leven``,
   ``will`` -> ``wil``, ``me zelf`` -> ``mezelf``, ``me``/``mn``/``mij`` before a family
   or body word -> ``mijn``).
2. **Pattern families**: each rule is a named regular expression over the normalised text,
   built from shared blocks (who, hurting verbs, whom, gaps of a few words). Gaps never
   contain a negation word, so ``ik wil niet dood`` or ``mijn vader heeft me nooit
   geslagen`` do not match; a match is also dropped when a negation stands just before
   it in the same clause (``geen zelfmoordgedachten``; ``weet niet waar ...`` is not a
   negation) or right after it (``slaat mij nooit``; ``niet meer`` / ``niet alleen`` do not
   count). Rules that carry their own negation (``wil niet meer leven``) say so.
3. **Violence is classified by who does what to whom**: a parent-like person (father,
   mother, step-parent, mother's boyfriend, grandparent, uncle, sibling) hurting the
   speaker is ``abuse_child`` (minor hint); one parent hurting the other (``papa slaat
   mama``) is ``domestic_violence`` (minor hint); a partner or adult child hurting the
   speaker is ``domestic_violence``; anyone hurting a child is ``abuse_child``; an unnamed
   actor (``hij slaat me``) is ``domestic_violence`` plus ``abuse_child`` when a minor
   seems to speak; a passive without actor (``ik word thuis geslagen``) gives both.
   Threats need a violent complement (``dreigt me te slaan``) unless the actor is a
   partner or family member; ``ze bedreigen me met een rechtszaak`` is not violence.
4. **Kinds that overlap**: ``mezelf iets aandoen`` is suicide and self-harm; an overdose
   taken now is acute danger and suicide; a threat to kill now (``hij gaat me
   vermoorden``, a knife or gun) is acute danger.
5. **Glued words**: a few unambiguous phrases also match with spaces missing
   (``wilnietmeerleven``, ``ikwildood``, ``mijnvaderslaatme``), only when a space is
   actually missing and no negation is around.
6. **Idioms are not crises**: death and violence words in money talk (``ik ga dood van de
   stress``, ``die rekening is moordend``, ``die deurwaarder slaat alles kapot``, ``mijn
   moeder vermoordt me als ze ziet ...``) are matched by :func:`is_idiom` and masked out
   before :func:`needs_check` runs; the crisis rules are written narrowly enough not to
   match them, so an idiom never hides a real crisis elsewhere in the message.
   ``financiele zelfmoord`` and a topic frame (``een film / werkstuk over zelfmoord``)
   switch off only the bare keyword rules; talk at school about suicide still fires.
7. :func:`needs_check` covers ambiguous despair (``ik zie het niet meer zitten``, ``ik kan
   niet meer``, ``het heeft geen zin meer``, ``ik ga dood`` without ``van``/``aan``): no
   crisis line, the dialogue asks a gentle check question. ``ik kan de huur niet meer
   betalen`` is money talk. A practical question about dying (``wat gebeurt er met mijn
   schulden als ik dood ga``) gets the check, not the crisis line; with estate words
   (``uitvaartverzekering``, ``erfenis``) it gets neither.
8. :func:`detect_acute_need` covers acute material need with its own immediate route:

   * food: no food now (``niks te eten``, ``geen eten in huis``, an empty fridge with no
     money, hungry children and nothing, not eaten since yesterday, no food or money
     today / until Friday). ``we eten al een week alleen brood`` or ``weinig eten`` is a
     food need handled normally, not acute.
   * roof: sleeping rough, in a car or outside, already evicted (``uit huis gezet`` in the
     perfect tense, ``ontruimd``), no place to sleep tonight, ``dakloos``. A coming
     eviction (``we worden uit huis gezet``, ``bang dakloos te worden``) is not acute.
   * cut-off: gas, electricity, water or heating already cut off or missing (``we zitten
     zonder stroom``, ``al drie dagen geen gas``), or cut off today or tomorrow
     (``vandaag``, ``nu``, ``morgen``: imminent enough to act today). ``ze gaan het gas
     afsluiten`` without a day is a threat, handled as urgent debt help, not as acute. A
     phone, internet or subscription cut-off is never acute.

Speaker age: :attr:`CrisisResult.speaker_is_minor_hint` is a hint only (``mijn vader slaat
mij``, ``mn stiefvader``, ``mama``, ``ik zit in de brugklas``, an age under 18), switched
off by adult markers (an age of 18 or more, ``mijn man``, ``mijn kinderen``).

Speed: cheap substring triggers skip rules that cannot match; a typical message takes a
few hundred microseconds, 5,000 characters tens of milliseconds.

Review: the patterns and the labelled phrase lists in ``tests/data/crisis_phrases*.yaml``
were written by developers from realistic example messages. A clinician (crisis-line or
youth-care professional, e.g. from 113 or Veilig Thuis) should review the patterns, the
kind decisions above and the phrase lists before this is used with real users, and again
after every change.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Dict, List, Optional, Pattern, Tuple

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


_log = logging.getLogger(__name__)


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
    {
        "vader", "moeder", "pa", "ma", "papa", "mama", "pap", "mam", "paps", "mams", "pappa",
        "mamma",
        "ouders", "stiefvader", "stiefmoeder", "stiefpa", "stiefma", "stiefpapa", "stiefmama",
        "stief", "pleegvader", "pleegmoeder", "pleegouders", "opa", "oma", "oom", "tante",
        "broer", "zus", "broertje", "zusje", "man", "vrouw", "vriend", "vriendin", "partner",
        "ex", "exman", "exvrouw", "exvriend", "exvriendin", "zoon", "dochter", "kind", "kinderen",
        "leven", "arm", "armen", "pols", "polsen", "benen", "been", "moeders", "vaders",
    }
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
    "will": "wil",
    "wiil": "wil",
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
    i = 0
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        i += 1
        if tok in ("me", "mij", "m", "mn", "mezelf") and nxt == "zelf":
            out.append("mezelf")  # "me zelf", "mij zelf"
            i += 1
        elif tok in ("me", "m", "mn", "mijn", "min", "mij") and nxt in _FAMILY_AFTER_ME:
            out.append("mijn")  # "me pa", "mn stiefvader", L2 "mij leven"
        elif tok == "m":
            out.append(tok)
        else:
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
G2L = gap(2) + "?"  # lazy: the nearest victim ("slaat mij en de kinderen")
FILLER = r"(?:(?:gewoon|echt|dan|straks|morgen|ooit|later|gewoonweg|helemaal|ook|al|nu) ){0,3}"
FILLER2 = (
    r"(?:(?:ik|het liefst|liefst|soms|alleen|maar|nog|even|graag|gewoon|echt|dan|ook|"
    r"eigenlijk|het|best) ){0,4}"
)
WIDE = r"(?:[a-z0-9,]+ ){0,8}"  # co-occurrence window that may cross a clause break
# A gap that also excludes another person as subject ("ik denk dat hij me ...").
OTHER = r"(?:hij|zij|ze|jij|je|u|jullie|die|mijn|de|iemand|men)"
IG4 = rf"(?:(?!(?:{NEG}|{OTHER})\b)[a-z0-9]+ ){{0,4}}"

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
    r"(?:(?:(?<=^)|(?<=, ))(?:man|echtgenoot|echtgenote|partner)|"
    r"(?:mijn|me|m) (?:ex )?(?:man|vrouw|vriend|vriendin|partner|echtgenoot|echtgenote|"
    r"vent|lief|verloofde|exman|exvrouw|exvriend|exvriendin|ex)|(?:mijn )?(?:ex|exman|"
    r"exvrouw|exvriend|exvriendin|echtgenoot|echtgenote)|(?:mijn )?ex (?:man|vrouw|vriend|"
    r"vriendin|partner))"
)
CHILD_ACTOR = r"(?:(?:mijn|onze) (?:zoon|dochter|puber|tiener|oudste|stiefzoon|stiefdochter))"
INSTITUTION = (
    r"(?:deurwaarder|deurwaarders|incassobureau|incasso|schuldeiser|schuldeisers|bank|"
    r"gemeente|belastingdienst|verhuurder|huisbaas|woningcorporatie|energieleverancier|"
    r"cjib|politie|zorgverzekeraar|werkgever|baas|uwv|svb|duo|overheid|staat|systeem)"
)
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
    r"knijpt|bijt|beukt|ramt|aanrandt)"
)
HIT_PAST = (
    r"(?:sloeg|sloegen|schopte|schopten|trapte|trapten|stompte|mepte|mishandelde|"
    r"mishandelden|wurgde|duwde|verkrachtte|misbruikte|kneep|beet)"
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


MONEY_AFTER = (
    r"(?:(?:mijn|een|het|dit|dat|deze|die|zo|ons|zo n|zon) )?(?:uitkering|loon|salaris|"
    r"inkomen|geld|bijstand|pensioen|minimum|minimumloon|budget|toeslag|toeslagen|wat|"
    r"weinig|zo weinig|dat|dit|niks|niets|100|\d+|euro|deze huur|die huur|huur|schulden|"
    r"lucht|water en brood)\b"
)

_SUICIDE_RULES: List[_Rule] = [
    _r("suicide.word", _SUI,
       r"\b(?:[sz]el?f ?mo{1,2}r[dt]|zelfdoding|su[iy]{0,2}[cs]{1,2}[iy]{0,2}d\w*|"
       r"zelfmoord\w*|levensmoe|doodswens|doodsgedachte\w*|zelfdodings?\w*)"),
    _r("suicide.want_dead", _SUI,
       rf"\b(?:wil|wou|wilde|willen|zou willen|hoop|wens|verlang) {G3}(?:het liefst |liefst |"
       rf"gewoon |echt |graag )?(?:dood|doodgaan|dood gaan|sterven|overlijden|dood zijn)\b"
       rf"(?! (?:van|aan)\b)(?! (?:om|door) (?:de|het|die|dat|al|deze|zo)\b)"
       rf"(?! (?:graag|simpel|simpele|eenvoudig|eenvoudige|makkelijk|makkelijke|leuk|leuke|"
       rf"normaal|normale|saai|saaie)\b)"),
    _r("suicide.want_dead_inv", _SUI,
       r"\b(?:dood|sterven|doodgaan) (?:wil|wou|zou) ik\b|\bik (?:echt |gewoon |soms |"
       r"liever |eigenlijk )*(?:dood|sterven|doodgaan|dood gaan) (?:wil|wou|zou willen|"
       r"wilde)\b"),
    _r("suicide.want_dead_zin", _SUI,
       rf"\b(?:zin|behoefte|verlangen|de neiging) (?:om|in|naar|tot) {G2}(?:dood te gaan|te "
       rf"sterven|dood gaan|doodgaan|de dood|sterven|er een eind aan te maken|een eind aan "
       rf"mijn leven)\b"),
    _r("suicide.leave_world", _SUI,
       rf"\b(?:weg|vertrekken|verdwijnen|verlaten|eraf|eruit) {G2}(?:van|uit) (?:deze|de|dit) "
       rf"(?:wereld|aarde|leven)\b|\b(?:deze|de) wereld (?:verlaten|uit|uitstappen)\b|"
       rf"\buit het leven (?:stappen|stap|gaan|ga|stapte|te stappen)\b|\bhet leven uit\b|"
       rf"\bmijn leven {G2}hoeft {G2}niet meer\b|\bhet leven hoeft (?:voor mij )?niet meer\b"),
    _r("suicide.worth_more_dead", _SUI,
       rf"\b(?:meer aan|beter af|beter|rijker|gelukkiger|meer geld|geld van|verzekering) "
       rf"{WIDE}als ik (?:dood|overleden|er niet meer) (?:ben|was|zou zijn|ga)\b",
       negatable=False),
    _r("suicide.rather_dead", _SUI,
       rf"\b(?:liever|beter|best|maar) (?:af )?{G2}(?:dood|sterven|doodgaan|niet (?:meer )?"
       rf"(?:leven|bestaan|geboren)|er (?:gewoon )?niet (?:meer|langer)(?: (?:zijn|ben|was|"
       rf"wezen))?)\b(?! (?:van|aan|om|bij) )"),
    _r("suicide.better_not_be", _SUI,
       r"\ber (?:beter|liever|best) (?:gewoon )?niet (?:meer )?(?:kan |kon |zou |had |kunnen )?"
       r"(?:zijn|kunnen zijn|wezen|geweest|bestaan)\b(?! bij)|\ber (?:beter|liever|best) "
       r"(?:gewoon )?niet (?:meer|langer)(?= ,| *$)", negatable=False),
    _r("suicide.was_dead", _SUI,
       r"\b(?:was|ware|lag|ben) ik (?:maar|nu maar|gewoon|liever) (?:dood|er niet meer|"
       r"niet meer|nooit geboren)"),
    _r("suicide.wish_dead", _SUI,
       rf"\b(?:wou|wilde|zou willen|hoop|wens|bid|zou wensen) (?:dat|da) ik {G5}(?:dood "
       rf"(?:ga|ging|gaan|was|ben|zou zijn|zou gaan|mag|kan)|doodga|doodging|sterf|stierf|"
       rf"overlijd|overleed|er niet meer|niet meer (?:leefde|leef|wakker|besta|bestond|"
       rf"zou bestaan|zou leven|hoef)|nooit meer wakker|nooit (?:meer )?(?:was|ben) geboren)\b"),
    _r("suicide.no_more_life", _SUI,
       rf"\b(?:wil|wou|wilde|willen|zin om|hoef|hoeft|zie het nut) {G2}niet (?:meer |langer )?"
       rf"(?:verder )?(?:leven|bestaan|te leven|ademen)\b(?! (?:van|op) {MONEY_AFTER})",
       negatable=False),
    _r("suicide.no_more_life_l2", _SUI,
       r"\bniet (?:meer|langer) (?:wil|willen|wilde|wou) (?:leven|bestaan|verder leven)\b",
       negatable=False),
    _r("suicide.doubt_living", _SUI,
       r"\b(?:denk|geloof) (?:echt |eigenlijk )?niet (?:meer )?dat ik (?:nog|echt) "
       r"(?:verder )?(?:wil|kan) (?:blijven |verder )?(?:leven|bestaan)\b(?! (?:van|op)\b)|"
       r"\b(?:weet|weten|twijfel) (?:echt |eigenlijk )?(?:niet )?(?:meer )?of ik (?:nog|wel|"
       r"echt) (?:verder )?(?:wil|zin heb om) (?:blijven |verder |te )?(?:leven|bestaan)\b"
       r"(?! (?:van|op)\b)", negatable=False),
    _r("suicide.jump_bare", _SUI,
       r"\bik (?:ga|wil|zal) (?:(?:nu|zo|straks|vanavond|vannacht|gewoon|echt) ){0,2}"
       r"(?:springen|eraf springen|naar beneden springen)(?= ,| *$)"),
    _r("suicide.no_more_life_can", _SUI,
       rf"\b(?:kan|ga|kunnen) {G2}niet (?:meer |langer )?(?:verder )?(?:leven|bestaan)\b"
       rf"(?! (?:van|op|met|in|zonder|zo|hier|zonder|dankzij|door)\b)(?! {G2}{MONEY_AFTER})",
       negatable=False),
    _r("suicide.no_more_life2", _SUI,
       r"\b(?:geen zin|geen reden|geen puf|geen kracht) (?:meer )?(?:in |om |tot )?(?:te )?"
       r"(?:leven|het leven|verder te leven|bestaan)\b", negatable=False),
    _r("suicide.not_be_there", _SUI,
       rf"\b(?:wil|wou|wilde|liefst|beter|best|hoop|wens) {G3}er (?:gewoon |echt )?niet "
       rf"(?:meer|langer) (?:zijn|wezen|bestaan|te zijn)\b", negatable=False),
    _r("suicide.when_gone", _SUI,
       rf"\b(?:als|wanneer|zodra|tegen de tijd dat|dat) ik er {FILLER}niet (?:meer|langer) "
       rf"(?:ben|zal zijn|zou zijn|was|zijn)\b", negatable=False),
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
    _r("suicide.take_life", _SUI,
       rf"\b(?:mijn|m|me|het|dit) (?:eigen )?leven {G2}(?:beeindigen|beindigen|te beeindigen|"
       rf"nemen|te nemen|benemen|ten einde brengen|afsluiten|stopzetten)\b|"
       rf"\b(?:mezelf|me|mij) {G2}(?:het leven|van het leven) (?:benemen|beroven|te benemen|"
       rf"te beroven|nemen|te nemen)\b|\bvan het leven (?:te )?beroven\b"),
    _r("suicide.make_end", _SUI,
       rf"\b(?:maak|maakte|maken|zet|zetten) (?:ik |we )?(?:er|het) {G3}(?:een |n )?"
       rf"(?:eind|einde|punt) "
       rf"(?:aan|achter)\b(?! (?:die|de|deze|dat|het|mijn|m|zijn|haar|hun) (?:{W} )?"
       rf"(?:schuld|schulden|rekening|rekeningen|ruzie|relatie|huwelijk|abonnement|"
       rf"contract|situatie|gedoe|probleem|problemen|lening|regeling))"),
    _r("suicide.end_all", _SUI,
       r"\b(?:eind|einde|punt) (?:aan|achter) (?:alles|het allemaal|de hele boel)\b"
       r"(?! (?:van|met) (?:die|de|deze|mijn))"),
    _r("suicide.kill_self", _SUI,
       rf"\b(?:mezelf|ik {IG4}(?:me|mij)) {G3}(?:van kant|om het leven|om zeep|ophangen|"
       rf"op te hangen|opgehangen|dood maken|doodmaken|dood te maken|doden|te doden|"
       rf"vermoorden|te vermoorden|verdrinken|te verdrinken|overdoseren|iets aan doen|"
       rf"iets aandoen|iets aan te doen|wat aan doen|wat aandoen|wat aan te doen|"
       rf"iets aangedaan|wat aangedaan|dood drinken|dood zuipen|voor de trein|voor een trein|"
       rf"voor de metro|voor een auto|doodrijden|dood rijden|laten verdrinken|kill|killen|"
       rf"te killen|unalive)\b"),
    _r("suicide.kill_self_reflexive", _SUI,
       rf"\b(?:me|mij) (?:van kant|om het leven) (?:te )?(?:maken|brengen|gebracht|gemaakt)\b"
       rf"|\bik {IG4}(?:me|mij) (?:op ?hangen|op te hangen)\b"),
    _r("suicide.jump", _SUI,
       rf"\b(?:spring|springen|sprong|springt|gooi|gooien|werp|lopen|loop) {G3}(?:van|voor|"
       rf"onder|uit|af) (?:de|het|een|die|m|mijn|ons) (?:flat|brug|dak|trein|metro|spoor|"
       rf"balkon|raam|galerij|toren|parkeergarage|klif|rails|torenflat|snelweg)\b"),
    _r("suicide.jump_rev", _SUI,
       rf"\b(?:voor|onder|van|af) (?:de|het|een|die|m|mijn|ons) (?:flat|brug|dak|trein|metro|"
       rf"spoor|balkon|raam|galerij|toren|parkeergarage|klif|rails|torenflat|auto|vrachtwagen|"
       rf"bus|tram) {G2}(?:springen|spring|springt|te springen|gooien|gooi|te gooien|"
       rf"werpen|lopen|te lopen|stappen|te stappen|af springen)\b"),
    _r("suicide.jump2", _SUI,
       rf"\b(?:flat|brug|dak|spoor|spoorlijn|balkon|rails|perron) {G4}(?:springen|spring|"
       rf"te springen|gooien|af|eraf|erop lopen|ervoor)\b"),
    _r("suicide.method", _SUI,
       rf"\b(?:pillen|medicijnen|slaappillen|tabletten|paracetamol|oxazepam|morfine|"
       rf"insuline) {G3}(?:gespaard|verzameld|sparen|opgespaard|opsparen|verzamelen|"
       rf"bewaard|klaar|liggen klaar|klaargelegd|om dood|dodelijk|overdosis)\b"),
    _r("suicide.method_hoard", _SUI,
       rf"\b(?:spaar|sparen|gespaard|verzamel|verzamelen|verzameld|hamster|hamsteren|bewaar|"
       rf"bewaren|opsparen) {G3}(?:pillen|medicijnen|slaappillen|tabletten|paracetamol|"
       rf"oxazepam|insuline|medicatie|antidepressiva)\b"),
    _r("suicide.method_dose", _SUI,
       rf"\b(?:hoeveel|welke) {G4}(?:pillen|paracetamol|medicijnen|slaappillen|tabletten|"
       rf"insuline) {G6}(?:dood|dodelijk|sterven|overlijden|niet meer wakker)\b|"
       rf"\bdodelijke (?:dosis|hoeveelheid)\b|\boverdosis\b"),
    _r("suicide.rope", _SUI,
       rf"\b(?:touw|strop) {G5}(?:klaar|gelegd|gehangen|opgehangen|gekocht|opgehangen|"
       rf"ophangen|aan de balk|zolder|schuur|balk)\b"
       rf"|(?<!een )(?<!flinke )(?<!grote )(?<!dikke )(?<!forse )\bstrop\b"),
    _r("suicide.never_wake", _SUI,
       rf"\b(?:nooit meer|niet meer|nimmer) {G2}(?:wakker (?:worden|word|te worden|"
       rf"wordt|zou worden|zal worden)|op (?:te )?staan)\b", negatable=False),
    _r("suicide.sleep_forever", _SUI,
       rf"\b(?:voorgoed|voor altijd|eeuwig|definitief) {G2}(?:slapen|gaan slapen|weg|"
       rf"stoppen|rust|verdwijnen|rusten|inslapen|tussenuit|ertussenuit|eruit|dood|"
       rf"gaan|ophouden|uit het leven)\b|\b(?:weg|uit|stoppen|slapen|verdwijnen|"
       rf"ermee stoppen|eruit|stopt|ophoudt|ophouden) (?:(?:{W}|,) ){{0,3}}(?:voorgoed|"
       rf"voor altijd|definitief)\b"),
    _r("suicide.life_done", _SUI,
       r"\b(?:het|mijn|dit) (?:leven|bestaan) (?:is |voelt |lijkt )?(?:echt |helemaal |zo |"
       r"gewoon |nu )?(?:zat|moe|beu|klaar|spuugzat|kotsbeu|voorbij|over)\b|"
       r"\bklaar (?:met|mee) (?:het|mijn|dit) (?:leven|bestaan)\b|"
       r"\bstoppen met (?:het |mijn )?(?:leven|bestaan)\b|\bmet leven\b"),
    _r("suicide.think_death", _SUI,
       rf"\b(?:denk|dacht|denken|gedacht|fantaseer|pieker) {G3}(?:aan|over) (?:de )?"
       rf"(?:dood|doodgaan|dood gaan|sterven|mijn dood|zelfdoding|er een eind|er een einde|"
       rf"ermee stoppen|niet meer leven|er niet meer zijn)\b(?! van)"),
    _r("suicide.farewell", _SUI,
       r"\b(?:afscheidsbrief|afscheidsbriefje|afscheids brief)\b"),
    # warning signs: belongings given away next to a goodbye or an ending
    _r("suicide.give_away", _SUI,
       rf"^(?=.*\b(?:brief|briefje|afscheid|na vanavond|na vannacht|voorgoed|"
       rf"niemand meer)\b).*\b(?:mijn|al mijn) (?:spullen|spulletjes|dingen|kleren|"
       rf"knuffels|games|sieraden) {G4}(?:weggegeven|weg gegeven|gegeven|verdeeld)\b",
       negatable=False),
    _r("suicide.burden_after", _SUI,
       rf"\b(?:na vanavond|na vannacht|na morgen|na vandaag) {G2}"
       rf"(?:hoeft|hoeven|heeft|hebben) niemand {G2}(?:meer |nog )?(?:voor (?:mij|me) {G2}"
       rf"(?:te )?(?:betalen|zorgen)|last (?:meer )?van (?:mij|me)|(?:zich )?zorgen {G2}(?:om|"
       rf"over) (?:mij|me))\b", negatable=False),
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
       r"kerf|kerven|beschadig|beschadigen|verwond|verwonden|snijt)"
       r" (?:mezelf|me|mij|mijn (?:arm|armen|pols|polsen|been|benen|huid|dijen|buik))\b"
       # hitting or biting: only with "mezelf", since "(mijn man) slaat mij" is violence
       r"|\b(?:sla|slaan|bijt|bijten) (?:mezelf|mijzelf)\b"
       r"(?! (?:aan (?:een|het|de|papier|mijn)|in (?:mijn )?(?:vinger|duim)|per ongeluk|"
       r"voor (?:mijn|m|de|me) (?:kop|hoofd)|suf|dood|kapot|erdoorheen|erdoor|door))"),
    _r("self_harm.cut_in_rev", _SH,
       rf"\b(?:snij|snijden|sneed|kras|krassen|kerf|kerven|brand|branden|gesneden|gekrast|"
       rf"gekerfd|gebrand) {G2}(?:in|op) (?:mijn|me|m) (?:arm|armen|pols|polsen|been|benen|"
       rf"dijen|dij|buik|huid|heup|heupen|bovenbeen|bovenbenen|onderarm|onderarmen)\b"),
    _r("self_harm.did_again", _SH,
       r"\b(?:heb|had|ben) (?:(?:weer|opnieuw|alweer|toch|vannacht|gisteren|vandaag|vanavond|"
       r"expres|stiekem|nog|echt|ook) ){1,3}(?:gekrast|gesneden|gekerfd|gebrand|"
       r"geprikt)\b(?! (?:in|aan|met|voor) (?:de|het|een|die)\b)"),
    _r("self_harm.cut_bare", _SH,
       r"\bik (?:snij|kras|kerf)(?: (?:weer|opnieuw|nog steeds|nog|soms|vaak|elke dag|"
       r"elke avond|elke nacht|stiekem|al jaren|al maanden|alweer|echt)){0,2}"
       r"(?= ,| *$| (?:sinds|omdat|als|want|en|zodat|wanneer)\b)"),
    _r("self_harm.scratch_open", _SH,
       rf"\b(?:krab|krabde|krabben|gekrabd) {G2}(?:mezelf|me|mij|mijn (?:arm|armen|huid|"
       rf"benen|been)) {G2}(?:open|kapot|tot (?:het )?bloed|bloedend|stuk)\b"),
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
       rf"krassen|kerven|mezelf snijden|mezelf krassen|branden)\b", negatable=False),
    _r("self_harm.scratch_help", _SH,
       rf"\b(?:snijden|krassen|kerven|mezelf pijn doen)(?! (?:op|in|van|uit) )"
       rf" {G5}(?:helpt|hielp|geeft|lucht|doe ik|voelt|werkt|rust|opluchting)\b"),
    _r("self_harm.marks", _SH,
       rf"\b(?:krassen|sneetjes|sneden|snijwonden|littekens|wondjes|brandplekken)"
       rf" {G4}(?:zelf|mezelf|expres|express)\b|\b(?:arm|armen|pols|polsen|benen|dijen|"
       rf"buik) {G3}(?:vol |onder )?(?:de )?(?:krassen|sneetjes|snijwonden|sneden|littekens)\b"),
    _r("self_harm.head_wall", _SH,
       rf"\b(?:hoofd|kop) {G2}tegen (?:de |een )?(?:muur|deur|kast|grond)\b"
       rf"(?! (?:lopen|aan|op|aanlopen))"),
    _r("self_harm.do_self_sth", (CrisisKind.SUICIDE, CrisisKind.SELF_HARM),
       rf"\b(?:doe|deed|doen) (?:mezelf|mijzelf|me|mij) {G2}(?:iets|wat|wat ergs|iets ergs) "
       rf"{G2}aan\b"),
    _r("self_harm.mezelf_iets", (CrisisKind.SUICIDE, CrisisKind.SELF_HARM),
       rf"\b(?:mezelf|ik {IG4}(?:mij|me)) {G2}(?:iets|wat|wat ergs|iets ergs) "
       rf"(?:aan ?doen|aan te doen|aangedaan)\b"),
]

_ACUTE_RULES: List[_Rule] = [
    _r("acute.weapon", _AD,
       rf"\b(?:{PRONOUN}|{PARTNER}|{PARENT}|{CHILD_ACTOR}|er staat iemand|iemand) {G4}(?:heeft|"
       rf"had|staat|stond|zwaait|pakt|pakte|houdt|hield|dreigt|dreigde|komt|kwam|loopt|liep|"
       rf"rent|zit|bedreigt|bedreigde|met) {G4}(?:een |zijn |haar |het |de )?(?:mes|messen|"
       rf"pistool|wapen|vuurwapen|geweer|bijl|stanleymes|keukenmes|revolver|machete)\b"
       rf"(?! in (?:mijn|de|je|ons|het) (?:uitgaven|budget|kosten))"
       rf"(?! {G2}(?:gekocht|nodig|besteld|gekregen|cadeau|geslepen|voor de keuken|"
       rf"om te (?:koken|snijden)|voor het koken|voor school|voor de scouting)\b)"),
    _r("acute.weapon_weak", _AD,
       rf"\b(?:{PRONOUN}|{PARTNER}|{PARENT}|{CHILD_ACTOR}|iemand) {G3}(?:staat|stond|zwaait|"
       rf"zwaaide|dreigt|dreigde|komt|kwam|loopt|liep|rent) {G3}"
       rf"(?:met )?(?:een |zijn |haar |het |de )?(?:hamer|schaar|honkbalknuppel|knuppel|"
       rf"kapotte fles|ijzeren staaf|breekijzer)\b"
       rf"(?= {G3}(?:naar|op|tegen|voor|in|achter|,)\b| *$| ,)"),
    _r("acute.weapon2", _AD,
       r"\b(?:mes|pistool|wapen|geweer|bijl|schaar) (?:op|tegen|bij|aan) (?:mijn|me|m|de) "
       r"(?:keel|hals|hoofd|buik|borst|nek)\b"),
    _r("acute.in_danger", _AD,
       rf"\b(?:ik|we|wij|mijn (?:kind|kinderen|zoon|dochter|baby|moeder|mama|zusje|broertje)|"
       rf"de kinderen|ons kind|onze kinderen) {G3}(?:ben|zijn|is|zit|zitten|verkeer|verkeren) "
       rf"{G3}in (?:acuut |direct |groot |echt |levens)?gevaar\b(?! (?:om|te|dat|van|voor "
       rf"(?:mijn|de|het|ons|onze) (?:huis|baan|uitkering|toeslag|woning|school))\b)",
       negatable=True),
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
       rf"strip|strips|doosje|potje|flesje|alles|overdosis) {G3}(?:geslikt|ingenomen|genomen|"
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
    _r("acute.hit_now", _AD,
       rf"\b{HIT_PRESENT} (?:me|mij|ons|mama|mijn moeder|mijn kind|de kinderen) (?:nu|op dit "
       rf"moment|nu weer|weer nu|net|nu net|nu al)\b|\bik word (?:nu|op dit moment|net|"
       rf"nu weer|nu net) {G3}{HIT_PART}\b"),
    _r("acute.call_112", _AD,
       r"\b(?:bel|bellen|belt) (?:nu |snel |alsjeblieft |aub )?(?:de )?(?:112|politie)\b"),
]

_WHO_ALL = rf"(?:{PARENT_PARTNER}|{PARTNER}|{CHILD_ACTOR}|(?:mijn |me )?{PARENT_WORD}|{PRONOUN})"
_WHOM_ALL = rf"(?:{CHILD_VICTIM}|{PARENT_VICTIM}|{SELF})"

# Active voice, three word orders; group "who" and "whom" are classified afterwards.
_VIOLENCE_PATTERNS: List[Tuple[str, Pattern[str]]] = [
    ("violence.active", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G4}(?:{HIT_PRESENT}|{HIT_PAST}) {G2L}"
        rf"(?P<whom>{_WHOM_ALL})\b")),
    ("violence.perfect", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:heeft|hebben|had|hadden) {G2L}(?P<whom>{_WHOM_ALL}) "
        rf"{G6}{HIT_PART}\b")),
    ("violence.inverted", re.compile(
        rf"\b(?:{HIT_PRESENT}|{HIT_PAST}) (?P<who>{_WHO_ALL}) {G2L}(?P<whom>{_WHOM_ALL})\b")),
    ("violence.inverted_perfect", re.compile(
        rf"\b(?:heeft|had|hebben) (?P<who>{_WHO_ALL}) {G2L}(?P<whom>{_WHOM_ALL}) {G5}"
        rf"{HIT_PART}\b")),
    ("violence.l2_order", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G2}(?P<whom>me|mij|ons|{CHILD_VICTIM}) {G2}(?:{HIT_PRESENT}|"
        rf"{HIT_PAST}|{HIT_PART})\b")),
    ("violence.touch", re.compile(
        r"\b(?:komt|kwam|zit|zat|zitten|raakt|raakte|voelt|voelde|betast|betastte|grijpt|"
        r"greep|knijpt) (?:steeds |altijd |vaak |soms |weer |dan )*(?:aan|in|naar) "
        r"(?P<whom>mijn) (?:lichaam|borsten|borst|billen|kont|piemel|plassertje|onderkant|"
        r"geslachtsdeel|vagina|kruis|onderbroek|slip|intieme delen|private delen)\b")),
    ("violence.receive", re.compile(
        rf"\b(?:krijg|krijgen|kreeg|kregen|gekregen|geeft|gaf|geven|gegeven) {G3}"
        rf"(?:{HIT_NOUN}) {G3}(?:van|door) (?P<who>{_WHO_ALL})\b")),
    ("violence.gives", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:geeft|gaf|geven|gegeven|heeft gegeven) "
        rf"(?P<whom>{_WHOM_ALL}) {G2}(?:{HIT_NOUN})\b")),
    ("violence.passive", re.compile(
        rf"\b(?P<whom>ik|wij|we|mijn (?:kind|kinderen|zoon|dochter|broertje|zusje)) "
        rf"(?:word|worden|werd|werden|ben|zijn|was|waren) {G4}(?:(?:door|van) "
        rf"(?P<who>{_WHO_ALL}) {G4})?{HIT_PART}\b(?! (?:door|van) (?:de|het|een|die|mijn) "
        rf"{INSTITUTION})")),
    ("violence.hurts", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:doet|deed|heeft) (?P<whom>{_WHOM_ALL}) {G2}"
        rf"(?:pijn|zeer|iets aan|wat aan)\b")),
    ("violence.hurts_inverted", re.compile(  # "en dan doet hij me pijn"
        rf"\b(?:doet|deed|doen|deden) (?P<who>{_WHO_ALL}) (?P<whom>{_WHOM_ALL}) {G2}"
        rf"(?:pijn|zeer)\b")),
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
        rf"(?! (?:te zeuren|te zeiken|kop|hoofd|te vragen|(?:mijn|m|me|de|het) (?:kop|hoofd|"
        rf"hoofd te|kop te)))")),
    ("violence.harm_intent", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G3}(?:wil|wilde|gaat|ging|zal|zou|probeert|probeerde) "
        rf"(?P<whom>me|mij|ons|{CHILD_VICTIM}) {G2}(?:iets|wat|pijn) (?:aandoen|aan doen|"
        rf"aan te doen|doen|te doen)\b")),
    ("violence.threat", re.compile(
        rf"\b(?P<who>{_WHO_ALL}) {G5}(?:dreigt|dreigde|dreigen|heeft gedreigd|bedreigt|"
        rf"bedreigde|bedreigen|heeft (?P<whom2>me|mij|ons) bedreigd|heeft bedreigd)"
        rf"(?: (?P<whom>me|mij|ons|{CHILD_VICTIM}))?(?: {G3}(?P<comp>te slaan|in elkaar|"
        rf"iets aan te doen|wat aan te doen|dood|pijn|met een mes|met geweld|te vermoorden|"
        rf"te schoppen|af te maken|te wurgen|te steken|mee te nemen|(?<!af )te pakken))?\b"
        rf"(?! met (?:een |de |het )?(?:rechtszaak|beslag|"
        rf"incasso|boete|deurwaarder|afsluiting|ontruiming|kosten|extra kosten|advocaat|"
        rf"aangifte|brief|brieven|dwangbevel|loonbeslag|schuld))")),
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
       r"seksueel misbruikt|gedwongen tot seks|dwingt me tot seks|seks tegen mijn "
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
       rf"\bvoel (?:me|mij|ik me) {G2}(?:niet|nooit|on) ?(?:meer |echt )?veilig\b"
       rf"(?! (?:met|op|online|over|in de app|op internet|bij de bank|bij het pinnen|"
       rf"met mijn (?:gegevens|geld|pincode|pas|data))\b)",
       negatable=False),
    _r("unsafe.afraid_home", _UC,
       rf"\b(?:(?:durf|durven|durfde) {G3}niet (?:meer )?(?:terug )?|(?:wil|wou|kan) {G3}"
       rf"(?:niet (?:meer (?:terug )?|terug )|nooit meer (?:terug )?))(?:naar huis|"
       rf"thuis te komen|thuis komen|naar binnen|naar mijn (?:vader|moeder|pa|ma|papa|"
       rf"mama))\b", negatable=False),
    _r("unsafe.afraid_home2", _UC,
       rf"\b(?:bang|eng|doodsbang|angstig) {G2}(?:om |te )?(?:naar huis|thuis te komen|"
       rf"thuis|naar binnen te gaan|om naar huis)\b|\bthuis {G3}(?:eng|gevaarlijk|"
       rf"beangstigend)\b"),
    _r("unsafe.afraid_parent", _UC,
       rf"\b(?:bang|doodsbang|angstig|schrik|bibber|zo bang|erg bang) {G2}(?:voor|van) "
       rf"(?:{PARENT_PARTNER}|(?:mijn |me )?{PARENT_WORD})\b", minor=True),
    # a parent who says they hurt their own children (Veilig Thuis helps parents too)
    _r("abuse.parent_hits_child", _AC,
       rf"\bik {G4}(?:{CHILD_VICTIM}|ze|hem|haar) {G2}(?:sla|sloeg|schop|schopte|knijp|kneep|"
       rf"pijn doe|pijn deed|geslagen heb|heb geslagen|slaan)\b|\bik (?:sla|sloeg|schop|schopte|"
       rf"mishandel) {G2}(?:{CHILD_VICTIM})\b|\b(?:ik heb|heb ik) {G2}(?:{CHILD_VICTIM}) {G3}"
       rf"(?:geslagen|geschopt|mishandeld|pijn gedaan)\b"),
    _r("unsafe.run_away", _UC,
       r"\b(?:weggelopen|weg gelopen|weglopen|wegloop|weg lopen) (?:van|uit) (?:huis|thuis)\b|"
       r"\bslaap (?:liever )?(?:buiten|op straat) dan thuis\b"),
]

_VIOLENT_PERSON_RE = re.compile(
    rf"\b(?P<who>{_WHO_ALL}) {G2}(?:is|wordt|word|werd|was|kan|blijft) {G3}(?:heel |erg |zo |"
    rf"vaak |soms |echt |weer )*(?:gewelddadig|agressief|handtastelijk)\b"
)
_VIOLENCE_PATTERNS.append(("violence.violent_person", _VIOLENT_PERSON_RE))

_DV_AFRAID_PARTNER = _r(
    "dv.afraid_partner", _DV,
    rf"\b(?:bang|doodsbang|angstig|schrik) {G2}(?:voor|van) {PARTNER}\b")

# Missing spaces ("wilnietmeerleven", "ikwildood"): phrases whose words may be glued
# together; a match counts only when at least one space is missing (otherwise the normal
# rules, with their negation handling, have already decided).
_GLUED_PHRASES: List[Tuple[str, Kinds, Tuple[str, ...]]] = [
    ("glued.suicide", _SUI, (
        "wil niet?t? meer leven?", "wil niet?t? meer bestaan", "ik wil dood", "wil dood gaan",
        "wil doodgaan", "wil sterven", "wil er niet?t? meer zijn", "einde? aan mijn leven",
        "er een einde? aan maken", "nooit meer wakker worden", "beter af zonder mij",
        "mezelf van kant maken", "mezelf ophangen", "niet?t? meer willen leven?",
    )),
    ("glued.self_harm", (CrisisKind.SUICIDE, CrisisKind.SELF_HARM), (
        "mezelf iets aan ?doen", "mezelf iets aan te doen", "mezelf wat aan ?doen",
        "snijd? mezelf", "kras mezelf", "mezelf pijn doen",
    )),
    ("glued.abuse", _AC, tuple(
        f"(?:mijn|mn|me) {who} (?:slaat|schopt|mishandelt|misbruikt) (?:me|mij)"
        for who in ("(?:vader|moeder|papa|mama|pa|ma|stiefvader|stiefmoeder|stiefpa|stiefma)",)
    )),
    ("glued.unsafe", _UC, (
        "niet?t? veilig thuis", "durf niet?t? naar huis", "onveilig thuis",
    )),
]


def _glued_patterns(phrases: Tuple[str, ...]) -> Tuple[Tuple[Pattern[str], int], ...]:
    """Each phrase as a pattern with optional spaces, with its number of words."""
    return tuple(
        (
            re.compile(rf"(?<![a-z])(?P<pre>(?:ik ?|k ?)?){p.replace(' ', ' ?')}(?![a-z])"),
            p.count(" ") + 1,
        )
        for p in phrases
    )


_GLUED: List[Tuple[str, Kinds, Tuple[Tuple[Pattern[str], int], ...]]] = [
    (name, kinds, _glued_patterns(phrases)) for name, kinds, phrases in _GLUED_PHRASES
]


# A glued phrase leaves a long token made of several words; without one, skip the pass.
_GLUED_TOKEN_RE = re.compile(
    r"\b(?=[a-z]{7,})[a-z]*(?:wil|niet|nie|dood|mezelf|veilig|slaat|schopt|leven|leve|einde?|"
    r"wakker|zonder|kant|ophangen|snijd?|kras|pijn|durf|thuis|mishandelt|misbruikt|sterven|"
    r"bestaan|zijn|beter|meer|aan)[a-z]*\b"
)


def _glued_hit(patterns: Tuple[Tuple[Pattern[str], int], ...], norm: str) -> bool:
    """A phrase match with at least one missing space and no negation around it."""
    for pattern, words in patterns:
        for m in pattern.finditer(norm):
            core = m.group(0)[len(m.group("pre")) :]
            if core.count(" ") < words - 1 and not _negated(norm, m.start(), m.end()):
                return True
    return False


# ---------------------------------------------------------------------------------------
# Idioms and ambiguous despair
# ---------------------------------------------------------------------------------------

_IDIOM_RE = re.compile(
    "|".join(
        [
            rf"\b(?:ga|gaat|gaan|ging|gingen) {G3}dood (?:van|aan|om|door|bij) ",
            r"\b(?:sterf|sterft|sterven|stierf|bezwijk|bezwijkt) (?:nog |bijna |echt )*"
            r"(?:van|aan|onder) ",
            r"\bwil (?:wel )?dood van (?:schaamte|de schaamte)\b|\bdoodsteek\b",
            r"\bklap in (?:mijn|het|ons|je|m|haar|zijn) (?:gezicht|smoel)\b",
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
            rf"(?:vermoorden |dood |af )?{G2}(?:als|wanneer|zodra) (?:ze|hij|zij|die|mijn|mn) "
            rf"{G6}(?:ziet|zien|hoort|horen|merkt|merken|weet|weten|ontdekt|ontdekken|"
            rf"erachter komt|erachter komen|erachter|leest|lezen|vindt|vinden|"
            rf"thuiskomt|kapot|kwijt|zag|hoorde)",
            r"(?<!leven )(?<!leven is )(?<!leven was )\b(?:is|was|wordt|word|een) "
            r"(?:echt |totale |complete |gewoon |een )*"
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

DESPAIR_NOUN = (
    r"(?:stress|zorgen|schulden|schuld|ellende|situatie|alles|dit|dat|leven|druk|spanning|"
    r"verdriet|problemen|rekeningen|brieven|deurwaarder|deurwaarders|schuldeisers|"
    r"aanmaningen|gedoe|moeite|pijn|angst|onzekerheid)\b"
)

_CHECK_RULES: List[Tuple[str, Pattern[str]]] = [
    ("check.not_see_it", re.compile(
        rf"\bzie {G2}(?:het|t|dit) {G3}niet (?:meer |langer )?(?:zitten|zien zitten)\b|"
        rf"\bzie {G2}(?:het|t) {G2}(?:niet|nie) meer\b(?!.*\b(?:bril|ogen|oog|scherm|"
        rf"letters|tekst|brief|lezen)\b)|\bzie {G3}geen (?:uitweg|toekomst|"
        rf"zin|licht|uitkomst|einde|hoop|perspectief|reden)\b|\bzie {G2}het nut "
        rf"{G2}niet meer\b|\bzie geen (?:enkele )?(?:uitweg|toekomst)\b")),
    ("check.cant_anymore", re.compile(
        rf"\b(?:ik|we|wij) {G3}(?:kan|kunnen|kun) {G3}niet (?:meer|langer)\b"
        rf"(?! (?:{W} )?(?:betalen|rondkomen|werken|slapen|eten|kopen|opbrengen|"
        rf"bijhouden|missen|aan|naar|bij|ophalen|vinden|regelen|inloggen|bellen|"
        rf"terug|bereiken|krijgen|doen|sparen|zijn|gebruiken|afbetalen|betaald|kwijt|"
        rf"lenen|uitgeven|sporten|voetballen|mee|zien|lezen|open|volgen|halen|ontvangen|"
        rf"rijden|tanken|verwarmen|stoken|wonen|huren|ophoesten|aflossen|dragen)\b)"
        rf"(?: (?:hoor|echt|zo|joh|gewoon|nu|hiermee|verder|,|en|ik|het|alles|want|maar|"
        rf"dit|meer|nou|man|op|door|zonder hulp)\b|\s*$| ,|"
        rf" (?:met|van|door|onder) (?:(?:die|deze|al die|al|dit|de|het|mijn|alle) ){{0,2}}"
        rf"{DESPAIR_NOUN})")),
    ("check.cant_take_it", re.compile(
        r"\bkan (?:er|het|dit|dat) (?:echt |gewoon |bijna )?(?:niet|nie) (?:meer|langer) "
        r"(?:tegen|aan|hebben|handelen)\b")),
    ("check.cant_go_on", re.compile(
        rf"\b(?:kan|kunnen|wil|wou|hoef) {G3}(?:niet|nie) (?:meer|langer) (?:verder|door|"
        rf"doorgaan|verder gaan)\b|\bwaarom (?:zou|moet) ik {G2}(?:nog )?(?:door|verder|"
        rf"doorgaan|verder gaan|blijven|leven)\b")),
    ("check.cant_hold", re.compile(
        rf"\b(?:hou|houd|houden|trek|trekken|kan|red|redden) {G3}(?:het|t|dit|dat) {G3}"
        rf"(?:niet|nie) (?:meer|langer)(?: (?:vol|uit|aan|op))?\b(?! (?:te )?(?:betalen|om))|"
        rf"\bhoud? {G2}(?:het|t|dit) (?:echt )?niet vol\b|\bkan (?:het|dit) niet (?:meer )?"
        rf"(?:aan|aan zo|opbrengen)\b")),
    ("check.no_point", re.compile(
        rf"\b(?:heeft|hebben|heeft het|is) {G3}(?:geen|weinig) (?:zin|nut)(?: meer)?\b|"
        rf"\bwat (?:heeft|is) {G2}(?:het|dit|dat|alles) {G2}(?:nog |voor )*(?:voor )?"
        rf"(?:zin|nut)\b|\balles is (?:zinloos|uitzichtloos|hopeloos)\b|\b(?:zinloos|"
        rf"uitzichtloos|hopeloos) (?:allemaal|alles|bestaan)\b|\bgeen hoop meer\b|"
        rf"\bheb geen hoop\b")),
    ("check.dont_know_anymore", re.compile(
        rf"\bweet {G1}(?:het|t) {G2}(?:allemaal |echt |gewoon |zelf |even )*niet (?:meer|"
        rf"langer)\b(?! (?:{W} ){{0,2}}(?:hoe|wat|waar|wanneer|wie|welke|of|precies|zeker|"
        rf"goed|exact|hoeveel|uit mijn hoofd|meer precies|zo goed|welk|waarom)\b)|"
        rf"\bweet {G1}(?:het|t) {G2}niet meer (?:hoe|wat) (?:ik|het) (?:verder|moet)\b(?! "
        rf"(?:betalen|doen met|aanvragen))")),
    ("check.fed_up", re.compile(
        r"\bben (?:het )?(?:allemaal |alles )?(?:zo |echt |helemaal |gewoon )*(?:zat|beu|"
        r"spuugzat|kotsbeu)(?= ,| *$| (?:hoor|echt|man|joh|allemaal)\b)|"
        r"\b(?:wordt|word|is|gaat) (?:me|mij|ons) (?:allemaal |echt |gewoon |nu )*te (?:veel|"
        r"zwaar)\b|\bhet (?:is|wordt) (?:allemaal |echt |gewoon |me )*te (?:veel|zwaar)"
        r"(?= ,| *$| voor (?:mij|me)\b)|\bheb niemand (?:meer)?(?= ,| *$| die\b)|"
        r"\bweet {G1}(?:het )?niet meer hoe (?:ik|het|we) (?:verder|door) ".replace("{G1}", G1)
        + r"(?:moet|moeten|kan|kunnen|gaan)\b")),
    ("check.never_born", re.compile(
        rf"\b(?:nooit|niet) (?:geboren|op de wereld)\b|\b(?:had|wou|wilde) {G3}"
        rf"(?:nooit|niet) {G2}geboren\b", )),
    ("check.no_life", re.compile(
        rf"\b(?:heb|hebben) (?:echt |gewoon |helemaal )?geen leven(?: meer)?\b|"
        rf"\b(?:mijn|m|het) leven {G2}(?:is|heeft) {G2}(?:geen zin|zinloos|kapot|"
        rf"voorbij|niks meer waard|waardeloos|een hel|niets waard)\b|\bleven {G2}"
        rf"(?:heeft|is) {G2}geen zin\b")),
    ("check.disappear", re.compile(
        rf"\b(?:wil|wou|wilde|zou willen|wens|liefst|kon ik) {FILLER2}(?:verdwijnen|weg van "
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
        rf"{G2}kapot (?:aan|van|hieraan|eraan)\b|\bik ga dood\b(?! (?:van|aan|om|door|bij))"
        rf"(?! {WIDE}(?:grapje|grap|haha|hihi|lol|geintje|jk)\b)|"
        rf"\bhoeft {G2}(?:voor mij |allemaal )*niet meer\b|\bhet leven is (?:zwaar|"
        rf"te zwaar|kut|klote|zinloos)\b|\b(?:ik |we )?(?:zijn|ben) wanhopig\b|\bwanhoop\b|"
        rf"\bgeen uitweg\b|\bniemand kan (?:me|mij|ons) (?:nog )?helpen\b")),
]

# "als ik dood ben" in a question about inheritance or funeral costs: a check, no crisis.
_WHAT_HAPPENS_RE = re.compile(
    r"\bwat (?:gebeurt|gebeuren|doen|moeten) (?:er )?(?:dan )?(?:met|als)\b|"
    r"\b(?:krijgen|erven|betalen|krijgt|erft|betaalt) (?:\w+ ){0,3}(?:mijn|de|die|al mijn) "
    r"(?:schulden|schuld|hypotheek|huur|leningen)\b"
)
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
_STOP_WORDS = frozenset(
    {"of", "maar", "en", "want", "dat", "omdat", "als", "toen", ",", "waar", "wat", "hoe", "wie",
     "wanneer", "welke", "waarom", "hoeveel", "zodat"}
)


def _negated(norm: str, start: int, end: int) -> bool:
    """A negation just before a match (same clause) or right after it."""
    head = norm[start:end].split()[:1]
    before = [] if head and head[0] in _STOP_WORDS else norm[:start].split()[-3:]
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


# Cheap pre-filters: a rule only runs when one of these substrings occurs in the text.
# They must be implied by every match of the rule (they only save time).
_TRIGGERS: Dict[str, Tuple[str, ...]] = {
    "acute.weapon": ("mes", "pistool", "wapen", "geweer", "bijl", "revolver", "machete"),
    "acute.weapon_weak": ("hamer", "schaar", "knuppel", "fles", "staaf", "breekijzer"),
    "acute.weapon2": ("mes", "pistool", "wapen", "geweer", "bijl", "schaar"),
    "acute.strangling_now": ("wurg", "keel", "help"),
    "acute.in_danger": ("gevaar",),
    "acute.mortal": ("levensgevaar",),
    "acute.kill_threat": ("moord", "dood", "doden", "afmaken", "af te maken", "kapot", "steken",
                          "schieten", "wurgen", "doen"),
    "acute.kill_threat2": ("moord", "doodt", "steekt", "wurg", "schiet"),
    "acute.overdose": ("geslikt", "ingenomen", "genomen", "opgegeten", "leeggegeten", " op"),
    "acute.call_112": ("112", "politie"),
    "acute.hit_now": (" nu", " net", "op dit moment"),
    "suicide.word": ("moor", "mort", "mord", "doding", "su", "levensmoe", "doods"),
    "suicide.was_dead": (" ik ",),
    "suicide.rather_dead": ("dood", "sterven", "leven", "bestaan", "geboren", "niet"),
    "suicide.better_without": ("zonder",),
    "suicide.nobody_miss": ("mis",),
    "suicide.jump": ("spring", "sprong", "gooi", "werp", "lopen", "loop"),
    "suicide.jump_rev": ("spring", "gooi", "werp", "lopen", "stappen"),
    "suicide.jump2": ("flat", "brug", "dak", "spoor", "balkon", "rails", "perron"),
    "suicide.method": ("pil", "medicijn", "tablet", "paracetamol", "oxazepam", "morfine",
                       "insuline"),
    "suicide.method_hoard": ("pil", "medic", "tablet", "paracetamol", "oxazepam", "insuline",
                             "antidepressiva"),
    "suicide.rope": ("touw", "strop"),
    "dv.smashes": ("kapot", "stuk", "met "),
    "unsafe.afraid_parent": ("bang", "angstig", "schrik", "bibber"),
    "dv.afraid_partner": ("bang", "angstig", "schrik"),
    "suicide.want_dead": ("dood", "sterven", "overlijden"),
    "suicide.want_dead_inv": ("dood", "sterven"),
    "suicide.wish_dead": ("dood", "sterf", "stierf", "overlijd", "overleed", "niet meer",
                          "nooit"),
    "suicide.no_more_life": ("leven", "bestaan", "ademen"),
    "suicide.no_more_life_can": ("leven", "bestaan"),
    "suicide.no_more_life_l2": ("leven", "bestaan"),
    "suicide.jump_bare": ("spring",),
    "suicide.doubt_living": ("leven", "bestaan"),
    "suicide.no_more_life2": ("leven", "bestaan"),
    "suicide.not_be_there": ("niet meer", "niet langer"),
    "suicide.when_gone": ("niet meer", "niet langer"),
    "suicide.end_it": ("eind", "end", "punt"),
    "suicide.end_it2": ("eind", "punt"),
    "suicide.end_life": ("eind", "end", "punt"),
    "suicide.make_end": ("eind", "punt"),
    "suicide.want_dead_zin": ("dood", "sterven", "eind"),
    "suicide.leave_world": ("wereld", "aarde", "leven"),
    "suicide.worth_more_dead": ("als ik",),
    "suicide.better_not_be": ("niet",),
    "suicide.end_all": ("eind", "punt"),
    "suicide.take_life": ("leven",),
    "suicide.kill_self_reflexive": ("kant", "leven", "hang"),
    "suicide.method_dose": ("pil", "paracetamol", "medicijn", "tablet", "insuline", "dodelijk",
                            "overdosis"),
    "suicide.never_wake": ("wakker", "staan"),
    "suicide.sleep_forever": ("voorgoed", "voor altijd", "eeuwig", "definitief"),
    "suicide.life_done": ("leven", "bestaan"),
    "suicide.think_death": ("dood", "sterven", "doding", "eind", "stoppen", "leven", "zijn"),
    "suicide.farewell": ("afscheid",),
    "suicide.if_dead": ("dood", "overleden", "niet meer"),
    "suicide.english": ("kill", "kms", "unalive", "die", "dead", "suicid", "end "),
    "self_harm.word": ("zelfbeschadig", "zelfverwond", "automutilatie", "harm",
                       "zelf beschadig", "zelfverminking", "snijgedrag"),
    "self_harm.cut_self": ("snij", "sneed", "kras", "brand", "prik", "kerf", "kerv",
                           "beschadig", "verwond", "sla", "bijt"),
    "self_harm.cut_in_rev": ("snij", "sneed", "kras", "kerf", "kerv", "brand", "gesneden"),
    "self_harm.did_again": ("gekrast", "gesneden", "gekerfd", "gebrand", "geprikt"),
    "self_harm.cut_in": ("gesneden", "gekrast", "gekerfd", "gebrand", "snij", "kras", "sneed",
                         "brand"),
    "self_harm.cut_me_past": ("gesneden", "gekrast", "gebrand", "bekrast", "gekerfd",
                              "verwond", "beschadigd", "pijn"),
    "self_harm.pain_self": ("mezelf",),
    "self_harm.habit": ("snijden", "krassen", "kerven", "branden"),
    "self_harm.cut_bare": ("snij", "kras", "kerf"),
    "self_harm.scratch_open": ("krab",),
    "self_harm.scratch_help": ("snijden", "krassen", "kerven", "mezelf pijn"),
    "self_harm.marks": ("krassen", "sneetjes", "sneden", "snijwonden", "littekens", "wondjes",
                        "brandplekken"),
    "self_harm.head_wall": ("tegen",),
    "self_harm.do_self_sth": ("iets", "wat"),
    "self_harm.mezelf_iets": ("iets", "wat"),
    "dv.word": ("geweld", "mishandeling"),
    "dv.home_violence": ("geweld", "slaan", "vechten", "klappen", "mishandel", "geslagen"),
    "dv.rape": ("verkracht", "aangerand", "aanranding", "misbruik", "seks"),
    "dv.strangled": ("wurg", "keel", "blauw", "muur", "trap", "elkaar"),
    "unsafe.not_safe_home": ("veilig",),
    "unsafe.feel_unsafe": ("veilig",),
    "unsafe.afraid_home": ("huis", "thuis", "binnen", "naar mijn"),
    "unsafe.afraid_home2": ("bang", "eng", "angstig", "gevaarlijk"),
    "unsafe.run_away": ("weg", "buiten", "straat"),
    "acute.happening": ("deur", "binnen", "trappen", "breken", "slaan", "pakken", "wurgen",
                        "opgesloten", "help", "hulp", "112", "politie"),
}
_HIT_STEMS = ("sla", "sloeg", "schop", "trap", "stomp", "mep", "mishandel", "wurg", "duw",
              "verkracht", "misbruik", "knijp", "kneep", "bijt", "beet", "beuk", "ramt",
              "aanrand")
_PART_STEMS = ("geslagen", "geschopt", "getrapt", "gestompt", "gemept", "mishandeld",
               "gewurgd", "geduwd", "verkracht", "misbruikt", "bedreigd", "geknepen",
               "gebeten", "aangerand", "betast", "gebeukt", "pijn", "opgesloten",
               "aangevallen", "gemolesteerd")
_VIOLENCE_TRIGGERS: Dict[str, Tuple[str, ...]] = {
    "violence.active": _HIT_STEMS,
    "violence.inverted": _HIT_STEMS,
    "violence.inverted_perfect": _PART_STEMS,
    "violence.l2_order": _HIT_STEMS + _PART_STEMS,
    "violence.touch": (" aan mijn ", " in mijn ", " naar mijn "),
    "violence.sexual": (" aan", "dingen", "kamer", " bed", "kleren"),
    "violence.perfect": _PART_STEMS,
    "violence.passive": _PART_STEMS,
    "violence.receive": ("klap", "mep", "slaag", "rammel", "schop", "trap", "tik", "stomp",
                         "blauw"),
    "violence.gives": ("klap", "mep", "slaag", "rammel", "schop", "trap", "tik", "stomp",
                       "blauw"),
    "violence.hurts": (" pijn", " zeer", " aan"),
    "violence.hurts_inverted": (" pijn", " zeer"),
    "violence.hair": ("haar", "haren", "kamer", "trap", "muur", "naar", "grond", "arm"),
    "violence.harm_intent": ("iets", "wat", "pijn"),
    "violence.threat": ("dreig",),
    "violence.violent_person": ("gewelddadig", "agressief", "handtastelijk"),
}


_TRIGGER_RES: Dict[str, Pattern[str]] = {
    name: re.compile("|".join(re.escape(sub) for sub in subs))
    for name, subs in (*_TRIGGERS.items(), *_VIOLENCE_TRIGGERS.items())
}


# "een film over zelfmoord", "op school over huiselijk geweld": a topic, not a disclosure.
_TOPIC_RE = re.compile(
    r"\b(?:film|films|serie|boek|werkstuk|spreekbeurt|les|lessen|documentaire|artikel|"
    r"presentatie|opdracht|project|verhaal|programma|video|podcast|nieuws|"
    r"campagne|voorlichting|folder|website) (?:\w+ ){0,2}(?:over|van|met|tegen|rond) "
    r"(?:het onderwerp |het thema |de preventie van |preventie van )?$"
)
_TOPIC_RULES = frozenset({"suicide.word", "dv.word"})


_OWN_THOUGHT_RE = re.compile(
    r"\b(?:denk|dacht|wil|wou|overweeg|overwoog|voel|gedachten|zelf ook|ik ook|soms ook|"
    r"herken|bang dat ik)\b"
)


def _topic_only(rule: _Rule, norm: str) -> bool:
    """True when every match of a bare keyword rule is framed as a topic (a film, an essay).

    Never when the speaker also talks about their own thoughts (``... en nu denk ik er
    zelf ook aan``).
    """
    if _OWN_THOUGHT_RE.search(norm):
        return False
    for m in rule.pattern.finditer(norm):
        if not _TOPIC_RE.search(norm[max(0, m.start() - 60) : m.start()]):
            return False
    return True


def _triggered(name: str, norm: str) -> bool:
    """False when the rule cannot match (none of its trigger substrings occurs)."""
    trigger = _TRIGGER_RES.get(name)
    return trigger is None or trigger.search(norm) is not None


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
    """(rule, kinds, minor, pronoun_actor) for each violence pattern that matches.

    A parent hurting a speaker who states an adult age is family violence against an
    adult: ``domestic_violence`` instead of ``abuse_child``.
    """
    found: List[Tuple[str, Kinds, bool, bool]] = []
    age = _speaker_age(norm)
    adult = age is not None and age >= 18
    for name, pattern in _VIOLENCE_PATTERNS:
        if not _triggered(name, norm):
            continue
        for m in pattern.finditer(norm):
            if _negated(norm, m.start(), m.end()):
                continue
            groups = m.groupdict()
            who = groups.get("who")
            whom = groups.get("whom")
            if name == "violence.touch":
                whom = "me"
            if name == "violence.passive":
                subj = (whom or "ik").strip()
                whom = "me" if subj in ("ik", "wij", "we") else subj
            if name == "violence.threat":
                whom = whom or groups.get("whom2")
                actor = (who or "").strip()
                close = bool(
                    _PARENT_ONLY_RE.match(actor) or _PARTNER_ONLY_RE.match(actor)
                )
                child = bool(whom) and _CHILD_VICTIM_RE.match(whom.strip()) is not None
                if not groups.get("comp") and not (close and whom and not child):
                    continue
            kinds, minor = _classify(who, whom)
            if adult and kinds == _AC and (whom or "me").strip() in _SELF_OBJECTS:
                kinds = _DV
            if name == "violence.violent_person" and _PARENT_ONLY_RE.match((who or "").strip()):
                kinds, minor = _UC, True
            if _ALSO_CHILD_RE.match(norm, m.end()):
                kinds = (*kinds, CrisisKind.ABUSE_CHILD)
            pronoun = bool(who) and _PRONOUN_ONLY_RE.match(who.strip()) is not None
            found.append((name, kinds, minor, pronoun))
            break
    return found


# "mijn man slaat mij en de kinderen": a second, child victim right after the match.
_ALSO_CHILD_RE = re.compile(rf" (?:en|,|en ook|of) (?:ook )?{CHILD_VICTIM}\b")
_PRONOUN_ONLY_RE = re.compile(rf"^{PRONOUN}$")


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def _mask_idioms(norm: str) -> str:
    """The normalised text with idiom spans replaced by a clause break."""
    return _IDIOM_RE.sub(" , ", norm)


_FIN_SUICIDE_RE = re.compile(
    r"\b(?:financiele|financieel|economische|sociale|commerciele) zelfmoord\b|"
    r"\bzelfmoord (?:voor|met) (?:je|mijn|ons|de) (?:budget|portemonnee|geld|bankrekening|"
    r"rekening)\b"
)


def _suppressed(rule: _Rule, norm: str) -> bool:
    """Context that turns a matching rule off (a topic, an estate question, an idiom)."""
    if rule.name in _TOPIC_RULES and _topic_only(rule, norm):
        return True  # "een film over zelfmoord"
    if rule.name == "suicide.if_dead":
        # "wat gebeurt er met mijn schulden als ik dood ga": a check, not a crisis line
        return bool(_ESTATE_RE.search(norm) or _WHAT_HAPPENS_RE.search(norm))
    if rule.name == "suicide.word" and _FIN_SUICIDE_RE.search(norm):
        # "dat abonnement was financiele zelfmoord", unless the word occurs elsewhere too
        return not _search(rule.pattern, _FIN_SUICIDE_RE.sub(" , ", norm), True)
    return False


def detect_crisis(text: str) -> Optional[CrisisResult]:
    """Detect a crisis in a user message; ``None`` when there is none.

    Never raises; returns the kinds most urgent first, a minor-speaker hint and the names
    of the rules that fired (never the user's text).
    """
    try:
        return _detect_crisis(text)
    except Exception as exc:  # pragma: no cover - a safety net must never break the pipeline
        _log.error("crisis detector failed: %s", type(exc).__name__)
        return None


# Warning signs in indirect wording, added after a fresh set of realistic messages
# (docs: tests/data/crisis_phrases.yaml, section "warning signs"): plans, places, means,
# injuries and hiding, rather than the words "dood" or "slaan".
_SIGNS_RULES: List[_Rule] = [
    _r("signs.suicide_place", _SUI,
       rf"\b(?:bij|op|langs|naar) (?:het|de) (?:spoor|rails|spoorlijn|spoorbaan)\b"
       rf"|\bvoor de trein\b|\bwelke brug\b|\bbrug {G3}hoog genoeg\b|\bhoog genoeg {G3}"
       rf"(?:om|is)\b|\bop het dak {G6}(?:springen|gestaan)\b|\bom te springen\b"
       rf"|\bhet water in\b(?= .*\b(?:besloten|rij|rijd|rijden|auto)\b)"
       rf"|\b(?:rij|rijd) {G4}het water in\b"),
    _r("signs.suicide_method", _SUI,
       rf"\bpijnloos {G2}(?:doodgaan|doodgaat|dood gaan|dood gaat|sterven|dood)\b|\bmezelf ophang|"
       rf"\b(?:me|mij) ophang\b|\bvan kant (?:maak|maakt|maken|te maken)\b|\bzich van kant\b"
       rf"|\bmezelf van kant\b|\bophouden met (?:ademen|leven)\b|\bstoppen met ademen\b"
       rf"|\b(?:strips|pillen|tabletten|pilletjes)\b(?=.*\b(?:voorgoed|nooit meer wakker)\b)",
       negatable=False),
    _r("signs.suicide_wish", _SUI,
       rf"\bniemand (?:iets |wat )?uit als ik (?:doodga|dood ga|dood ben|er niet meer ben)\b"
       rf"|\bdood zijn {G3}(?:lijkt|is|zou)\b"
       rf"|\bnooit meer wakker (?:werd|word|worden|te worden)\b|\b(?:zegt|zeggen) "
       rf"{G2}(?:ga|gaan) dood\b|\bniet meer te zijn\b|\bgeen 18 (?:worden|word)\b"
       rf"|\bafscheidsbericht(?:je)?\b|\bmond minder te voeden\b"
       rf"|\bweet niet of ik {G4}(?:terugloop|terug loop|terugkom|terug kom)\b"),
    _r("signs.self_harm", _SH,
       rf"\b(?:arm|armen|pols|polsen|been|benen|bovenarm) {G3}(?:opengehaald|open gehaald|"
       rf"opengesneden|gesneden|gekrast|gebrand)\b|\bhet mesje {G2}(?:gepakt|pak|pakken)\b"
       rf"|\bmesje {G6}(?:opengehaald|gesneden|krassen|snijden)\b"
       rf"|\b(?:snijdt|snij|snijd|krast|kras) zichzelf\b|\b(?:mezelf|mijzelf) {G5}(?:gebrand|"
       rf"verbrand|gestompt|gebeten)\b|\b(?:stomp|brand|bijt) {G2}(?:mezelf|mijzelf)\b"
       rf"|\b(?:wondjes|wonden|sneetjes)\b(?=.*\bzelf\b.*\b(?:gemaakt|ingemaakt)\b)"
       rf"|^(?=.*\bexpres\b).*\b(?:gebrand|brandblaar|gesneden|gekrast)\b"
       rf"|\b(?:weken|dagen|maanden) clean\b(?=.*\bmesje\b)", negatable=False),
    _r("signs.abuse_child", _AC,
       rf"\bdoor elkaar geschud\b|\bstriemen\b|\bgescheurde lip\b"
       rf"|\b(?:sluit|sloot|sluiten) {G2}(?:me|mij|ons|haar|hem) {G2}op in\b"
       rf"|\b(?:tegen de|door de) (?:kast|muur|gang|kamer) {G3}(?:smijt|smeet|gesmeten|"
       rf"gesleurd|sleurt|gegooid|gooit|geduwd)\b|\b(?:smijt|smeet|sleurt|sleurde) {G3}"
       rf"(?:me|mij) {G3}(?:tegen|door|aan)\b|\bgesleurd\b(?=.*\b(?:mama|papa|moeder|vader|"
       rf"bloed)\b)|\b(?:straft|strafte) (?:me|mij)\b(?=.*\bpijn\b)"
       rf"|\b(?:mijn|mn) (?:zusje|broertje|zoon|dochter|kind|kinderen) {G3}(?:wordt|word) {G6}"
       rf"geslagen\b|\b(?:mn|mijn) (?:zusje|broertje) {G6}geslagen\b",
       negatable=False),
    _r("signs.partner_violence", _DV,
       rf"\bknijpt {G3}keel\b|\bkeel (?:dicht|dichtgeknepen|dichtknijpt)\b"
       rf"|\bsluit (?:me|mij) op\b|\b(?:op de grond|tegen de tegels|tegen de muur) {G3}"
       rf"(?:gooit|gegooid|geslagen|geduwd|schopt|geschopt)\b"
       rf"|\b(?:gooit|gooide|smijt|smeet) {G2}(?:dingen|spullen|iets|een asbak|borden) {G2}"
       rf"naar (?:mijn|mn|me) (?:hoofd|kop)\b|\bmet (?:zijn|zn) vuist\b"
       rf"|\b(?:me|mij) wat aandoet\b|\b(?:me|mij) iets aandoet\b"
       rf"|\bin de fik\b(?= .*\bmet (?:mij|me|ons) erin\b)", negatable=False),
    _r("signs.acute_danger", _AD,
       rf"^(?=.*\b(?:hij|zij|ze|vader|moeder|ex|man|vriend|stiefvader|dronken|stomdronken|"
       rf"afmaken|afmaakt|beneden|tuin|huis)\b).*\b(?:met|heeft) een (?:mes|hamer|"
       rf"honkbalknuppel|knuppel|pistool|wapen|bijl)\b"
       rf"|\b(?:afmaakt|af maakt|gaat afmaken|komt afmaken)\b"
       rf"(?=.*\b(?:deur|boven|kinderen|mama|huis|nu)\b)|\b(?:bonkt|bonst|slaat) {G3}"
       rf"(?:op|tegen) de (?:voordeur|deur)\b(?=.*\b(?:schreeuwt|afmaakt|dreigt)\b)",
       negatable=False),
    _r("signs.unsafe_child", _UC,
       rf"\bnergens veilig\b|\bverstoppen (?:ons|me|mij)\b(?=.*\b(?:thuiskomt|thuis komt|"
       rf"vriend|vader|papa|stiefvader)\b)|\bergens anders slapen\b(?=.*\bthuis\b)"
       rf"|\bthuis gaat het mis\b|\bals (?:papa|mama|mn vader|mijn vader|mn moeder|"
       rf"mijn moeder|hij) thuis is {G4}(?:niet|nie) (?:zijn|wezen|naar huis)\b",
       negatable=False),
]


def _detect_crisis(text: str) -> Optional[CrisisResult]:
    norm = normalize(text)
    if not norm:
        return None
    kinds: set = set()
    names: List[str] = []
    rule_minor = False
    pronoun_actor = False
    for rule in (*_ACUTE_RULES, *_SUICIDE_RULES, *_SELF_HARM_RULES, *_DV_RULES,
                 *_UNSAFE_RULES, _DV_AFRAID_PARTNER, *_SIGNS_RULES):
        if not _triggered(rule.name, norm) or not _search(rule.pattern, norm, rule.negatable):
            continue
        if not _suppressed(rule, norm):
            kinds.update(rule.kinds)
            names.append(rule.name)
            rule_minor = rule_minor or rule.minor
    for name, vkinds, minor, pronoun in _violence(norm):
        kinds.update(vkinds)
        names.append(name)
        rule_minor = rule_minor or minor
        pronoun_actor = pronoun_actor or pronoun
    if not kinds and _GLUED_TOKEN_RE.search(norm):
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
        return bool(_IF_DEAD_RE.search(masked)) and not _ESTATE_RE.search(masked)
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
        rf"voor het avondeten|voor vanavond|voor de kinderen te eten)\b"
        rf"(?! (?:voor|van) (?:de|onze|mijn|het) (?:hond|honden|kat|katten|konijn|cavia|"
        rf"huisdier|huisdieren|vogel|vogels|vis|vissen|paard|hamster)\b)|"
        rf"\b(?:lege|leeg) (?:koelkast|kast|kasten|maag|magen|voorraadkast|vriezer)\b|"
        rf"\b(?:koelkast|kast|kasten|voorraadkast|vriezer) (?:is |zijn |staat |staan )?"
        rf"(?:helemaal |compleet )?leeg\b|"
        rf"\b(?:niks|niet|geen) (?:meer )?(?:gegeten|te eten gehad|eten gehad)\b"
        rf"(?: {G4}(?:sinds|vandaag|gisteren|dagen|dag|twee|drie|geld)\b)?|"
        rf"\bhonger\b {WIDE}\b(?:niks|geen eten|geen geld|geen brood|leeg)\b|"
        rf"\b(?:niks|geen eten|geen geld|leeg)\b {WIDE}\bhonger\b|"
        rf"\b(?:kan|kunnen|kon) {G3}{_NOW} {G2}(?:geen|niks) (?:eten|boodschappen|brood)"
        rf"|\b{_NOW} {G4}(?:geen|niks) (?:eten|brood|boodschappen)\b|\b(?:geen|niks) "
        rf"(?:eten|brood|boodschappen) {G4}{_NOW}\b|"
        rf"\bgeen (?:eten|brood) meer {G4}geen geld\b|"
        rf"\bgeen geld (?:meer )?(?:voor|om) (?:eten|boodschappen|brood|eten te kopen)\b"
        rf" {G4}{_NOW}\b|"
        rf"\b{_NOW} {WIDE}(?:voedselpakket|voedselbank|noodpakket|eten)\b {WIDE}"
        rf"(?:we|ik) (?:hebben|heb) (?:echt |helemaal |gewoon )?(?:niks|niets)(?: meer)?"
        rf"(?: (?:in huis|thuis))?(?= ,| *$)|"
        rf"\b(?:we|ik) (?:hebben|heb) (?:echt |helemaal |gewoon )?(?:niks|niets)(?: meer)? , "
        rf"{WIDE}(?:voedselpakket|voedselbank|noodpakket|eten)\b {WIDE}{_NOW}\b|"
        rf"\bmet (?:een )?lege maag\b|"
        rf"\b(?:niks|niets) meer (?:over )?(?:om|te) (?:eten|koken)\b"
    )),
    (AcuteNeed.NO_ROOF_TONIGHT, re.compile(
        rf"\b(?:slaap|slapen|sliep|sliepen|beland|belanden|leven|leef|woon|wonen) {G4}"
        rf"op straat\b(?! (?:te )?(?:spelen|voetballen|lopen)\b)(?! (?:nummer )?\d)|"
        rf"\b(?:staan|sta|stonden|stond|zitten|zit|staat) {G4}op straat(?= ,| *$| met "
        rf"(?:{W} )?(?:kinderen|kind|zoon|dochter|baby|gezin|kids|spullen)\b| sinds\b| "
        rf"(?:vannacht|vandaag|nu)\b)|"
        rf"\bop straat (?:gezet|gegooid|beland|terecht|slapen|slaap|sliep|sliepen|overnachten|"
        rf"wonen|leven|staan|moeten slapen)\b|"
        rf"\b(?:slaap|slapen|sliep|sliepen|overnachten) {G2}buiten\b(?! (?:de|het) )|"
        rf"\bbuiten (?:slapen|moeten slapen|overnachten)\b|"
        rf"\b(?:zijn|ben|is|heeft ons|heeft mij|hebben ons|hebben mij|hebben me|heeft me) "
        rf"{G3}(?:uit (?:huis|ons huis|de woning|mijn huis|het huis) {G2}(?:gezet|gegooid|"
        rf"geschopt|gezet)|ontruimd|op straat gezet|eruit gezet|eruit gegooid)\b"
        rf"(?! (?:worden|wordt|word|te worden|gaan|zullen|zal))|"
        rf"\b(?:huis|woning) is {G2}ontruimd\b|"
        rf"\bgeen (?:plek|plaats|slaapplek|slaapplaats|dak|bed|onderdak|woonplek|huis) "
        rf"{G3}(?:om te slapen|boven (?:mijn|ons|het) hoofd|voor vannacht|vannacht|"
        rf"vanavond|meer)\b|\bgeen (?:slaapplek|slaapplaats|onderdak|dak boven)\b|"
        rf"\bnergens {G2}(?:om )?(?:te slapen|slapen|te overnachten|te wonen|om te wonen)\b|"
        rf"\bnergens (?:heen|naartoe) {G2}(?:vannacht|vanavond)\b|"
        rf"\b(?:vannacht|vanavond) {G3}nergens (?:heen|naartoe)\b|"
        rf"\bwaar {G3}(?:vannacht|vanavond) {G3}(?:slapen|heen|overnachten)\b|"
        rf"\b(?:slaap|slapen|sliep|sliepen|overnachten) {G4}in (?:de|mijn|onze|een) "
        rf"(?:auto|auto s|tent|portiek|park|trappenhuis|fietsenstalling|bushokje|station)\b|"
        rf"\b(?:ben|zijn|is|we|ik|sinds|nu|al) {G3}dakloos\b(?! (?:te )?(?:worden|word|wordt|"
        rf"raken|raakt|gaan|zullen))|\bdakloos sinds\b|"
        rf"\bthuisloos\b(?! (?:te )?worden)"
    )),
    (AcuteNeed.CUTOFF_TODAY, re.compile(
        rf"\b{_UTILITY} {G3}(?:is|zijn|werd|wordt|word|was|hebben ze|heeft|hebben) {G4}{_CUT}\b|"
        rf"\b(?:hebben|heeft|heb|hadden|had) {G3}{_UTILITY} {G2}{_CUT}\b|"
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

