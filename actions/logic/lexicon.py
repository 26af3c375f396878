"""Loader for the crisis detector's word lists and patterns (``content/lexicon/crisis/``).

The strings that :mod:`actions.logic.crisis` matches live in YAML files that a clinician
can read and review; the decisions (who hurts whom, negation handling, which kind a match
gives) stay in Python. This module reads the files once, checks their fields, substitutes
the placeholders and compiles every pattern, so a broken entry fails at import with the
file and rule name in the message.

File layout (every section is optional; see the header of each file):

* ``blocks`` (``blocks.yml`` only): named regular-expression fragments (who, verbs, gaps);
  a list ``[a, b]`` stands for ``(?:a|b)``. A pattern refers to a block as ``{NAME}``;
  blocks may use other blocks. A brace followed by a digit (``{0,3}``) is an ordinary
  regex repetition, not a placeholder.
* ``words``: named word lists (negation words, spelling variants of family words, ...).
* ``token_map`` (``normalisation.yml``): token -> replacement spelling.
* ``rules``: list of named rules. Fields: ``name``, ``pattern`` (a string, or a list of
  alternatives joined with ``|``) or ``phrases`` (glued-word phrases), ``example`` (must
  match), optional ``not_example`` (a string or list; must not match), ``kinds`` (crisis
  kinds), ``need`` (acute need), ``minor`` (default false), ``negatable`` (default true),
  ``triggers`` (substrings, at least one of which occurs in every match; they only save
  time) and ``note``.
* ``who_hurts_whom`` (``violence.yml``): rules without ``kinds``; the named groups ``who``
  and ``whom`` decide the kinds in Python.
* ``patterns``: named helper patterns used by the Python logic (context, age, gates);
  fields ``name``, ``pattern``, ``example``, optional ``not_example`` and ``note``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterator, List, Mapping, Optional, Pattern, Tuple

import yaml

__all__ = [
    "FILES",
    "LEXICON_DIR",
    "Entry",
    "Lexicon",
    "LexiconError",
    "get_lexicon",
    "load_lexicon",
]

LEXICON_DIR = Path(__file__).resolve().parents[2] / "content" / "lexicon" / "crisis"

# Every file the detector needs (without ``.yml``).
FILES: Tuple[str, ...] = (
    "blocks",
    "normalisation",
    "acute_danger",
    "suicide",
    "self_harm",
    "violence",
    "unsafe_child",
    "signs",
    "glued",
    "idioms",
    "check",
    "acute_need",
    "speaker",
)
# Files whose ``rules`` give crisis kinds (each rule needs ``kinds``).
KIND_FILES = frozenset(
    {"acute_danger", "suicide", "self_harm", "violence", "unsafe_child", "signs", "glued"}
)
NEED_FILES = frozenset({"acute_need"})

_SECTIONS = frozenset({"blocks", "words", "token_map", "rules", "who_hurts_whom", "patterns"})
_RULE_FIELDS = frozenset(
    {"name", "pattern", "phrases", "example", "not_example", "kinds", "need", "minor",
     "negatable", "triggers", "note"}
)
_FIELDS: Mapping[str, FrozenSet[str]] = {
    "rules": _RULE_FIELDS,
    "who_hurts_whom": frozenset({"name", "pattern", "example", "not_example", "triggers",
                                 "note"}),
    "patterns": frozenset({"name", "pattern", "example", "not_example", "note"}),
}
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME_RE = re.compile(r"^[a-z0-9_]+(?:\.[a-z0-9_]+)?$")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LexiconError(ValueError):
    """A lexicon file is missing, malformed or has an invalid entry."""


@dataclass(frozen=True)
class Entry:
    """One named rule or pattern from a lexicon file.

    ``source`` is the pattern as written (alternatives joined with ``|``, placeholders in
    place), ``regex`` the same with the blocks substituted, ``pattern`` its compiled form
    (``None`` for a glued-phrase rule, which has ``phrases`` instead).
    """

    file: str
    section: str
    name: str
    source: str
    regex: str
    pattern: Optional[Pattern[str]]
    example: str
    not_examples: Tuple[str, ...] = ()
    kinds: Tuple[str, ...] = ()
    need: Optional[str] = None
    minor: bool = False
    negatable: bool = True
    triggers: Tuple[str, ...] = ()
    phrases: Tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Lexicon:
    """All lexicon files, loaded and compiled."""

    directory: Path
    blocks: Mapping[str, str]  # placeholders substituted
    words: Mapping[str, Tuple[str, ...]]
    token_map: Mapping[str, str]
    sections: Mapping[Tuple[str, str], Tuple[Entry, ...]]  # (file, section) -> entries

    def entries(self) -> Iterator[Entry]:
        """Every rule and pattern of every file, in file order."""
        for entries in self.sections.values():
            yield from entries

    def section(self, file: str, section: str = "rules") -> Tuple[Entry, ...]:
        """The entries of one section of one file, in the order written."""
        return self.sections.get((file, section), ())

    def entry(self, name: str) -> Entry:
        """The entry with this name (names are unique over all files)."""
        for entry in self.entries():
            if entry.name == name:
                return entry
        raise LexiconError(f"no lexicon entry named {name!r}")

    def pattern(self, name: str) -> Pattern[str]:
        """The compiled pattern of a named entry."""
        pattern = self.entry(name).pattern
        if pattern is None:
            raise LexiconError(f"lexicon entry {name!r} has phrases, not a pattern")
        return pattern

    def block(self, name: str) -> str:
        """A block with its placeholders substituted."""
        try:
            return self.blocks[name]
        except KeyError:
            raise LexiconError(f"no block named {name!r} in blocks.yml") from None

    def word_list(self, name: str) -> Tuple[str, ...]:
        """A named word list, in the order written."""
        try:
            return self.words[name]
        except KeyError:
            raise LexiconError(f"no word list named {name!r}") from None


def _substitute(source: str, blocks: Mapping[str, str], where: str) -> str:
    def repl(m: re.Match[str]) -> str:
        try:
            return blocks[m.group(1)]
        except KeyError:
            raise LexiconError(f"{where}: unknown block {{{m.group(1)}}}") from None

    return _PLACEHOLDER_RE.sub(repl, source)


def _expand_blocks(raw: Mapping[str, str]) -> Dict[str, str]:
    """Substitute blocks into blocks (in any order; a cycle is an error)."""
    done: Dict[str, str] = {}

    def expand(name: str, stack: Tuple[str, ...]) -> str:
        if name in done:
            return done[name]
        if name in stack:
            raise LexiconError(f"blocks.yml: block cycle {' -> '.join((*stack, name))}")
        if name not in raw:
            where = f"blocks.yml: block {stack[-1]}" if stack else "blocks.yml"
            raise LexiconError(f"{where}: unknown block {{{name}}}")
        value = _PLACEHOLDER_RE.sub(lambda m: expand(m.group(1), (*stack, name)), raw[name])
        done[name] = value
        return value

    for name in raw:
        expand(name, ())
    return done


def _read(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise LexiconError(f"{path.name}: file missing in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path.name}: not valid YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: the top level must be a mapping of sections")
    unknown = set(data) - _SECTIONS
    if unknown:
        raise LexiconError(f"{path.name}: unknown section(s) {sorted(unknown)}")
    return data


def _strings(value: Any, where: str, *, flatten: bool = False) -> Tuple[str, ...]:
    """A string or a list of strings (nested lists flattened when ``flatten``)."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list):
        raise LexiconError(f"{where}: expected a string or a list of strings")
    out: List[str] = []
    for item in value:
        if flatten and isinstance(item, list):
            out.extend(_strings(item, where, flatten=True))
        elif isinstance(item, str) and item:
            out.append(item)
        else:
            raise LexiconError(f"{where}: expected non-empty strings, got {item!r}")
    return tuple(out)


