"""Cheap, rule-based signals from one user message.

The dialogue calls :func:`extract_signals` on every message. It returns a frozen
:class:`Signals` with the needs that are mentioned, ages, who is asking, short answers
(yes/no/skip/a count), urgency markers and a few quality flags (gibberish, another
language, empty). It is plain Python over precomputed tables: well under a millisecond per
message, and it never raises on any ``str``.

Pipeline
    1. fold: lower case, special letters mapped (ł -> l, ß -> ss), diacritics stripped,
       apostrophes dropped ("m'n" -> "mn"), ``€``/``%``/``,-`` spelled out;
    2. tokenise into words and numbers; sentence ends (``. ! ? ;`` and newlines) are kept;
       chat shorthand is expanded ("kben" -> "ik ben", "mn" -> "mijn");
    3. typo repair: a word of 5+ letters that is not a keyword word is replaced by a keyword
       of 6+ letters one plausible typo away (a missing, extra or neighbouring-key letter, a
       vowel or sound-alike swap, two letters swapped; never the first letter), unless it is
       a common Dutch word (``_NOT_TYPOS``: "mening", "scholen", "kleuren", ...);
    4. need matching on whole words: multi-word keywords first (longest first, each word used
       once), then two adjacent words written apart ("school reis"), then single words, then
       inflected forms and compounds ("voetbalkosten", "kinderfietsje");
    5. feature rules (ages, role, answers, urgency) on the same tokens.

Decisions worth knowing (the dialogue relies on them)
    * ``needs`` are in order of first mention, except ``money_general``, which is generic and
      always comes last. Matches of ``youth_debts`` keywords (Klarna, Ziggo, boete, ...) are
      reported as ``debts`` plus ``youth_debt_markers=True``; :meth:`Signals.needs_for`
      turns that into ``youth_debts`` when the asker is a young person.
    * ``cutoff``: "afsluiten"-type words count unless the message is about a contract, loan,
      subscription or school year and names no utility ("een lening afsluiten"). The
      separable verb is recognised: "ze sluiten de stroom af".
    * Ages: "ze wordt 6" gives ``ages=(6,)`` and ``turning_age=6`` (for a birthday the age
      they turn matters) and, when no specific need is named, the need ``birthday``.
      "ik word 18" gives ``turning_age=18``, ``asker_age=17`` and the need ``turning_18``.
      "groep N" is age N+4, "brugklas" 12, "klas N"/"N havo" N+11, baby 0, peuter 2,
      kleuter 4. ``ages`` holds ages 0-30 only (child or young asker);
      ``asker_age`` may be higher. A bare number ("8") is a ``number``, not an age: the
      dialogue knows what it asked.
    * ``school_level``: the first level mentioned; "mbo"/"roc" count as ``"secondary"``
      (upper-secondary vocational; the fund schema only knows primary and secondary).
    * Short answers: ``affirm``/``deny``/``skip`` are set only when the whole message is
      essentially that answer. "liever niet" is both ``skip`` and ``deny``. A thumbs-up emoji
      counts as "ja", a thumbs-down as "nee".
    * ``number``: only in short messages (at most 6 words); "een paar" -> 2, "een aantal" or
      "meerdere" -> 3, "3 of 4" -> 4 (the upper bound), "meer dan 5" -> 6, "geen" -> 0.
    * ``empty`` is true for empty, whitespace-only and emoji-only messages; ``gibberish`` for
      keyboard mashing, random letters and messages of only emoji or punctuation.
    * ``other_language``: "en", "pl", "tr" by function words (and Polish/Turkish letters);
      "ar", "fa", "ru", "uk", "ti" by script; "und" for another non-Latin script.
    * Crisis detection is not done here: ``actions.logic.crisis`` is the one detector.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

logger = logging.getLogger(__name__)


def _roots(*roots: str) -> re.Pattern[str]:
    """A pattern that finds any of ``roots`` inside a word."""
    return re.compile("|".join(map(re.escape, roots)))


class _Gated:
    """A regex that only runs when one of its hints occurs in the text (a cheap pre-check).

    Every match of the pattern must contain at least one hint.
    """

    __slots__ = ("pattern", "hints")

    def __init__(self, pattern: re.Pattern[str], *hints: str) -> None:
        self.pattern = pattern
        self.hints = hints

    def _possible(self, text: str) -> bool:
        return any(hint in text for hint in self.hints)

    def search(self, text: str) -> re.Match[str] | None:
        """Like :meth:`re.Pattern.search`."""
        return self.pattern.search(text) if self._possible(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Like :meth:`re.Pattern.finditer`."""
        return self.pattern.finditer(text) if self._possible(text) else iter(())


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` (keeps long word lists readable)."""
    return frozenset(text.split())


MAX_CHARS = 2000  # longer input is cut: chat messages are short, and speed stays bounded
MAX_CHILD_AGE = 30  # the fund schema's AgeRange maximum
MAX_WORD = 40  # longer "words" are never repaired or split (no keyword is that long)


@dataclass(frozen=True)
class Signals:
    """Everything :func:`extract_signals` found in one message."""

    needs: tuple[str, ...] = ()
    youth_debt_markers: bool = False
    ages: tuple[int, ...] = ()
    turning_age: int | None = None
    asker_age: int | None = None
    role: str | None = None  # "parent", "youth" or "professional"
    school_level: str | None = None  # "primary" or "secondary"
    skip: bool = False
    affirm: bool = False
    deny: bool = False
    on_foodbank: bool | None = None
    number: int | None = None
    bailiff: bool = False
    arrears: bool = False
    threat: bool = False
    in_person: bool | None = None
    gibberish: bool = False
    other_language: str | None = None
    empty: bool = False

    def needs_for(self, youth: bool) -> tuple[str, ...]:
        """The needs with ``debts`` read as ``youth_debts`` when a young person asks."""
        if not (youth and self.youth_debt_markers):
            return self.needs
        out: list[str] = []
        for need in self.needs:
            need = "youth_debts" if need == "debts" else need
            if need not in out:
                out.append(need)
        return tuple(out)


# ---------------------------------------------------------------------------------------------
# Folding and tokenising

# fmt: off
_SPECIAL_LETTERS = str.maketrans({
    "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i", "đ": "d", "ð": "d",
    "þ": "th", "ħ": "h", "€": " euro ", "%": " procent ", "&": " en ", "$": " dollar ", "'": "",
    "’": "", "‘": "", "`": "", "´": "", "ʼ": "",
})
# fmt: on
_YES_EMOJI = "👍👌✅✔☑🆗🙆"
_NO_EMOJI = "👎❌✖🚫🙅"
_EMOJI_TRANS = str.maketrans({**{c: " ja " for c in _YES_EMOJI}, **{c: " nee " for c in _NO_EMOJI}})
_TOKEN_RE = re.compile(r"(\d+(?:[.,:/-]\d+)+)|([a-z0-9]+)|([.!?;\n])")
_DIGIT_WORD_RE = re.compile(r"^(\d+)([a-z]+)$")
_WORD_DIGIT_RE = re.compile(r"^(groep|klas|ik|ben|van|is|wordt|word)(\d+)$")
_GROEP_RANGE_RE = re.compile(r"\bgroep\s*(\d)\s*[/-]\s*\d\b")
_COMPLEX_NUMBER = "#"  # dates, times, decimals, phone numbers: never an age or a count

# Chat shorthand, expanded before anything else (keywords are expanded the same way).
# fmt: off
_ALIASES: dict[str, tuple[str, ...]] = {
    "kben": ("ik", "ben"), "kheb": ("ik", "heb"), "khad": ("ik", "had"), "kzit": ("ik", "zit"),
    "kwil": ("ik", "wil"), "kweet": ("ik", "weet"), "kga": ("ik", "ga"),
    "kmoet": ("ik", "moet"), "kzou": ("ik", "zou"), "kan't": ("kan", "niet"), "mn": ("mijn",),
    "zn": ("zijn",), "ff": ("even",), "nie": ("niet",), "wrm": ("waarom",),
    "mss": ("misschien",), "gwn": ("gewoon",), "idd": ("inderdaad",), "iem": ("iemand",),
    "tis": ("het", "is"), "das": ("dat", "is"), "kk": ("ok",), "okey": ("oke",),
    "okee": ("oke",), "okay": ("oke",),
}
# fmt: on


def fold(text: str) -> str:
    """Lower case, special letters mapped, diacritics and apostrophes removed."""
    text = text.translate(_EMOJI_TRANS).lower().translate(_SPECIAL_LETTERS)
    text = text.replace(",-", " euro ")
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass
class _Tokens:
    """Tokens of one message with their sentence number."""

    words: list[str]  # after shorthand expansion
    sentence: list[int]
    questions: set[int]  # sentence numbers that end with "?"
    raw: list[str]  # alphanumeric tokens before expansion (for language and gibberish checks)


