"""Benchmark: NLU intent F1 (cross-validation), train time, REST latency. Prints figures.

Usage: python bench/run_bench.py [--folds 3] [--messages 300] [--skip-cv] [--skip-train]
Targets (issue #3): intent F1 >= 0.95; p95 < 150 ms for one conversation at a time.
Entities: DIET extracts none; needs, ages, places and roles are read deterministically
(actions/logic/signals.py, municipality.py) and measured by their unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import post_message, start_servers  # noqa: E402

RASA = str(Path(sys.executable).parent / "rasa")
ENV = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3",
           RASA_TELEMETRY_ENABLED="false")

SCRIPT = [
    "hoi", "mijn zoon wil op voetbal maar de contributie is te duur", "hij is 9", "Amersfoort",
    "nee dank je", "we hebben schulden", "nee", "ja", "3", "Utrecht", "is dit anoniem?",
    "ik schaam me", "ik ben de moeder", "de wasmachine is kapot", "sla over", "bedankt",
    "ben jij een robot?", "kben 15 en heb schulden bij klarna", "qwertyuiop", "doei",
]


def cross_validation(folds: int) -> dict:
    out = Path(tempfile.mkdtemp(prefix="cv-"))
    start = time.time()
    subprocess.run(
        [RASA, "test", "nlu", "--config", "config.yml", "--nlu", "rasa_project/data/nlu",
         "--cross-validation", "--folds", str(folds), "--out", str(out)],
        cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    report = json.loads((out / "DIETClassifier_report.json").read_text()) if (
        out / "DIETClassifier_report.json").exists() else json.loads(
        (out / "intent_report.json").read_text())
    per_intent = {k: v["f1-score"] for k, v in report.items() if isinstance(v, dict)
                  and "f1-score" in v and k not in ("macro avg", "weighted avg", "micro avg")}
    return {"weighted_f1": report["weighted avg"]["f1-score"],
            "macro_f1": report["macro avg"]["f1-score"], "per_intent": per_intent,
            "seconds": time.time() - start}


def train_time() -> float:
    out = tempfile.mkdtemp(prefix="train-")
    start = time.time()
    subprocess.run(
        [RASA, "train", "--config", "config.yml", "--domain", "rasa_project/domain", "--data",
         "rasa_project/data", "--out", out, "--force"],
        cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return time.time() - start


def latency(messages: int) -> dict:
    servers = start_servers(Path(tempfile.mkdtemp(prefix="bench-")))
    try:
        times = []
        sender = "bench-" + uuid.uuid4().hex[:8]
        for i in range(messages):
            if i % len(SCRIPT) == 0:
                sender = "bench-" + uuid.uuid4().hex[:8]
            start = time.perf_counter()
            post_message(servers.url, sender, SCRIPT[i % len(SCRIPT)])
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        return {"n": len(times), "p50_ms": statistics.median(times),
                "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1]}
    finally:
        servers.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--skip-cv", action="store_true")
    parser.add_argument("--skip-train", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PSEUDONYM_KEY", "bench-key-" + "x" * 32)
    if not args.skip_cv:
        cv = cross_validation(args.folds)
        print(f"NLU intent F1 ({args.folds}-fold CV): weighted {cv['weighted_f1']:.3f}, "
              f"macro {cv['macro_f1']:.3f}  (target >= 0.95; {cv['seconds']:.0f} s)")
        for name, f1 in sorted(cv["per_intent"].items(), key=lambda kv: kv[1]):
            print(f"  {name:<16} {f1:.3f}")
        print("NLU entity F1: n/a (DIET extracts no entities; see module docstring)")
    if not args.skip_train:
        print(f"Train time (forced, from scratch): {train_time():.0f} s")
    lat = latency(args.messages)
    print(f"REST latency, one conversation at a time, {lat['n']} messages: "
          f"p50 {lat['p50_ms']:.0f} ms, p95 {lat['p95_ms']:.0f} ms, max {lat['max_ms']:.0f} ms "
          "(target p95 < 150 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