def _block_source(name: str, value: Any) -> str:
    """A block as a pattern: a list of alternatives ``[a, b]`` becomes ``(?:a|b)``."""
    if isinstance(value, list):
        return "(?:" + "|".join(_strings(value, f"blocks.yml block {name}")) + ")"
    if not isinstance(value, str) or not value:
        raise LexiconError(f"blocks.yml block {name}: expected a pattern or a list of them")
    return value


def _entry(file: str, section: str, raw: Any, blocks: Mapping[str, str]) -> Entry:
    if not isinstance(raw, dict):
        raise LexiconError(f"{file}.yml {section}: every entry must be a mapping")
    name = raw.get("name")
    where = f"{file}.yml {section} {name!r}"
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise LexiconError(f"{where}: a lower-case `name` is required")
    unknown = set(raw) - _FIELDS[section]
    if unknown:
        raise LexiconError(f"{where}: unknown field(s) {sorted(unknown)}")
    example = raw.get("example")
    if not isinstance(example, str) or not example.strip():
        raise LexiconError(f"{where}: an `example` (a message the rule matches) is required")
    if ("pattern" in raw) == ("phrases" in raw):
        raise LexiconError(f"{where}: give either `pattern` or `phrases`")
    phrases: Tuple[str, ...] = ()
    pattern: Optional[Pattern[str]] = None
    if "pattern" in raw:
        source = "|".join(_strings(raw["pattern"], f"{where} pattern"))
        regex = _substitute(source, blocks, where)
        try:
            pattern = re.compile(regex)
        except re.error as exc:
            raise LexiconError(f"{where}: invalid pattern ({exc})") from None
    else:
        phrases = _strings(raw["phrases"], f"{where} phrases")
        for phrase in phrases:
            try:
                re.compile(phrase)
            except re.error as exc:
                raise LexiconError(f"{where}: invalid phrase {phrase!r} ({exc})") from None
        source = regex = "|".join(phrases)
    kinds = _strings(raw.get("kinds", []), f"{where} kinds")
    if section == "rules" and file in KIND_FILES and not kinds:
        raise LexiconError(f"{where}: `kinds` is required in {file}.yml")
    need = raw.get("need")
    if section == "rules" and file in NEED_FILES and not isinstance(need, str):
        raise LexiconError(f"{where}: `need` is required in {file}.yml")
    flags = {}
    for flag, default in (("minor", False), ("negatable", True)):
        value = raw.get(flag, default)
        if not isinstance(value, bool):
            raise LexiconError(f"{where}: `{flag}` must be true or false")
        flags[flag] = value
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise LexiconError(f"{where}: `note` must be text")
    return Entry(
        file=file,
        section=section,
        name=name,
        source=source,
        regex=regex,
        pattern=pattern,
        example=example,
        not_examples=_strings(raw.get("not_example", []), f"{where} not_example"),
        kinds=kinds,
        need=need,
        minor=flags["minor"],
        negatable=flags["negatable"],
        triggers=_strings(raw.get("triggers", []), f"{where} triggers", flatten=True),
        phrases=phrases,
        note=note,
    )


