"""A run on a worker takes on its flow's newer rows (flows/handover.py), and the audit chain
locks its head only as a transaction commits (models/core/audit.py)."""
from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from flows import handover
from models.core import audit, outbox
from models.core.audit import AuditEvent
from models.core.db import new_session, session_scope


def _enqueue(rows: list[tuple[str, str, int]]) -> None:
    with session_scope() as session:
        outbox.enqueue_many(session, rows)


def _statuses() -> dict[str, str]:
    with session_scope(read_only=True) as session:
        return {r.entity_id: r.status for r in session.exec(select(outbox.Dispatch))}


def test_on_a_worker_a_run_takes_on_its_flows_ordinary_rows_batch_after_batch(
        sqlite_url, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("PREFECT__FLOW_RUN_ID", "a-run")
    monkeypatch.setattr(handover, "TAKE_ON_BATCH", 2)
    _enqueue([("process-application", f"a{i}", 3) for i in range(5)]
             + [("process-application", "crit", 0), ("send-notices", "n", 2)])
    seen: list[list[str]] = []
    done = handover.take_on("process-application", lambda ids: seen.append(ids) or len(ids))
    assert done == [2, 2, 1] and sorted(sum(seen, [])) == [f"a{i}" for i in range(5)]
    statuses = _statuses()
    assert {statuses[f"a{i}"] for i in range(5)} == {"done"}
    assert statuses["crit"] == "pending" and statuses["n"] == "pending"  # not its rows


def test_a_failed_batch_gives_its_rows_back_and_outside_a_worker_nothing_is_taken(
        sqlite_url, monkeypatch) -> None:  # noqa: ANN001
    _enqueue([("process-application", "a", 3)])
    assert handover.take_on("process-application", len) == []  # the dispatcher's process
    monkeypatch.setenv("PREFECT__FLOW_RUN_ID", "a-run")

    def fail(ids: list[str]) -> int:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        handover.take_on("process-application", fail)
    assert _statuses()["a"] == "pending"


def test_audit_events_are_chained_at_commit_and_seen_by_their_own_transaction(
        db_url) -> None:  # noqa: ANN001
    with session_scope() as session:
        audit.record(session, actor="system", action="test.early", entity="t", entity_id="1")
        mine = session.exec(select(AuditEvent).where(AuditEvent.entity_id == "1")).all()
        assert [e.action for e in mine] == ["test.early"]  # read your writes
    with session_scope() as session:
        audit.record(session, actor="system", action="test.gone", entity="t", entity_id="2")
        session.rollback()
    with new_session() as s:
        assert not s.exec(select(AuditEvent).where(AuditEvent.entity_id == "2")).all()
        assert audit.verify(s).ok


def test_a_long_transaction_does_not_hold_the_chain_while_it_works(db_url) -> None:  # noqa: ANN001
    """A writer that recorded an event and works on must not keep others from appending."""
    recorded, release = threading.Event(), threading.Event()

    def long_writer() -> None:
        with session_scope() as session:
            audit.record(session, actor="system", action="test.long", entity="t", entity_id="L")
            recorded.set()
            release.wait(10)

    worker = threading.Thread(target=long_writer)
    worker.start()
    try:
        assert recorded.wait(10)
        done = threading.Event()

        def short_writer() -> None:
            with session_scope() as session:
                audit.record(session, actor="system", action="test.short", entity="t",
                             entity_id="S")
            done.set()

        threading.Thread(target=short_writer, daemon=True).start()
        if db_url.startswith("postgresql"):
            assert done.wait(5)  # SQLite's single writer waits anyway (the write gate)
    finally:
        release.set()
        worker.join(10)
    with new_session() as s:
        assert audit.verify(s).ok
