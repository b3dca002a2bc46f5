"""CPU a request costs the server, per request class of bench/soak.py: one request at a time
on a real `amparo serve` (embedded, SQLite), the server's CPU time read from /proc before and
after each batch. On a machine shared with other jobs latencies say little, CPU per request
much more; with `--against`, a second server runs another checkout of the code (old code on
PYTHONPATH) and the two take turns, ten requests each, so both see the same machine load.

    .venv/bin/python bench/soak_cost.py                       # this code
    git archive <commit> | tar -x -C /tmp/old
    .venv/bin/python bench/soak_cost.py --against /tmp/old    # old vs this code, same run

Columns: server CPU ms per request (the `amparo serve` process; the flow runner it starts is
a process of its own, not counted) and the request count per side.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from itertools import count, cycle
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.soak import add_staff, warm_up  # noqa: E402
from bench.soak_clients import Applicant, Staff, World  # noqa: E402
from bench.surge import MailServer, clean_env  # noqa: E402
from bench.surge_data import surge  # noqa: E402
from tests.e2e.harness import Deployment, deploy  # noqa: E402
from tests.support.load import Recorder, client  # noqa: E402

BATCH = 10
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


class Side:
    """One server with its people: an applicant and six staff (API and pages in turn)."""

    def __init__(self, name: str, smtp: MailServer, subnet: int, **env: str) -> None:
        work = Path(tempfile.mkdtemp(prefix=f"amparo-cost-{name}-"))
        self.dep: Deployment = deploy(clean_env(
            AMPARO_DATA_DIR=str(work / "amparo"), AMPARO_MODE="embedded",
            AMPARO_DISPATCHER="on", AMPARO_SMTP_HOST="127.0.0.1",
            AMPARO_SMTP_PORT=str(smtp.port), **env), work / "amparo.log")
        self.world = World(Recorder(), cycle([b for _, b in surge(20_000)]), 0.5)
        warm_up(self.dep, self.world)
        ips = (f"127.{subnet}.{n // 250}.{2 + n % 250}" for n in count())
        self.staff = [Staff(self.world, client(self.dep.url, next(ips)), i, email=e, role=r,
                            password=p, totp=t, pages=i % 2 == 1)
                      for i, (r, e, p, t) in enumerate(add_staff(self.dep, 6))]
        self.applicant = Applicant(self.world, client(self.dep.url, next(ips)), 1)
        self.cpu, self.n = {}, {}

    def actions(self) -> list[tuple[str, Any]]:
        a = self.applicant
        out = [("form_page", a.form), ("status", a.status), ("status_unknown", a.unknown),
               ("apply", a.apply)]
        for p in self.staff:
            out += [(f"page:{p.role}", p.page)] if p.pages else \
                [(f"api:{p.role}:{act.__name__}", act) for _, act in p.actions()]
        return out

    async def batch(self, name: str, action: Any) -> None:
        pid, seen = self.dep.server.proc.pid, len(self.world.recorder.outcomes)
        before = cpu_seconds(pid)
        for _ in range(BATCH):
            await action()
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu_seconds(pid) - before
        self.n[name] = self.n.get(name, 0) + len(self.world.recorder.outcomes) - seen


async def measure(sides: dict[str, Side], per_class: int) -> list[dict[str, Any]]:
    for side in sides.values():
        for person in side.staff:
            await person.sign_in("first_login")
    rows = []
    plans = {k: s.actions() for k, s in sides.items()}
    for i, (name, _) in enumerate(next(iter(plans.values()))):
        for _ in range(per_class // BATCH):
            for key, side in sides.items():  # in turns: the same machine load for both
                await side.batch(name, plans[key][i][1])
        row: dict[str, Any] = {"class": name, "load": round(os.getloadavg()[0], 1)}
        for key, side in sides.items():
            row[key] = round(side.cpu[name] * 1000 / max(side.n[name], 1), 1)
            row[f"{key}_n"] = side.n[name]
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-class", type=int, default=100)
    parser.add_argument("--against", type=Path, help="another checkout, run as `old`")
    args = parser.parse_args()
    smtp = MailServer()
    sides: dict[str, Side] = {}
    try:
        if args.against:
            sides["old"] = Side("old", smtp, 9, PYTHONPATH=str(args.against.resolve()))
        sides["new" if args.against else "cpu_ms"] = Side("new", smtp, 0)
        asyncio.run(measure(sides, args.per_class))
    finally:
        for side in sides.values():
            side.dep.server.stop()
        smtp.stop()


if __name__ == "__main__":
    main()
