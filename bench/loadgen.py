"""Load test over the REST channel: scripted Dutch conversations, many senders at once.

Usage:
  python bench/loadgen.py                        # single server (SQLite) and scaled set-up
  python bench/loadgen.py --setup single --levels 1,10 --duration 20
  python bench/loadgen.py --setup url --url http://127.0.0.1:5005 --rasa-pids 123,456

For every level of concurrency (default 1, 10 and 50 conversations at once) it prints
messages per second, p50/p95/p99 latency, errors and lost messages, double answers, lost
state, and the peak RSS of the Rasa server processes (read from /proc).

Each virtual user runs one scripted conversation after another with a new sender each time,
with no think time (``--think S`` adds a pause of about S seconds after each reply). The
set-up's answers to each script, sent once and one at a time before the load, are the
reference; under load every answer is compared with it:
- double answer: a reply holds the same text more often than the reference reply does;
- lost state: a reply asks a question (age, municipality, cut-off, bailiff) that the
  reference does not ask at that point, i.e. the bot forgot an answer it was given;
- other mismatch: any other difference from the reference.
A friendly error ("er gaat iets mis", the channel's reply when the action server cannot be
reached) makes the virtual user send the same message again after a second, as a person
would (at most 30 times, 60 in bench/faults.py), which decides whether it fell in a fault
window. Every loop is bounded by ``--duration`` and ``--max-messages`` and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import free_port  # noqa: E402

FRIENDLY_ERROR = "er gaat iets mis"
SCRIPTS: Dict[str, List[str]] = {
    "sport": [
        "hoi",
        "mijn zoon wil op voetbal maar de contributie is te duur",
        "hij is 9",
        "Amersfoort",
        "doei",
    ],
    "debt": ["hoi", "we hebben schulden", "nee", "ja", "3", "Utrecht", "doei"],
    "sport_then_debt": [
        "hoi",
        "mijn zoon wil op voetbal maar de contributie is te duur",
        "hij is 9",
        "Amersfoort",
        "we hebben schulden",
        "nee",
        "ja",
        "3",
        "Utrecht",
        "doei",
    ],
}
# Questions the bot asks once; seeing one that the reference does not ask = lost state.
QUESTION_MARKERS = {
    "age": "hoe oud",
    "municipality": "welke gemeente",
    "cut-off": "dreigt er een afsluiting",
    "bailiff": "deurwaarder gekregen",
}
Reference = Dict[str, List[List[str]]]


@dataclass
class Record:
    """One message sent and what came back."""

    script: str
    step: int
    conversation: str
    sent: float  # wall clock (time.time()) when sent
    latency_ms: float
    status: str  # ok | friendly_error | http_error | transport_error | timeout | empty
    texts: List[str] = field(default_factory=list)
    double: bool = False
    lost_state: List[str] = field(default_factory=list)
    mismatch: bool = False
    attempt: int = 0


# --------------------------------------------------------------------------- checks


def texts_of(messages: object) -> List[str]:
    """The texts of a REST reply (a list of message dicts)."""
    if not isinstance(messages, list):
        return []
    return [str(m.get("text") or "") for m in messages if isinstance(m, dict)]


def is_friendly_error(texts: Sequence[str]) -> bool:
    """True when the reply is the channel's technical-problem message."""
    return any(FRIENDLY_ERROR in t.lower() for t in texts)


def check_reply(record: Record, reference: Optional[List[str]]) -> None:
    """Fill ``double``, ``lost_state`` and ``mismatch`` of an ``ok`` record."""
    if reference is None:
        return
    got, want = Counter(record.texts), Counter(reference)
    record.double = any(n > max(1, want.get(text, 0)) for text, n in got.items())
    joined_got = "\n".join(record.texts).lower()
    joined_want = "\n".join(reference).lower()
    record.lost_state = [
        name
        for name, marker in QUESTION_MARKERS.items()
        if marker in joined_got and marker not in joined_want
    ]
    record.mismatch = record.texts != reference


