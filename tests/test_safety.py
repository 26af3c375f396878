"""The safety layer: levels (line / check / none), the learned detector, and the
conversation after a disclosure (hedged answers, questions about the lines, no fallback
instead of help, no parent advice when home is not safe)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import List

import numpy as np
import pytest
import yaml

from actions.logic import safety_dialogue
from actions.logic.crisis import CrisisKind
from actions.logic.dialogue import State, respond
from actions.logic.safety import Level, SafetyDecision, assess, parse_intent
from actions.logic.safety_corpus import KINDS, load_corpus
from actions.logic.safety_model import (
    MAX_FALSE_CHECK,
    MAX_FALSE_LINE,
    Thresholds,
    choose_thresholds,
    get_model,
)
from actions.logic.turns import Say, Turn

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = yaml.safe_load((ROOT / "rasa_project" / "domain" / "safety.yml").read_text())
LINE_RE = {
    "suicide": r"\b113\b",
    "self_harm": r"\b113\b|0800-0432",
    "abuse_child": r"0800-0432|0800-2000",
    "unsafe_child": r"0800-0432|0800-2000",
    "domestic_violence": r"0800-2000",
    "acute_danger": r"\b112\b",
}


# --- levels and intents ------------------------------------------------------------------


@pytest.mark.parametrize(
    "intent, expected",
    [
        ("crisis_suicide", (Level.LINE, CrisisKind.SUICIDE, False)),
        ("crisis_other_abuse_child", (Level.LINE, CrisisKind.ABUSE_CHILD, True)),
        ("crisis_check_domestic_violence", (Level.CHECK, CrisisKind.DOMESTIC_VIOLENCE, False)),
        ("crisis_check_nonsense", (Level.NONE, None, False)),
        ("greet", (Level.NONE, None, False)),
    ],
)
def test_parse_intent_reads_level_kind_and_other(intent, expected) -> None:
    assert parse_intent(intent) == expected


def test_the_intent_of_a_decision_round_trips() -> None:
    for kind in CrisisKind:
        for decision in (
            SafetyDecision(Level.LINE, kind),
            SafetyDecision(Level.LINE, kind, about_other=True),
            SafetyDecision(Level.CHECK, kind),
        ):
            level, parsed, other = parse_intent(decision.intent or "")
            assert (level, parsed) == (decision.level, kind)
            assert other == (decision.about_other and decision.level is Level.LINE)
    assert SafetyDecision(Level.NONE).intent is None


def test_every_crisis_intent_has_a_response_that_names_its_line_and_the_kindertelefoon() -> None:
    responses = DOMAIN["responses"]
    for kind in KINDS:
        variants = ("", "other_", "check_")
        for name in (f"utter_crisis_{variant}{kind}" for variant in variants):
            assert name[len("utter_") :] in DOMAIN["intents"]
            text = responses[name][0]["text"]
            assert re.search(LINE_RE[kind], text), name
            # a young person whose age is not known always sees De Kindertelefoon too
            assert "0800-0432" in text, name


def test_rules_alone_give_a_line() -> None:
    decision = assess("ik wil dood", use_model=False)
    assert decision.level is Level.LINE and decision.kind is CrisisKind.SUICIDE


def test_ambiguous_despair_gets_a_check_not_nothing() -> None:
    decision = assess("ik zie het niet meer zitten", use_model=False)
    assert decision.level is Level.CHECK and decision.kind is CrisisKind.SUICIDE


def test_money_talk_and_commands_get_nothing() -> None:
    assert assess("de huur is te hoog, kan ik hulp krijgen?").level is Level.NONE
    assert assess("/vergeetmij").level is Level.NONE
    assert assess("").level is Level.NONE


# --- the learned detector ----------------------------------------------------------------


def test_thresholds_keep_false_alarms_within_the_limits_and_reach_most_crises() -> None:
    rng = np.random.default_rng(7)
    safe_scores = rng.beta(1, 6, 400)  # mostly low
    crisis_scores = rng.beta(6, 1, 400)  # mostly high
    scores = np.concatenate([safe_scores, crisis_scores])
    safe = np.array([True] * 400 + [False] * 400)
    crisis = ~safe
    rules = np.array([False] * 380 + [True] * 20 + [True] * 200 + [False] * 200)  # 20 false hits
    checks = np.zeros(800, dtype=bool)
    t = choose_thresholds(scores, rules, checks, crisis, safe)
    assert isinstance(t, Thresholds) and t.check <= t.line
    kept = rules & (scores >= t.veto)
    line = (kept & (scores >= t.soften)) | (scores >= t.line)
    reached = line | kept | (scores >= t.check)
    assert (line & safe).sum() / 400 <= MAX_FALSE_LINE
    assert ((reached & ~line) & safe).sum() / 400 <= MAX_FALSE_CHECK
    assert (reached & crisis).sum() / 400 >= 0.9


def test_the_model_is_trained_and_fast_enough() -> None:
    model = get_model()
    assert model is not None
    assert 0 < model.thresholds.check < model.thresholds.line < 1
    texts = [e.text for e in load_corpus()[:300]]
    start = time.perf_counter()
    for text in texts:
        assess(text)
    per_message_ms = (time.perf_counter() - start) * 1000 / len(texts)
    # the budget is 5 ms per message (make bench-safety prints p95); this is a loose guard
    assert per_message_ms < 25


def test_the_model_raises_what_the_rules_do_not_know() -> None:
    """A crisis in the corpus that the rules miss is raised by the model (trained on it)."""
    from actions.logic.crisis import detect_crisis

    missed = [
        e for e in load_corpus() if e.is_crisis and detect_crisis(e.text) is None
    ][:200]
    if not missed:
        pytest.skip("the rules find every corpus crisis")
    raised = [e for e in missed if assess(e.text).level is not Level.NONE]
    assert len(raised) / len(missed) >= 0.9


# --- the conversation after a disclosure -------------------------------------------------


class Talk:
    def __init__(self) -> None:
        self.state = State()

    def say(self, text: str, intent: str = "nlu_fallback") -> List[Say]:
        return respond(self.state, Turn(text=text, intent=intent))

    def first(self, text: str) -> List[Say]:
        """The first message as the NLU pipeline would label it."""
        return self.say(text, assess(text).intent or "nlu_fallback")


def names(says: List[Say]) -> List[str]:
    return [s.response for s in says]


@pytest.mark.parametrize(
    "answer", ["soms", "een beetje", "weet niet", "ja maar ik doe niks", "af en toe wel", "idk"]
)
def test_a_hedged_answer_to_the_check_gets_the_line(answer: str) -> None:
    talk = Talk()
    talk.say("ik zie het niet meer zitten", "crisis_check_suicide")
    assert talk.state.pending == "crisis_check"
    replies = names(talk.say(answer))
    assert "utter_crisis_suicide" in replies


def test_a_clear_no_to_the_check_goes_on_with_the_money_question() -> None:
    talk = Talk()
    talk.say("ik kan niet meer met al die rekeningen", "crisis_check_suicide")
    replies = names(talk.say("nee hoor"))
    assert replies[0] == "utter_crisis_check_no"
    assert not any(n.startswith("utter_crisis_suicide") for n in replies)


def test_a_check_of_another_kind_gives_that_kinds_line() -> None:
    talk = Talk()
    talk.say("thuis is het soms eng", "crisis_check_abuse_child")
    assert "utter_crisis_abuse_child" in names(talk.say("ja een beetje"))


def test_questions_about_the_lines_get_answers_from_the_faq() -> None:
    if not safety_dialogue.faq_entries():
        pytest.skip("no safety FAQ yet")
    talk = Talk()
    talk.say("mijn stiefvader slaat me", "crisis_abuse_child")
    for question in ("bellen ze dan de politie?", "moet ik mijn naam zeggen?", "is het gratis?"):
        replies = talk.say(question)
        assert names(replies)[0] == "utter_safety_answer", question
        assert replies[0].values["answer"]


def test_after_a_disclosure_a_fallback_never_replaces_help() -> None:
    talk = Talk()
    talk.say("ik wil niet meer leven", "crisis_suicide")
    replies = talk.say("asdfgh qwerty")
    assert names(replies) == ["utter_crisis_stay"]
    assert "113" in replies[0].values["line"]


def test_after_a_disclosure_the_line_stays_within_reach() -> None:
    talk = Talk()
    talk.say("papa slaat mama", "crisis_domestic_violence")
    seen = []
    for text in ("we hebben ook schulden", "ik ben 14", "ik woon in utrecht"):
        seen += talk.say(text)
    reminders = [s for s in seen if s.response in ("utter_crisis_reminder", "utter_crisis_stay")]
    assert reminders and "0800-2000" in reminders[0].values["line"]


def test_no_parent_advice_when_a_parent_hurts() -> None:
    from actions.logic.advice import fund_says

    talk = Talk()
    talk.say("mijn vader slaat me", "crisis_abuse_child")
    talk.state.role, talk.state.ages = "youth", [14]
    cards = fund_says(talk.state, "laptop") + fund_says(talk.state, "sport_culture")
    assert cards
    for card in cards:
        assert not re.search(r"\bje ouders?\b", card.values.get("who", ""), re.I), card.values


def test_youth_under_16_asking_for_a_person_is_not_sent_to_a_parent_after_abuse() -> None:
    from actions.logic import handover

    class Services:
        def handover_organisation(self, code):  # pragma: no cover - not reached
            return None

    state = State(role="youth", ages=[14], crisis_seen=True, crisis_kind="abuse_child")
    state.services = Services()
    assert names(handover.offer(state, asked=True)) == ["utter_handover_youth_unsafe_home"]
    text = yaml.safe_load((ROOT / "rasa_project/domain/handover.yml").read_text())["responses"][
        "utter_handover_youth_unsafe_home"
    ][0]["text"]
    assert "ouder" not in text.lower().replace("vertrouwenspersoon", "")


def test_a_hedged_reply_right_after_a_line_is_met_warmly_and_keeps_the_line() -> None:
    talk = Talk()
    talk.say("het heeft allemaal geen zin meer", "crisis_suicide")
    replies = talk.say("soms wel een beetje", "ask_bot")
    assert names(replies) == ["utter_crisis_after_check", "utter_crisis_reminder"]
    assert "113" in replies[1].values["line"]


def test_a_clear_no_right_after_a_suicide_line_goes_on_with_the_money_question() -> None:
    talk = Talk()
    talk.say("ik zie het niet meer zitten met al die rekeningen", "crisis_suicide")
    assert names(talk.say("nee hoor, het is alleen het geld"))[0] == "utter_crisis_check_no"


def test_the_erase_question_needs_an_explicit_request() -> None:
    talk = Talk()
    text = "we moeten een ipad kopen van 400 euro?? wtf dat hebben wij echt niet"
    assert "utter_ask_forget_confirm" not in names(talk.say(text, "forget_me"))
    assert names(Talk().say("wis alles wat ik heb gezegd", "forget_me")) == [
        "utter_ask_forget_confirm"
    ]
