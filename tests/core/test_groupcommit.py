"""Group commit (models/core/groupcommit.py): concurrent writes share a transaction, each
caller hears back only after the commit, and a bad write fails alone. Both databases."""
from __future__ import annotations

import itertools

import threading
import time

import pytest
from sqlmodel import Session, select

from models.core import audit
from models.core.audit import AuditEvent
from models.core.db import new_session
from models.core.errors import Invalid
from models.core.groupcommit import GroupCommit

pytestmark = pytest.mark.serial  # callers must queue within the first write's 0.3 s

CALLERS = 24


def _run_concurrently(call, items: list[str]) -> dict[str, object]:  # noqa: ANN001
    """Every item from a thread of its own, all released at once; result or exception each."""
    barrier = threading.Barrier(len(items))
    outcomes: dict[str, object] = {}

    def one(item: str) -> None:
        barrier.wait()
        try:
            outcomes[item] = call(item)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            outcomes[item] = exc

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


_TRANSACTIONS = itertools.count(1)


class _Recorder:
    """Writes one audit event per item; notes which transaction (session) wrote it."""

    def __init__(self, slow_first: float = 0.3, bad: str | None = None) -> None:
        self.sessions: list[int] = []
        self.slow_first, self.bad = slow_first, bad

    def __call__(self, session: Session, item: str) -> str:
        if not self.sessions and self.slow_first:
            time.sleep(self.slow_first)  # the others queue meanwhile
        # a number per session (not id(): a freed session's id is reused by the next one)
        self.sessions.append(session.info.setdefault("recorder_tx", next(_TRANSACTIONS)))
        audit.record(session, actor="system", action="test.grouped", entity="test",
                     entity_id=item)  # chained as the group's transaction commits
        if item == self.bad:
            raise Invalid("this one is bad")
        return item


def _stored(items: list[str]) -> set[str]:
    with new_session() as s:
        return set(s.exec(select(AuditEvent.entity_id).where(
            AuditEvent.action == "test.grouped")).all()) & set(items)


def test_concurrent_writes_share_transactions_and_are_committed_on_return(db_url) -> None:  # noqa: ANN001
    writer = _Recorder()
    group = GroupCommit(writer, name="test-group")
    seen_after_return: dict[str, bool] = {}

    def call(item: str) -> str:
        done = group(item)
        seen_after_return[item] = item in _stored([item])  # another connection sees it
        return done

    items = [f"item-{i:02d}" for i in range(CALLERS)]
    outcomes = _run_concurrently(call, items)
    assert all(outcomes[i] == i for i in items), outcomes
    assert all(seen_after_return.values()) and len(seen_after_return) == CALLERS
    transactions = len(set(writer.sessions))
    assert transactions < CALLERS / 3, transactions  # one each would be 24
    with new_session() as s:
        assert audit.verify(s).ok


def test_a_bad_write_fails_alone_and_the_others_are_saved(db_url) -> None:  # noqa: ANN001
    writer = _Recorder(bad="item-07")
    group = GroupCommit(writer, name="test-group-bad")
    items = [f"item-{i:02d}" for i in range(12)]
    outcomes = _run_concurrently(group, items)
    assert isinstance(outcomes["item-07"], Invalid)
    assert all(outcomes[i] == i for i in items if i != "item-07")
    assert _stored(items) == set(items) - {"item-07"}
    with new_session() as s:
        assert audit.verify(s).ok


def test_the_writer_outlives_a_failed_batch(sqlite_url) -> None:  # noqa: ANN001
    group = GroupCommit(_Recorder(slow_first=0, bad="bad"), name="test-group-alive")
    with pytest.raises(Invalid):
        group("bad")
    assert group("good") == "good"
    assert _stored(["good", "bad"]) == {"good"}


def test_a_batch_writer_writes_the_batch_and_a_failed_batch_is_written_item_by_item(
        sqlite_url) -> None:  # noqa: ANN001
    batches: list[list[str]] = []
    one = _Recorder(slow_first=0)

    def write_batch(session: Session, items: list[str]) -> list[str]:
        batches.append(items)
        if "poison" in items:
            raise RuntimeError("a batch that fails as a whole")
        audit.record_many(session, [audit.Event("system", "test.grouped", "test", i)
                                    for i in items])
        return items

    group = GroupCommit(one, name="test-group-batch", write_batch=write_batch)
    first = _run_concurrently(group, [f"b-{i}" for i in range(8)])
    assert all(k == v for k, v in first.items()) and batches
    assert not one.sessions  # the batch writer did it all
    mixed = _run_concurrently(group, ["m-1", "m-2", "poison"])
    assert all(k == v for k, v in mixed.items())  # each alone, through `write`
    assert _stored(["m-1", "m-2", "poison", *first]) == {"m-1", "m-2", "poison", *first}
    with new_session() as s:
        assert audit.verify(s).ok


def test_the_after_commit_hook_runs_once_a_batch(sqlite_url) -> None:  # noqa: ANN001
    commits: list[int] = []
    writer = _Recorder()
    group = GroupCommit(writer, name="test-group-hook",
                        after_commit=lambda: commits.append(len(writer.sessions)))
    _run_concurrently(group, [f"h-{i}" for i in range(10)])
    assert commits and len(commits) == len(set(writer.sessions)) < 10
    assert commits[-1] == 10  # the last call came after every write