# --------------------------------------------------------------------------- client


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str
) -> tuple[str, List[str], float]:
    """POST one message; return (status, texts, latency in ms)."""
    start = time.perf_counter()
    try:
        async with session.post(
            url + "/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ) as reply:
            body = await reply.read()
            latency = (time.perf_counter() - start) * 1000
            if reply.status != 200:
                return "http_error", [f"HTTP {reply.status}"], latency
            texts = texts_of(json.loads(body))
    except asyncio.TimeoutError:
        return "timeout", [], (time.perf_counter() - start) * 1000
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        return "transport_error", [type(exc).__name__], (time.perf_counter() - start) * 1000
    if not texts:
        return "empty", [], latency
    return ("friendly_error" if is_friendly_error(texts) else "ok"), texts, latency


async def record_reference(url: str, timeout: float = 120) -> Reference:
    """Run each script once, one message at a time: the expected replies."""
    reference: Reference = {}
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=client_timeout) as session:
        for name, script in SCRIPTS.items():
            sender = f"ref-{name}-{uuid.uuid4().hex[:10]}"
            replies = []
            for text in script:
                status, texts, _ = await send(session, url, sender, text)
                if status != "ok":
                    raise RuntimeError(f"reference run failed at {name}/{text!r}: {status} {texts}")
                replies.append(texts)
            reference[name] = replies
    return reference


@dataclass
class Budget:
    """Shared limits of one run: stop time and message count."""

    stop_at: float
    max_messages: int
    sent: int = 0

    def take(self) -> bool:
        if time.monotonic() >= self.stop_at or self.sent >= self.max_messages:
            return False
        self.sent += 1
        return True


async def virtual_user(
    user: int,
    session: aiohttp.ClientSession,
    url: str,
    reference: Reference,
    budget: Budget,
    records: List[Record],
    resends: int,
    tag: str,
    think: float = 0.0,
) -> None:
    """Run conversations back to back until the budget is spent.

    ``think``: mean pause in seconds after each reply (0 = none, a stress test).
    """
    names = list(SCRIPTS)
    conversation_no = 0
    while True:
        name = names[(user + conversation_no) % len(names)]
        conversation = f"{tag}-u{user}-c{conversation_no}-{uuid.uuid4().hex[:8]}"
        conversation_no += 1
        for step, text in enumerate(SCRIPTS[name]):
            for attempt in range(resends + 1):
                if not budget.take():
                    return
                sent = time.time()
                status, texts, latency = await send(session, url, conversation, text)
                record = Record(name, step, conversation, sent, latency, status, texts,
                                attempt=attempt)
                if status == "ok":
                    check_reply(record, reference.get(name, [None] * (step + 1))[step])
                records.append(record)
                if status != "friendly_error":
                    break
                await asyncio.sleep(1.0)
            if think:
                await asyncio.sleep(random.uniform(0.5, 1.5) * think)
            if status not in ("ok", "friendly_error"):
                break  # the conversation's state is unknown now: start a new one


async def run_level(
    url: str,
    concurrency: int,
    duration: float,
    reference: Reference,
    max_messages: int = 20000,
    resends: int = 30,
    timeout: float = 60,
    tag: str = "load",
    budget: Optional[Budget] = None,
    think: float = 0.0,
) -> tuple[List[Record], float]:
    """``concurrency`` virtual users for ``duration`` seconds; (records, elapsed seconds).

    A caller may pass its own ``budget`` to end the run earlier (bench/faults.py does).
    """
    records: List[Record] = []
    budget = budget or Budget(time.monotonic() + duration, max_messages)
    connector = aiohttp.TCPConnector(limit=concurrency + 8)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    start = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        users = [
            virtual_user(i, session, url, reference, budget, records, resends,
                         f"{tag}{concurrency}", think)
            for i in range(concurrency)
        ]
        await asyncio.wait_for(asyncio.gather(*users), timeout=duration + timeout + 30)
    return records, time.monotonic() - start


# --------------------------------------------------------------------------- memory


