"""The dispatcher: claims outbox rows (most urgent first) and starts their flows.

Embedded mode: the flow runs in this process (the flow runner, flows/runner.py) on the
Prefect API the runner serves. Distributed mode:
`run_deployment(..., timeout=0, idempotency_key=...)` hands it to a worker. The same rows,
the same flows: only the way of starting differs. Rows are finished once the flow returned
(embedded) or once Prefect accepted the run (distributed; rows a running run took on from the
outbox, once it has run them: flows/handover.py); the sweeper re-queues the rest.

Critical first: intake gives critical cases priority 0; three lanes run side by side, the
express lane taking only critical rows (their waiting notices first) in small batches, the
main lane everything else but e-mails in big ones (Prefect's per-run cost makes small
batches slow), the notices lane other cases' e-mails. In one process they give way in that
order (flows/lanes.py: `give_way_to_critical`, `give_way_to_routing`). The express lane runs critical
cases' steps itself (flows/registry.DIRECT), in both modes, and queues their ordinary flow run
after them as the record and the safety net: a flow run's start is off their path.
"""
from __future__ import annotations

import logging
import threading
from collections import defaultdict
from typing import Protocol

from models.core import outbox, writegate
from models.core.db import session_scope
from models.core.settings import get_settings

from flows import handover, lanes, registry

log = logging.getLogger("amparo.dispatch")
# One flow run costs ~0.3-1 s of Prefect overhead on this kind of machine whatever its size
# (DESIGN.md, "Facts measured"): in a surge, big batches keep that overhead from dominating.
BATCH = 500
IDLE_SECONDS = 0.5
EXPRESS_MAX_PRIORITY = 0  # critical (models/applications/risk.py PRIORITY)
EXPRESS_BATCH = 25
NOTICE_FLOW, MATCH_FLOW = outbox.NOTICE_FLOW, outbox.MATCH_FLOW
RECORDED = {"process-application"}  # run again by a flow after the express lane's direct run
RECORD_PRIORITY = EXPRESS_MAX_PRIORITY + 1  # the main lane's most urgent: its run is cheap


# Distributed: each run handed over costs a process start on a worker (~4-5 s of CPU here),
# so the main and notices lanes gather rows while their last run is busy, and a run takes on
# newer rows itself (flows/handover.py).
GATHER_S = 2.0


def dispatch_once(limit: int = BATCH, max_priority: int | None = None,
                  min_priority: int | None = None, only_flow: str | None = None,
                  except_flow: str | None = None, direct: bool = False) -> int:
    """Claim and start what is due, most urgent first; returns how many rows were handled.
    `direct`: run the flows of registry.DIRECT here, without Prefect (the express lane).

    Critical rows get runs of their own, so a critical case never waits inside a batch of
    ordinary ones; the other rows of a flow share one run (the flows take the most urgent of
    a batch first). Groups start in the order claimed: priority, then age."""
    with session_scope() as session:
        rows = _claim(session, limit, max_priority, min_priority, only_flow, except_flow)
        claimed = [(r.id, r.flow, r.entity_id, r.priority) for r in rows]
    if not claimed:
        return 0
    groups: dict[tuple[bool, str], list[tuple[str, str]]] = defaultdict(list)
    for row_id, flow, entity_id, priority in claimed:
        groups[(priority > EXPRESS_MAX_PRIORITY, flow)].append((row_id, entity_id))
    with lanes.working():
        for (_, flow), items in groups.items():  # dicts keep the claim order
            _start(flow, [rid for rid, _ in items], [eid for _, eid in items], direct)
    return len(claimed)


def _claim(session, limit: int, max_priority: int | None,  # noqa: ANN001
           min_priority: int | None, only_flow: str | None = None,
           except_flow: str | None = None) -> list[outbox.Dispatch]:
    """Critical work first: waiting critical notices, then critical rows, then the rest.
    (A lane limited to non-critical rows skips the first two.)"""
    if min_priority is None or min_priority <= EXPRESS_MAX_PRIORITY:
        urgent = min(max_priority, EXPRESS_MAX_PRIORITY) if max_priority is not None \
            else EXPRESS_MAX_PRIORITY
        for flow in (NOTICE_FLOW, None):  # finish what is started: tell reviewers first
            if rows := outbox.claim(session, limit=limit, flow=flow, max_priority=urgent):
                return rows
    return outbox.claim(session, limit=limit, max_priority=max_priority,
                        min_priority=min_priority, flow=only_flow, exclude_flow=except_flow)


def _start(flow: str, row_ids: list[str], entity_ids: list[str], direct: bool = False
           ) -> None:
    record: list[str] = []
    try:
        if flow == NOTICE_FLOW and not _unsent_notices(entity_ids):
            pass  # already sent by the run that routed the case: no run needed
        elif flow == MATCH_FLOW and not _unmatched(entity_ids):
            pass  # critical cases are matched by the run that routes them
        elif direct and (run := registry.resolve_direct(flow)) is not None:
            run(entity_ids)
            record = entity_ids if flow in RECORDED else []
        elif get_settings().mode == "distributed":
            _start_deployment(flow, row_ids, entity_ids)
        else:
            _run_in_process(flow, entity_ids)
        with session_scope() as session:
            outbox.finish(session, row_ids)
            # The flow run follows (finding the steps done): Prefect's history and the
            # safety net of a direct run that failed part-way.
            outbox.enqueue_many(session, [(flow, e, RECORD_PRIORITY) for e in record])
    except Exception as exc:  # noqa: BLE001 - any failure: give the rows back, try later
        log.warning("flow %s failed to run for %d rows: %s", flow, len(row_ids),
                    type(exc).__name__)
        with session_scope() as session:
            outbox.release(session, row_ids)


