"""The Rasa test stories' user messages must get the intent the story names.

`rasa test core` checks the actions of each test story but takes the story's intent label
as given; this test sends every user message of rasa_project/tests/ through the trained
model's NLU (DIET + FallbackClassifier + CrisisOverride) and checks that label.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import List, Tuple

import pytest
import yaml

STORIES = Path(__file__).resolve().parents[1] / "rasa_project" / "tests"


def story_messages() -> List[Tuple[str, str, str]]:
    items = []
    for path in sorted(STORIES.glob("*.yml")):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            for step in story["steps"]:
                if "user" in step and not step["user"].startswith("/"):
                    items.append((story["story"], step["user"].strip(), step["intent"]))
    return items


def parse(url: str, text: str) -> str:
    body = json.dumps({"text": text}).encode("utf-8")
    request = urllib.request.Request(url + "/model/parse", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())["intent"]["name"]


@pytest.mark.server
def test_story_messages_get_their_intent(rasa_url: str) -> None:
    messages = story_messages()
    assert len({s for s, _, _ in messages}) >= 40
    wrong = [(story, text, label, got) for story, text, label in messages
             if (got := parse(rasa_url, text)) != label]
    print(f"\nstory intents: {len(messages) - len(wrong)}/{len(messages)} right")
    assert not wrong, wrong
