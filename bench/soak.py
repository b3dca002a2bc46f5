"""Soak benchmark (issue 11): N people at once on a real `amparo serve` for a fixed time, a
realistic mix of applicants and staff, then the same number of clients on a bare FastAPI +
SQLite app doing comparable writes and reads (bench/baseline_fastapi.py), in the same run.

    .venv/bin/python bench/soak.py                          # 100 clients, 60 s, SQLite
    .venv/bin/python bench/soak.py --clients 50 --seconds 30 --json soak.json
    .venv/bin/python bench/soak.py --api-processes 1       # one API process (default: auto)
    .venv/bin/python bench/soak.py --postgres               # a throwaway PostgreSQL
    .venv/bin/python bench/soak.py --database-url postgresql+psycopg://...  # an empty database

Applicants (bench/soak_clients.py) load the forms, apply (bench/surge_data.py: obviously
fake people), check their status by receipt and mistype receipts; staff (one account each,
bench/soak_staff.py) sign in on the API or the pages, load queues and cases, read the API
and write: votes, bed holds, questions to applicants. Each person thinks for a random while
between actions (`--think`, mean seconds). Reports p50/p99 and errors (a 5xx, no answer
within 30 s, or an answer outside the class's normal ones) per request class, beside the
targets: no errors, p99 under 1 s for page and API reads, under 2 s for staff writes.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from itertools import count, cycle
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak_clients import OK, Applicant, BareClient, Staff, World  # noqa: E402
from bench.soak_staff import parse_staff  # noqa: E402
from bench.surge import MailServer, clean_env, machine  # noqa: E402
from bench.surge_data import surge  # noqa: E402
from tests.e2e.harness import Deployment, deploy, wait_for  # noqa: E402
from tests.support.load import Recorder, client  # noqa: E402
from tests.support.server import run_server  # noqa: E402

PY = sys.executable
STAFF_ROLES = ["reviewer", "caseworker", "shelter_coordinator", "reviewer", "finance",
               "caseworker"]
WARM_CASES = 40  # routed before the clock starts: queues to work, receipts to check
BODIES = 20_000  # distinct fake applicants; more than a run submits
HOUSE = {"name": "Test House Bench", "country": "ZY", "region": "Test Region Calm",
         "beds": 500, "features": ["children"], "max_nights": 60}


def say(what: str, since: float) -> None:
    print(f"[{time.monotonic() - since:6.1f} s] {what}", file=sys.stderr, flush=True)


def addresses() -> Any:
    return (f"127.0.{n // 250}.{2 + n % 250}" for n in count())


def add_staff(dep: Deployment, n: int) -> list[tuple[str, str, str, str]]:
    out = subprocess.run([PY, "-m", "bench.soak_staff", "--roles", ",".join(STAFF_ROLES),
                          "--count", str(n)], cwd=ROOT, env=dep.server.env, check=True,
                         capture_output=True, text=True, timeout=300).stdout
    return parse_staff(out)


def warm_up(dep: Deployment, world: World) -> None:
    """A house for the holds, and cases routed to reviewers and coordinators."""
    r = dep.post("/api/v1/shelters", "shelter@demo.amparo.invalid", json=HOUSE)
    assert r.status_code == 201, r.text
    world.house_id = r.json()["id"]
    for _ in range(WARM_CASES):
        r = dep.post("/api/v1/applications", json=next(world.bodies))
        assert r.status_code == 201, r.text
        world.remember(r.json())
    wait_for(lambda: all(dep.status(x)["status"] not in ("submitted", "eligible")
                         for x in world.receipts[-5:]), timeout=180, what="warm-up routed")


async def load(url: str, people: list[Any], world: World, seconds: float) -> float:
    await asyncio.gather(*(p.start() for p in people))  # staff sign in before the clock
    world.stop_at = time.monotonic() + seconds
    start, cpu = time.monotonic(), _cpu_seconds()
    await asyncio.gather(*(p.run() for p in people))
    elapsed = time.monotonic() - start
    world.client_cpu = _cpu_seconds() - cpu
    await asyncio.gather(*(p.c.aclose() for p in people))
    return elapsed


def _cpu_seconds() -> float:
    """CPU this process (the load client) used: it shares the machine's cores with the
    server, so the report says how much of them it took."""
    t = os.times()
    return t.user + t.system


def run_load(url: str, people: list[Any], world: World, seconds: float) -> float:
    """The clients' event loop: uvloop when installed (less CPU a request than asyncio's,
    so the client takes less of the cores it shares with the server)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(load(url, people, world, seconds))
    return uvloop.run(load(url, people, world, seconds))


def client_share(world: World, elapsed: float) -> dict[str, float]:
    return {"client_cpu_s": round(world.client_cpu, 1),
            "client_cores": round(world.client_cpu / elapsed, 2)}