def tokenise(folded: str) -> _Tokens:
    """Split folded text into word and number tokens, expanding chat shorthand."""
    if "groep" in folded:
        folded = _GROEP_RANGE_RE.sub(r"groep \1", folded)
    words: list[str] = []
    sentence: list[int] = []
    raw: list[str] = []
    questions: set[int] = set()
    current = 0
    for match in _TOKEN_RE.finditer(folded):
        complex_number, word, stop = match.groups()
        if stop:
            if stop == "?":
                questions.add(current)
            if words and sentence[-1] == current:
                current += 1
            continue
        if complex_number:
            words.append(_COMPLEX_NUMBER)
            sentence.append(current)
            continue
        raw.append(word)
        split = _DIGIT_WORD_RE.match(word) or _WORD_DIGIT_RE.match(word)
        parts: tuple[str, ...] = split.groups() if split else _ALIASES.get(word, (word,))
        for part in parts:
            words.append(part)
            sentence.append(current)
    # "k" is "ik" before another word ("k ben 15") but "oke" on its own.
    for i, word in enumerate(words):
        if word == "k":
            words[i] = "ik" if i + 1 < len(words) else "ok"
    return _Tokens(words, sentence, questions, raw)


def keyword_tokens(keyword: str) -> tuple[str, ...]:
    """A keyword as the tuple of tokens it matches (normalised like a message)."""
    return tuple(w for w in tokenise(fold(keyword)).words if w != _COMPLEX_NUMBER)


# ---------------------------------------------------------------------------------------------
# Need matching

# Phrases that look like a need but are not one; they use up their words.
# fmt: off
_NEUTRAL_PHRASES = (
    "naar bed", "in bed", "op bed", "uit bed", "in mijn bed", "in zijn bed", "in haar bed",
    "naar bed gaan", "automatische incasso", "bureau halt", "uit huis gaan", "op kamers",
    "op school", "van school", "naar school", "ik ben op zoek", "ben op zoek", "zijn op zoek",
    "lid van", "post code", "op tijd", "zorgen voor", "zorg voor",
    "eigen bijdrage kinderopvang", "aan het eten", "even geduld",
)
# fmt: on
# Single words that look like a keyword (typo, compound or inflection) but are not one.
# fmt: off
_NEUTRAL_WORDS = (
    "vakantiegeld", "reiskosten", "reisgeld", "minderjarig", "minderjarige", "meerjarig",
    "postcode", "posten", "gepost", "bedankt", "bedrag", "bedragen", "kleuren", "scholen",
    "mening", "hoger", "hogere", "stroop", "strook", "stoom", "energiek", "scholden", "boeren",
    "reizen", "dierbaar", "zorgen", "taalachterstand", "leerachterstand",
    "onderwijsachterstand", "ontwikkelingsachterstand", "achterstandswijk",
    "achterstandswijken", "transport", "passport", "vakantietoeslag", "ontspannen", "gespannen",
    "inspannen", "gegevens",
)
# fmt: on

_SUFFIXES = ("etjes", "etje", "tjes", "pjes", "tje", "pje", "jes", "je", "en", "s", "n", "e")
# Compound tails that only add a need together with a need word in front ("voetbalkosten").
_GENERIC_TAILS = _words(
    "kosten geld rekening rekeningen nota spullen club clubje les lessen vereniging pakket "
    "pakketten bon bonnen fonds bijdrage abonnement schuld schulden achterstand boete "
    "winkel cadeau cadeautje kaart pas tegoed"
)
# Compound tails that never carry their need ("minderjarig", "afscheidsfeest", "spruitjes").
_BLOCKED_TAILS = _words(
    "jarig jarige jarigen feest feestje feesten reis reizen gas kamp taart uitje uitjes angst "
    "broek stroom vlees dieren lening leningen tekort armoede bijstand herinnering "
    "herinneringen pesten jassen schriften boeken krediet vereniging verenigingen vonnis "
    "inrichting begroting cultuur toneel instrument computer boodschap huilen step steps "
    "muziekje pannen stoelen honden brieven bedden culturele beugel kasten flesjes bedje "
    "noppen uitwisseling transport huilt huil"
)
# Keyword words that take part in no compound at all.
_NO_COMPOUND = _words("eten eeten etenn boeken post kast vest oven voer bang fiet")
# Keywords shorter than five letters that still end a compound ("zonnebril", "badmuts").
_SHORT_TAILS = _words("bril muts melk bike")


@dataclass(frozen=True)
class _Hit:
    position: int
    needs: frozenset[str]
    words: tuple[str, ...]


class NeedMatcher:
    """Finds need ids in a token list; built once from the need keywords."""

    def __init__(self, needs: Iterable[tuple[str, Sequence[str]]]) -> None:
        single: dict[str, set[str]] = {}
        phrases: dict[tuple[str, ...], set[str]] = {}
        joined_forms: set[str] = set()
        for need_id, keywords in needs:
            for keyword in keywords:
                tokens = keyword_tokens(keyword)
                if not tokens:
                    continue
                if len(tokens) == 1:
                    single.setdefault(tokens[0], set()).add(need_id)
                    continue
                phrases.setdefault(tokens, set()).add(need_id)
                joined = "".join(tokens)
                if len(tokens) == 2 and min(map(len, tokens)) >= 3 and joined.isalpha():
                    joined_forms.add(joined)
                    single.setdefault(joined, set()).add(need_id)
        for phrase in _NEUTRAL_PHRASES:
            phrases.setdefault(keyword_tokens(phrase), set())
        for word in _NEUTRAL_WORDS:
            single.setdefault(word, set())
        self.single = {w: frozenset(n) for w, n in single.items()}
        self.phrases: dict[str, list[tuple[tuple[str, ...], frozenset[str]]]] = {}
        for tokens, ids in sorted(phrases.items(), key=lambda item: -len(item[0])):
            self.phrases.setdefault(tokens[0], []).append((tokens, frozenset(ids)))
        self.vocabulary = set(self.single) | {w for p in phrases for w in p}
        # typo targets: single keywords of six letters or more (not "school reis" -> "schoolreis")
        self._targets = {
            w
            for w, ids in self.single.items()
            if ids and len(w) >= 6 and w.isalpha() and (w not in joined_forms or len(w) >= 9)
        }
        self._deletes: dict[str, set[str]] = {}
        for word in self._targets:
            for i in range(len(word)):
                self._deletes.setdefault(word[:i] + word[i + 1 :], set()).add(word)
        self._repair_cache: dict[str, str] = {}
        self._compound_cache: dict[str, frozenset[str]] = {}

    # -- typo repair ----------------------------------------------------------------------------
    def repair(self, token: str) -> str:
        """The keyword word ``token`` is a one-letter typo of, or ``token`` itself."""
        cached = self._repair_cache.get(token)
        if cached is not None:
            return cached
        result = token
        if (
            5 <= len(token) <= MAX_WORD
            and token not in self.vocabulary
            and token not in _NOT_TYPOS
            and token.isalpha()
        ):
            candidates = set(self._deletes.get(token, ()))
            for i in range(len(token)):
                shorter = token[:i] + token[i + 1 :]
                if shorter in self._targets:
                    candidates.add(shorter)
                candidates |= self._deletes.get(shorter, set())
            good = sorted(
                (abs(len(c) - len(token)), c)
                for c in candidates
                if c[0] == token[0] and _one_edit(token, c)
            )
            if good:
                result = good[0][1]
        if len(self._repair_cache) < 50_000:
            self._repair_cache[token] = result
        return result

    # -- compounds and inflections --------------------------------------------------------------
    def compound(self, token: str) -> frozenset[str]:
        """Needs of an inflected form or compound of keyword words (empty if none)."""
        cached = self._compound_cache.get(token)
        if cached is not None:
            return cached
        result: frozenset[str] = frozenset()
        if token.isalpha() and 5 <= len(token) <= MAX_WORD and token not in _NOT_TYPOS:
            result = self._compound(token)
        if len(self._compound_cache) < 50_000:
            self._compound_cache[token] = result
        return result

    def _compound(self, token: str) -> frozenset[str]:
        single = self.single
        for suffix in _SUFFIXES:
            stem = token[: -len(suffix)]
            if token.endswith(suffix) and len(stem) >= 4 and stem not in _NO_COMPOUND:
                if stem in single:
                    return single[stem]
                # doubled consonant before the ending: "bedden" -> "bed", "katten" -> "kat"
                if len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in single:
                    return single[stem[:-1]]
        if len(token) < 7:
            return frozenset()
        for cut in range(3, len(token) - 2):
            head, tail = token[:cut], token[cut:]
            head_ok = len(head) >= 4 and head in single and head not in _NO_COMPOUND
            parts = [tail]
            if head_ok and tail.startswith("s") and len(tail) > 4:
                parts.append(tail[1:])  # linking s: "verjaardag|s|kaart"
            for part in parts:
                if part in _BLOCKED_TAILS:
                    return single[head] if head_ok else frozenset()
                found: set[str] = set()
                if head_ok and (part in single or part in _GENERIC_TAILS):
                    found |= single[head]
                if (
                    part in single
                    and part not in _NO_COMPOUND
                    and (len(part) >= 5 or part in _SHORT_TAILS)
                ):
                    found |= single[part]
                if found:
                    return frozenset(found)
        return frozenset()

    # -- matching -------------------------------------------------------------------------------
    def hits(self, words: list[str], blocked: set[int] | None = None) -> list[_Hit]:
        """Need hits in ``words`` (already repaired); ``blocked`` positions are skipped."""
        used = set(blocked or ())
        hits: list[_Hit] = []
        candidates: list[tuple[int, int, tuple[str, ...], frozenset[str]]] = []
        for i, word in enumerate(words):
            for tokens, ids in self.phrases.get(word, ()):
                if tuple(words[i : i + len(tokens)]) == tokens:
                    candidates.append((-len(tokens), i, tokens, ids))
        for _, i, tokens, ids in sorted(candidates):
            span = range(i, i + len(tokens))
            if any(j in used for j in span):
                continue
            used.update(span)
            if ids:
                hits.append(_Hit(i, ids, tokens))
        for i in range(len(words) - 1):
            if i in used or i + 1 in used:
                continue
            joined = words[i] + words[i + 1]
            if joined in self.single and words[i].isalpha() and words[i + 1].isalpha():
                used.update((i, i + 1))
                if self.single[joined]:
                    hits.append(_Hit(i, self.single[joined], (joined,)))
        for i, word in enumerate(words):
            if i in used:
                continue
            ids = self.single.get(word)
            if ids is None and len(word) >= 5:
                ids = self.compound(word) or None
            if ids:
                hits.append(_Hit(i, ids, (word,)))
        hits.sort(key=lambda hit: hit.position)
        return hits


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one edit (incl. adjacent transposition)."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return _plausible_swap(a[diffs[0]], b[diffs[0]])
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _keyboard_neighbours() -> dict[str, frozenset[str]]:
    """For each letter, the letters around it on a QWERTY keyboard."""
    rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    out: dict[str, frozenset[str]] = {}
    for r, row in enumerate(rows):
        for c, key in enumerate(row):
            near = {
                rows[r + dr][c + dc]
                for dr in (-1, 0, 1)
                for dc in (-1, 0, 1)
                if (dr or dc) and 0 <= r + dr < len(rows) and 0 <= c + dc < len(rows[r + dr])
            }
            out[key] = frozenset(near)
    return out


