"""The express lane runs critical cases' steps itself, without a flow run, in both modes; the
ordinary flow run follows through the main lane as the record and the safety net. And a
critical case is routed while the main lane is in the middle of a long run."""
from __future__ import annotations

import random
import threading

import pytest

from bench.surge_data import application
from flows import dispatch
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.applications.tables import Application
from models.core import outbox
from models.core.db import session_scope
from sqlmodel import select
from tests.distributed.client import make_staff, seed_programme

EXPRESS = dict(max_priority=dispatch.EXPRESS_MAX_PRIORITY)
MAIN = dict(min_priority=dispatch.EXPRESS_MAX_PRIORITY + 1, except_flow=dispatch.NOTICE_FLOW)
WAIT_S = 60  # a bound on a hang, not a budget: budgets are bench/surge.py's


def _submit(profile: str, i: int) -> str:
    body = application(i, kind="grant", profile=profile, rng=random.Random(i))
    with session_scope() as session:
        return submit_application(session=session, data=ApplicationIn.model_validate(body)).id


def _status(app_id: str) -> str:
    with session_scope(read_only=True) as session:
        return session.get(Application, app_id).status  # type: ignore[union-attr]


@pytest.fixture(params=["embedded", "distributed"])
def flow_runs(request, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
              ) -> list[tuple[str, list[str]]]:
    """The flow runs the dispatcher starts (recorded, not run), in either mode."""
    from models.core.settings import reset_settings

    monkeypatch.setenv("AMPARO_MODE", request.param)
    reset_settings()
    seed_programme()
    make_staff(role="reviewer", email="oncall@example.invalid", on_call=True)
    runs: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(dispatch, "_run_in_process",
                        lambda flow, ids: runs.append((flow, list(ids))))
    monkeypatch.setattr(dispatch, "_start_deployment",
                        lambda flow, rows, ids: runs.append((flow, list(ids))))
    yield runs
    monkeypatch.delenv("AMPARO_MODE")
    reset_settings()


class TestExpressLaneRunsCriticalCasesDirectly:
    def test_routed_without_a_flow_run_then_the_run_follows_in_the_main_lane(
            self, flow_runs) -> None:
        case = _submit("critical", 1)
        assert dispatch.dispatch_once(25, direct=True, **EXPRESS) == 1
        assert _status(case) == "in_review" and flow_runs == []
        with session_scope(read_only=True) as session:
            [row] = [r for r in session.exec(select(outbox.Dispatch)).all()
                     if r.status == "pending" and r.flow == "process-application"]
        assert (row.entity_id, row.priority) == (case, dispatch.RECORD_PRIORITY)
        while dispatch.dispatch_once(25, direct=True, **EXPRESS):  # its notices row, directly
            pass
        assert flow_runs == []
        assert dispatch.dispatch_once(500, **MAIN) == 1
        assert flow_runs == [("process-application", [case])]

    def test_the_main_lane_still_starts_flow_runs(self, flow_runs) -> None:
        ordinary = _submit("low", 2)
        main, express, _ = dispatch.Dispatchers().lanes
        assert express._dispatch() == 0 and main._dispatch() == 1
        assert flow_runs == [("process-application", [ordinary])]
        assert _status(ordinary) == "submitted"  # the (recorded) run would route it


def test_a_critical_case_is_routed_while_the_main_lane_is_mid_run(flow_runs,
                                                                  monkeypatch) -> None:
    """The main lane's run blocks until the critical case submitted after it is routed: it
    must be routed meanwhile (a hang here fails on WAIT_S)."""
    in_main_run, release = threading.Event(), threading.Event()

    def long_main_run(flow: str, ids: list[str]) -> None:
        in_main_run.set()
        release.wait(WAIT_S)

    monkeypatch.setattr(dispatch, "_run_in_process", long_main_run)
    monkeypatch.setattr(dispatch, "_start_deployment", lambda f, r, ids: long_main_run(f, ids))
    for i in range(20):
        _submit("medium", 10 + i)
    lanes = dispatch.Dispatchers()
    main, express = lanes.lanes[0].start(), lanes.lanes[1].start()
    try:
        assert in_main_run.wait(WAIT_S)
        case = _submit("critical", 99)
        express.wake()
        for _ in range(WAIT_S * 10):
            if _status(case) == "in_review":
                break
            threading.Event().wait(0.1)
        assert _status(case) == "in_review"
        assert not release.is_set()  # routed while the main lane's run was still going
    finally:
        release.set()
        main.stop()
        express.stop()


def test_a_distributed_lane_hands_over_its_next_run_once_the_last_is_over(
        flow_runs, monkeypatch) -> None:
    """Back-pressure (flows/handover.py): while the last run is queued or running, rows
    gather in the outbox; then one run takes them all."""
    from models.core.settings import get_settings

    if get_settings().mode != "distributed":
        pytest.skip("the embedded lanes run flows in process")
    answers = iter([True, True])  # the last run is busy twice, then is over
    checks: list[bool] = []

    def waiting() -> bool:
        checks.append(next(answers, False))
        return checks[-1]

    monkeypatch.setattr(dispatch.handover, "last_run_busy", waiting)
    monkeypatch.setattr(dispatch, "GATHER_S", 0.01)
    ids = [_submit("medium", 40 + i) for i in range(3)]
    main = dispatch.Dispatchers().lanes[0].start()
    try:
        for _ in range(WAIT_S * 10):
            if flow_runs:
                break
            threading.Event().wait(0.1)
    finally:
        main.stop()
    assert checks[:3] == [True, True, False]
    assert flow_runs[0] == ("process-application", ids)
