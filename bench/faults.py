"""Faults during load on the scaled set-up (scripts/serve_scaled.sh), with a verdict.

Usage: python bench/faults.py [--concurrency 10] [--duration 420] [--no-graceful]

While bench/loadgen.py's virtual users talk to nginx, this script
1. kills one of the two Rasa servers hard (SIGKILL to its process group) mid-run; the
   supervisor in serve_scaled.sh starts it again (like `restart: unless-stopped`);
2. stops the action server (SIGTERM), keeps it down for ``--actions-down`` seconds, and
   lets the supervisor start it again;
3. (unless --no-graceful) stops the other Rasa server with SIGTERM, as a rolling restart does.

Rules checked over every message of the run:
- every message gets a reply (no HTTP error, transport error, timeout or empty reply);
- a friendly error ("er gaat iets mis") only while the action server is down (from the
  stop until it answers /health again, plus ``--grace`` seconds);
- no double answer and no lost state in any conversation (see bench/loadgen.py);
- no reply slower than ``--max-latency`` s (default 15: a message may wait one lock lease,
  5 s, behind a dead server's conversation lock, plus a turn under load).
It prints a time line of the faults, the messages that broke a rule, latency per phase,
and exits non-zero when a rule was broken. The load ends ``--tail`` s after the last
recovery and never later than ``--duration`` s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.loadgen import (  # noqa: E402
    Budget,
    MemorySampler,
    Record,
    ScaledSetup,
    machine_note,
    percentile,
    record_reference,
    run_level,
    summarise,
)

Window = Tuple[str, float, float]  # (kind, start, end) in wall-clock seconds


def answers(url: str) -> bool:
    """True when ``url`` answers 200 within 2 s."""
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


async def wait_for(url: str, timeout: float, want: bool = True) -> float:
    """Poll ``url`` until it answers (or stops answering); return the time it happened."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if await asyncio.to_thread(answers, url) == want:
            return time.time()
        await asyncio.sleep(0.25)
    raise TimeoutError(f"{url} did not {'come up' if want else 'go down'} in {timeout:.0f} s")


class FaultPlan:
    """Runs the faults against a ScaledSetup and keeps a time line."""

    def __init__(self, setup: ScaledSetup, start_after: float, actions_down: float,
                 graceful: bool, pause: float = 10.0) -> None:
        self.setup = setup
        self.start_after = start_after
        self.actions_down = actions_down
        self.graceful = graceful
        self.pause = pause
        self.timeline: List[Tuple[float, str]] = []
        self.windows: List[Window] = []

    def note(self, text: str) -> None:
        self.timeline.append((time.time(), text))
        print(f"  [fault {time.strftime('%H:%M:%S')}] {text}", flush=True)

    def kill_group(self, name: str, sig: signal.Signals) -> int:
        pid = self.setup.pid_of(name)
        if not pid:
            raise RuntimeError(f"no pid file for {name}")
        os.killpg(pid, sig)
        return pid

    async def restart_rasa(self, index: int, sig: signal.Signals) -> None:
        name = f"rasa-{index}"
        url = self.setup.server_url(index) + "/webhooks/rest/"
        start = time.time()
        pid = self.kill_group(name, sig)
        self.note(f"{sig.name} to {name} (pid {pid}) under load")
        await wait_for(url, 60, want=False)
        up = await wait_for(url, 420)
        self.note(f"{name} answers again after {up - start:.0f} s (restarted by the supervisor)")
        self.windows.append((f"{name} {sig.name}", start, up))

    async def stop_actions(self) -> None:
        hold = self.setup.run_dir / "hold-actions"
        hold.touch()
        url = f"http://127.0.0.1:{self.setup.ports['ACTION_PORT']}/health"
        start = time.time()
        pid = self.kill_group("actions", signal.SIGTERM)
        self.note(f"SIGTERM to the action server (pid {pid}); kept down {self.actions_down:.0f} s")
        await wait_for(url, 30, want=False)
        await asyncio.sleep(self.actions_down)
        hold.unlink()
        self.note("action server released: the supervisor starts it again")
        up = await wait_for(url, 180)
        self.note(f"action server answers again after {up - start:.0f} s")
        self.windows.append(("actions down", start, up))

    async def run(self) -> None:
        await asyncio.sleep(self.start_after)
        await self.restart_rasa(1, signal.SIGKILL)
        await asyncio.sleep(self.pause)
        await self.stop_actions()
        if self.graceful:
            await asyncio.sleep(self.pause)
            await self.restart_rasa(2, signal.SIGTERM)
        self.note("all faults done; load goes on until the end of the run")


def judge(records: Sequence[Record], windows: Sequence[Window], grace: float,
          stuck_s: float = 15.0) -> Dict[str, List[Record]]:
    """Messages that broke a rule, by rule.

    ``stuck_s``: a reply slower than this waited for a dead server's conversation lock
    longer than one lease (``TICKET_LEASE_SECONDS``, 5 s) allows (docs/scaling.md).
    """
    down = [(s, e + grace) for kind, s, e in windows if kind == "actions down"]
    broken: Dict[str, List[Record]] = {"no reply": [], "friendly error outside window": [],
                                       "double answer": [], "lost state": [],
                                       f"slower than {stuck_s:.0f} s": []}
    for r in records:
        done = r.sent + r.latency_ms / 1000
        if r.status not in ("ok", "friendly_error"):
            broken["no reply"].append(r)
        elif r.status == "friendly_error" and not any(
            s - grace <= r.sent <= e and s <= done for s, e in down
        ):  # sent while the action server was down (not: sent long before, answered then)
            broken["friendly error outside window"].append(r)
        if r.double:
            broken["double answer"].append(r)
        if r.lost_state:
            broken["lost state"].append(r)
        if r.latency_ms > stuck_s * 1000:
            broken[f"slower than {stuck_s:.0f} s"].append(r)
    return broken


