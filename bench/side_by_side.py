"""The project's NLU pipeline side by side with Rasa's default pipeline, on the same data.

Usage: python bench/side_by_side.py [--seed 42] [--train-frac 0.8] [--budget 870]
                                    [--default-epochs 100]

One run: the NLU data (rasa_project/data/nlu) is split 80/20 per intent (stratified, fixed
seed, Rasa's own ``TrainingData.train_test_split``); both pipelines are trained NLU-only on
the 80 % and evaluated on the held-out 20 %. Printed per pipeline: intent F1 (weighted and
macro; the final intent, so a FallbackClassifier fallback counts as wrong), train time,
parse latency (p50/p95 of the held-out messages, one at a time, in process) and memory
(RSS of a process that loaded only that model, and its growth from loading it).

Rasa's default pipeline is the one `rasa init` writes (commented) into config.yml for
English: WhitespaceTokenizer, RegexFeaturizer, LexicalSyntacticFeaturizer,
CountVectorsFeaturizer, CountVectorsFeaturizer (char_wb 1-4), DIETClassifier (100 epochs),
EntitySynonymMapper, ResponseSelector (100 epochs), FallbackClassifier (0.3 / 0.1). Only
``language`` is set to ``nl`` (the data is Dutch; none of these components reads it).
Each training and evaluation runs in a subprocess, and the whole run has a time budget
(``--budget``, default 870 s): a step that would overrun it is stopped and its row says so,
and the other rows are still printed. On 2 cores Rasa's default DIET (a 2-layer
transformer, 100 epochs) is by far the slowest step: 5-10 s per epoch, depending on what
else runs. ``--default-epochs N`` trains it for fewer epochs when time is short; the table
then says so (it is no longer exactly Rasa's default).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[1]
RASA = str(Path(sys.executable).parent / "rasa")
ENV = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3",
           RASA_TELEMETRY_ENABLED="false", SQLALCHEMY_SILENCE_UBER_WARNING="1")

RASA_DEFAULT_CONFIG = """\
# Rasa's default NLU pipeline, as `rasa init` writes it for English (language set to nl).
recipe: default.v1
language: nl
assistant_id: rasa-default-side-by-side
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: DIET_EPOCHS
  - name: EntitySynonymMapper
  - name: ResponseSelector
    epochs: 100
  - name: FallbackClassifier
    threshold: 0.3
    ambiguity_threshold: 0.1
policies: []
"""


def split(seed: float, train_frac: float, out: Path) -> Dict[str, int]:
    """Write train.yml and test.yml (stratified per intent); return the counts."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "rasa_project" / "data" / "nlu"))
    train, test = data.train_test_split(train_frac=train_frac, random_seed=int(seed))
    (out / "train.yml").write_text(train.nlu_as_yaml(), encoding="utf-8")
    (out / "test.yml").write_text(test.nlu_as_yaml(), encoding="utf-8")
    return {"train": len(train.intent_examples), "test": len(test.intent_examples),
            "intents": len(data.intents)}


def train(config: Path, data: Path, out: Path, name: str, timeout: float) -> float:
    """Train an NLU-only model; return the seconds it took (TimeoutExpired past timeout)."""
    if timeout <= 0:
        raise subprocess.TimeoutExpired("rasa train nlu", 0)
    start = time.time()
    log = out / f"train-{name}.log"
    with log.open("wb") as fh:
        proc = subprocess.run(
            [RASA, "train", "nlu", "--config", str(config), "--nlu", str(data), "--out",
             str(out), "--fixed-model-name", name],
            cwd=ROOT, env=ENV, stdout=fh, stderr=subprocess.STDOUT, timeout=timeout,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"training {name} failed:\n{log.read_text()[-3000:]}")
    return time.time() - start


