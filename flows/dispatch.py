"""The dispatcher: claims outbox rows (most urgent first) and starts their flows.

Embedded mode: the flow runs in this process on Prefect's ephemeral API. Distributed mode:
`run_deployment(..., timeout=0, idempotency_key=...)` hands it to a worker. The same rows,
the same flows: only the way of starting differs. Rows are finished by the flow itself
(embedded) or once Prefect accepted the run (distributed); the sweeper re-queues the rest.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict

from models.core import outbox
from models.core.db import session_scope
from models.core.settings import get_settings

from flows import registry

log = logging.getLogger("amparo.dispatch")
BATCH = 50
IDLE_SECONDS = 0.5


def dispatch_once(limit: int = BATCH) -> int:
    """Claim and start what is due; returns how many rows were handled."""
    with session_scope() as session:
        rows = outbox.claim(session, limit=limit)
        claimed = [(r.id, r.flow, r.entity_id) for r in rows]
    if not claimed:
        return 0
    by_flow: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row_id, flow, entity_id in claimed:
        by_flow[flow].append((row_id, entity_id))
    for flow, items in by_flow.items():
        _start(flow, [rid for rid, _ in items], [eid for _, eid in items])
    return len(claimed)


def _start(flow: str, row_ids: list[str], entity_ids: list[str]) -> None:
    try:
        if get_settings().mode == "distributed":
            _start_deployment(flow, row_ids, entity_ids)
        else:
            registry.resolve(flow)(entity_ids)
        with session_scope() as session:
            outbox.finish(session, row_ids)
    except Exception as exc:  # noqa: BLE001 - any failure: give the rows back, try later
        log.warning("flow %s failed to run for %d rows: %s", flow, len(row_ids),
                    type(exc).__name__)
        with session_scope() as session:
            outbox.release(session, row_ids)


def _start_deployment(flow: str, row_ids: list[str], entity_ids: list[str]) -> None:
    from prefect.deployments import run_deployment

    # Our ids only: the key tells Prefect a retried dispatch is the same run.
    key = f"{flow}:{min(row_ids)}:{len(row_ids)}"
    run_deployment(registry.deployment_name(flow), parameters={"ids": entity_ids},
                   timeout=0, idempotency_key=key)


class Dispatcher:
    """A background thread running `dispatch_once` until stopped."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="amparo-dispatcher", daemon=True)

    def start(self) -> "Dispatcher":
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                handled = dispatch_once()
            except Exception as exc:  # noqa: BLE001 - the loop must survive a bad moment
                log.warning("dispatch failed: %s", type(exc).__name__)
                handled = 0
            if not handled:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()


_current: Dispatcher | None = None


def start_dispatcher() -> Dispatcher:
    global _current
    _current = Dispatcher().start()
    return _current


def wake_dispatcher() -> None:
    """Called after intake commits, so a new case does not wait for the next poll."""
    if _current is not None:
        _current.wake()
