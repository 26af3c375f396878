"""Tests for the crisis lexicon (content/lexicon/crisis/*.yml, actions/logic/lexicon.py).

* every file loads, starts with its comment header and has the required fields;
* every rule's ``example`` matches the rule the way the detector applies it (trigger,
  pattern, negation check) and no ``not_example`` does;
* the loader rejects broken entries with the file and rule name in the message;
* the detector uses every rule of the files.

The detector's behaviour itself is tested in tests/test_crisis.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest
import yaml

from actions.logic import crisis
from actions.logic.crisis import AcuteNeed, CrisisKind, normalize
from actions.logic.lexicon import (
    FILES,
    KIND_FILES,
    LEXICON_DIR,
    Entry,
    LexiconError,
    get_lexicon,
    load_lexicon,
)

LEX = get_lexicon()
ENTRIES: List[Entry] = list(LEX.entries())


def entry_id(entry: Entry) -> str:
    return f"{entry.file}:{entry.name}"


def _rule_fires(entry: Entry, norm: str) -> bool:
    """A crisis rule as the detector checks it (without the context that switches it off)."""
    assert entry.pattern is not None
    return crisis._triggered(entry.name, norm) and crisis._search(
        entry.pattern, norm, entry.negatable
    )


def _violence_fires(entry: Entry, norm: str) -> bool:
    return entry.name in {name for name, *_ in crisis._violence(norm)}


def _glued_fires(entry: Entry, norm: str) -> bool:
    patterns = next(p for name, _, _, p in crisis._GLUED if name == entry.name)
    return bool(crisis._GLUED_TOKEN_RE.search(norm)) and crisis._glued_hit(patterns, norm)


def _searches(entry: Entry, norm: str) -> bool:
    assert entry.pattern is not None
    return entry.pattern.search(norm) is not None


def _before_keyword(entry: Entry, norm: str) -> bool:
    # topic_frame is matched against the text right before the keyword (ends in a space)
    assert entry.pattern is not None
    return entry.pattern.search(norm + " ") is not None


def matcher(entry: Entry) -> Callable[[Entry, str], bool]:
    if entry.section == "who_hurts_whom":
        return _violence_fires
    if entry.section == "rules" and entry.file == "glued":
        return _glued_fires
    if entry.section == "rules" and entry.file in KIND_FILES:
        return _rule_fires
    if entry.name == "topic_frame":
        return _before_keyword
    return _searches


# --- the files ------------------------------------------------------------------------


def test_every_file_loads_and_no_file_is_ignored() -> None:
    lex = load_lexicon()
    assert {e.file for e in lex.entries()} | {"blocks", "normalisation"} == set(FILES)
    on_disk = {p.stem for p in LEXICON_DIR.glob("*.y*ml")}
    assert on_disk == set(FILES), "every lexicon file must be listed in lexicon.FILES"


@pytest.mark.parametrize("name", FILES)
def test_every_file_starts_with_its_header(name: str) -> None:
    text = (LEXICON_DIR / f"{name}.yml").read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert len(header) >= 10, f"{name}.yml: header missing"
    joined = "\n".join(header)
    assert "tests/test_crisis.py" in joined, f"{name}.yml: header must name the tests"
    if name not in ("blocks", "normalisation"):
        for field in ("name", "pattern" if name != "glued" else "phrases", "example",
                      "not_example"):
            assert f"{field}:" in joined, f"{name}.yml: header must explain `{field}`"


@pytest.mark.parametrize("name", FILES)
def test_every_entry_has_the_fields(name: str) -> None:
    data = yaml.safe_load((LEXICON_DIR / f"{name}.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data
    for section in ("rules", "who_hurts_whom", "patterns"):
        for raw in data.get(section, []):
            assert isinstance(raw.get("name"), str), (name, raw)
            assert ("pattern" in raw) != ("phrases" in raw), (name, raw["name"])
            assert isinstance(raw.get("example"), str) and raw["example"].strip(), raw["name"]
            if section == "rules" and name in KIND_FILES:
                assert raw.get("kinds"), f"{name}.yml {raw['name']}: kinds missing"
            if section == "rules" and name == "acute_need":
                assert raw.get("need"), f"{name}.yml {raw['name']}: need missing"


def test_kinds_and_needs_are_known() -> None:
    for entry in ENTRIES:
        for kind in entry.kinds:
            CrisisKind(kind)
        if entry.need is not None:
            AcuteNeed(entry.need)


def test_blocks_words_and_token_map_are_present() -> None:
    for block in ("NEG", "gap3", "PARENT", "PARTNER", "WHO", "WHOM", "HIT_PRESENT", "NOW"):
        assert LEX.block(block)
    for words in ("negation", "clause_stop", "family_after_me", "self_objects", "hit_stems"):
        assert LEX.word_list(words)
    assert LEX.token_map["nie"] == "niet" and LEX.token_map["kwil"] == "ik wil"
    for entry in ENTRIES:
        assert not re.search(r"\{[A-Za-z_]", entry.regex), f"{entry_id(entry)}: placeholder left"


# --- examples -------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_example_matches_its_rule(entry: Entry) -> None:
    norm = normalize(entry.example)
    assert matcher(entry)(entry, norm), f"{entry_id(entry)}: example {entry.example!r}"


NOT_EXAMPLES: List[Tuple[Entry, str]] = [(e, t) for e in ENTRIES for t in e.not_examples]


@pytest.mark.parametrize(
    ("entry", "text"), NOT_EXAMPLES, ids=[f"{entry_id(e)}:{t}" for e, t in NOT_EXAMPLES]
)
def test_not_example_does_not_match(entry: Entry, text: str) -> None:
    assert not matcher(entry)(entry, normalize(text)), f"{entry_id(entry)}: {text!r}"


def test_idiom_examples_are_idioms_and_no_crisis() -> None:
    for entry in LEX.section("idioms"):
        assert crisis.is_idiom(entry.example), entry.name
        assert crisis.detect_crisis(entry.example) is None, entry.name


def test_crisis_rule_examples_give_their_kinds() -> None:
    """Each fixed-kind rule's example raises (at least) one of the rule's kinds."""
    for entry in LEX.entries():
        if entry.section != "rules" or entry.file not in KIND_FILES:
            continue
        result = crisis.detect_crisis(entry.example)
        assert result is not None, entry.name
        assert entry.name in result.matched.split("+"), (entry.name, result.matched)
        assert set(entry.kinds) <= {k.value for k in result.kinds}, entry.name


def test_check_examples_get_the_check() -> None:
    for entry in LEX.section("check"):
        assert crisis.needs_check(entry.example), entry.name


def test_acute_need_examples_give_their_need() -> None:
    for entry in LEX.section("acute_need"):
        assert crisis.detect_acute_need(entry.example) == AcuteNeed(entry.need), entry.name


# --- the detector uses the files ------------------------------------------------------


def test_detector_uses_every_rule() -> None:
    checked = {r.name for r in (*crisis._ACUTE_RULES, *crisis._SUICIDE_RULES,
                                *crisis._SELF_HARM_RULES, *crisis._DV_RULES,
                                *crisis._UNSAFE_RULES, crisis._DV_AFRAID_PARTNER,
                                *crisis._SIGNS_RULES)}
    files = {e.name for f in ("acute_danger", "suicide", "self_harm", "violence",
                              "unsafe_child", "signs") for e in LEX.section(f)}
    assert checked == files
    assert [n for n, _ in crisis._VIOLENCE_PATTERNS] == [
        e.name for e in LEX.section("violence", "who_hurts_whom")
    ]
    assert [n for n, _ in crisis._CHECK_RULES] == [e.name for e in LEX.section("check")]
    assert [n for n, *_ in crisis._GLUED] == [e.name for e in LEX.section("glued")]
    assert len(crisis._ACUTE_NEED_RULES) == len(LEX.section("acute_need"))
    triggered = {e.name for e in ENTRIES if e.triggers}
    assert set(crisis._TRIGGER_RES) == triggered


# --- the loader rejects broken files --------------------------------------------------


@pytest.fixture()
def lexicon_copy(tmp_path: Path) -> Path:
    target = tmp_path / "crisis"
    shutil.copytree(LEXICON_DIR, target)
    return target


def _edit(directory: Path, name: str, change: Callable[[Dict], None]) -> None:
    path = directory / f"{name}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        ("suicide", lambda d: d["rules"][0].update(pattern="{NO_SUCH_BLOCK} dood"),
         "unknown block {NO_SUCH_BLOCK}"),
        ("suicide", lambda d: d["rules"][0].pop("example"), "example"),
        ("suicide", lambda d: d["rules"][0].pop("kinds"), "kinds"),
        ("suicide", lambda d: d["rules"][0].update(negateable=False), "unknown field"),
        ("suicide", lambda d: d["rules"][0].update(negatable="no"), "negatable"),
        ("suicide", lambda d: d["rules"][0].update(pattern="(unclosed"), "invalid pattern"),
        ("suicide", lambda d: d["rules"][1].update(name=d["rules"][0]["name"]), "also used"),
        ("acute_need", lambda d: d["rules"][0].pop("need"), "need"),
        ("blocks", lambda d: d["blocks"].update(gap3="{gap3x}", gap3x="{gap3}"), "cycle"),
        ("check", lambda d: d.update(extra=[]), "unknown section"),
    ],
)
def test_loader_rejects_broken_entries(
    lexicon_copy: Path, file: str, change: Callable[[Dict], None], message: str
) -> None:
    _edit(lexicon_copy, file, change)
    with pytest.raises(LexiconError) as info:
        load_lexicon(lexicon_copy)
    assert message in str(info.value)
    assert file in str(info.value)


def test_loader_names_a_missing_file(lexicon_copy: Path) -> None:
    (lexicon_copy / "idioms.yml").unlink()
    with pytest.raises(LexiconError, match="idioms.yml"):
        load_lexicon(lexicon_copy)