_NEIGHBOURS = _keyboard_neighbours()
_SOUND_ALIKE = ("aeiouy", "sz", "fv", "dt", "ck", "bp", "gh", "jy")


def _plausible_swap(x: str, y: str) -> bool:
    """A substitution people make: a neighbouring key, a vowel or a sound-alike letter."""
    if y in _NEIGHBOURS.get(x, ()):
        return True
    return any(x in group and y in group for group in _SOUND_ALIKE)


# Common Dutch words (and names) one plausible typo away from a keyword word: never "repaired"
# into a keyword, nor read as an inflection or compound of one. Found by running the matcher
# over the 100,000 most frequent Dutch words (wordfreq, offline) and reviewed by hand.
_NOT_TYPOS = _words(
    """
    hulde hilde tronen nachtwaker servie kabouter
    afgesleten afsluiter babes balle bangs barbies beden begroeting beken berden beslagen
    beslan bevallig bidden bijstond billen billijk bleken boeien boekje boekten boelen
    boodschapper breken breugel broken brokje brullen bugel bullet compute danen danson
    deren diermen dieten dineren drager droge drogere electro elektro flensjes formuleer
    formuleren geboorde geest gekken gepast geperst geschonden gokkasten groene groenen
    groenste groentje groeten hamsteren handbak handen handje hanger harmonia heropvoeding
    hickey hobbes hobbs hockney hullen interne invallen janssen jessie kaften kampen kamps
    karsten karten kaste katte keertje keren kersten kieren kisten klara klaren kleij
    klemmen klere klerken kleurtje kleurtjes klieren klitten klommen knuffelen komijn
    kratten kusten kutten kwasten lakes lekkerst lenig lenin leuning leuningen lezen
    lidwoorden linzen losgeld luieren madras manage mantras melken minimal musica musicale
    neppen nippen noteboom onderbreken onderbroken ongeschonden ontpoppen panne paper
    papers pappen parket passe passed passeer passeren pasten penne peppen peste pezen
    pinnen pinten pinter pisten plannen plasser poesie poespas poosje poppe poppin poste
    posts postte prenten presentie printed proppen reise retweeten schaak schalen scheen
    scheld schelde schelden schenen schiften schild schilde schilden schilderes schoener
    schold schon schone schonen schoon schoone schoren schoten schoven schud schule
    schulen schult schulte schulten sekspoppen seksspeeltje seksspeeltjes series servaes
    services serviers shaken singers skagen slokken sober soorten spoortje spore sporen
    spoten spotje spotte spotten spulletjes spurten stand stapje stelen steppe stipje
    stoeien stoepen stoepje stokken stolen strandde strandden stranden strass stroo
    stroomt table tables tabletten tafelen treinen trien truiden trutje tunen turen
    uiltjes uitgeroeid uitgetekend uitzat uitzetten uitziet uitzit vacante vakantiewerk
    verarming verpoppen viezer vloeien voedselbron voedselbronnen voeren voering vrieze
    vroeggeboorte wedergeboorte wellen wiegen wulpen zanger zwager zwammen
    """
) | frozenset(_NEUTRAL_WORDS)


# ---------------------------------------------------------------------------------------------
# Word lists for the feature rules

_UTILITY_ROOTS = ("energie", "stroom", "elektr", "electr", "water", "verwarming", "warmte")
# fmt: off
_NOT_A_CUTOFF_ROOTS = (
    "abonnement", "contract", "lening", "verzekering", "polis", "hypotheek", "krediet",
    "telefoon", "internet", "ziggo", "odido", "account", "cursus", "opleiding", "studie",
    "rekening", "regeling", "schooljaar", "gesprek",
)
# fmt: on
_UTILITY = _words(
    "gas stroom water energie licht elektriciteit electriciteit elektra electra energiebedrijf "
    "energieleverancier netbeheerder warmte stadsverwarming verwarming meter gasmeter "
    "stroommeter watermeter waterbedrijf vitens evides dunea eneco vattenfall essent "
    "greenchoice budgetthuis"
)
_NOT_A_CUTOFF = _words(
    "abonnement abonnementen contract contracten lening leningen verzekering verzekeringen "
    "zorgverzekering hypotheek krediet telefoon mobiel internet wifi tv ziggo kpn odido "
    "account schooljaar gesprek les cursus regeling polis spaarrekening rekening "
    "bankrekening deal koop studie opleiding"
)
_GENERIC_NEEDS = _words("money_general stress")
_TRIP_WORDS = _words("reis reisje kamp uitje uitstapje excursie")
_CUT_VERBS = _words("sluiten sluit sloten sloot sluite")
_PERSON_NOUNS = _words(
    "zoon zoons zonen zoontje dochter dochters dochtertje kind kinderen kindje kindjes kids kid "
    "kinders kinder kindern "
    "jongen jongens jongetje meisje meisjes meid meiden baby babys tweeling jongste oudste "
    "middelste broer broertje broers zus zusje zussen zusjes pleegkind pleegzoon pleegdochter "
    "stiefzoon stiefdochter kleinkind kleinzoon kleindochter kleinkinderen leerling leerlingen "
    "client tiener puber neef neefje nicht nichtje jongere jongeren"
)
_SUBJECTS = _words("ik ze zij hij die jij je he she")  # English too: "he is 16"
# fmt: off
_NUMBER_WORDS = {
    "nul": 0, "een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14,
    "vijftien": 15, "zestien": 16, "zeventien": 17, "achttien": 18, "negentien": 19,
    "twintig": 20,
}
# fmt: on
_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6}
_MONEY_NEXT = _words("euro eur euros eu cent centen procent dollar pond")
_MONEY_PREV = _words(
    "euro eur kost kosten kostte kostten betalen betaal betaald bedrag prijs saldo"
)
_MONTHS = _words(
    "januari februari maart april mei juni juli augustus september oktober november december "
    "jan feb mrt apr jun jul aug sep sept okt nov dec"
)
_NOT_AN_AGE_PREV = _words(
    "nummer nr huisnummer no bus lijn tram kamer blok hoofdstuk pagina bladzijde level niveau "
    "mbo hbo fase stap vraag optie punt code postcode om tot vanaf sinds over binnen na per "
    "elke elk ieder iedere x keer ps"
)
# fmt: off
_STREET_ENDINGS = (
    "straat", "weg", "laan", "plein", "gracht", "kade", "dijk", "singel", "hof", "pad", "steeg",
    "markt", "dreef", "ring", "park", "baan", "wal", "zijde",
)
# fmt: on
_UNITS = (
    _words(
        "maand maanden week weken dag dagen nacht nachten uur uren uurtje minuut minuten min sec "
        "keer maal x kilo kg km meter cm liter stuks stuk rekening rekeningen brief brieven "
        "kinderen kind kids personen mensen termijnen aanmaningen schulden boetes cadeaus "
        "kwijt achter tekort verschuldigd schuldig was waren"
    )
    | _MONEY_NEXT
    | _MONTHS
)
_AFTER_AGE_OK = _words(
    "jaar jaren jr jaartjes oud en of maar dus want nu net pas bijna geworden is ben bent "
    "zijn wordt word worden ik hij ze zij mijn heb hebben heeft die dat zit zitten gaat ga "
    "groep klas"
)
_NOT_AN_AGE_PREV_STRICT = _NOT_AN_AGE_PREV - {"over", "na", "sinds", "om", "tot", "vanaf"}
_ARTICLES = _words("de die deze dit een")
_DURATION_NOUNS = _words(
    "opleiding contract studie traject garantie periode project cursus abonnement plan "
    "regeling programma"
)
_YEAR_WORDS = _words("jaar jaren jr jaartjes years year yrs")
_TIME_PREPS = _words(
    "al sinds over voor na binnen afgelopen laatste ruim per elke elk ieder iedere om tot "
    "vanaf die deze dit de in komende volgende vorige eerste paar zon ongeveer"
)
_ADVERBS = _words(
    "bijna pas net al nu sinds kort ongeveer rond zo nog maar ook inmiddels intussen toch dan"
)
_TURN_VERBS = _words("word wordt worden")
_SECONDARY_TYPES = _words("vmbo havo vwo mavo atheneum gymnasium lyceum tl kader")
# fmt: off
_BABY_WORDS = {
    "baby": 0, "babys": 0, "babytje": 0, "babie": 0, "babies": 0, "pasgeboren": 0,
    "pasgeborene": 0, "zuigeling": 0, "newborn": 0, "peuter": 2, "peutertje": 2, "peuters": 2,
    "kleuter": 4, "kleutertje": 4, "kleuters": 4, "brugklas": 12, "brugklasser": 12,
    "brugpieper": 12,
}
# fmt: on

