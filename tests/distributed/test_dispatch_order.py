"""Critical first, without Prefect: the outbox and the dispatcher's grouping and lanes."""
from __future__ import annotations

from datetime import timedelta

import pytest

from flows import deploy, dispatch, lanes, registry
from models.core import outbox
from models.core.db import session_scope


@pytest.fixture(params=["embedded", "distributed"])
def started(request, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
            ) -> list[tuple[str, list[str]]]:
    """Record the flow runs the dispatcher would start, in order, in either mode."""
    from models.core.settings import reset_settings

    monkeypatch.setenv("AMPARO_MODE", request.param)
    reset_settings()
    runs: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(dispatch, "_run_in_process",
                        lambda flow, ids: runs.append((flow, list(ids))))
    monkeypatch.setattr(dispatch, "_start_deployment",
                        lambda flow, rows, ids: runs.append((flow, list(ids))))
    monkeypatch.setattr(dispatch, "_unsent_notices", lambda ids: True)  # ids stand for notices
    monkeypatch.setattr(registry, "resolve_direct",  # the express lane's runs without Prefect
                        lambda flow: (lambda ids: runs.append((flow, list(ids))))
                        if flow in registry.DIRECT else None)
    yield runs
    monkeypatch.delenv("AMPARO_MODE")
    reset_settings()


def _enqueue(rows: list[tuple[str, str, int]]) -> None:
    with session_scope() as session:
        for i, (flow, entity, priority) in enumerate(rows):
            row_id = outbox.enqueue(session, flow=flow, entity_id=entity, priority=priority)
            row = session.get(outbox.Dispatch, row_id)
            row.created_at = row.created_at + timedelta(milliseconds=i)  # a stable age order


def _drain() -> None:
    while dispatch.dispatch_once():
        pass


class TestCriticalFirst:
    def test_critical_notices_then_critical_cases_then_the_rest_most_urgent_first(
            self, started) -> None:
        _enqueue([("process-application", f"old{i}", 3) for i in range(5)]
                 + [("process-application", "crit1", 0), ("send-notices", "n-crit", 0),
                    ("process-application", "high1", 1)])
        _drain()
        assert started == [("send-notices", ["n-crit"]), ("process-application", ["crit1"]),
                           ("process-application", ["high1"] + [f"old{i}" for i in range(5)])]

    def test_the_express_lane_takes_only_critical_rows(self, started) -> None:
        _enqueue([("process-application", "a", 3), ("process-application", "crit", 0),
                  ("send-notices", "n", 2)])
        assert dispatch.dispatch_once(10, max_priority=dispatch.EXPRESS_MAX_PRIORITY) == 1
        assert started == [("process-application", ["crit"])]
        assert dispatch.dispatch_once(10, max_priority=dispatch.EXPRESS_MAX_PRIORITY) == 0

    def test_the_express_lane_sends_waiting_critical_notices_before_new_intake(self, started
                                                                               ) -> None:
        _enqueue([("process-application", "crit-new", 0), ("send-notices", "crit-old", 0)])
        dispatch.dispatch_once(10, max_priority=dispatch.EXPRESS_MAX_PRIORITY)
        assert started == [("send-notices", ["crit-old"])]

    def test_the_main_lane_leaves_critical_rows_to_the_express_lane(self, started) -> None:
        _enqueue([("process-application", "crit", 0), ("process-application", "a", 2)])
        lanes = dispatch.Dispatchers().lanes
        assert dispatch.dispatch_once(50, min_priority=lanes[0].min_priority) == 1
        assert started == [("process-application", ["a"])]

    def test_ordinary_notices_have_a_lane_of_their_own(self, started) -> None:
        _enqueue([("send-notices", "n", 2), ("process-application", "a", 2),
                  ("send-notices", "n-crit", 0)])
        main, express, notices = dispatch.Dispatchers().lanes
        assert main._dispatch() == 1 and started == [("process-application", ["a"])]
        assert notices._dispatch() == 1 and started[-1] == ("send-notices", ["n"])
        assert express._dispatch() == 1 and started[-1] == ("send-notices", ["n-crit"])

    def test_a_backlog_drains_in_priority_order_across_batches(self, started) -> None:
        _enqueue([("process-application", f"n{i}", 3) for i in range(120)]
                 + [("process-application", "late-critical", 0)])
        while dispatch.dispatch_once(50):  # the late critical case is claimed first
            pass
        order = [eid for _, ids in started for eid in ids]
        assert order[0] == "late-critical"
        assert sorted(order) == sorted(["late-critical"] + [f"n{i}" for i in range(120)])

    def test_notice_rows_with_nothing_left_to_send_finish_without_a_run(
            self, started, monkeypatch) -> None:
        monkeypatch.setattr(dispatch, "_unsent_notices", lambda ids: ids != ["sent-already"])
        _enqueue([("send-notices", "sent-already", 0), ("send-notices", "waiting", 2)])
        _drain()
        assert started == [("send-notices", ["waiting"])]
        with session_scope() as session:
            assert outbox.pending_count(session) == 0

    def test_a_failed_start_gives_rows_back_and_nothing_is_lost(self, monkeypatch,
                                                               sqlite_url: str) -> None:
        def boom(flow: str, ids: list[str]) -> None:
            raise RuntimeError("prefect unavailable")

        monkeypatch.setattr(dispatch, "_run_in_process", boom)
        _enqueue([("process-application", "x", 0)])
        assert dispatch.dispatch_once() == 1
        with session_scope() as session:
            assert outbox.pending_count(session) == 1  # released, due again in a few seconds