def descendants(pids: Sequence[int]) -> List[int]:
    """The given pids and all their child processes (from /proc)."""
    children: Dict[int, List[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(pids)
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_mb(pids: Sequence[int]) -> float:
    """Sum of VmRSS of the pids and their children, in MB."""
    total_kb = 0
    for pid in descendants(pids):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


class MemorySampler:
    """Samples the RSS of the Rasa processes every half second while a level runs."""

    def __init__(self, pid_source) -> None:
        self.pid_source = pid_source
        self.peak = 0.0
        self._task: Optional[asyncio.Task] = None

    async def _loop(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb(self.pid_source()))
            await asyncio.sleep(0.5)

    def __enter__(self) -> MemorySampler:
        self.peak = rss_mb(self.pid_source())
        self._task = asyncio.get_event_loop().create_task(self._loop())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task:
            self._task.cancel()


# --------------------------------------------------------------------------- summary


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when empty)."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, int(round(q * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def summarise(records: Sequence[Record], elapsed: float) -> Dict[str, float]:
    """Figures of one level."""
    answered = [r for r in records if r.status in ("ok", "friendly_error")]
    latencies = sorted(r.latency_ms for r in answered)
    statuses = Counter(r.status for r in records)
    return {
        "messages": len(records),
        "answered": len(answered),
        "msg_per_s": len(answered) / elapsed if elapsed else 0.0,
        "p50_ms": percentile(latencies, 0.50),
        "p95_ms": percentile(latencies, 0.95),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": latencies[-1] if latencies else 0.0,
        "mean_ms": statistics.fmean(latencies) if latencies else 0.0,
        "friendly_errors": statuses.get("friendly_error", 0),
        "errors": sum(n for s, n in statuses.items() if s not in ("ok", "friendly_error")),
        "lost_messages": sum(n for s, n in statuses.items() if s not in ("ok", "friendly_error")),
        "double_answers": sum(r.double for r in records),
        "lost_state": sum(bool(r.lost_state) for r in records),
        "mismatches": sum(r.mismatch for r in records),
        "elapsed_s": elapsed,
    }


def print_table(title: str, rows: Sequence[Dict[str, float]]) -> None:
    """Print one table of levels."""
    print(f"\n{title}\n(latency in ms; RSS = peak of the Rasa server processes; CPU in % of one "
          "core, 200 % = both cores: ours = load generator + set-up, others = everything "
          "else on the machine, incl. PostgreSQL and Redis; Rasa CPU ms/msg = CPU time of the "
          "Rasa server processes per message, which the other load hardly changes)")
    head = (f"{'conc':>4} {'msgs':>6} {'msg/s':>6} {'p50':>6} {'p95':>6} {'p99':>6} "
            f"{'errors':>6} {'double':>6} {'lost':>5} {'mism':>5} {'RSS MB':>7} "
            f"{'CPU ours':>8} {'others':>6} {'Rasa CPU ms/msg':>15}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['concurrency']:>4} {r['answered']:>6} {r['msg_per_s']:>6.1f} "
              f"{r['p50_ms']:>6.0f} {r['p95_ms']:>6.0f} {r['p99_ms']:>6.0f} "
              f"{r['errors']:>6} {r['double_answers']:>6} {r['lost_state']:>5} "
              f"{r['mismatches']:>5} {r['rss_peak_mb']:>7.0f} "
              f"{r['cpu_own_pct']:>7.0f}% {r['cpu_others_pct']:>5.0f}% "
              f"{r['rasa_cpu_ms_per_msg']:>15.0f}")


def _busy_jiffies() -> int:
    """Busy CPU time of the whole machine so far (from /proc/stat), in clock ticks."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]) - idle


def _tree_jiffies(pids: Sequence[int]) -> int:
    """CPU time (user + system, incl. reaped children) of the pids and their children."""
    total = 0
    for pid in descendants(pids):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return total


class CpuMeter:
    """CPU use of the machine during a level: ours (load generator + set-up) and others'."""

    def __init__(self, own_roots, rasa_roots=None) -> None:
        self.own_roots = own_roots
        self.rasa_roots = rasa_roots or (lambda: [])
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.cores = os.cpu_count() or 1

    def __enter__(self) -> CpuMeter:
        self.t0 = time.monotonic()
        self.busy0 = _busy_jiffies()
        self.own0 = _tree_jiffies(self.own_roots())
        self.rasa0 = _tree_jiffies(self.rasa_roots())
        return self

    def __exit__(self, *exc: object) -> None:
        span = max(1e-6, (time.monotonic() - self.t0) * self.ticks)
        busy = _busy_jiffies() - self.busy0
        own = max(0, _tree_jiffies(self.own_roots()) - self.own0)
        self.total_pct = 100 * busy / span  # of one core; 200 % = both cores busy
        self.own_pct = 100 * own / span
        self.others_pct = max(0.0, self.total_pct - self.own_pct)
        # CPU seconds the Rasa servers spent (a restarted server's earlier time is lost)
        self.rasa_cpu_s = max(0, _tree_jiffies(self.rasa_roots()) - self.rasa0) / self.ticks


def _all_jiffies() -> Dict[int, int]:
    """CPU ticks (user + system) of every process now."""
    ticks = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return ticks


def machine_note(sample_s: float = 1.0, exclude: Sequence[int] = ()) -> str:
    """What else ran: load average and the busiest processes during ``sample_s`` seconds."""
    load = Path("/proc/loadavg").read_text().split()[:3]
    skip = set(descendants([os.getpid(), *exclude]))
    before = _all_jiffies()
    time.sleep(sample_s)
    after = _all_jiffies()
    hz = os.sysconf("SC_CLK_TCK")
    busy = []
    for pid, ticks in after.items():
        pct = 100 * (ticks - before.get(pid, ticks)) / hz / sample_s
        if pid in skip or pct < 5:
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        busy.append((pct, cmd.strip()[:80] or str(pid)))
    busy.sort(reverse=True)
    listed = "; ".join(f"{pct:.0f}% {cmd}" for pct, cmd in busy[:6]) or "none"
    return f"load average {' '.join(load)}; other busy processes (1 s): {listed}"


# --------------------------------------------------------------------------- set-ups


class SingleSetup:
    """The embedded default as `make serve`: one Rasa server + action server, SQLite."""

    name = "single server (SQLite, 1 Rasa process)"

    def __init__(self, model: Path) -> None:
        self.model = model
        self.servers = None

    def __enter__(self) -> SingleSetup:
        import tests.conftest as conftest

        conftest.MODEL = self.model
        self.servers = conftest.start_servers(Path(tempfile.mkdtemp(prefix="load-single-")))
        return self

    @property
    def url(self) -> str:
        return self.servers.url

    def rasa_pids(self) -> List[int]:
        return [self.servers.rasa.pid]

    def own_pids(self) -> List[int]:
        return [os.getpid(), self.servers.rasa.pid, self.servers.actions.pid]

    def __exit__(self, *exc: object) -> None:
        if self.servers:
            self.servers.stop()


class ScaledSetup:
    """scripts/serve_scaled.sh on free ports with a database of its own (dropped after)."""

    name = "scaled (nginx + 2 Rasa servers, PostgreSQL + Redis)"

    def __init__(self, model: Path, sanic_workers: int = 1, start_timeout: float = 600,
                 extra_env: Optional[Dict[str, str]] = None) -> None:
        self.model = model
        self.workdir = Path(tempfile.mkdtemp(prefix="load-scaled-"))
        self.run_dir = self.workdir / "run"
        self.log_dir = self.workdir / "log"
        self.db_name = "load_" + uuid.uuid4().hex[:8]
        self.ports = {k: free_port() for k in ("LB_PORT", "RASA_PORT_1", "RASA_PORT_2",
                                               "ACTION_PORT")}
        self.env = dict(os.environ, **{k: str(v) for k, v in self.ports.items()})
        self.env.update(MODEL=str(model), RUN_DIR=str(self.run_dir), LOG_DIR=str(self.log_dir),
                        DB_NAME=self.db_name, REDIS_DB=os.environ.get("LOAD_REDIS_DB", "2"),
                        SANIC_WORKERS=str(sanic_workers), **(extra_env or {}))
        self.start_timeout = start_timeout
        self.proc: Optional[subprocess.Popen] = None
        if sanic_workers != 1:
            self.name = self.name.replace("2 Rasa servers", f"2 Rasa servers x {sanic_workers}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports['LB_PORT']}"

    def server_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'RASA_PORT_{index}']}"

    def pid_of(self, name: str) -> Optional[int]:
        try:
            return int((self.run_dir / f"{name}.pid").read_text())
        except (OSError, ValueError):
            return None

    def rasa_pids(self) -> List[int]:
        return [p for p in (self.pid_of("rasa-1"), self.pid_of("rasa-2")) if p]

    def own_pids(self) -> List[int]:
        """This process and the set-up's (PostgreSQL and Redis count as others)."""
        names = ("actions", "rasa-1", "rasa-2", "nginx")
        return [os.getpid()] + [p for p in map(self.pid_of, names) if p]

    def __enter__(self) -> ScaledSetup:
        out = (self.workdir / "serve_scaled.out").open("wb")
        self.proc = subprocess.Popen([str(ROOT / "scripts" / "serve_scaled.sh")], cwd=ROOT,
                                     env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + self.start_timeout
        while not (self.run_dir / "ready").exists():
            if self.proc.poll() is not None or time.time() > deadline:
                text = (self.workdir / "serve_scaled.out").read_text(errors="replace")
                self.__exit__()
                raise RuntimeError(f"scaled set-up did not start:\n{text[-3000:]}")
            time.sleep(1)
        return self

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob("*.log")))

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.drop_databases()

    def drop_databases(self) -> None:
        import sqlalchemy as sa

        admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/postgres",
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in (self.db_name, self.db_name + "_handover"):
                conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                     "WHERE datname = :n"), n=name)
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