def _unmatched(entity_ids: list[str]) -> bool:
    from models.shelter.matchrun import unmatched

    with session_scope(read_only=True) as session:
        return bool(unmatched(session, entity_ids))


def _unsent_notices(entity_ids: list[str]) -> bool:
    from flows.notify import notice_ids

    return bool(notice_ids(entity_ids))


def _run_in_process(flow: str, entity_ids: list[str]) -> None:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    # A sync flow run waits ~1 s at exit for its heartbeat thread (measured: 1.1 s per run
    # with heartbeats, 0.28 s without); in process, a crash takes the dispatcher down with
    # the flow and the outbox re-queues the rows, so heartbeats buy nothing here.
    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        registry.resolve(flow)(entity_ids)


def _start_deployment(flow: str, row_ids: list[str], entity_ids: list[str]) -> None:
    handover.start(flow, row_ids, entity_ids)


# The dispatcher's rules, as data: which rows each lane takes, in what batches. Read with
# the give-way rules (flows/lanes.py) and `_claim` below, this says why a critical case
# never waits behind a batch:
#  - only the express lane takes critical rows (priority 0), in batches of 25, their waiting
#    notices first; it runs their steps itself (registry.DIRECT), with no flow run to start,
#    and its SQLite writes pass every queued write (writegate.urgent);
#  - while it works, the other lanes pause between rows (`give_way_to_critical`, 2 s at most);
#  - the main lane takes everything else but e-mails, 500 rows a run (Prefect costs ~0.3-1 s
#    a run whatever its size); the notices lane other cases' e-mails, and pauses while the
#    main lane routes (`give_way_to_routing`, 10 s at most) so decisions come before mail.
LANES: tuple[dict, ...] = (
    {"name": "amparo-dispatcher", "min_priority": EXPRESS_MAX_PRIORITY + 1,
     "except_flow": NOTICE_FLOW, "batch": BATCH},
    {"name": "amparo-dispatcher-express", "max_priority": EXPRESS_MAX_PRIORITY,
     "batch": EXPRESS_BATCH},
    {"name": "amparo-dispatcher-notices", "min_priority": EXPRESS_MAX_PRIORITY + 1,
     "only_flow": NOTICE_FLOW, "batch": BATCH},
)


class Dispatcher:
    """A background thread running `dispatch_once` until stopped.

    `max_priority` makes it an express lane that only takes urgent rows (and small batches),
    so a critical case starts within moments even while the main lane works through a surge.
    """

    def __init__(self, max_priority: int | None = None, batch: int = BATCH,
                 name: str = "amparo-dispatcher", min_priority: int | None = None,
                 only_flow: str | None = None, except_flow: str | None = None) -> None:
        self.max_priority, self.min_priority, self.batch = max_priority, min_priority, batch
        self.only_flow, self.except_flow = only_flow, except_flow
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def start(self) -> "Dispatcher":
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    @property
    def express(self) -> bool:
        return self.max_priority is not None and self.max_priority <= EXPRESS_MAX_PRIORITY

    def _loop(self) -> None:
        lanes.current.role = "express" if self.express else \
            "notices" if self.only_flow == NOTICE_FLOW else "main"
        if not self.express:
            self._run()
            return
        with writegate.urgent():  # on SQLite, critical work passes every queued write
            self._run()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._gathers() and handover.last_run_busy():
                self._stop.wait(GATHER_S)  # the rows gather in the outbox meanwhile
                continue
            try:
                handled = self._dispatch()
            except Exception as exc:  # noqa: BLE001 - the loop must survive a bad moment
                log.warning("dispatch failed: %s", type(exc).__name__)
                handled = 0
            if not handled:
                self._wake.wait(IDLE_SECONDS)
                self._wake.clear()
            elif handled < self.batch and self._gathers():
                self._stop.wait(GATHER_S)

    def _gathers(self) -> bool:
        return not self.express and get_settings().mode == "distributed"

    def _dispatch(self) -> int:
        return dispatch_once(self.batch, max_priority=self.max_priority,
                             min_priority=self.min_priority, only_flow=self.only_flow,
                             except_flow=self.except_flow, direct=self.express)


class Dispatchers:
    """The main lane, the express lane and the notices lane, started and stopped together.
    Critical rows go to the express lane only: a long batch of the main lane never holds one
    up. Other cases' e-mails have a lane of their own: SMTP waits, and routing need not."""

    def __init__(self) -> None:
        self.lanes = [Dispatcher(**lane) for lane in LANES]

    def start(self) -> "Dispatchers":
        if get_settings().mode == "embedded":
            _requeue_orphans()
        for lane in self.lanes:
            lane.start()
        return self

    def wake(self) -> None:
        for lane in self.lanes:
            lane.wake()

    def stop(self, timeout: float = 30) -> None:
        for lane in self.lanes:
            lane.stop(timeout)


def _requeue_orphans() -> None:
    """Embedded mode has one dispatching process: rows it claimed before a crash are orphans
    now, so they go back at once instead of waiting for the sweeper's stale timeout (and
    the notices it was e-mailing are free to go again)."""
    from datetime import timedelta

    from models.core import notices

    with session_scope() as session:
        if count := outbox.requeue_stale(session, older_than=timedelta(0)):
            log.info("re-queued %d dispatch rows left claimed by a previous run", count)
        notices.release_claims(session)


class Waker(Protocol):
    def wake(self) -> None: ...


_current: Waker | None = None  # the lanes here, or the API's handle on the runner process


def start_dispatcher() -> Dispatchers:
    lanes = Dispatchers().start()
    use_waker(lanes)
    return lanes


def use_waker(waker: Waker | None) -> None:
    global _current
    _current = waker


def wake_dispatcher() -> None:
    """Called after intake commits, so a new case does not wait for the next poll."""
    if _current is not None:
        _current.wake()