def amparo_run(args: argparse.Namespace, work: Path, database_url: str | None) -> dict:
    smtp = MailServer()
    env = clean_env(AMPARO_DATA_DIR=str(work / "amparo"), AMPARO_MODE="embedded",
                    AMPARO_DISPATCHER="on", AMPARO_SMTP_HOST="127.0.0.1",
                    AMPARO_SMTP_PORT=str(smtp.port), AMPARO_API_PROCESSES=args.api_processes,
                    **({"AMPARO_DATABASE_URL": database_url} if database_url else {}))
    began = time.monotonic()
    dep = deploy(env, work / "amparo.log")
    say("amparo serve is up", began)
    try:
        world = World(Recorder(), cycle([b for _, b in surge(BODIES)]), args.think)
        warm_up(dep, world)
        say(f"{WARM_CASES} cases routed", began)
        n_staff = round(args.clients * args.staff_share)
        staff = add_staff(dep, n_staff)
        say(f"{n_staff} staff accounts; {args.clients} clients for {args.seconds:g} s", began)
        ips = addresses()
        people: list[Any] = [Staff(world, client(dep.url, next(ips)), i, email=e, role=r,
                                   password=p, totp=t, pages=i % 2 == 1)
                             for i, (r, e, p, t) in enumerate(staff)]
        people += [Applicant(world, client(dep.url, next(ips)), 1000 + i)
                   for i in range(args.clients - len(people))]
        elapsed = run_load(dep.url, people, world, args.seconds)
        log = dep.server.log_text()
    finally:
        dep.server.stop()
        smtp.stop()
    return {"seconds": round(elapsed, 1), "staff": n_staff, "classes": world.recorder.table(),
            "requests_per_s": round(len(world.recorder.outcomes) / elapsed, 1),
            **client_share(world, elapsed),
            "log": {k: log.count(k) for k in ("database is locked", "Traceback")}}


def bare_run(args: argparse.Namespace, work: Path) -> dict:
    server = run_server(clean_env(), command=[PY, str(ROOT / "bench" / "baseline_fastapi.py")],
                        args=["--db", str(work / "baseline.db")], log_path=work / "bare.log")
    try:
        world = World(Recorder(), cycle([b for _, b in surge(BODIES, seed=7)]), args.think)
        ips = addresses()
        people = [BareClient(world, client(server.url, next(ips)), i) for i in range(args.clients)]
        elapsed = run_load(server.url, people, world, args.seconds)
    finally:
        server.stop()
    return {"seconds": round(elapsed, 1), "classes": world.recorder.table(),
            "requests_per_s": round(len(world.recorder.outcomes) / elapsed, 1),
            **client_share(world, elapsed)}


def verdicts(classes: dict[str, dict]) -> dict[str, dict]:
    """Errors: a 5xx, no answer, or a status outside the class's normal answers."""
    out = {}
    for cls, row in classes.items():
        normal, target = OK.get(cls, (set(), None))
        errors = sum(n for s, n in row["statuses"].items()
                     if s == "None" or int(s) not in normal)
        p99_ok = target is None or (row["p99_ms"] or 0) < target * 1000
        out[cls] = {**row, "errors": errors, "target_p99_s": target,
                    "met": errors == 0 and p99_ok}
    return out


def table(title: str, classes: dict[str, dict]) -> str:
    head = f"{'class':<15}{'n':>7}{'errors':>8}{'409':>6}{'429':>6}{'p50 ms':>9}{'p99 ms':>9}" \
           f"{'max ms':>9}   target"
    lines = [title, head]
    for cls, r in classes.items():
        target = "0 errors" + (f", p99 < {r['target_p99_s']:g} s" if r["target_p99_s"] else "")
        lines.append(f"{cls:<15}{r['n']:>7}{r['errors']:>8}{r['statuses'].get('409', 0):>6}"
                     f"{r['statuses'].get('429', 0):>6}{r['p50_ms'] or '-':>9}"
                     f"{r['p99_ms'] or '-':>9}{r['max_ms'] or '-':>9}   {target}"
                     f"  {'met' if r['met'] else 'NOT MET'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between actions")
    parser.add_argument("--staff-share", type=float, default=0.3)
    parser.add_argument("--api-processes", default="auto",
                        help="AMPARO_API_PROCESSES of the server (auto: one per core)")
    parser.add_argument("--database-url", help="an empty database (default: SQLite)")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="amparo-soak-"))
    pg = None
    if args.postgres:
        from tests.support.postgres import start_postgres
        pg = start_postgres()
    try:
        url = pg.url if pg else args.database_url
        result: dict[str, Any] = {"command": " ".join(sys.argv), "machine": machine(),
                                  "clients": args.clients, "think_s": args.think,
                                  "api_processes": args.api_processes,
                                  "database": "postgresql" if url else "sqlite"}
        result["amparo"] = amparo_run(args, work, url)
        result["amparo"]["classes"] = verdicts(result["amparo"]["classes"])
        print(table(f"amparo serve ({result['database']}), {result['amparo']['requests_per_s']}"
                    f" requests/s; the client took {result['amparo']['client_cores']} cores",
                    result["amparo"]["classes"]))
        if not args.skip_baseline:
            result["bare_fastapi"] = bare_run(args, work)
            result["bare_fastapi"]["classes"] = verdicts(result["bare_fastapi"]["classes"])
            print(table(f"bare FastAPI + SQLite, {result['bare_fastapi']['requests_per_s']}"
                        f" requests/s; the client took {result['bare_fastapi']['client_cores']}"
                        " cores", result["bare_fastapi"]["classes"]))
    finally:
        if pg:
            pg.stop()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