_BAILIFF_ROOTS = _roots("deurwaard", "beslag", "dwangbevel", "dagvaard", "exploot")
# fmt: off
_ARREARS_ROOTS = _roots(
    "achterstand", "achterstal", "aanmaning", "incasso", "herinnering", "sommatie",
    "ingebrekestelling", "wanbetaler", "openstaand", "onbetaald", "betalingsregeling",
)
# fmt: on
_ARREARS_PHRASES = re.compile(
    r"\b(niet betaald|niet op tijd betaald|te laat betaald|nog niet betaald|achter met|"
    r"loop achter|lopen achter|achterlopen|achter lopen|laatste waarschuwing|"
    r"maanden achter|rekeningen stapelen)\b"
)

_PROF_TITLES = (
    r"schuldhulpverlener|schuldhulpverleenster|hulpverlener|hulpverleenster|"
    r"maatschappelijk werker|maatschappelijk werkster|sociaal werker|sociaal werkster|"
    r"schoolmaatschappelijk werker|wijkteam|wijkteammedewerker|buurtteam|sociaal team|"
    r"consulent|klantmanager|casemanager|leerkracht|leraar|lerares|docent|docente|juf|"
    r"juffrouw|meester|mentor|jongerenwerker|jeugdwerker|intern begeleider|iber|ib er|"
    r"zorgcoordinator|budgetcoach|schuldhulpmaatje|maatje|vrijwilliger|thuisbegeleider|"
    r"ambulant begeleider|gezinscoach|jeugdhulpverlener|jeugdconsulent|jeugdprofessional|"
    r"wijkverpleegkundige|verpleegkundige|huisarts|praktijkondersteuner|poh|jeugdarts|"
    r"ambtenaar|medewerker|bewindvoerder|pedagogisch medewerker|begeleider|coach|"
    r"zorgverlener|professional|gezinsmanager|jeugdzorg|hulpverlening|voedselbank|"
    r"schuldhulp|schuldhulpverlening|gemeente|wmo consulent"
)
_PROF_RE = re.compile(
    r"\b(?:ik ben|ik werk als|ik werk bij|ik werk voor|werkzaam als|werkzaam bij|"
    r"ik ben werkzaam als|ik ben werkzaam bij|wij zijn|we zijn|ik zit bij|vanuit|namens|"
    r"ik ben van|wij werken bij|we werken bij)\s+(?:een |de |het |hier |)(?:"
    + _PROF_TITLES
    + r")\b"
    r"|\bals (?:" + _PROF_TITLES + r")\b"
    r"|\b(?:client|clienten|clientes|clientje|ik begeleid|wij begeleiden|we begeleiden|"
    r"mijn leerling|mijn leerlingen|onze leerling|onze leerlingen|een leerling van mij|"
    r"een gezin dat ik|gezin dat ik begeleid|beroepskracht)\b"
)
_PARENT_NOUNS = (
    r"moeder|vader|ouder|ouders|mama|papa|mam|pap|pleegouder|pleegouders|pleegmoeder|"
    r"pleegvader|verzorger|verzorgster|voogd|oma|opa|stiefmoeder|stiefvader|stiefouder"
)
_PARENT_STRONG_RE = re.compile(
    r"\b(?:ik ben|ben|als|wij zijn|we zijn|ik)\s+(?:een |de |)"
    r"(?:alleenstaande |gescheiden |jonge |werkende |bezorgde |trotse |)(?:"
    + _PARENT_NOUNS
    + r")\b(?! dan\b)"
    r"|\b(?:alleenstaande|single) (?:moeder|vader|ouder|mama|papa|mam|mom)\b"
    r"|\bpleeg(?:ouder|ouders|moeder|vader|kind|kinderen|zoon|dochter|gezin)\b"
    r"|\b(?:ik heb|we hebben|wij hebben|heb)\s+(?:een |\w+ |)(?:kind|kinderen|kids|zoon|zoons|"
    r"zonen|dochter|dochters|zoontje|dochtertje|tweeling|kindje|kindjes|baby|babys|kinders|"
    r"kinder|kind)\b"
    r"|\b(?:ik ben|ben) (?:zwanger|in verwachting)\b"
    r"|\b(?:mijn|ons|onze) (?:kleinkind|kleinkinderen|kleinzoon|kleindochter)\b"
)
_PARENT_WEAK_RE = re.compile(
    r"\b(?:mijn|my|ons|onze|me) (?:\d+ jarige |oudste |jongste |middelste |lieve |kleine |grote |"
    r"twee |drie |vier |\d+ |eigen |beide |)"
    r"(?:zoon|zoons|zonen|zoontje|dochter|dochters|dochtertje|kind|"
    r"kinderen|kids|kindje|kindjes|jongste|oudste|middelste|baby|babys|tweeling|stiefzoon|"
    r"stiefdochter|stiefkind|stiefkinderen|peuter|kleuter|puber|pubers|tiener|tieners|"
    r"son|sons|daughter|daughters|child|children)\b"
    r"|\bzwanger\b"
)
_YOUTH_RULES: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"\b(?:mijn|me) (?:ouders|ouder|pleegouders)\b"), 2),
    (
        re.compile(
            r"\b(?:mijn|me) (?:moeder|vader|mama|papa|mam|pap|ma|pa|mams|paps|stiefvader|"
            r"stiefmoeder|stiefpa|stiefma|pleegmoeder|pleegvader|voogd)\b"
        ),
        1,
    ),
    (re.compile(r"\bvoor (?:mezelf|mijzelf|mij zelf|me zelf|mij)\b(?! kind)"), 1),
    (
        re.compile(
            r"\b(?:ik zit|zit ik|ik ga|ga ik)\s+(?:nu |nog |al |)(?:op|in|naar)\s+"
            r"(?:de |het |een |)(?:school|basisschool|middelbare|brugklas|groep|klas|vmbo|havo|"
            r"vwo|mavo|mbo|gymnasium|atheneum|lyceum|praktijkonderwijs|\d)"
        ),
        2,
    ),
    (
        re.compile(
            r"\bmijn (?:klas|klasgenoten|klasgenootjes|mentor|school|juf|meester|leraar|lerares|"
            r"docent|vrienden|vriendinnen|vriendengroep|zakgeld|bijbaantje|stage)\b"
        ),
        1,
    ),
    (re.compile(r"\bop school\b.*\b(?:durf|schaam|iedereen|pesten|gepest|lachen|uitlachen)\b"), 1),
    (
        re.compile(
            r"\bik ben (?:een |)(?:scholier|leerling|tiener|puber|jongere|minderjarig|"
            r"minderjarige|brugklasser)\b"
        ),
        2,
    ),
    (
        re.compile(
            r"\b(?:zakgeld|bijbaantje|bijbaan|ik woon nog thuis|mijn broertje|mijn zusje)\b"
        ),
        1,
    ),
)
_MY_PARENT_RE = re.compile(r"\b(?:mijn|me) (?:moeder|vader|mama|papa|mam|pap|ma|pa|ouders)\b")
_MONEY_TROUBLE = _words(
    "geld betalen kan kunnen schulden schuld rond arm duur werkloos uitkering bijstand "
    "geldzorgen krap"
)

