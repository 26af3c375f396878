"""Whole conversations over the REST channel (tests/data/conversations*.yaml).

Each case is one new conversation with the real Rasa and action server. The bot must say
what a good answer contains (the right fund, line or question), the crisis line in the very
first reply where the case says so, and never what the case forbids.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from tests.conftest import post_message

FILES = sorted((Path(__file__).parent / "data").glob("conversations*.yaml"))
SPECS = [yaml.safe_load(path.read_text("utf-8")) for path in FILES]
CASES: List[dict] = [dict(case, defaults=spec["defaults"]) for spec in SPECS
                     for case in spec["cases"]]
pytestmark = pytest.mark.server


def reply_text(messages: List[dict]) -> str:
    """The reply as a person sees it: texts and button titles."""
    parts = []
    for message in messages:
        if message.get("text"):
            parts.append(message["text"])
        parts += ["[knop] " + str(b.get("title", "")) for b in message.get("buttons") or []]
    return "\n".join(parts)


def matches(patterns: List[str], text: str) -> bool:
    return any(re.search(p, text, re.I) for p in patterns or [])


def follow_up(reply: str, case: dict) -> str:
    """Answer the bot's question the way the case's person would."""
    said = reply.lower()
    defaults: Dict[str, str] = case["defaults"]
    if re.search(r"hoe oud|leeftijd|jaar oud", said):
        return case.get("age", defaults["age"])
    if re.search(r"gemeente|woonplaats|waar woon|welke plaats", said):
        return case.get("city", defaults["city"])
    if re.search(r"ouder|jongere|voor jezelf|voor je kind|voor wie", said):
        return defaults["role_youth" if case.get("who") == "youth" else "role_parent"]
    return case.get("nudge", defaults["nudge"])


def test_the_cases_are_well_formed() -> None:
    assert len(FILES) >= 2 and len(CASES) >= 80
    assert len({c["id"] for c in CASES}) == len(CASES)
    for case in CASES:
        assert case["say"] and case.get("expect"), case["id"]
        for pattern in case.get("expect", []) + case.get("first", []) + case.get("forbid", []):
            re.compile(pattern)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_conversation(rasa_url: str, case: dict) -> None:
    sender = "case-" + uuid.uuid4().hex[:12]
    messages = list(case["say"])
    transcript: List[str] = []
    for turn in range(max(4, len(messages) + 2)):
        text = messages[turn] if turn < len(messages) else follow_up(transcript[-1], case)
        reply = reply_text(post_message(rasa_url, sender, text))
        transcript += [text, reply]
        log = "\n".join(("> " if i % 2 == 0 else "< ") + t for i, t in enumerate(transcript))
        if turn == 0 and case.get("first"):
            assert matches(case["first"], reply), f"not in the first reply:\n{log}"
        assert not matches(case.get("forbid", []), reply), f"forbidden text:\n{log}"
        if matches(case.get("expect", []), "\n".join(transcript[1::2])) and \
                turn + 1 >= len(messages):
            return
    assert matches(case.get("expect", []), "\n".join(transcript[1::2])), \
        f"expected text never came:\n{log}"
