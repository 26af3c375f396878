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

Data and logic
--------------
The pattern strings and word lists live in ``content/lexicon/crisis/*.yml``, files a
clinician can read and review (each starts with a header that explains its format); they
are loaded and compiled once at import by :mod:`actions.logic.lexicon`. This module keeps
the decisions: normalisation, negation handling, who hurts whom, which kind a match gives,
what switches a rule off.

* ``blocks.yml``: shared building blocks (who, hurting verbs, whom, gaps of a few words)
  and the negation word lists; ``normalisation.yml``: the token spelling map.
* ``acute_danger.yml``, ``suicide.yml``, ``self_harm.yml``, ``violence.yml``,
  ``unsafe_child.yml``, ``signs.yml`` (warning signs in indirect wording) and ``glued.yml``
  (phrases with spaces missing): the crisis rules, each with its kinds and flags.
* ``idioms.yml`` (and the topic / financial-suicide context), ``check.yml`` (ambiguous
  despair, estate questions), ``acute_need.yml`` and ``speaker.yml`` (age and minor hints).

Design
------
1. **Normalisation** (:func:`normalize`): lower case, diacritics removed (``suïcide`` ->
   ``suicide``), apostrophes dropped (``m'n`` -> ``mn``), clause punctuation kept as a
   ``,`` token (so a gap in a pattern never crosses a clause), every other symbol (emoji,
   HTML, control characters) becomes a space, runs of 3+ equal letters collapse to two
   (``doooood`` -> ``dood``) and youth / chat / L2 spellings are mapped token by token
   (``normalisation.yml``: ``nie`` -> ``niet``, ``kwil`` -> ``ik wil``; ``me zelf`` ->
   ``mezelf``; ``me``/``mn``/``mij`` before a family or body word -> ``mijn``).
2. **Pattern families**: each rule is a named regular expression over the normalised text,
   built from shared blocks. Gaps never contain a negation word, so ``ik wil niet dood``
   or ``mijn vader heeft me nooit geslagen`` do not match; a match is also dropped when a
   negation stands just before it in the same clause (``geen zelfmoordgedachten``; ``weet
   niet waar ...`` is not a negation) or right after it (``slaat mij nooit``; ``niet meer``
   / ``niet alleen`` do not count). Rules that carry their own negation (``wil niet meer
   leven``) say so (``negatable: false``).
3. **Violence is classified by who does what to whom** (``violence.yml``,
   ``who_hurts_whom``): a parent-like person (father, mother, step-parent, mother's
   boyfriend, grandparent, uncle, sibling) hurting the speaker is ``abuse_child`` (minor
   hint); one parent hurting the other (``papa slaat mama``) is ``domestic_violence``
   (minor hint); a partner or adult child hurting the speaker is ``domestic_violence``;
   anyone hurting a child is ``abuse_child``; an unnamed actor (``hij slaat me``) is
   ``domestic_violence`` plus ``abuse_child`` when a minor seems to speak; a passive
   without actor (``ik word thuis geslagen``) gives both. Threats need a violent complement
   (``dreigt me te slaan``) unless the actor is a partner or family member; ``ze bedreigen
   me met een rechtszaak`` is not violence.
4. **Kinds that overlap**: ``mezelf iets aandoen`` is suicide and self-harm; an overdose
   taken now is acute danger and suicide; a threat to kill now (``hij gaat me
   vermoorden``, a knife or gun) is acute danger.
5. **Glued words** (``glued.yml``): a few unambiguous phrases also match with spaces
   missing (``wilnietmeerleven``, ``ikwildood``, ``mijnvaderslaatme``), only when a space
   is actually missing, no negation is around and no other rule fired.
6. **Idioms are not crises** (``idioms.yml``): death and violence words in money talk
   (``ik ga dood van de stress``, ``die rekening is moordend``) are matched by
   :func:`is_idiom` and masked out before :func:`needs_check` runs; the crisis rules are
   written narrowly enough not to match them, so an idiom never hides a real crisis
   elsewhere in the message. ``financiele zelfmoord`` and a topic frame (``een film /
   werkstuk over zelfmoord``) switch off only the bare keyword rules; talk at school about
   suicide still fires.
7. :func:`needs_check` covers ambiguous despair (``check.yml``: ``ik zie het niet meer
   zitten``, ``ik kan niet meer``, ``ik ga dood`` without ``van``/``aan``): no crisis line,
   the dialogue asks a gentle check question. A practical question about dying (``wat
   gebeurt er met mijn schulden als ik dood ga``) gets the check, not the crisis line; with
   estate words (``uitvaartverzekering``, ``erfenis``) it gets neither.
8. :func:`detect_acute_need` covers acute material need with its own immediate route
   (``acute_need.yml``): no food now, no roof tonight (sleeping rough, already evicted),
   gas / electricity / water / heating cut off already or today / tomorrow. A coming
   eviction, a cut-off without a day and a phone or internet cut-off are not acute.

Speaker age: :attr:`CrisisResult.speaker_is_minor_hint` is a hint only (``speaker.yml``:
``mijn vader slaat mij``, ``mama``, ``ik zit in de brugklas``, an age under 18), switched
off by adult markers (an age of 18 or more, ``mijn man``, ``mijn kinderen``).

Speed: cheap substring triggers (``triggers`` in the rule files) skip rules that cannot
match; a typical message takes a few hundred microseconds, 5,000 characters tens of
milliseconds.

Review: the patterns and the labelled phrase lists in ``tests/data/crisis_phrases*.yaml``
were written by developers from realistic example messages. A clinician (crisis-line or
youth-care professional, e.g. from 113 or Veilig Thuis) should review the data files, the
kind decisions above and the phrase lists before this is used with real users, and again
after every change (``tests/test_crisis.py`` and ``tests/test_lexicon.py`` must pass).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Dict, List, Optional, Pattern, Tuple

from actions.logic.lexicon import Entry, get_lexicon

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



# All pattern strings and word lists: content/lexicon/crisis/*.yml (loaded once).
_LEX = get_lexicon()


# ---------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------

MAX_CHARS = 20_000  # longer input is cut (a chat message is far shorter)

_FAMILY_AFTER_ME = frozenset(_LEX.word_list("family_after_me"))
_MEZELF_BEFORE_ZELF = frozenset(_LEX.word_list("mezelf_before_zelf"))
_MIJN_BEFORE_FAMILY = frozenset(_LEX.word_list("mijn_before_family"))

# Token -> replacement (may be several tokens). Applied after lower-casing.
_TOKEN_MAP: Dict[str, str] = dict(_LEX.token_map)

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
        if tok in _MEZELF_BEFORE_ZELF and nxt == "zelf":
            out.append("mezelf")  # "me zelf", "mij zelf"
            i += 1
        elif tok in _MIJN_BEFORE_FAMILY and nxt in _FAMILY_AFTER_ME:
            out.append("mijn")  # "me pa", "mn stiefvader", L2 "mij leven"
        elif tok == "m":
            out.append(tok)
        else:
            rep = _TOKEN_MAP.get(tok)
            out.append(rep if rep is not None else tok)
    return " ".join(out)


# ---------------------------------------------------------------------------------------
# Rules (patterns: acute_danger / suicide / self_harm / violence / unsafe_child / signs.yml)
# ---------------------------------------------------------------------------------------

Kinds = Tuple[CrisisKind, ...]
_AC = (CrisisKind.ABUSE_CHILD,)
_UC = (CrisisKind.UNSAFE_CHILD,)
_DV = (CrisisKind.DOMESTIC_VIOLENCE,)


@dataclass(frozen=True)
class _Rule:
    """A named pattern and the kinds it gives; ``minor`` marks a child-speaker rule."""

    name: str
    kinds: Kinds
    pattern: Pattern[str]
    minor: bool = False
    negatable: bool = True


def _rule(entry: Entry) -> _Rule:
    if entry.pattern is None:
        raise ValueError(f"crisis rule {entry.name!r} needs a pattern")
    kinds = tuple(CrisisKind(k) for k in entry.kinds)
    return _Rule(entry.name, kinds, entry.pattern, entry.minor, entry.negatable)


def _rules(file: str) -> List[_Rule]:
    """The rules of one lexicon file, in the order written."""
    return [_rule(e) for e in _LEX.section(file)]


_ACUTE_RULES = _rules("acute_danger")
_SUICIDE_RULES = _rules("suicide")
_SELF_HARM_RULES = _rules("self_harm")
# dv.afraid_partner is checked after the unsafe-child rules (the order of names in
# CrisisResult.matched follows the order in which rules are checked).
_DV_RULES = [r for r in _rules("violence") if r.name != "dv.afraid_partner"]
_DV_AFRAID_PARTNER = _rule(_LEX.entry("dv.afraid_partner"))
_UNSAFE_RULES = _rules("unsafe_child")
# Warning signs in indirect wording (plans, places, means, injuries, hiding), checked last.
_SIGNS_RULES = _rules("signs")

# Who hurts whom: named groups "who" and "whom", classified by _classify afterwards.
_VIOLENCE_PATTERNS: List[Tuple[str, Pattern[str]]] = [
    (e.name, e.pattern) for e in _LEX.section("violence", "who_hurts_whom") if e.pattern
]


# Missing spaces ("wilnietmeerleven", "ikwildood"): phrases whose words may be glued
# together (glued.yml); a match counts only when at least one space is missing (otherwise
# the normal rules, with their negation handling, have already decided).
def _glued_patterns(phrases: Tuple[str, ...]) -> Tuple[Tuple[Pattern[str], int], ...]:
    """Each phrase as a pattern with optional spaces, with its number of words."""
    return tuple(
        (
            re.compile(rf"(?<![a-z])(?P<pre>(?:ik ?|k ?)?){p.replace(' ', ' ?')}(?![a-z])"),
            p.count(" ") + 1,
        )
        for p in phrases
    )


# (name, kinds, minor, patterns)
_GLUED: List[Tuple[str, Kinds, bool, Tuple[Tuple[Pattern[str], int], ...]]] = [
    (e.name, tuple(CrisisKind(k) for k in e.kinds), e.minor, _glued_patterns(e.phrases))
    for e in _LEX.section("glued")
]

# A glued phrase leaves a long token made of several words; without one, skip the pass.
_GLUED_TOKEN_RE = _LEX.pattern("glued_gate")


def _glued_hit(patterns: Tuple[Tuple[Pattern[str], int], ...], norm: str) -> bool:
    """A phrase match with at least one missing space and no negation around it."""
    for pattern, words in patterns:
        for m in pattern.finditer(norm):
            core = m.group(0)[len(m.group("pre")) :]
            if core.count(" ") < words - 1 and not _negated(norm, m.start(), m.end()):
                return True
    return False


# ---------------------------------------------------------------------------------------
# Idioms and ambiguous despair (idioms.yml, check.yml)
# ---------------------------------------------------------------------------------------

# All idioms as one pattern, in the order written.
_IDIOM_RE = re.compile("|".join(e.regex for e in _LEX.section("idioms")))

_CHECK_RULES: List[Tuple[str, Pattern[str]]] = [
    (e.name, e.pattern) for e in _LEX.section("check") if e.pattern
]

# "als ik dood ben" in a question about inheritance or funeral costs: a check, no crisis.
_WHAT_HAPPENS_RE = _LEX.pattern("what_happens")
_ESTATE_RE = _LEX.pattern("estate")


# ---------------------------------------------------------------------------------------
# Minor / adult hints (speaker.yml)
# ---------------------------------------------------------------------------------------

_AGE_RE = _LEX.pattern("age")
_MINOR_WORDS_RE = _LEX.pattern("minor_words")
_ADULT_WORDS_RE = _LEX.pattern("adult_words")


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

_NEG_WORDS = frozenset(_LEX.word_list("negation"))
_NEG_AFTER = frozenset(_LEX.word_list("negation_after"))
_NOT_NEG_AFTER_NIET = frozenset(_LEX.word_list("not_negating_after_niet"))
_STOP_WORDS = frozenset(_LEX.word_list("clause_stop"))


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
    if after and after[0] in _NEG_AFTER:
        return True
    if after and after[0] == "niet":
        return not (len(after) > 1 and after[1] in _NOT_NEG_AFTER_NIET)
    return False


# Cheap pre-filters: a rule only runs when one of its trigger substrings (``triggers`` in
# the rule files) occurs in the text. They must be implied by every match of the rule (they
# only save time).
_TRIGGER_RES: Dict[str, Pattern[str]] = {
    e.name: re.compile("|".join(re.escape(sub) for sub in e.triggers))
    for e in _LEX.entries()
    if e.triggers
}


# "een film over zelfmoord", "op school over huiselijk geweld": a topic, not a disclosure.
_TOPIC_RE = _LEX.pattern("topic_frame")
_TOPIC_RULES = frozenset({"suicide.word", "dv.word"})
_OWN_THOUGHT_RE = _LEX.pattern("own_thought")
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


_PARENT_ONLY_RE = re.compile(rf"^{_LEX.block('PARENT')}$")
_PARTNER_ONLY_RE = re.compile(rf"^{_LEX.block('PARTNER')}$")
_CHILD_ACTOR_RE = re.compile(rf"^{_LEX.block('CHILD_ACTOR')}$")
_CHILD_VICTIM_RE = re.compile(rf"^{_LEX.block('CHILD_VICTIM')}$")
_PARENT_VICTIM_RE = re.compile(rf"^{_LEX.block('PARENT_VICTIM')}$")
_SIBLING_VICTIM_RE = _LEX.pattern("sibling_victim")
_SELF_OBJECTS = frozenset(_LEX.word_list("self_objects"))

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
# "mijn man slaat mij en de kinderen": a second, child victim right after the match.
_ALSO_CHILD_RE = _LEX.pattern("also_child")
_PRONOUN_ONLY_RE = re.compile(rf"^{_LEX.block('PRONOUN')}$")


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def _mask_idioms(norm: str) -> str:
    """The normalised text with idiom spans replaced by a clause break."""
    return _IDIOM_RE.sub(" , ", norm)


_FIN_SUICIDE_RE = _LEX.pattern("financial_suicide")

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
        for name, gkinds, gminor, patterns in _GLUED:
            if _glued_hit(patterns, norm):
                kinds.update(gkinds)
                names.append(name)
                rule_minor = rule_minor or gminor
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


_IF_DEAD_RE = _LEX.pattern("suicide.if_dead")


# ---------------------------------------------------------------------------------------
# Acute material need
# ---------------------------------------------------------------------------------------

# Patterns: acute_need.yml (rules need.food, need.roof, need.cutoff; first match wins).
_ACUTE_NEED_RULES: List[Tuple[AcuteNeed, Pattern[str]]] = [
    (AcuteNeed(e.need), e.pattern) for e in _LEX.section("acute_need") if e.pattern
]
_ACUTE_UTILITY_RE = _LEX.pattern("utility_mention")
_ACUTE_CUTOFF_EXCLUDE = _LEX.pattern("cutoff_exclude")
_UTILITY_IN_CLAUSE_RE = _LEX.pattern("utility_in_clause")
_FUTURE_RE = _LEX.pattern("future")
_NOW_RE = re.compile(rf"\b{_LEX.block('NOW')}\b")


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
            if _ACUTE_CUTOFF_EXCLUDE.search(norm) and not _UTILITY_IN_CLAUSE_RE.search(clause):
                continue
            if _FUTURE_RE.search(clause) and not _NOW_RE.search(clause):
                continue
        return need
    return None