_PRIMARY_RE = re.compile(
    r"\b(?:basisschool|basis school|kleuterschool|groep [1-8]|kleuter|kleuters)\b"
)
_SECONDARY_RE = re.compile(
    r"\b(?:middelbare|middelbaar|brugklas|brugklasser|vmbo|havo|vwo|mavo|gymnasium|atheneum|"
    r"lyceum|praktijkonderwijs|voortgezet onderwijs|het vo|mbo|roc|klas [1-6]|[1-6] e klas|"
    r"(?:eerste|tweede|derde|vierde|vijfde|zesde) klas|[1-6] (?:vmbo|havo|vwo|mavo))\b"
)

# Short answers. Messages are stripped of fillers, then compared.
_FILLERS = _words(
    "dat echt eigenlijk sorry nou eh euh uh ehm uhm hmm hm pff helaas even nog gewoon hoor "
    "zo toch maar ik het joh hoi hey hee oh o ah"
)
# fmt: off
_SKIP_EXACT = (
    "weet ik niet", "weet niet", "ik weet het niet", "weet het niet", "ik weet niet",
    "geen idee", "geen flauw idee", "zeg ik liever niet", "liever niet zeggen",
    "zeg liever niet", "wil ik niet zeggen", "dat wil ik niet zeggen", "wil niet zeggen",
    "liever niet", "sla over", "sla maar over", "overslaan", "skip", "pass", "pas",
    "doet er niet toe", "maakt niet uit", "weet ik nog niet", "nvt", "n v t",
    "niet van toepassing", "idk", "geen commentaar", "volgende", "volgende vraag", "weetniet",
    "dunno", "geen antwoord", "dat gaat je niks aan", "gaat je niks aan", "wil ik niet",
    "nee weet ik niet", "vraag maar verder", "door", "verder",
)
# fmt: on
# fmt: off
_SKIP_PREFIX = (
    "geen idee", "sla over", "overslaan", "zeg ik liever niet", "wil ik niet zeggen",
    "liever niet zeggen", "zeg liever niet",
)
# fmt: on
_QUESTION_WORDS = _words("wat hoe waar wie welke of waarom wanneer hoeveel")
_AFFIRM_CORE = _words(
    "ja jaa jaaa jaaaa jah jazeker zeker klopt ok oke oki okido prima graag yes yess yesss yep "
    "jep jup jip yeah ya jawel goed top precies inderdaad absoluut uiteraard natuurlijk "
    "tuurlijk sure akkoord correct juist perfect doen"
)
_DENY_CORE = _words("nee neen neej neee neeee nope nah no niet nooit hoeft nein nee")
_ANSWER_EXTRA = _words(
    "echt hoor dank je u jullie bedankt dankjewel dankje thanks thx is dat doe maar helemaal "
    "weten please super mooi fijn prachtig hoeft liever toch zeker wel goed degelijk nodig"
)
_NUMBER_VAGUE = {"paar": 2, "aantal": 3, "meerdere": 3, "verschillende": 3, "enkele": 3}
_COUNT_NOUNS = _words(
    "rekening rekeningen maand maanden schulden schuld brieven brief aanmaningen aanmaning "
    "een enkele enkel achterstand achterstanden keer schuldeisers"
)

_IN_PERSON_RE = re.compile(
    r"\b(langskomen|langs komen|langskomt|langs komt|langs kan komen|langs kunnen komen|"
    r"bij mij thuis|bij ons thuis|bij mij langs|bij ons langs|aan huis|thuis langs|"
    r"face to face|huisbezoek|thuisbezoek|iemand die langs)\b"
)
# these only count as a wish when "liever", "graag", "wil", ... is near, or the message is short
_IN_PERSON_WEAK_RE = re.compile(
    r"\b(persoonlijk|in het echt|echt iemand|iemand spreken|iemand zien|afspraak|spreekuur|"
    r"inloopspreekuur|inloop|op kantoor|op het kantoor|langsgaan|langs gaan|samen met iemand|"
    r"iemand naast me)\b"
)
_REMOTE_RE = re.compile(
    r"\b(online|anoniem|anonym|anonymous|via de chat|chat|chatten|via chat|mailen|mail|email|"
    r"via de app|whatsapp|appen|digitaal|via internet|telefonisch|bellen|zelf doen|"
    r"zelf uitzoeken|liever zelf|niet thuis|niemand thuis)\b"
)
_PREFERENCE = _words(
    "liever liefst graag wil willen voorkeur prefer alleen kan kunnen mag kun kunt het"
)
_NEGATION = _words("niet geen niemand nooit")
_REMOTE_NOT_PREFERENCE_NEXT = _words(
    "besteld bestellen bestelling gekocht kopen winkel winkels shop shoppen gokken games "
    "gamen spel spellen betaald betalen"
)
_ANON_QUESTION_PREV = _words("is blijf blijft ben zijn het dit echt wel alles")

_FOODBANK_WORDS = _words(
    "voedselbank voedselbanken voedselpakket voedselpakketten pakket pakketten"
)
_FOODBANK_POSITIVE = _words(
    "krijg krijgen krijgt kregen ontvang ontvangen zijn zitten zit sta staan ingeschreven "
    "haal halen haalt gebruik gebruiken via hebben heb klant klanten"
)
_FOODBANK_QUESTION = _words("kan kun kunnen mag mogen hoe waar wil moet moeten")

# Languages other than Dutch
_EN_WORDS = _words(
    "the you your can could would should my i am are what how where why who need want please "
    "money food child children son daughter pay bills debt debts rent dont cant have has with "
    "for and to speak english understand not no do does there this that it anyone someone "
    "get give free cost afford house home electricity bike help me hello good thank"
)
_EN_SHARED = _words("help me hello is in good")  # also used in Dutch messages
_PL_WORDS = _words(
    "nie jest jak mamy pieniedzy pieniadze pomoc pomocy czy sie dzien dobry moge mozna "
    "potrzebuje dziecko dzieci prosze dziekuje mowisz mowi polsku polski polska czesc jestem "
    "moje moj moja nas tak ale gdzie dla syn corka szkola szkoly rachunki dlug dlugi prad "
    "pracy praca nic bardzo mnie chce chcialabym chcialbym potrzebujemy rodzina mieszkanie "
    "czynsz jedzenie"
)
_TR_WORDS = _words(
    "merhaba selam yardim para yok var bir ve bu cocuk cocugum cocuklarim nasil turkce "
    "biliyor musunuz musun lutfen tesekkur tesekkurler evet hayir benim param icin cok ile "
    "degil istiyorum ihtiyacim okul ev kira borc borcum fatura faturalar yardima ederim "
    "sagol kardesim paramiz nereye nerede misiniz"
)
_NL_WORDS = _words(
    "ik je jij het de een niet geen mijn wat hoe kan kun heb hebben voor van met en of maar "
    "dat die er we wij ze zij hij ons onze zijn ben naar op te om ook nog wel al waar wie "
    "welke moet wil mag krijg krijgen graag hulp geld kind kinderen zoon dochter hoi hallo "
    "doei dank bedankt ja nee is kom niks"
)
_PL_LETTERS = frozenset("łąęśźżćń")
_TR_LETTERS = frozenset("ışğ")

_KEYBOARD_RUNS = frozenset(
    run[i : i + 4]
    for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm", "qsdfghjklm", "wxcvbn")
    for run in (row, row[::-1])
    for i in range(len(run) - 3)
) - {"azer", "wert", "erty", "zert", "reza", "trez", "ytre"}
_INTERJECTION_RE = re.compile(r"^(?:h+m+|m+h*m+|p+f+|g+r+|b+r+|s+h+|p*s+t+|z+|x+|h+)$")
_VOWELS = frozenset("aeiouy")


# Pre-checks for the regexes above: each is skipped unless a hint occurs (most messages).
# fmt: off
_ARREARS_PHRASES_G = _Gated(_ARREARS_PHRASES, "betaald", "achter", "waarschuwing", "stapelen")
_PROF = _Gated(
    _PROF_RE, "ik ben", "ik werk", "werkzaam", "wij ", " we ", "ik zit bij", "vanuit", "namens",
    "als ", "client", "begeleid", "leerling", "gezin dat", "beroepskracht",
)
_PARENT_STRONG = _Gated(
    _PARENT_STRONG_RE, "ben ", "als ", "ik ", " we zijn", "wij zijn", "alleenstaande", "single ",
    "pleeg", "heb", "kleinkind", "kleinzoon", "kleindochter",
)
_PARENT_WEAK = _Gated(_PARENT_WEAK_RE, "mijn ", "my ", "ons ", "onze ", "me ", "zwanger")
_MY_PARENT = _Gated(_MY_PARENT_RE, "mijn ", "me ")
_YOUTH_HINTS = (
    ("mijn ", "me "), ("mijn ", "me "), ("voor m",), ("zit", " ga"), ("mijn ",), ("op school",),
    ("ik ben",), ("zakgeld", "bijbaan", "woon nog", "mijn "),
)
_YOUTH = tuple(
    (_Gated(pattern, *hints), weight)
    for (pattern, weight), hints in zip(_YOUTH_RULES, _YOUTH_HINTS, strict=True)
)
_PRIMARY = _Gated(_PRIMARY_RE, "basis", "kleuter", "groep ")
_SECONDARY = _Gated(
    _SECONDARY_RE, "middelba", "brugkl", "vmbo", "havo", "vwo", "mavo", "gymnasium", "atheneum",
    "lyceum", "praktijkonderwijs", "voortgezet", " vo ", "mbo", "roc", "klas",
)
_IN_PERSON = _Gated(_IN_PERSON_RE, "langs", "thuis", "aan huis", "face to face", "bezoek")
_IN_PERSON_WEAK = _Gated(
    _IN_PERSON_WEAK_RE, "persoonlijk", "echt", "iemand", "afspraak", "spreekuur", "inloop",
    "kantoor", "langs",
)
_REMOTE = _Gated(
    _REMOTE_RE, "online", "anonie", "anonym", "chat", "mail", "app", "digitaal", "internet",
    "telefonisch", "bellen", "zelf", "thuis",
)
# fmt: on