def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    """Read, check and compile every lexicon file; raises :class:`LexiconError`."""
    data = {name: _read(directory / f"{name}.yml") for name in FILES}
    raw_blocks = data["blocks"].get("blocks") or {}
    if not isinstance(raw_blocks, dict):
        raise LexiconError("blocks.yml: `blocks` must map names to patterns")
    raw_blocks = {
        name: _block_source(name, value) for name, value in raw_blocks.items()
    }
    for name, content in data.items():
        if name != "blocks" and "blocks" in content:
            raise LexiconError(f"{name}.yml: blocks belong in blocks.yml")
    blocks = _expand_blocks(raw_blocks)
    words: Dict[str, Tuple[str, ...]] = {}
    sections: Dict[Tuple[str, str], Tuple[Entry, ...]] = {}
    seen: Dict[str, str] = {}
    token_map: Dict[str, str] = {}
    for file, content in data.items():
        for list_name, values in (content.get("words") or {}).items():
            if list_name in words:
                raise LexiconError(f"{file}.yml: word list {list_name!r} defined twice")
            words[list_name] = _strings(values, f"{file}.yml words {list_name}", flatten=True)
        if "token_map" in content:
            raw_map = content["token_map"]
            if not isinstance(raw_map, dict) or not all(
                isinstance(k, str) and isinstance(v, str) and v for k, v in raw_map.items()
            ):
                raise LexiconError(f"{file}.yml: `token_map` must map tokens to spellings")
            token_map.update(raw_map)
        for section in ("rules", "who_hurts_whom", "patterns"):
            if section not in content:
                continue
            if not isinstance(content[section], list):
                raise LexiconError(f"{file}.yml: `{section}` must be a list")
            entries = tuple(_entry(file, section, raw, blocks) for raw in content[section])
            for entry in entries:
                if entry.name in seen:
                    raise LexiconError(
                        f"{file}.yml: name {entry.name!r} also used in {seen[entry.name]}.yml"
                    )
                seen[entry.name] = file
            sections[(file, section)] = entries
    return Lexicon(
        directory=directory,
        blocks=blocks,
        words=words,
        token_map=token_map,
        sections=sections,
    )


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The lexicon from :data:`LEXICON_DIR`, loaded once."""
    return load_lexicon()