def rss_mb() -> float:
    """Current RSS of this process in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(model: str, test_yml: str, out_json: str) -> int:
    """Subprocess: load one model, parse every held-out message, write the figures."""
    import asyncio

    from rasa.core.agent import Agent
    from rasa.shared.nlu.training_data.loading import load_data

    examples = [(m.get("text"), m.get("intent")) for m in load_data(test_yml).intent_examples]
    before = rss_mb()
    agent = Agent.load(model)
    loaded = rss_mb()

    async def parse_all() -> List[dict]:
        for text, _ in examples[:5]:  # warm-up (first calls build TF functions)
            await agent.parse_message(text)
        results = []
        for text, intent in examples:
            start = time.perf_counter()
            parsed = await agent.parse_message(text)
            ms = (time.perf_counter() - start) * 1000
            ranking = [r["name"] for r in parsed.get("intent_ranking") or []]
            no_fallback = next((n for n in ranking if n != "nlu_fallback"), None)
            results.append({"text": text, "gold": intent, "pred": parsed["intent"]["name"],
                            "pred_no_fallback": no_fallback or parsed["intent"]["name"],
                            "ms": ms})
        return results

    results = asyncio.run(parse_all())
    Path(out_json).write_text(json.dumps({
        "results": results, "rss_before_mb": before, "rss_loaded_mb": loaded,
        "rss_after_mb": rss_mb(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }), encoding="utf-8")
    return 0


def evaluate(model: Path, test_yml: Path, out: Path, timeout: float) -> dict:
    """Run ``worker`` in a subprocess and compute F1 from its predictions."""
    from sklearn.metrics import f1_score

    if timeout <= 0:
        raise subprocess.TimeoutExpired("evaluate", 0)
    name = model.name.removesuffix(".tar.gz")
    out_json = out / f"eval-{name}.json"
    log = out / f"eval-{name}.log"
    with log.open("wb") as fh:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", str(model), str(test_yml), str(out_json)],
            cwd=ROOT, env=ENV, stdout=fh, stderr=subprocess.STDOUT, timeout=timeout,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"evaluating {model.name} failed:\n{log.read_text()[-3000:]}")
    data = json.loads(out_json.read_text())
    results = data["results"]
    gold = [r["gold"] for r in results]
    pred = [r["pred"] for r in results]
    labels = sorted(set(gold))
    times = sorted(r["ms"] for r in results)
    wrong: Dict[str, int] = {}
    for r in results:
        if r["gold"] != r["pred"]:
            key = f"{r['gold']} -> {r['pred']}"
            wrong[key] = wrong.get(key, 0) + 1
    return {
        "weighted_f1": f1_score(gold, pred, labels=labels, average="weighted", zero_division=0),
        "macro_f1": f1_score(gold, pred, labels=labels, average="macro", zero_division=0),
        "weighted_f1_no_fallback": f1_score(gold, [r["pred_no_fallback"] for r in results],
                                            labels=labels, average="weighted",
                                            zero_division=0),
        "accuracy": sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold),
        "fallbacks": sum(p == "nlu_fallback" for p in pred),
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))],
        "rss_loaded_mb": data["rss_loaded_mb"],
        "model_mb": data["rss_loaded_mb"] - data["rss_before_mb"],
        "peak_rss_mb": data["peak_rss_mb"],
        "confusions": sorted(wrong.items(), key=lambda kv: -kv[1])[:6],
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--train-frac", type=float, default=0.8)
    parser.add_argument("--budget", type=float, default=870.0,
                        help="seconds for the whole run (each step gets what is left)")
    parser.add_argument("--default-epochs", type=int, default=100,
                        help="DIET epochs of Rasa's default pipeline (100 = as rasa init)")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(*args.worker)

    started = time.time()
    out = Path(tempfile.mkdtemp(prefix="side-by-side-"))
    counts = split(args.seed, args.train_frac, out)
    print(f"NLU data: {counts['intents']} intents; {counts['train']} training and "
          f"{counts['test']} held-out examples (stratified {args.train_frac:.0%}/"
          f"{1 - args.train_frac:.0%}, seed {args.seed}); work dir {out}", flush=True)
    default_config = out / "config-rasa-default.yml"
    default_config.write_text(
        RASA_DEFAULT_CONFIG.replace("DIET_EPOCHS", str(args.default_epochs)), encoding="utf-8")
    default_label = "Rasa default" + (
        "" if args.default_epochs == 100 else f" ({args.default_epochs} ep.)")
    pipelines = {"project (config.yml)": (ROOT / "config.yml", "project"),
                 default_label: (default_config, "rasa-default")}
    rows: Dict[str, dict] = {}
    failed: Dict[str, str] = {}
    timed_out: List[str] = []
    deadline = started + args.budget
    for label, (config, name) in pipelines.items():
        try:
            print(f"==> {label}: training on the 80 %", flush=True)
            seconds = train(config, out / "train.yml", out, name, deadline - time.time())
            print(f"==> {label}: trained in {seconds:.0f} s; evaluating on the 20 %",
                  flush=True)
            rows[label] = dict(evaluate(out / f"{name}.tar.gz", out / "test.yml", out,
                                        deadline - time.time()), train_s=seconds)
        except subprocess.TimeoutExpired:
            timed_out.append(label)
            failed[label] = (f"stopped: the run's budget of {args.budget:.0f} s ran out "
                             f"(--budget, or fewer --default-epochs)")
        except (RuntimeError, ValueError) as exc:
            failed[label] = str(exc)[-500:]
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"\nSide by side ({counts['test']} held-out messages; load average now "
          f"{' '.join(load)}; total {time.time() - started:.0f} s)")
    head = (f"{'pipeline':<22} {'F1 w':>6} {'F1 m':>6} {'F1 w*':>6} {'acc':>6} {'fallb':>5} "
            f"{'train s':>7} {'p50 ms':>6} {'p95 ms':>6} {'RSS MB':>7} {'model MB':>8}")
    print(head)
    print("-" * len(head))
    for label, r in rows.items():
        print(f"{label:<22} {r['weighted_f1']:>6.3f} {r['macro_f1']:>6.3f} "
              f"{r['weighted_f1_no_fallback']:>6.3f} {r['accuracy']:>6.3f} {r['fallbacks']:>5} "
              f"{r['train_s']:>7.0f} {r['p50_ms']:>6.1f} {r['p95_ms']:>6.1f} "
              f"{r['rss_loaded_mb']:>7.0f} {r['model_mb']:>8.0f}")
    print("F1 w = weighted intent F1, F1 m = macro; F1 w* = weighted F1 when a fallback counts "
          "as its best real intent; RSS = process with Rasa and that one model loaded; "
          "model MB = growth from loading it.")
    for label, why in failed.items():
        print(f"{label:<22} {why}")
    for label, r in rows.items():
        print(f"Most frequent confusions, {label}: "
              + (", ".join(f"{k} ({n})" for k, n in r["confusions"]) or "none"))
    # a row stopped by the time budget is reported, not an error; a broken step is
    return 1 if set(failed) - set(timed_out) else 0


if __name__ == "__main__":
    sys.exit(main())