# ---------------------------------------------------------------------------------------------
# The extractor


class SignalExtractor:
    """Extracts :class:`Signals`; build once (it precomputes its tables)."""

    def __init__(self, needs: Iterable[tuple[str, Sequence[str]]]) -> None:
        needs = list(needs)
        self.matcher = NeedMatcher(needs)
        self.need_ids = tuple(need_id for need_id, _ in needs)
        self._youth_ids = frozenset({"youth_debts"})

    def extract(self, text: str) -> Signals:
        """Signals of ``text``. May raise on a bug; :func:`extract_signals` never does."""
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        text = text[:MAX_CHARS]
        empty, only_symbols = _emptiness(text)
        folded = fold(text)
        tokens = tokenise(folded)
        words = tokens.words
        if not words:
            return Signals(
                empty=empty,
                gibberish=only_symbols,
                other_language=_script_language(text),
            )
        repaired = [self.matcher.repair(w) for w in words]
        joined = " " + " ".join(words) + " "
        joined_repaired = " " + " ".join(repaired) + " "

        numbers = _Numbers(words, tokens.sentence)
        ages = _extract_ages(words, tokens.sentence, numbers)

        hits = self.matcher.hits(repaired, set(ages.jarig_positions))
        needs, youth_markers = self._needs(hits, repaired, tokens)
        if ages.turning == 18 and "turning_18" in self.need_ids and "turning_18" not in needs:
            needs = needs + ("turning_18",)
        elif ages.turning is not None and ages.turning < 18 and not set(needs) - _GENERIC_NEEDS:
            needs = ("birthday",) + needs  # "mijn zoon wordt 6": a birthday is coming
        needs = _generic_last(needs)

        on_foodbank = _on_foodbank(words, tokens)
        if on_foodbank is False and all(
            set(hit.words) <= _FOODBANK_WORDS for hit in hits if "food" in hit.needs
        ):
            needs = tuple(n for n in needs if n != "food")  # "we zijn niet bij de voedselbank"
        answers = _short_answers(words)
        role = _role(joined, ages.asker)
        child_ages = ages.ages
        if ages.asker is not None and ages.asker >= 18 and role in ("parent", "professional"):
            child_ages = tuple(a for a in child_ages if a != ages.asker)  # "ik ben 23, mijn baby"
        threat = "cutoff" in needs or "eviction" in needs
        arrears = _has_root(repaired, joined_repaired, _ARREARS_ROOTS) or bool(
            _ARREARS_PHRASES_G.search(joined_repaired)
        )
        language = _script_language(text) or _word_language(tokens.raw, text)
        return Signals(
            needs=needs,
            youth_debt_markers=youth_markers,
            ages=child_ages,
            turning_age=ages.turning,
            asker_age=ages.asker,
            role=role,
            school_level=_school_level(joined),
            skip=answers.skip,
            affirm=answers.affirm,
            deny=answers.deny,
            on_foodbank=on_foodbank,
            number=_count_answer(words, numbers, ages.used),
            bailiff=_has_root(repaired, joined_repaired, _BAILIFF_ROOTS),
            arrears=arrears,
            threat=threat,
            in_person=_in_person(words, joined, tokens),
            gibberish=_is_gibberish(tokens.raw, self.matcher.vocabulary),
            other_language=language,
            empty=False,
        )

    def _needs(
        self, hits: list[_Hit], words: list[str], tokens: _Tokens
    ) -> tuple[tuple[str, ...], bool]:
        """Need ids in order of first mention, with the cut-off and youth-debt rules."""
        sentence = tokens.sentence
        present = set(words)
        has_utility = bool(present & _UTILITY) or any(
            root in word for word in present for root in _UTILITY_ROOTS
        )
        found: list[tuple[int, str]] = []
        youth_markers = False
        school_context = bool(present & {"school", "klas", "mentor", "juf", "meester"})
        for hit in hits:
            needs = hit.needs
            if school_context and "holiday" in needs and set(hit.words) <= _TRIP_WORDS:
                needs = frozenset({"school"})  # "school vraagt 150 euro voor de reis"
            for need in sorted(needs):
                if need == "cutoff" and not self._is_cutoff(hit, has_utility, present):
                    continue
                if need in self._youth_ids:
                    youth_markers = True
                    need = "debts"
                found.append((hit.position, need))
        # separable verb: "ze sluiten (morgen) de stroom af"; the utility is then its object
        for i, word in enumerate(words):
            if word in _CUT_VERBS:
                same = [j for j in range(i + 1, len(words)) if sentence[j] == sentence[i]]
                objects = {j for j in same if words[j] in _UTILITY}
                if objects and any(words[j] == "af" for j in same):
                    found = [f for f in found if not (f[1] == "energy" and f[0] in objects)]
                    found.append((i, "cutoff"))
        found.sort()
        out: list[str] = []
        for _, need in found:
            if need not in out and need in self.need_ids:
                out.append(need)
        return tuple(out), youth_markers

    @staticmethod
    def _is_cutoff(hit: _Hit, has_utility: bool, present: set[str]) -> bool:
        """A cut-off word is about utilities unless the message is about a contract."""
        if any(w in _UTILITY for w in hit.words) or has_utility:
            return True
        if present & _NOT_A_CUTOFF:
            return False
        return not any(root in word for word in present for root in _NOT_A_CUTOFF_ROOTS)


def _has_root(words: list[str], joined: str, roots: re.Pattern[str]) -> bool:
    """True when a word contains one of ``roots`` ("loonbeslag", "huurachterstand")."""
    if not roots.search(joined):
        return False
    for i, word in enumerate(words):
        if word in _NOT_TYPOS or not roots.search(word):
            continue
        if "incasso" in word and i > 0 and words[i - 1].startswith("automatisch"):
            continue  # a direct debit is no arrears
        return True
    return False


def _generic_last(needs: tuple[str, ...]) -> tuple[str, ...]:
    """``money_general`` after every specific need."""
    if "money_general" not in needs:
        return needs
    return tuple(n for n in needs if n != "money_general") + ("money_general",)


# -- numbers and ages ------------------------------------------------------------------------


class _Numbers:
    """Small numbers in a token list, with money, dates and house numbers ruled out."""

    def __init__(self, words: list[str], sentence: list[int]) -> None:
        self.value: list[int | None] = []
        for i, word in enumerate(words):
            value = _number_value(word)
            if value is not None:
                prev = words[i - 1] if i > 0 and sentence[i - 1] == sentence[i] else ""
                nxt = words[i + 1] if i + 1 < len(words) and sentence[i + 1] == sentence[i] else ""
                if (
                    nxt in _MONEY_NEXT
                    or prev in _MONEY_PREV
                    or nxt in _MONTHS
                    or prev in ("nummer", "nr", "huisnummer", "postcode")
                    or (len(prev) > 5 and prev.endswith(_STREET_ENDINGS))
                ):
                    value = None
            self.value.append(value)


def _number_value(word: str) -> int | None:
    """The value of a small number token (digits or a Dutch number word)."""
    if word.isdigit():
        return int(word) if len(word) <= 3 else None
    return _NUMBER_WORDS.get(word)


@dataclass
class _Ages:
    ages: tuple[int, ...]
    turning: int | None
    asker: int | None
    used: set[int]  # token positions read as an age
    jarig_positions: set[int]  # "9-jarige": the "jarige" is an age, not a birthday


