"""The labelled safety corpus: Dutch messages with kind, level, speaker, time and style.

The corpus lives in ``content/safety/corpus/round-*.yaml``, one file per writing round
(each written by writers who had not read the detector nor the earlier rounds; see
``content/safety/corpus/BRIEF.md`` and docs/safety.md). Round 0 is the developers' own
phrase lists in ``tests/data/crisis_phrases*.yaml`` (written while tuning the rules), read
here in their older format.

Used by the learned detector (:mod:`actions.logic.safety_model`) for training and by
``make bench-safety`` and the tests for measuring.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS_DIR = ROOT / "content" / "safety" / "corpus"
LEGACY_FILES = (
    ROOT / "tests" / "data" / "crisis_phrases.yaml",
    ROOT / "tests" / "data" / "crisis_phrases_holdout.yaml",
)

KINDS = (
    "suicide",
    "self_harm",
    "abuse_child",
    "unsafe_child",
    "domestic_violence",
    "acute_danger",
)
LEVELS = ("line", "check", "none")
SPEAKERS = ("self_adult", "parent", "youth", "relative_friend", "professional")
TIMES = ("now", "plan", "past", "topic")
STYLES = ("plain", "youth_chat", "l2", "english_mix", "long_money", "voice")
_ROUND_RE = re.compile(r"round-(\d+)\.ya?ml$")


@dataclass(frozen=True)
class Example:
    """One labelled message."""

    text: str
    kind: str  # one of KINDS or "none"
    level: str  # line | check | none
    about: str = "self"  # self | other
    speaker: str = ""
    time: str = ""
    style: str = ""
    round: int = 0

    @property
    def is_crisis(self) -> bool:
        """A real crisis that needs its line (not an ambiguous check case)."""
        return self.kind != "none" and self.level == "line"

    @property
    def is_safe(self) -> bool:
        """Not a crisis at all: must not get a crisis line."""
        return self.kind == "none"


class CorpusError(ValueError):
    """A corpus file breaks the schema; the message names the file, item and field."""


def _check(item: Dict[str, object], where: str) -> Example:
    def pick(field: str, allowed: Tuple[str, ...], required: bool = True) -> str:
        value = item.get(field)
        if value is None and not required:
            return ""
        if value not in allowed:
            raise CorpusError(f"{where}: field {field!r} is {value!r}; allowed: {allowed}")
        return str(value)

    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise CorpusError(f"{where}: field 'text' must be a non-empty string")
    kind = pick("kind", KINDS + ("none",))
    level = pick("level", LEVELS)
    if (kind == "none") != (level == "none"):
        raise CorpusError(f"{where}: kind {kind!r} and level {level!r} do not go together")
    return Example(
        text=text,
        kind=kind,
        level=level,
        about=pick("about", ("self", "other")),
        speaker=pick("speaker", SPEAKERS, required=False),
        time=pick("time", TIMES, required=False),
        style=pick("style", STYLES, required=False),
    )


def round_files(joined_only: bool = True) -> List[Tuple[int, Path]]:
    """The round files, in round order.

    Only rounds listed in ``rounds.yml`` have joined training: a new round file is measured
    untuned first (``make bench-safety ARGS="--round N"``) and joins when it is listed.
    """
    joined = joined_rounds()
    found = []
    for path in CORPUS_DIR.glob("round-*.y*ml"):
        match = _ROUND_RE.search(path.name)
        if match and (not joined_only or int(match.group(1)) in joined):
            found.append((int(match.group(1)), path))
    return sorted(found)


def threshold_rounds() -> List[int]:
    """Joined rounds written to the brief (crises and hard non-crises): the thresholds are
    chosen on these. A round of only ordinary messages (``for_thresholds: false``) trains
    the model but would loosen the thresholds: its easy non-crises dilute the false-alarm
    share, and the check threshold then fell so low that "ik ben 14 en vraag het voor
    mezelf" got a check question."""
    path = CORPUS_DIR / "rounds.yml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        int(r["round"])
        for r in data.get("rounds", [])
        if r.get("joined", True) and r.get("for_thresholds", True) and int(r["round"]) > 0
    ]


