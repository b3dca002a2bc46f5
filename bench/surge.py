"""Surge benchmark (issue 6): N generated applications over HTTP to a real `amparo serve`
(embedded mode, SQLite; or distributed: bench/surge_stacks.py), as fast as the client can,
with the bare baselines in the same run.

    .venv/bin/python bench/surge.py --n 10000            # the issue's size
    .venv/bin/python bench/surge.py --n 1000 --json out.json
    .venv/bin/python bench/surge.py --n 3000 --mode both   # and in distributed mode, side by side

Reports: intake throughput and p50/p99 latency; the time until the whole backlog is triaged
and routed (from the first submission); submission → reviewer notice (e-mail sent) for the
critical cases submitted mid-surge (p50/p95, and where their time went: bench/surge_trace.py); when every reviewer notice has been e-mailed
(ordinary cases' notices wait for routing); the server's peak memory (its process tree,
its flow runner included, until the last e-mail); nothing lost (in = routed). Staff notices go to a discarding
mail server in a process of its own. Baselines: the same domain
functions in a loop (bench/surge_domain.py) and a bare FastAPI + SQLModel insert endpoint
(bench/baseline_fastapi.py) driven by the same client.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.surge_data import surge  # noqa: E402
from bench.surge_probe import MemorySampler, percentile, submit_all  # noqa: E402
from bench.surge_db import SurgeDb, ts  # noqa: E402
from bench.surge_stacks import STACKS, EmbeddedStack, clean_env  # noqa: E402
from bench.surge_trace import flow_run_costs, trace  # noqa: E402
from tests.support.server import free_port, run_server  # noqa: E402

PY = sys.executable
UNROUTED = ("submitted", "eligible", "risk_assessed")


def machine() -> dict[str, object]:
    mem_kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal"))
                 .split()[1])
    return {"nproc": os.cpu_count(), "memory_gb": round(mem_kb / 2**20, 1),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def bare_fastapi(bodies: list[dict], work: Path, concurrency: int) -> dict:
    server = run_server(clean_env(), command=[PY, str(ROOT / "bench" / "baseline_fastapi.py")],
                        args=["--db", str(work / "baseline.db")], log_path=work / "bare.log")
    try:
        return submit_all(server.url + "/api/v1/applications", bodies,
                          concurrency=concurrency).summary()
    finally:
        server.stop()


def domain_baseline(n: int, work: Path) -> dict:
    out = subprocess.run([PY, "-m", "bench.surge_domain", "--n", str(n), "--data-dir",
                          str(work / "domain")], cwd=ROOT, env=clean_env(), check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_routed(db: SurgeDb, expected: int, timeout: float) -> float | None:
    """Time (epoch) when every application is past routing, or None on timeout."""
    deadline = time.time() + timeout
    marks = ",".join("?" * len(UNROUTED))
    while time.time() < deadline:
        total = db.one("SELECT count(*) FROM application")[0]
        left = db.one(f"SELECT count(*) FROM application WHERE status IN ({marks})",
                      UNROUTED)[0]
        if total >= expected and left == 0:
            return time.time()
        time.sleep(0.25)
    return None


def critical_notice_seconds(db: SurgeDb, submitted: dict[str, float],
                            timeout: float) -> tuple[list[float], int]:
    """Submission → first sent notice, per critical application; and how many never got one."""
    deadline = time.time() + timeout
    found: dict[str, float] = {}
    while time.time() < deadline and len(found) < len(submitted):
        for app_id, sent in db.rows("SELECT application_id, min(sent_at) FROM notice "
                                    "WHERE sent_at IS NOT NULL GROUP BY application_id"):
            if app_id in submitted and app_id not in found:
                found[app_id] = ts(sent) - submitted[app_id]  # type: ignore[operator]
        time.sleep(0.5)
    return list(found.values()), len(submitted) - len(found)


def wait_notices_sent(db: SurgeDb, timeout: float) -> tuple[float | None, int, int]:
    """Time (epoch) when every queued reviewer notice has been e-mailed (None on timeout),
    with how many were sent and queued by then."""
    deadline = time.time() + timeout
    while True:
        queued, sent = db.one("SELECT count(*), count(sent_at) FROM notice")
        if queued and sent == queued:
            return time.time(), sent, queued
        if time.time() > deadline:
            return None, sent, queued
        time.sleep(0.5)


def _status_counts(db: SurgeDb) -> dict[str, int]:
    return dict(db.rows("SELECT status, count(*) FROM application GROUP BY status"))


class MailServer:
    """A mail server that discards what it gets (aiosmtpd's Sink), in a process of its own as
    a real one would be: inside this process it answered late whenever the load client was
    busy, and the flows waited on it (the first runs' figures)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen([PY, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink",
                                      "-l", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the mail server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def amparo(mode: str, bodies: list[tuple[str, dict]], work: Path, concurrency: int,
           drain_timeout: float, api_processes: str = "auto") -> dict:
    smtp = MailServer()
    stack = None
    try:
        stack = STACKS[mode](work / mode, smtp.port, api_processes)
        return measure(stack, bodies, concurrency, drain_timeout)
    finally:
        if stack is not None:
            stack.stop()
        smtp.stop()


def measure(stack: EmbeddedStack, bodies: list[tuple[str, dict]], concurrency: int,
            drain_timeout: float) -> dict:
    db, urls = stack.db, [u + "/api/v1/applications" for u in stack.urls]
    warm = submit_all(urls[0], [bodies[0][1]], concurrency=1)
    wait_routed(db, 1, 180)  # the ephemeral Prefect API starts on the first flow run
    with MemorySampler(stack.pids) as memory:
        load = submit_all(urls, [b for _, b in bodies], concurrency=concurrency,
                          headers_for=lambda i: {"Idempotency-Key": f"surge-{i:08d}-key"})
        # every accepted application (one refused by the API would be waited for in vain)
        routed_at = wait_routed(db, len(load.latencies) + len(warm.latencies), drain_timeout)
        # the critical cases submitted in the middle of the surge (40% to 60% of it)
        middle = range(int(len(bodies) * 0.4), int(len(bodies) * 0.6))
        critical = {a["id"]: load.sent_at[i] for i, (p, _) in enumerate(bodies)
                    if p == "critical" and i in middle and (a := load.answers[i])}
        notice_s, missing = critical_notice_seconds(db, critical, 120)
        sent_at_routed = db.one("SELECT count(*) FROM notice WHERE sent_at <= ?",
                                (_naive(routed_at),))[0] if routed_at else 0
        mailed_at, sent, queued = wait_notices_sent(db, drain_timeout)
    start = min(load.sent_at)
    return {"mode": stack.mode, "intake": load.summary(), "warmup_ok": bool(warm.latencies),
            "drain_seconds": round(routed_at - start, 2) if routed_at else None,
            "critical": {"count": len(critical), "without_notice": missing,
                         "p50_s": round(percentile(notice_s, 50), 2),
                         "p95_s": round(percentile(notice_s, 95), 2),
                         "phases": trace(db, stack.prefect_db, critical)},
            "notices": {"queued": queued, "sent_when_routed": sent_at_routed,
                        "all_sent_seconds": round(mailed_at - start, 2) if mailed_at
                        else None, "sent": sent},
            "prefect": flow_run_costs(stack.prefect_db),
            "peak_memory_mb": memory.peak_mb, "statuses": (counts := _status_counts(db)),
            "in": len(load.latencies) + len(warm.latencies),
            "routed": sum(v for k, v in counts.items() if k not in UNROUTED),
            "server_log_has_personal_data": "Test Person" in stack.log_text()}


def _naive(epoch: float) -> datetime:
    """An epoch as the database stores times (naive UTC)."""
    return datetime.fromtimestamp(epoch, timezone.utc).replace(tzinfo=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--drain-timeout", type=float, default=1800)
    parser.add_argument("--skip-baselines", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--api-processes", default="auto",
                        help="embedded mode's AMPARO_API_PROCESSES (auto: one per core)")
    parser.add_argument("--mode", choices=["embedded", "distributed", "both"],
                        default="embedded", help="distributed: PostgreSQL, a Prefect server, "
                        "two workers, two API processes (bench/surge_stacks.py)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="amparo-surge-"))
    bodies = surge(args.n)
    result: dict[str, object] = {"command": " ".join(sys.argv), "machine": machine(),
                                 "n": args.n, "concurrency": args.concurrency,
                                 "api_processes": args.api_processes,
                                 "mix": {p: sum(1 for q, _ in bodies if q == p)
                                         for p in ("critical", "high", "medium", "low")}}
    modes = ["embedded", "distributed"] if args.mode == "both" else [args.mode]
    for mode in modes:  # "amparo": embedded, as in the earlier reports
        key = "amparo" if mode == "embedded" else mode
        result[key] = amparo(mode, bodies, work, args.concurrency, args.drain_timeout,
                             args.api_processes if mode == "embedded" else "1")
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    if not args.skip_baselines:
        result["bare_fastapi"] = bare_fastapi([b for _, b in bodies], work, args.concurrency)
        result["domain_loop"] = domain_baseline(args.n, work)
        result["ratios"] = ratios(result)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)


def ratios(result: dict) -> dict[str, dict[str, float | None]]:
    bare, dom = result["bare_fastapi"], result["domain_loop"]
    out = {}
    for key in ("amparo", "distributed"):
        if (amp := result.get(key)) is None:
            continue
        intake = amp["intake"]["per_second"] / bare["per_second"] if bare["per_second"] \
            else None
        drain = amp["drain_seconds"] / dom["total_seconds"] if amp["drain_seconds"] else None
        out[amp["mode"]] = {"intake_vs_bare_fastapi": intake and round(intake, 2),
                            "drain_vs_domain_loop": drain and round(drain, 2)}
    return out


if __name__ == "__main__":
    main()