def _extract_ages(words: list[str], sentence: list[int], numbers: _Numbers) -> _Ages:
    """Ages, turning age and the asker's own age."""
    n = len(words)
    found: dict[int, int] = {}  # position -> age
    offsets: dict[int, int] = {}
    turning: int | None = None
    asker: int | None = None
    jarig: set[int] = set()

    def word(i: int, ref: int) -> str:
        return words[i] if 0 <= i < n and sentence[i] == sentence[ref] else ""

    def next_ok(i: int) -> bool:
        nxt = word(i + 1, i)
        if nxt in _YEAR_WORDS:
            nxt = word(i + 2, i)
            if nxt in _UNITS - {"was", "waren"}:
                return nxt == "oud"
            return nxt not in ("geleden", "lang", "later", "terug")
        if nxt in _UNITS:
            return False
        return not (nxt.endswith("en") and len(nxt) > 3 and nxt not in _AFTER_AGE_OK)

    for i in range(n):
        w = words[i]
        if w in _BABY_WORDS:
            found.setdefault(i, _BABY_WORDS[w])
            continue
        if w in _ORDINALS and word(i + 1, i) == "klas":
            found[i] = _ORDINALS[w] + 11
            continue
        value = numbers.value[i]
        if value is None or w == "een" or w == "nul":
            continue
        prev, nxt = word(i - 1, i), word(i + 1, i)
        if prev in _NOT_AN_AGE_PREV_STRICT:
            continue
        # school years
        if prev == "groep":
            if 1 <= value <= 8 and nxt not in ("mensen", "personen", "leden"):
                found[i] = value + 4
                offsets[i] = 4
            continue
        if prev == "klas" or nxt == "klas" or (nxt == "e" and word(i + 2, i) == "klas"):
            if 1 <= value <= 6:
                found[i] = value + 11
                offsets[i] = 11
            continue
        if prev in _SECONDARY_TYPES or nxt in _SECONDARY_TYPES:
            if 1 <= value <= 6:
                found[i] = value + 11
                offsets[i] = 11
            continue
        # "9-jarige", "15 jr"
        if nxt in ("jarig", "jarige", "jarigen", "jr"):
            if nxt != "jr":
                jarig.add(i + 1)
            if prev not in _TIME_PREPS - _ARTICLES and word(i + 2, i) not in _DURATION_NOUNS:
                found[i] = value  # not "een 2-jarige opleiding"
            continue
        # turning: "ze wordt (in mei) 6", "als ik 18 word", "18 worden"
        back = [word(i - k, i) for k in range(1, 5)]
        verb_at = next((k for k, b in enumerate(back, 1) if b in _TURN_VERBS), None)
        if verb_at is not None and any(_number_value(b) is not None for b in back[: verb_at - 1]):
            verb_at = None
        after_verb = prev != "van" and (
            (nxt in _TURN_VERBS and word(i + 2, i) not in ("jarig", "ouder"))
            or (nxt in _YEAR_WORDS and word(i + 2, i) in _TURN_VERBS)
        )
        if (verb_at is not None and next_ok(i)) or after_verb:
            found[i] = value
            if turning is None:
                turning = value
            first_person = "ik" in back[: (verb_at or 0) + 2] or "word" in back[: verb_at or 0]
            if first_person and asker is None:
                asker = value - 1
            continue
        # "van 9", "kinderen van 4 en 7"
        if prev == "van":
            window = {word(i - k, i) for k in range(2, 7)}
            if nxt in ("maanden", "maand", "weken", "week", "dagen") and window & _PERSON_NOUNS:
                found[i] = 0
            elif (window & _PERSON_NOUNS or nxt in _YEAR_WORDS) and next_ok(i):
                found[i] = value
            continue
        # "ik ben 15", "ze is 8", "ze zijn 4 en 7", "ik 15 jaar"
        j = i - 1
        while j >= 0 and sentence[j] == sentence[i] and words[j] in _ADVERBS and j > i - 3:
            j -= 1
        verb = word(j, i)
        subject = word(j - 1, i)
        if verb in ("is", "ben", "zijn", "bent", "was") and (
            subject in _SUBJECTS or subject in _PERSON_NOUNS or (verb == "ben" and not subject)
        ):
            if next_ok(i) and not (nxt in _YEAR_WORDS and word(i + 2, i) in ("geleden", "lang")):
                found[i] = value
                if (verb == "ben" or subject == "ik") and asker is None and verb != "was":
                    asker = value
            continue
        if prev == "ik" and next_ok(i) and nxt not in ("was", "waren"):
            found[i] = value
            if asker is None:
                asker = value
            continue
        # "dochter 9", "zoon (15)"
        if prev in _PERSON_NOUNS and next_ok(i):
            found[i] = value
            continue
        # "15 jaar", "mijn zoon is 15 jaar oud"
        if nxt in _YEAR_WORDS and prev not in _TIME_PREPS:
            nxt2 = word(i + 2, i)
            if nxt2 in ("geleden", "lang", "later", "terug"):
                continue
            cue = {word(i - k, i) for k in range(1, 4)}
            short = sum(1 for s in sentence if s == sentence[i]) <= 4
            if (
                nxt2 == "oud"
                or cue & (_PERSON_NOUNS | _SUBJECTS | {"is", "ben", "zijn", "van", "mijn"})
                or short
            ):
                found[i] = value

    # chains: "4 en 7", "4, 7 en 9", "4 en 7 jaar", "groep 6 en 8"
    changed = True
    while changed:
        changed = False
        for i in sorted(found):
            offset = offsets.get(i, 0)
            for j in _chain_neighbours(words, sentence, i):
                value = numbers.value[j]
                if j in found or value is None or words[j] in ("een", "nul"):
                    continue
                nxt = word(j + 1, j)
                if nxt in _UNITS:
                    continue
                found[j] = value + offset
                offsets[j] = offset
                changed = True

    # "ze is 8 en zit in groep 5": the stated age wins over the school-year estimate
    stated = {age for i, age in found.items() if not offsets.get(i) and words[i] not in _BABY_WORDS}
    ages: list[int] = []
    for i in sorted(found):
        age = found[i]
        estimate = offsets.get(i) or words[i] in ("brugklas", "brugklasser", "brugpieper")
        if estimate and stated & {age - 1, age, age + 1} and age not in stated:
            continue
        if 0 <= age <= MAX_CHILD_AGE and age not in ages:
            ages.append(age)
    if turning is not None and not 1 <= turning <= MAX_CHILD_AGE + 70:
        turning = None
    if asker is not None and not 8 <= asker <= 99:
        asker = None
    return _Ages(tuple(ages), turning, asker, set(found), jarig)


def _chain_neighbours(words: list[str], sentence: list[int], i: int) -> list[int]:
    """Positions of numbers listed together with the number at ``i``."""
    out = []
    n = len(words)
    k = i + 1
    if k < n and words[k] in _YEAR_WORDS:
        k += 1
    if k < n and words[k] in ("en", "of"):
        k += 1
    # after "en"/"of"/"jaar" any number; right next to it only a number ("4, 7")
    if k < n and sentence[k] == sentence[i] and (k != i + 1 or _number_value(words[k]) is not None):
        out.append(k)
    if i >= 2 and words[i - 1] in ("en", "of") and sentence[i - 2] == sentence[i]:
        out.append(i - 2)
    return out


# -- role and school level -------------------------------------------------------------------


def _role(joined: str, asker_age: int | None) -> str | None:
    """ "professional", "youth" or "parent" from self-descriptions."""
    if _PROF.search(joined):
        return "professional"
    if asker_age is not None and asker_age < 18:
        return "youth"
    if _PARENT_STRONG.search(joined):
        return "parent"
    youth = 0
    for pattern, weight in _YOUTH:
        if pattern.search(joined):
            youth += weight
    if youth and _MY_PARENT.search(joined) and set(joined.split()) & _MONEY_TROUBLE:
        youth += 1
    parent = 2 if _PARENT_WEAK.search(joined) else 0
    if youth > parent:
        return "youth"
    if parent:
        return "parent"
    if asker_age is not None and asker_age >= 18 and youth == 0:
        return None
    return None


def _school_level(joined: str) -> str | None:
    """The first school level mentioned."""
    primary = _PRIMARY.search(joined)
    secondary = _SECONDARY.search(joined)
    if primary and (not secondary or primary.start() <= secondary.start()):
        return "primary"
    if secondary:
        return "secondary"
    return None


# -- short answers ---------------------------------------------------------------------------


@dataclass
class _Answers:
    skip: bool = False
    affirm: bool = False
    deny: bool = False


def _strip_fillers(words: Iterable[str]) -> list[str]:
    return [w for w in words if w not in _FILLERS]


_SKIP_SET = frozenset(" ".join(_strip_fillers(p.split())) for p in _SKIP_EXACT)
_SKIP_PREFIXES = tuple(tuple(_strip_fillers(p.split())) for p in _SKIP_PREFIX)


def _short_answers(words: list[str]) -> _Answers:
    """Skip / yes / no when the message is essentially that answer."""
    core = _strip_fillers(words)
    text = " ".join(core)
    answers = _Answers()
    if text in _SKIP_SET or (not core and words and " ".join(words) in _SKIP_SET):
        answers.skip = True
    elif 0 < len(core) <= 8:
        for prefix in _SKIP_PREFIXES:
            size = len(prefix)
            if tuple(core[:size]) == prefix:
                rest = core[size:]
                if not rest or rest[0] not in _QUESTION_WORDS:
                    answers.skip = True
            elif tuple(core[-size:]) == prefix and len(core) > size:
                answers.skip = True
    vocab = _AFFIRM_CORE | _DENY_CORE | _ANSWER_EXTRA | _FILLERS
    if words and len(words) <= 6 and all(w in vocab for w in words):
        if any(w in _DENY_CORE for w in words):
            answers.deny = True
        elif any(w in _AFFIRM_CORE for w in words) or core in (["wel"], ["wel", "degelijk"]):
            answers.affirm = True
    return answers


