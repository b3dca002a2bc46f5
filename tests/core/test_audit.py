"""The audit chain detects a changed, removed or reordered event."""
from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from models.core import audit
from models.core.db import get_engine, session_scope


def _write(n: int) -> None:
    with session_scope() as s:
        for i in range(n):
            audit.record(s, actor="system", action="test.event", entity="thing",
                         entity_id=f"id{i}", data={"i": i})


def _verify() -> audit.VerifyResult:
    with Session(get_engine()) as s:
        return audit.verify(s)


class TestAuditChain:
    def test_intact_chain_verifies(self, db_url: str) -> None:
        _write(5)
        result = _verify()
        assert result.ok and result.count == 5

    def test_changed_event_is_named(self, db_url: str) -> None:
        _write(5)
        with session_scope() as s:
            s.exec(text("UPDATE audit_event SET action='test.other' WHERE seq=3"))  # type: ignore[call-overload]
        result = _verify()
        assert not result.ok and result.bad_seq == 3

    def test_removed_event_is_named(self, db_url: str) -> None:
        _write(5)
        with session_scope() as s:
            s.exec(text("DELETE FROM audit_event WHERE seq=2"))  # type: ignore[call-overload]
        result = _verify()
        assert not result.ok and result.bad_seq == 3

    def test_reordered_events_are_named(self, sqlite_url: str) -> None:
        _write(4)
        with session_scope() as s:
            s.exec(text("UPDATE audit_event SET seq=100 WHERE seq=2"))  # type: ignore[call-overload]
            s.exec(text("UPDATE audit_event SET seq=2 WHERE seq=3"))  # type: ignore[call-overload]
            s.exec(text("UPDATE audit_event SET seq=3 WHERE seq=100"))  # type: ignore[call-overload]
        result = _verify()
        assert not result.ok and result.bad_seq == 2

    def test_removed_last_event_is_detected(self, sqlite_url: str) -> None:
        _write(3)
        with session_scope() as s:
            s.exec(text("DELETE FROM audit_event WHERE seq=3"))  # type: ignore[call-overload]
        assert not _verify().ok

    def test_removed_last_events_with_the_head_are_detected(self, db_url: str) -> None:
        _write(5)
        with session_scope() as s:
            s.exec(text("DELETE FROM audit_event WHERE seq >= 4"))  # type: ignore[call-overload]
            s.exec(text("DELETE FROM audit_head"))  # type: ignore[call-overload]
        result = _verify()
        assert not result.ok and "head" in result.reason