class UrlSetup:
    """An already running set-up (``--url``, optional ``--rasa-pids``)."""

    name = "given URL"

    def __init__(self, url: str, pids: Sequence[int]) -> None:
        self.url = url
        self.pids = list(pids)

    def __enter__(self) -> UrlSetup:
        return self

    def rasa_pids(self) -> List[int]:
        return self.pids

    def own_pids(self) -> List[int]:
        return [os.getpid()] + self.pids

    def __exit__(self, *exc: object) -> None:
        return None


# --------------------------------------------------------------------------- main


def measure(setup, levels: Sequence[int], duration: float, max_messages: int,
            out: Optional[Path] = None, think: float = 0.0) -> List[Dict[str, float]]:
    """Reference run, then each level in turn; print and return the rows."""
    reference = asyncio.run(record_reference(setup.url))
    rows = []
    for level in levels:
        async def one(level: int = level):
            with MemorySampler(setup.rasa_pids) as memory, CpuMeter(
                setup.own_pids, setup.rasa_pids
            ) as cpu:
                records, elapsed = await run_level(setup.url, level, duration, reference,
                                                   max_messages=max_messages, think=think)
            return records, elapsed, memory.peak, cpu

        note = machine_note(exclude=setup.own_pids())
        records, elapsed, peak, cpu = asyncio.run(one())
        row = dict(summarise(records, elapsed), concurrency=level, rss_peak_mb=peak,
                   machine=note, cpu_total_pct=cpu.total_pct, cpu_own_pct=cpu.own_pct,
                   cpu_others_pct=cpu.others_pct,
                   rasa_cpu_ms_per_msg=1000 * cpu.rasa_cpu_s / max(1, len(records)))
        rows.append(row)
        print(f"  [{setup.name}] {level:>3} concurrent: {row['answered']} answered, "
              f"{row['msg_per_s']:.1f} msg/s, p95 {row['p95_ms']:.0f} ms "
              f"(before: {note[:160]})", flush=True)
        if out:
            with out.open("a", encoding="utf-8") as fh:
                bad = [asdict(r) for r in records if r.status != "ok" or r.double
                       or r.lost_state or r.mismatch][:20]
                fh.write(json.dumps({"setup": setup.name, **row, "bad_examples": bad}) + "\n")
    pacing = f", think time ~{think:g} s" if think else ", no think time"
    print_table(f"{setup.name}: {duration:.0f} s per level{pacing}", rows)
    return rows


