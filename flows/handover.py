"""Distributed mode: outbox rows handed to Prefect's workers, one waiting run per lane.

A run handed over costs a process start on a worker whatever its size (~2-4 s of CPU on a
busy 2-core machine, `bench/surge.py --mode distributed`). Left alone, each lane handed over
whatever had arrived since its last look: in a 3,000-case surge, 44 small runs queued behind
two busy workers, each a process start. So a lane hands over its next run only once its last
one has left the queue: meanwhile rows wait in the outbox (the source of truth) and the
next run takes up to a full batch of them.
"""
from __future__ import annotations

import logging
import threading

from flows import registry

log = logging.getLogger("amparo.dispatch")
_last = threading.local()  # the lane's last run handed over (its Prefect id)


def start(flow: str, row_ids: list[str], entity_ids: list[str]) -> None:
    from prefect.deployments import run_deployment

    # Our ids only: the key tells Prefect a retried dispatch is the same run.
    key = f"{flow}:{min(row_ids)}:{len(row_ids)}"
    run = run_deployment(registry.deployment_name(flow), parameters={"ids": entity_ids},
                         timeout=0, idempotency_key=key)
    _last.run_id = getattr(run, "id", None)


def last_run_waiting() -> bool:
    """True while this lane's last run is still queued for a worker (scheduled or pending)."""
    run_id = getattr(_last, "run_id", None)
    if run_id is None:
        return False
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            state = client.read_flow_run(run_id).state
    except Exception as exc:  # noqa: BLE001 - Prefect down: the next start says so, not this
        log.warning("could not read the state of a handed-over run: %s", type(exc).__name__)
        _last.run_id = None
        return False
    waiting = state is not None and (state.is_scheduled() or state.is_pending())
    if not waiting:
        _last.run_id = None
    return waiting