class TestDeploymentsCoverEveryFlow:
    def test_prefect_yaml_deploys_every_outbox_flow_and_the_sweeper(self) -> None:
        specs = deploy.read_specs()
        assert deploy.missing_from_yaml(specs) == []
        assert {s.pool for s in specs} == {"amparo"}
        sweeper = [s for s in specs if s.entrypoint == "flows/sweeper.py:sweep"]
        assert sweeper and sweeper[0].interval
        for spec in specs:
            assert spec.entrypoint.startswith("flows/") and ".py:" in spec.entrypoint

    def test_deployments_are_named_after_their_flows(self) -> None:
        by_target = {(s.module, s.function): s.name for s in deploy.read_specs()}
        for name, target in registry.FLOWS.items():
            try:
                flow_name = registry.deployment_name(name).split("/")[0]
            except (ImportError, AttributeError):
                pytest.fail(f"flow {name} ({target[0]}) cannot be imported")
            assert by_target[target] == flow_name

    def test_every_deployment_builds_for_serve_mode_with_its_schedule(self) -> None:
        import importlib

        built = {s.name: deploy._to_deployment(
            s, getattr(importlib.import_module(s.module), s.function))
            for s in deploy.read_specs()}
        assert built["sweep"].schedules and not built["process-applications"].schedules
        assert all(d.name == name for name, d in built.items())

    def test_staff_e_mails_wait_on_a_queue_after_routing(self) -> None:
        queues = {s.name: s.queue for s in deploy.read_specs()}
        assert queues["send-notices"] == "notices"
        assert {q for name, q in queues.items() if name != "send-notices"} == {"default"}
        assert deploy.QUEUES["default"] < deploy.QUEUES["notices"]  # 1 is Prefect's first


@pytest.mark.serial  # a lane that need not wait returns within 0.1 s
class TestLanesGiveWay:
    """In one runner process: critical work first, then routing, then ordinary e-mails."""

    def _timed(self, role: str | None, wait) -> float:  # noqa: ANN001
        import threading
        import time

        took: list[float] = []

        def lane() -> None:
            if role:
                lanes.current.role = role
            start = time.monotonic()
            wait()
            took.append(time.monotonic() - start)

        thread = threading.Thread(target=lane)
        thread.start()
        thread.join(15)
        return took[0]

    def test_the_notices_lane_waits_while_cases_are_routed_and_no_one_else_does(
            self, monkeypatch) -> None:
        monkeypatch.setattr(lanes, "ROUTING_FIRST_MAX_S", 0.5)
        lanes.routing_idle.clear()
        try:
            assert self._timed("notices", lanes.give_way_to_routing) >= 0.45
            assert self._timed("main", lanes.give_way_to_routing) < 0.1
            assert self._timed(None, lanes.give_way_to_routing) < 0.1  # workers
        finally:
            lanes.routing_idle.set()
        assert self._timed("notices", lanes.give_way_to_routing) < 0.1

    def test_every_lane_but_the_express_one_waits_while_critical_work_runs(
            self, monkeypatch) -> None:
        monkeypatch.setattr(lanes, "GIVE_WAY_MAX_S", 0.5)
        lanes.express_idle.clear()
        try:
            assert self._timed("main", lanes.give_way_to_critical) >= 0.45
            assert self._timed("notices", lanes.give_way_to_critical) >= 0.45
            assert self._timed("express", lanes.give_way_to_critical) < 0.1
        finally:
            lanes.express_idle.set()