def setups_for(args: argparse.Namespace) -> Iterator[object]:
    """The set-ups asked for, one at a time (each started and stopped in turn)."""
    model = Path(args.model).resolve()
    kinds = ["single", "scaled"] if args.setup == "both" else [args.setup]
    for kind in kinds:
        if kind == "single":
            yield SingleSetup(model)
        elif kind == "scaled":
            yield ScaledSetup(model, sanic_workers=args.sanic_workers)
        else:
            yield UrlSetup(args.url, [int(p) for p in args.rasa_pids.split(",") if p])


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", choices=["single", "scaled", "both", "url"], default="both")
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--rasa-pids", default="", help="comma-separated, for --setup url")
    parser.add_argument("--levels", default="1,10,50")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level")
    parser.add_argument("--max-messages", type=int, default=20000, help="per level")
    parser.add_argument("--model", default=str(ROOT / "models" / "assistant.tar.gz"))
    parser.add_argument("--sanic-workers", type=int, default=1,
                        help="SANIC_WORKERS per Rasa server in the scaled set-up")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean pause after each reply in seconds (default 0: stress test)")
    parser.add_argument("--json", default="", help="append per-level results to this file")
    args = parser.parse_args(argv)
    os.environ.setdefault("PSEUDONYM_KEY", "load-key-" + "x" * 32)
    levels = [int(x) for x in args.levels.split(",")]
    out = Path(args.json) if args.json else None
    failures = 0
    print(f"Load test: levels {levels}, {args.duration:.0f} s each; {machine_note()}")
    for setup in setups_for(args):
        print(f"==> {setup.name}: starting", flush=True)
        with setup:
            rows = measure(setup, levels, args.duration, args.max_messages, out, args.think)
        failures += sum(r["errors"] + r["double_answers"] + r["lost_state"] for r in rows)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