def _count_answer(words: list[str], numbers: _Numbers, age_positions: set[int]) -> int | None:
    """A small count in a short answer ("3", "drie rekeningen", "een paar")."""
    core = [w for w in words if w not in _FILLERS]
    if not core or len(core) > 6:
        return None
    n = len(words)
    for i, word in enumerate(words):
        if word == "geen" and (i + 1 == n or words[i + 1] in _COUNT_NOUNS):
            return 0
        if word in _NUMBER_VAGUE and (word != "paar" or i == 0 or words[i - 1] in ("een", "n")):
            return _NUMBER_VAGUE[word]
    for i, word in enumerate(words):
        value = numbers.value[i]
        if value is None or i in age_positions or value > 99:
            continue
        nxt = words[i + 1] if i + 1 < n else ""
        if word == "een" and (nxt in ("paar", "aantal", "stuk", "idee") or len(core) > 3):
            continue
        prev = words[i - 1] if i else ""
        if nxt in _YEAR_WORDS or nxt in ("uur", "uurtje") or prev in ("om", "van"):
            continue
        if nxt in ("of", "a", "tot", "tot") and i + 2 < n:
            upper = numbers.value[i + 2]
            if upper is not None and upper >= value:
                return upper
        if i > 0 and words[i - 1] == "dan" and i > 1 and words[i - 2] == "meer":
            return value + 1
        return value
    return None


# -- food bank, contact preference -----------------------------------------------------------


def _on_foodbank(words: list[str], tokens: _Tokens) -> bool | None:
    """True/False when the message says the family does (not) get food bank parcels."""
    sentence = tokens.sentence
    for i, word in enumerate(words):
        if word not in _FOODBANK_WORDS:
            continue
        if word in ("pakket", "pakketten") and "voedselbank" not in words:
            continue
        lo = max(0, i - 6)
        window = [words[j] for j in range(lo, min(len(words), i + 4)) if sentence[j] == sentence[i]]
        if set(window) & _NEGATION or "nee" in words[:2]:
            return False
        question = sentence[i] in tokens.questions or (window and window[0] in _FOODBANK_QUESTION)
        first = next((j for j in range(len(words)) if sentence[j] == sentence[i]), i)
        if question or words[first] in _FOODBANK_QUESTION | _QUESTION_WORDS:
            continue
        if set(window) & _FOODBANK_POSITIVE or (words[:1] == ["ja"]):
            return True
    return None


def _in_person(words: list[str], joined: str, tokens: _Tokens) -> bool | None:
    """True for a wish to meet someone, False for online/anonymous/phone, else None."""
    short = len(words) <= 4
    for match in _IN_PERSON.finditer(joined):
        before = joined[: match.start()].split()[-4:]
        return not set(before) & _NEGATION
    for match in _IN_PERSON_WEAK.finditer(joined):
        before = joined[: match.start()].split()[-4:]
        after = joined[match.end() :].split()[:2]
        if short or (set(before) | set(after)) & _PREFERENCE:
            return not set(before) & _NEGATION
    for match in _REMOTE.finditer(joined):
        before = joined[: match.start()].split()
        after = joined[match.end() :].split()
        phrase = match.group(1)
        if phrase == "online" and after and after[0] in _REMOTE_NOT_PREFERENCE_NEXT:
            continue
        if phrase.startswith("anonie") or phrase.startswith("anonym"):
            if before and before[-1] in _ANON_QUESTION_PREV:
                continue
            if tokens.questions and before[:1] in (["is"], ["blijf"], ["ben"], ["blijft"]):
                continue
        if phrase in ("niet thuis", "niemand thuis"):
            return False
        near = set(before[-4:]) | set(after[:2])
        if short or near & _PREFERENCE:
            return False
    return None


# -- quality flags ---------------------------------------------------------------------------


def _emptiness(text: str) -> tuple[bool, bool]:
    """(empty, only_symbols): empty = nothing but whitespace and emoji."""
    has_symbol = False
    has_punct = False
    for char in text:
        if char.isspace():
            continue
        if char in _YES_EMOJI or char in _NO_EMOJI:
            return False, False
        category = unicodedata.category(char)
        if category[0] in "LN":
            return False, False
        if category in ("So", "Sk", "Cf", "Mn", "Me", "Cs", "Co"):
            has_symbol = True
        else:
            has_punct = True
    return (not has_punct), (has_symbol or has_punct)


def _is_gibberish(raw: list[str], vocabulary: set[str]) -> bool:
    """True when every letter token looks like keyboard mashing or random letters."""
    letters = [w for w in raw if w.isalpha()]
    if not letters:
        return False
    return all(_junk(w, vocabulary) for w in letters)


def _junk(word: str, vocabulary: set[str]) -> bool:
    """A token that is no word: keyboard run, no vowels, one letter repeated, ..."""
    if word in vocabulary or word in _NL_WORDS or _INTERJECTION_RE.match(word):
        return False
    if len(word) >= 4 and any(word[i : i + 4] in _KEYBOARD_RUNS for i in range(len(word) - 3)):
        return True
    if len(word) >= 3 and len(set(word)) == 1:
        return True
    vowels = sum(1 for c in word if c in _VOWELS)
    if len(word) >= 5 and vowels == 0:
        return True
    if len(word) >= 6 and vowels / len(word) < 0.15:
        return True
    # long runs of consonants that Dutch does not have ("kjhgf", "bfdgr")
    run = 0
    for c in word:
        run = 0 if c in _VOWELS else run + 1
        if run >= 9:
            return True
    return False


_NON_LATIN_RE = re.compile(r"[^\x00-\u036f\u1e00-\u1eff\u2000-\u2bff\U0001f000-\U0001faff]")


def _script_language(text: str) -> str | None:
    """A language told by its script: Arabic/Persian, Cyrillic, Ge'ez, other non-Latin."""
    if not _NON_LATIN_RE.search(text):
        return None
    arabic = persian = cyrillic = ukrainian = ethiopic = other = latin = 0
    for char in text:
        code = ord(char)
        if code < 0x250:
            if char.isalpha():
                latin += 1
        elif 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F or 0xFB50 <= code <= 0xFEFF:
            arabic += 1
            if char in "پچژگ":
                persian += 1
        elif 0x400 <= code <= 0x4FF:
            cyrillic += 1
            if char in "іїєґІЇЄҐ":
                ukrainian += 1
        elif 0x1200 <= code <= 0x139F:
            ethiopic += 1
        elif char.isalpha() and not 0x250 <= code <= 0x36F and not 0x1E00 <= code <= 0x1EFF:
            other += 1
    best = max(arabic, cyrillic, ethiopic, other)
    if best < 2 or best < latin:
        return None
    if best == arabic:
        return "fa" if persian else "ar"
    if best == cyrillic:
        return "uk" if ukrainian else "ru"
    if best == ethiopic:
        return "ti"
    return "und"


def _word_language(raw: list[str], text: str) -> str | None:
    """English, Polish or Turkish by their common words (Dutch must win ties)."""
    if not raw:
        return None
    nl = sum(1 for w in raw if w in _NL_WORDS)
    en = sum(1 for w in raw if w in _EN_WORDS and w not in _EN_SHARED)
    en += 2 * sum(1 for w in raw if w == "english")
    pl = sum(1 for w in raw if w in _PL_WORDS)
    tr = sum(1 for w in raw if w in _TR_WORDS)
    if not text.isascii():
        lowered = text.lower()
        pl += min(2, sum(c in _PL_LETTERS for c in lowered))
        tr += min(2, sum(c in _TR_LETTERS for c in lowered))
    scores = sorted(((en, "en"), (pl, "pl"), (tr, "tr")), reverse=True)
    score, language = scores[0]
    if score >= 2 and score > nl and score > scores[1][0]:
        return language
    return None


# ---------------------------------------------------------------------------------------------
# Public entry points


def needs_from_content(directory: Path | None = None) -> list[tuple[str, list[str]]]:
    """(id, keywords) of every need in ``content/needs.yml`` (validated by content.py)."""
    from actions.logic import content

    path = (directory or content.CONTENT_DIR) / "needs.yml"
    tags = content._load_list(path, "needs", content.NeedTag)
    return [(tag.id, list(tag.keywords)) for tag in tags]


@lru_cache(maxsize=1)
def default_extractor() -> SignalExtractor:
    """The extractor for the content in ``content/``, built once per process."""
    return SignalExtractor(needs_from_content())


def extract_signals(text: str) -> Signals:
    """Signals of one user message. Never raises on a ``str``."""
    extractor = default_extractor()
    try:
        return extractor.extract(text)
    except Exception:  # a bug must not break the conversation
        logger.exception("extract_signals failed; returning empty signals")
        return Signals(empty=not str(text).strip())
