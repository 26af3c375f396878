"""The conversation after a crisis disclosure or a check question.

* A reply to the check question that is not a clear "no" (``soms``, ``een beetje``,
  ``weet niet``, ``ja maar ik doe niks``) gets the line of that kind, gently.
* Questions about the lines (anonymous? free? do they call the police or my parents?)
  get short, sourced answers from ``content/safety/faq.yml``, found by character n-gram
  similarity to the ways people ask them, preferring the lines of the disclosed kind.
* After a disclosure, a reply that would only be a fallback becomes "I am still here" with
  the line, and later replies keep the line within reach (a one-line reminder at most
  every other turn).
* When a parent or a parent's partner may be the one who hurts (abuse, an unsafe home,
  violence at home), texts never advise talking to a parent (see :func:`home_unsafe`).

Word lists and texts are data in ``content/safety/dialogue.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Sequence, Tuple

import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from actions.logic.content import CONTENT_DIR
from actions.logic.crisis import normalize

SAFETY_DIR = CONTENT_DIR / "safety"
HOME_UNSAFE_KINDS = ("abuse_child", "unsafe_child", "domestic_violence")
# The lines that belong to a crisis kind (FAQ entries about these come first).
KIND_LINES: Dict[str, Tuple[str, ...]] = {
    "suicide": ("113", "kindertelefoon", "112"),
    "self_harm": ("113", "kindertelefoon"),
    "abuse_child": ("kindertelefoon", "veilig_thuis", "112"),
    "unsafe_child": ("kindertelefoon", "veilig_thuis", "112"),
    "domestic_violence": ("veilig_thuis", "112"),
    "acute_danger": ("112",),
}
FALLBACK_RESPONSES = frozenset(
    {"utter_rephrase", "utter_not_understood", "utter_fallback_options", "utter_ask_what_need",
     "utter_out_of_scope", "utter_other_language"}
)
_QUESTION_RE = re.compile(
    r"\?|^(?:wat|wie|hoe|waar|wanneer|waarom|moet|mag|kan|kunnen|krijg|krijgen|is|zijn|bel|"
    r"bellen|gaan|gaat|komt|komen|weten|zien|doen|do|does|will|can|is|are|what|who|how)\b"
)


@dataclass(frozen=True)
class FaqEntry:
    """One question-and-answer entry of the safety FAQ."""

    id: str
    lines: Tuple[str, ...]
    topic: str
    questions: Tuple[str, ...]
    answer: str
    answer_en: str
    source: str


@lru_cache(maxsize=1)
def settings() -> Dict[str, object]:
    """``content/safety/dialogue.yml``."""
    return yaml.safe_load((SAFETY_DIR / "dialogue.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def faq_entries() -> Tuple[FaqEntry, ...]:
    """The entries of ``content/safety/faq.yml`` (empty when the file is missing)."""
    path = SAFETY_DIR / "faq.yml"
    if not path.exists():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        FaqEntry(
            id=e["id"],
            lines=tuple(str(x) for x in e["lines"]),
            topic=e["topic"],
            questions=tuple(e["questions"]),
            answer=e["answer"].strip(),
            answer_en=(e.get("answer_en") or "").strip(),
            source=e["source"],
        )
        for e in data["entries"]
    )


class _FaqIndex:
    """Character n-gram TF-IDF over every way of asking (plus the answers' words)."""

    def __init__(self, entries: Sequence[FaqEntry]):
        self.entries = entries
        self.owner: List[int] = []
        docs: List[str] = []
        for index, entry in enumerate(entries):
            for question in entry.questions:
                docs.append(normalize(question))
                self.owner.append(index)
        self.vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(docs) if docs else None

    def best(self, text: str, prefer: Sequence[str]) -> Tuple[Optional[FaqEntry], float]:
        if self.matrix is None:
            return None, 0.0
        sims = linear_kernel(self.vectorizer.transform([normalize(text)]), self.matrix)[0]
        scores: Dict[int, float] = {}
        for row, sim in enumerate(sims):
            index = self.owner[row]
            entry = self.entries[index]
            # a small bonus for entries about the lines of the disclosed kind
            bonus = 0.04 if prefer and set(entry.lines) & set(prefer) else 0.0
            scores[index] = max(scores.get(index, 0.0), float(sim) + bonus)
        if not scores:
            return None, 0.0
        index = max(scores, key=lambda i: scores[i])
        return self.entries[index], scores[index]


@lru_cache(maxsize=1)
def _index() -> _FaqIndex:
    return _FaqIndex(faq_entries())


def _words(text: str) -> str:
    return " " + " ".join(re.findall(r"[a-z0-9]+", normalize(text))) + " "


def mentions_line(text: str) -> bool:
    """True when the message names a crisis line (113, De Kindertelefoon, Veilig Thuis...)."""
    words = _words(text)
    return any(f" {w} " in words for w in settings()["line_words"])  # type: ignore[union-attr]


def is_question(text: str) -> bool:
    """A question mark or a question word at the start."""
    return bool(_QUESTION_RE.search(" ".join(normalize(text).split())))


def faq_answer(text: str, kind: Optional[str], english: bool = False) -> Optional[str]:
    """The FAQ answer to a question about the lines, or None.

    After a disclosure (``kind`` given) any question may be about the lines; without one,
    only a question that names a line is answered from the FAQ, with a stricter threshold.
    """
    if not is_question(text) and not mentions_line(text):
        return None
    conf = settings()
    if kind is None and not mentions_line(text):
        return None
    minimum = float(
        conf["faq_min_similarity_after_disclosure" if kind else "faq_min_similarity"]  # type: ignore[index]
    )
    entry, score = _index().best(text, KIND_LINES.get(kind or "", ()))
    if entry is None or score < minimum:
        return None
    return entry.answer_en if english and entry.answer_en else entry.answer


def check_answer(text: str, affirm: bool, deny: bool) -> str:
    """Read a reply to the check question: ``yes``, ``no`` or ``other``.

    Hedged answers (``soms``, ``een beetje``, ``ja maar ik doe niks``, ``weet niet``) are
    ``yes``: the line is given, gently. Only a clear no is ``no``.
    """
    words = _words(text)
    plain = words.strip()
    conf = settings()
    if plain in conf["clear_no"]:  # type: ignore[operator]
        return "no"
    if any(f" {h} " in words for h in conf["hedged"]):  # type: ignore[union-attr]
        return "yes"
    if affirm:
        return "yes"
    if deny or plain.split(" ")[0] in ("nee", "neen", "nope", "no", "nah"):
        return "no"  # "nee hoor, het is alleen het geld"
    return "other"


def reminder(kind: str) -> str:
    """A one-line reminder of the line for this kind."""
    return str(settings()["reminders"][kind])  # type: ignore[index]


def home_unsafe(kind: Optional[str]) -> bool:
    """True when a parent or a parent's partner may be the one who hurts."""
    return kind in HOME_UNSAFE_KINDS


def only_fallback(responses: Sequence[str]) -> bool:
    """True when a reply says nothing but "I did not understand" or a generic invitation."""
    return bool(responses) and all(r in FALLBACK_RESPONSES for r in responses)