def joined_rounds() -> List[int]:
    """Rounds in the order they joined training (``rounds.yml``; ``joined: false`` = held out)."""
    path = CORPUS_DIR / "rounds.yml"
    if not path.exists():
        return [0]
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [int(r["round"]) for r in data.get("rounds", []) if r.get("joined", True)]


def load_round(number: int, path: Path) -> List[Example]:
    """All examples of one round file (validated)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(items, list):
        raise CorpusError(f"{path.name}: the file must be a list of items")
    out = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise CorpusError(f"{path.name} item {index}: must be a mapping")
        example = _check(item, f"{path.name} item {index}")
        out.append(Example(**{**example.__dict__, "round": number}))
    return out


# Old labels of tests/data/crisis_phrases*.yaml -> (kind, level).
_LEGACY = {
    **{k: (k, "line") for k in KINDS},
    "check": ("suicide", "check"),
    "idiom": ("none", "none"),
    "none": ("none", "none"),
    "acute_food": ("none", "none"),
    "acute_roof": ("none", "none"),
    "acute_cutoff": ("none", "none"),
}


def load_legacy() -> List[Example]:
    """Round 0: the developers' phrase lists, mapped to kind and level."""
    out = []
    for path in LEGACY_FILES:
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            kind, level = _LEGACY[item["label"]]
            out.append(Example(text=item["text"], kind=kind, level=level, style="plain"))
    return out


NLU_DIR = ROOT / "rasa_project" / "data" / "nlu"
NLU_ROUND = -1  # the assistant's own NLU examples: ordinary answers, never a crisis
_ENTITY_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def load_nlu_examples() -> List[Example]:
    """Every NLU training example of the assistant as a non-crisis (round -1).

    Short answers ("ik ben 14", "in utrecht", "ja"), needs and small talk: without them the
    model saw few short ordinary messages and read "ik ben 14" like the start of a
    disclosure. Used for training only, never for choosing thresholds or measuring.
    """
    out = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = _ENTITY_RE.sub(r"\1", line.strip()[2:].strip()) if line.strip() else ""
                if text:
                    out.append(Example(text=text, kind="none", level="none", round=NLU_ROUND))
    return out


CONVERSATION_ROUND = -2  # user messages of the project's own non-crisis conversation tests


def load_conversation_examples() -> List[Example]:
    """User messages of the non-crisis cases in tests/data/conversations*.yaml (round -2).

    Everyday long money stories ("geen kinderwagen, alles weggegeven", "een matras op de
    grond") that the corpus rounds, written around crisis wording, have too few of. Training
    only: these conversation tests then check the channel and the dialogue, not how the
    model generalises (the rounds measure that). Cases that expect a crisis line are left out.
    """
    out = []
    for path in sorted((ROOT / "tests" / "data").glob("conversations*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for case in spec.get("cases", []):
            expects_crisis = any(
                "113" in p or "0800" in p or "veilig" in p.lower()
                for p in (case.get("first") or []) + (case.get("expect") or [])
            )
            if expects_crisis or path.name.endswith("_safety.yaml"):
                continue
            for text in case.get("say", []):
                out.append(Example(text=text, kind="none", level="none", round=CONVERSATION_ROUND))
    return out


def load_corpus(rounds: Optional[Iterable[int]] = None, with_nlu: bool = False) -> List[Example]:
    """Round 0 plus every joined round (or exactly ``rounds``, joined or not), de-duplicated.

    ``with_nlu`` adds the assistant's NLU examples and the user messages of its non-crisis
    conversation tests as non-crises (training only).
    """
    wanted = None if rounds is None else set(rounds)
    examples: List[Example] = []
    if wanted is None or 0 in wanted:
        examples += load_legacy()
    for number, path in round_files(joined_only=wanted is None):
        if wanted is None or number in wanted:
            examples += load_round(number, path)
    if with_nlu:
        examples += load_nlu_examples() + load_conversation_examples()
    seen = set()
    unique = []
    for example in examples:
        key = " ".join(example.text.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(example)
    return unique


def corpus_fingerprint(examples: List[Example]) -> str:
    """A short hash of the training examples (used as the model cache key)."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example.text}\x1f{example.kind}\x1f{example.level}\x1f{example.about}\n".encode())
    return digest.hexdigest()[:16]
