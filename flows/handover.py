"""Distributed mode: outbox rows handed to Prefect's workers, one run per lane at a time.

A run handed over costs a process start on a worker whatever its size: ~4-5 s of CPU
importing Prefect and Amparo, 16-36 s of wall time on a busy 2-core machine
(`bench/surge.py --mode distributed`, docs/operations.md 1.9). Left alone, each lane handed
over whatever had arrived since its last look: in a 3,000-case surge, 44 small runs queued
behind two busy workers, each a process start. So:
- a lane hands over its next run only once its last one is over (`last_run_busy`):
  meanwhile rows wait in the outbox, the source of truth;
- a run on a worker, once through its own ids, takes on its flow's newer rows from the
  outbox itself (`take_on`), batch after batch: a surge pays a process start per lane,
  not one per batch.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flows import registry

log = logging.getLogger("amparo.dispatch")
T = TypeVar("T")
_last = threading.local()  # the lane's last run handed over: its Prefect id, when
BUSY_AT_MOST_S = 300.0  # a run still marked running after this is not waited for any more
TAKE_ON_BATCH = 500  # rows a batch (dispatch.BATCH): ~1.5 min of work, under the 5-min stale claim
TAKE_ON_ROUNDS = 8  # then the run ends: its record in Prefect stays readable
ORDINARY = 1  # critical rows (priority 0) stay the express lane's


def start(flow: str, row_ids: list[str], entity_ids: list[str]) -> None:
    from prefect.deployments import run_deployment

    # Our ids only: the key tells Prefect a retried dispatch is the same run.
    key = f"{flow}:{min(row_ids)}:{len(row_ids)}"
    run = run_deployment(registry.deployment_name(flow), parameters={"ids": entity_ids},
                         timeout=0, idempotency_key=key)
    _last.run_id, _last.at = getattr(run, "id", None), time.monotonic()


def last_run_busy() -> bool:
    """True while this lane's last run is queued for a worker, starting or running."""
    run_id = getattr(_last, "run_id", None)
    if run_id is None:
        return False
    if time.monotonic() - _last.at > BUSY_AT_MOST_S:
        _last.run_id = None  # a lost worker leaves its run "running" a while: go on
        return False
    try:
        from prefect.client.orchestration import get_client

        with get_client(sync_client=True) as client:
            state = client.read_flow_run(run_id).state
    except Exception as exc:  # noqa: BLE001 - Prefect down: the next start says so, not this
        log.warning("could not read the state of a handed-over run: %s", type(exc).__name__)
        _last.run_id = None
        return False
    busy = state is not None and (state.is_scheduled() or state.is_pending()
                                  or state.is_running())
    if not busy:
        _last.run_id = None
    return busy


def on_worker() -> bool:
    """Whether this process was started by a Prefect worker (or `serve`) for one flow run."""
    return bool(os.environ.get("PREFECT__FLOW_RUN_ID"))


def take_on(flow: str, run: Callable[[list[str]], T]) -> list[T]:
    """On a worker, after the run's own ids: claim the flow's ordinary pending rows, run them,
    finish them; again until none are left (or TAKE_ON_ROUNDS). A crash leaves the claimed
    rows to the sweeper, which re-queues stale claims, as for a dispatcher's."""
    if not on_worker():
        return []
    done: list[T] = []
    for _ in range(TAKE_ON_ROUNDS):
        row_ids, entity_ids = _claim(flow)
        if not row_ids:
            break
        try:
            done.append(run(entity_ids))
        except Exception:
            _settle(row_ids, finished=False)
            raise
        _settle(row_ids, finished=True)
        log.info("%s: took on %d more rows", flow, len(row_ids))
    return done


def _claim(flow: str) -> tuple[list[str], list[str]]:
    from models.core import outbox
    from models.core.db import session_scope

    with session_scope() as session:
        rows = outbox.claim(session, limit=TAKE_ON_BATCH, flow=flow, min_priority=ORDINARY)
        return [r.id for r in rows], [r.entity_id for r in rows]


def _settle(row_ids: list[str], *, finished: bool) -> None:
    from models.core import outbox
    from models.core.db import session_scope

    with session_scope() as session:
        (outbox.finish if finished else outbox.release)(session, row_ids)
