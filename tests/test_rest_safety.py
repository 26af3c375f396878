"""Crisis lines over the real REST channel: the right line in the FIRST reply, no idiom fires.

Every labelled phrase of tests/data/crisis_phrases*.yaml is sent as the first message of a
fresh conversation to the running Rasa + action server.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from tests.conftest import post_message

DATA = Path(__file__).parent / "data"
ACUTE = {
    "acute_food": r"voedselbank|noodhulp",
    "acute_roof": r"opvang",
    "acute_cutoff": r"drie werkdagen|energie",
}
ANY_CRISIS_LINE = r"\b113\b|0800-0113|0800-2000|Veilig Thuis"


def phrases() -> List[Dict[str, str]]:
    items: List[Dict[str, str]] = []
    for name in ("crisis_phrases.yaml", "crisis_phrases_holdout.yaml"):
        items += yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return items


PHRASES = phrases()


def first_text(url: str, text: str) -> List[str]:
    replies = post_message(url, "safety-" + uuid.uuid4().hex[:10], text)
    return [m.get("text") or "" for m in replies]


def replies_to_all(url: str, items: List[Dict[str, str]]) -> List[List[str]]:
    """The replies to each phrase, each in a fresh conversation (4 at a time, in order)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda item: first_text(url, item["text"]), items))


def corpus_examples():
    from actions.logic.safety_corpus import load_corpus

    return load_corpus()


@pytest.mark.server
def test_every_labelled_message_gets_the_safety_decision_first_over_rest(rasa_url: str) -> None:
    """Every message of the safety corpus (all rounds) over the real channel: the first reply
    is exactly the text of the safety decision (line, other-person or check) and a non-crisis
    decision sends no crisis text. Then the training-fit figures over REST."""
    from actions.logic.safety import Level, assess
    from bench.safety_eval import NEEDED_LINE, domain_texts

    texts = domain_texts()
    examples = corpus_examples()
    items = [{"text": e.text} for e in examples]
    wrong, reached, crises, false_line, safe = [], 0, 0, 0, 0
    for example, replies in zip(examples, replies_to_all(rasa_url, items), strict=True):
        decision = assess(example.text)
        first = replies[0] if replies else ""
        if decision.intent is not None:
            if first != texts["utter_" + decision.intent]:
                wrong.append((example.text, decision.intent, first[:60]))
        elif first.startswith(tuple(t[:40] for n, t in texts.items() if "crisis_" in n)):
            wrong.append((example.text, "none", first[:60]))
        if example.is_crisis:
            crises += 1
            reached += bool(re.search(NEEDED_LINE[example.kind], first))
        if example.is_safe:
            safe += 1
            false_line += decision.level is Level.LINE
    print(f"\nREST over {len(examples)} labelled messages: {reached / crises:.1%} of {crises} "
          f"crises reached with their line; {false_line / safe:.1%} of {safe} non-crises "
          "got a line")
    assert not wrong, wrong[:20]
    # training fit (the corpus is the model's training data); unseen rounds: docs/safety.md
    assert reached / crises >= 0.97
    assert false_line / safe <= 0.02


@pytest.mark.server
@pytest.mark.parametrize("label", sorted(ACUTE))
def test_acute_need_gets_its_own_route_first(rasa_url: str, label: str) -> None:
    items = [p for p in PHRASES if p["label"] == label]
    assert items, f"no {label} phrases"
    for item in items:
        texts = first_text(rasa_url, item["text"])
        assert texts and re.search(ACUTE[label], texts[0], re.I), (item["text"], texts)
        assert not re.search(ANY_CRISIS_LINE, texts[0]), (item["text"], texts)


@pytest.mark.server
def test_crisis_line_comes_even_when_the_action_server_is_down(servers) -> None:
    servers.stop_actions()
    try:
        texts = first_text(servers.url, "ik wil niet meer leven")
        assert re.search(r"\b113\b", texts[0])
        texts = first_text(servers.url, "mijn kind heeft een fiets nodig")
        assert texts and "0800-0432" in texts[0]  # the friendly technical message
    finally:
        servers.start_actions()
    assert first_text(servers.url, "hoi")  # and the conversation goes on
