"""The bare domain baseline of the surge: the same intake and triage/risk/routing functions in
a loop, the same database writes (a chunk of `steps.CHUNK` applications per transaction and
step, as the flow does), no HTTP and no Prefect. Run by bench/surge.py in its own process and data directory:

    python -m bench.surge_domain --n 1000 --data-dir /tmp/x   # prints one JSON line
"""
from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path


def _prepare(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update({"AMPARO_DATA_DIR": str(data_dir), "AMPARO_MODE": "embedded",
                       "AMPARO_DATABASE_URL": f"sqlite:///{data_dir / 'amparo.db'}"})
    from models.core.migrate import upgrade
    from models.core.settings import get_settings, reset_settings
    from models.seed import seed_demo

    reset_settings()
    upgrade(get_settings().database_url)
    seed_demo()


def _intake(bodies: list[dict]) -> float:
    from models.applications.schemas import ApplicationIn
    from models.applications.service import submit_application
    from models.core.db import session_scope

    start = time.perf_counter()
    for i, body in enumerate(bodies):  # the same Idempotency-Key record as the HTTP client's
        with session_scope() as session:
            submit_application(session=session, data=ApplicationIn.model_validate(body),
                               submission_key=f"surge-{i:08d}-key")
    return time.perf_counter() - start


def _drain(batch: int = 50) -> float:
    """Claim outbox rows as the dispatcher does and run the flow's steps, critical first."""
    from models.applications import steps
    from models.applications.service import PROCESS_FLOW
    from models.core import outbox
    from models.core.db import session_scope

    start = time.perf_counter()
    while True:
        with session_scope() as session:
            rows = outbox.claim(session, limit=batch, flow=PROCESS_FLOW)
            ids = [r.id for r in rows]
            entity_ids = [r.entity_id for r in rows]
        if not rows:
            return time.perf_counter() - start
        for step in (steps.triage_one, steps.assess_one, steps.route_one):
            for chunk in steps.chunks(entity_ids):
                with session_scope() as session:
                    for application_id in chunk:
                        step(session, application_id)
        with session_scope() as session:
            outbox.finish(session, ids)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    from bench.surge_data import surge

    bodies = [body for _, body in surge(args.n, seed=args.seed)]
    _prepare(args.data_dir)
    intake = _intake(bodies)
    drain = _drain()
    print(json.dumps({"n": args.n, "intake_seconds": round(intake, 2),
                      "intake_per_second": round(args.n / intake, 1),
                      "drain_seconds": round(drain, 2),
                      "total_seconds": round(intake + drain, 2)}))


if __name__ == "__main__":
    main()
