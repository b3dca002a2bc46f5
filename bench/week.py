"""A simulated week of a busy fund ×10: the real domain code and the real sweeper steps under a
simulated clock (simpy, a discrete-event simulation: no waiting in wall time).

    .venv/bin/python bench/week.py                      # one week, 10 requests a day ×10
    .venv/bin/python bench/week.py --per-day 10 --scale 10 --seed 7 --json week.json

The clock: `models.core.base.utcnow()` reads `datetime.now` from its module, which this script
points at the simulation's clock, so every row, audit event and clock the domain writes is in
simulated time; the sweeper's steps get the simulated "now" as their argument, as in tests.
The people (bench/week_people.py): requests by hour with a surge on Wednesday and the risk mix
of docs/benchmarks.md; reviewers in three time zones answering in minutes to a day (some
never, some recuse, some ask her a question first); an on-call rota with gaps; applicants who
answer late or never; a chair and an admin who act on alerts in their working hours;
coordinators and visa officers who sometimes forget a case; finance on weekdays 09:00–17:00
(Europe), two approvals above the threshold. Their actions (bench/week_actions.py) are the
domain's functions. SQLite in a temporary directory (in memory, /dev/shm, when there is one).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START = datetime(2026, 3, 2, tzinfo=timezone.utc)  # a Monday
WEEK = 7 * 24 * 60


class SimClock:
    """`datetime` for models.core.base: `now()` is the simulation's time."""
    minute = 0.0

    @classmethod
    def at(cls, minute: float) -> datetime:
        return START + timedelta(minutes=minute)


def _install_clock() -> None:
    import models.core.base as base

    class SimDatetime(datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            moment = SimClock.at(SimClock.minute)
            return moment if tz is not None else moment.replace(tzinfo=None)

    base.datetime = SimDatetime  # type: ignore[misc]


def _prepare(data_dir: Path) -> None:
    os.environ.update({"AMPARO_DATA_DIR": str(data_dir), "AMPARO_MODE": "embedded",
                       "AMPARO_DATABASE_URL": f"sqlite:///{data_dir / 'amparo.db'}"})
    os.environ.pop("AMPARO_SMTP_HOST", None)
    from models.core.migrate import upgrade
    from models.core.settings import get_settings, reset_settings
    reset_settings()
    upgrade(get_settings().database_url)


def _promise(session, slug: str, hours: int) -> None:  # noqa: ANN001
    """The simulated fund answers every request within `hours` (UAF's 72 h, DOMAIN.md): its
    decision clocks say so, set as an admin would (a new version, with a reason)."""
    from models.programmes.schemas import ProgrammePatch
    from models.programmes.service import change_programme
    change_programme(session, slug=slug, actor_id="bench", data=ProgrammePatch.model_validate({
        "decision_hours": {"critical": 24, "high": hours, "medium": hours, "low": hours},
        "reason": f"We answer every request within {hours} hours"}))


def _staff(scale: int, budget: float, promise: int = 0) -> dict:
    """A panel of `scale` reviewers in each of three zones (+ reserves), the chair, an admin,
    caseworkers, coordinators, visa officers and two finance officers."""
    from models.core.db import session_scope
    from models.people.service import add_to_panel, create_user
    from models.people.tables import Panel
    from models.programmes.service import demo_programme, ensure_programme
    from bench.week_people import ZONES, Reviewer
    import models.people.service as people_service
    from argon2 import PasswordHasher
    # Nobody signs in during the simulation: a cheap hash keeps the set-up out of the figures.
    people_service._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

    out: dict = {"reviewers": [], "reserves": [], "finance": [], "coordinators": [],
                 "officers": []}
    with session_scope() as s:
        programme = ensure_programme(s, demo_programme())
        programme.budget_minor = int(programme.budget_minor * budget)  # the demo's × budget
        s.add(programme)
        out["programme_id"] = programme.id
        if promise:
            _promise(s, programme.slug, promise)
        n = 0

        def user(role: str):  # noqa: ANN202
            nonlocal n
            n += 1
            return create_user(s, email=f"sim-{role}-{n}@example.invalid", role=role,
                               password="correct horse battery staple")[0]
        for zone in ZONES:
            for i in range(scale):
                r = user("reviewer")
                add_to_panel(s, user=r, programme_id=programme.id)
                out["reviewers"].append(Reviewer(r.id, zone, late_evenings=i % 3 == 0))
        for _ in range(3):
            r = user("reviewer")
            out["reserves"].append(Reviewer(r.id, "europe", late_evenings=False))
        s.flush()
        panel = s.exec(__import__("sqlmodel").select(Panel)).first()
        panel.chair_id = next(r.user_id for r in out["reviewers"] if r.zone == "europe")
        s.add(panel)
        out["admin"] = user("admin").id
        for _ in range(max(1, scale // 2)):
            user("caseworker")
        out["finance"] = [user("finance").id for _ in range(2)]
        out["coordinators"] = [user("shelter_coordinator").id for _ in range(max(1, scale // 3))]
        out["officers"] = [user("visa_officer").id for _ in range(max(1, scale // 3))]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=float, default=10.0, help="a busy fund's requests a day")
    parser.add_argument("--scale", type=int, default=10, help="×: requests and staff")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--budget", type=float, default=1.0,
                        help="× the demo programme's budget (EUR 500,000)")
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--promise-hours", type=int, default=72,
                        help="the fund's decision clock for every non-critical request (as UAF: "
                             "72 h); 0 keeps the product's defaults (high 72, medium 168, low 336)")
    parser.add_argument("--sweep-minutes", type=float, default=15.0,
                        help="simulated minutes between two sweeper passes (the product: 1)")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--data-dir", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    memory = "/dev/shm" if Path("/dev/shm").is_dir() else None  # no disk waits in the figures
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="amparo-week-", dir=memory))
    data_dir.mkdir(parents=True, exist_ok=True)
    _prepare(data_dir)
    _install_clock()
    from bench.week_sim import Week
    staff = _staff(args.scale, args.budget, args.promise_hours)
    week = Week(staff=staff, per_day=args.per_day * args.scale, seed=args.seed,
                minutes=args.days * 24 * 60, clock=SimClock, sweep_every=args.sweep_minutes)
    week.run()
    from bench.week_report import report
    result = report(week, wall_seconds=time.perf_counter() - started)
    result["cpu_seconds"] = round(time.process_time(), 1)
    result["command"] = " ".join(["bench/week.py", *sys.argv[1:]])
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    if args.data_dir is None:
        import shutil
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