def phase_latency(records: Sequence[Record], windows: Sequence[Window]) -> List[str]:
    """p50/p95/max of the messages sent inside each window and outside all of them."""
    lines = []
    for kind, start, end in windows:
        inside = sorted(r.latency_ms for r in records if start <= r.sent <= end)
        lines.append(f"  {kind:<18} {end - start:5.0f} s  {len(inside):5} msgs  "
                     f"p50 {percentile(inside, .5):6.0f}  p95 {percentile(inside, .95):6.0f}  "
                     f"max {inside[-1] if inside else 0:6.0f} ms")
    outside = sorted(r.latency_ms for r in records
                     if not any(s <= r.sent <= e for _, s, e in windows))
    lines.append(f"  {'outside faults':<18} {'':>7}  {len(outside):5} msgs  "
                 f"p50 {percentile(outside, .5):6.0f}  p95 {percentile(outside, .95):6.0f}  "
                 f"max {outside[-1] if outside else 0:6.0f} ms")
    return lines


def describe(r: Record, t0: float) -> str:
    return (f"t+{r.sent - t0:6.1f} s {r.script}/{r.step} {r.status} {r.latency_ms:.0f} ms "
            f"attempt {r.attempt} {r.lost_state or ''} {(r.texts or [''])[0][:60]!r}")


async def run_with_faults(setup: ScaledSetup, concurrency: int, duration: float,
                          plan: FaultPlan, tail: float = 15.0
                          ) -> Tuple[List[Record], float, float]:
    """Load and faults at the same time; (records, elapsed, peak RSS of Rasa in MB)."""
    reference = await record_reference(setup.url)
    budget = Budget(time.monotonic() + duration, max_messages=100000)
    with MemorySampler(setup.rasa_pids) as memory:
        load = asyncio.ensure_future(run_level(setup.url, concurrency, duration, reference,
                                               resends=60, timeout=120, tag="fault",
                                               budget=budget))
        faults = asyncio.ensure_future(plan.run())
        await asyncio.wait([load, faults], return_when=asyncio.FIRST_COMPLETED)
        if faults.done():
            if faults.exception():
                load.cancel()
                raise faults.exception()
            # end the load a little after the last recovery (never later than planned)
            budget.stop_at = min(budget.stop_at, time.monotonic() + tail)
        records, elapsed = await load
        if not faults.done():
            faults.cancel()
            plan.note("the run ended before every fault was over (a server took too long)")
    return records, elapsed, memory.peak


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--duration", type=float, default=420.0,
                        help="most seconds of load; it ends --tail s after the last fault")
    parser.add_argument("--tail", type=float, default=15.0)
    parser.add_argument("--start-after", type=float, default=15.0)
    parser.add_argument("--actions-down", type=float, default=10.0)
    parser.add_argument("--grace", type=float, default=2.0)
    parser.add_argument("--max-latency", type=float, default=15.0,
                        help="seconds; a slower reply breaks a rule")
    parser.add_argument("--no-graceful", action="store_true")
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    args = parser.parse_args(argv)
    os.environ.setdefault("PSEUDONYM_KEY", "fault-key-" + "x" * 32)
    print(f"Fault run: {args.concurrency} concurrent conversations, {args.duration:.0f} s; "
          f"{machine_note()}", flush=True)
    with ScaledSetup(Path(args.model).resolve()) as setup:
        plan = FaultPlan(setup, args.start_after, args.actions_down, not args.no_graceful)
        t0 = time.time()
        records, elapsed, peak = asyncio.run(
            run_with_faults(setup, args.concurrency, args.duration, plan, args.tail))
        supervisor = (setup.log_dir / "supervisor.log").read_text(errors="replace")
    figures = summarise(records, elapsed)
    broken = judge(records, plan.windows, args.grace, args.max_latency)
    print("\nTime line:")
    for when, text in plan.timeline:
        print(f"  t+{when - t0:6.1f} s  {text}")
    print("Supervisor log:\n  " + "\n  ".join(supervisor.strip().splitlines()))
    print(f"\nMessages: {figures['answered']} answered of {figures['messages']} sent, "
          f"{figures['msg_per_s']:.1f} msg/s, friendly errors {figures['friendly_errors']}, "
          f"resends {sum(r.attempt > 0 for r in records)}, peak Rasa RSS {peak:.0f} MB")
    print("Latency by phase (by send time):")
    print("\n".join(phase_latency(records, plan.windows)))
    print("\nRules:")
    failed = 0
    for rule, bad in broken.items():
        print(f"  {rule:<32} {len(bad):5}  {'OK' if not bad else 'BROKEN'}")
        for r in bad[:8]:
            print("      " + describe(r, t0))
        failed += len(bad)
    if len(plan.windows) < (3 if not args.no_graceful else 2):
        print("  not every fault ran: see the time line")
        failed += 1
    print("Verdict:", "PASS" if not failed else "FAIL")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
