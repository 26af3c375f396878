"""make bench-safety: how well the safety layer answers the labelled corpus. Prints figures.

For every round (content/safety/corpus/round-*.yaml; round 0 = tests/data/crisis_phrases*):
  * rules only (actions/logic/crisis.py),
  * rules + the model trained on the rounds that joined before it (the learning curve:
    what the assistant would have done with this round unseen),
and, per kind, on the newest round. Also p95 ms per message (rules + model).

Shares: "line" = crises whose first reply names their line at line level; "line or check" =
with a check question that names it; "false line"/"false check" = non-crises that got one.
Targets (issue #12, on the newest untuned round): line or check >= 95 %, line >= 85 %,
false line <= 3 %, false check <= 10 %, p95 <= 5 ms.

usage: python bench/safety_bench.py [--round N] [--misses] [--quick]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from actions.logic import safety  # noqa: E402
from actions.logic.safety import assess  # noqa: E402
from actions.logic.safety_corpus import Example, joined_rounds, load_corpus  # noqa: E402
from actions.logic.safety_model import get_model, train  # noqa: E402
from bench.safety_eval import HEADER, figures, row, score  # noqa: E402


def with_model(model):
    """A decide() function that uses ``model`` beside the rules."""

    def decide(text: str):
        original = safety.get_model
        safety.get_model = lambda: model  # type: ignore[assignment]
        try:
            return assess(text)
        finally:
            safety.get_model = original  # type: ignore[assignment]

    return decide


def rules_only(text: str):
    return assess(text, use_model=False)


def print_misses(name: str, outcomes) -> None:
    f = figures(outcomes)
    print(f"\n{name}: crises without their line ({len(f.misses)})")
    for o in f.misses:
        print(f"  [{o.example.kind}/{o.example.about}] {o.decision.level.value} "
              f"{o.decision.kind.value if o.decision.kind else '-'}: {o.example.text[:140]}")
    print(f"{name}: non-crises with a line ({len(f.alarms)})")
    for o in f.alarms:
        print(f"  [{o.example.time}] {o.decision.kind.value if o.decision.kind else '-'} "
              f"({o.decision.source}): {o.example.text[:140]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--round", type=int, help="only this round (untuned: trained on earlier)")
    parser.add_argument("--misses", action="store_true", help="list misses and false lines")
    parser.add_argument("--quick", action="store_true", help="skip the learning curve")
    args = parser.parse_args()

    corpus = load_corpus()
    order = joined_rounds()
    by_round: Dict[int, List[Example]] = defaultdict(list)
    for example in corpus:
        by_round[example.round].append(example)
    if args.round is not None and args.round not in order:
        # a new round that has not joined training: measured untuned with the shipped model
        by_round[args.round] = load_corpus([args.round])
        print(f"## Round {args.round} has not joined training: UNTUNED figures\n")
        print(HEADER)
        rules_figures = figures(score(by_round[args.round], rules_only))
        print(row(f"round {args.round}, rules only", rules_figures))
        outcomes = score(by_round[args.round], assess)
        print(row(f"round {args.round}, rules + shipped model", figures(outcomes)))
        print("\n### per kind\n")
        print(HEADER)
        for kind in sorted({e.kind for e in by_round[args.round]}):
            print(row(kind, figures([o for o in outcomes if o.example.kind == kind])))
        for style in sorted({e.style for e in by_round[args.round]}):
            print(row(f"style {style}", figures([o for o in outcomes if o.example.style == style])))
        for about in ("self", "other"):
            print(row(f"about {about}", figures([o for o in outcomes if o.example.about == about])))
        if args.misses:
            print_misses(f"round {args.round}", outcomes)
        return 0
    rounds = [args.round] if args.round is not None else sorted(by_round)

    print("## Rules only\n")
    print(HEADER)
    for number in rounds:
        print(row(f"round {number}", figures(score(by_round[number], rules_only))))

    if not args.quick:
        print("\n## Learning curve: rules + model trained on the rounds that joined before\n")
        print(HEADER)
        for number in rounds:
            if number not in order or order.index(number) == 0:
                continue
            before = set(order[: order.index(number)])
            model = train([e for e in corpus if e.round in before])
            outcomes = score(by_round[number], with_model(model))
            trained = ",".join(str(r) for r in order[: order.index(number)])
            print(row(f"round {number} (trained on {trained})", figures(outcomes)))
            if args.misses:
                print_misses(f"round {number}", outcomes)

    model = get_model()
    print("\n## The shipped model (trained on every round) on all rounds: training fit\n")
    if model is not None:
        print(f"thresholds: check {model.thresholds.check}, line {model.thresholds.line}\n")
    print(HEADER)
    all_outcomes = score(corpus, assess)
    print(row("all rounds", figures(all_outcomes)))
    newest = order[-1] if order else max(by_round)
    print(f"\n## Per kind, round {newest}, rules + model trained before it\n")
    before = set(order[: order.index(newest)]) if newest in order else set(by_round) - {newest}
    model_before = train([e for e in corpus if e.round in before])
    outcomes = score(by_round[newest], with_model(model_before))
    print(HEADER)
    for kind in sorted({e.kind for e in by_round[newest]}):
        subset = [o for o in outcomes if o.example.kind in (kind,)]
        if kind == "none":
            subset = [o for o in outcomes if o.example.kind == "none"]
        print(row(kind, figures(subset)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
