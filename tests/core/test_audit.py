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


class TestAuditKeys:
    def _with_keys(self, value: str | None, url: str) -> None:
        import os

        from models.core.settings import reset_settings
        if value is None:
            os.environ.pop("AMPARO_AUDIT_KEYS", None)
        else:
            os.environ["AMPARO_AUDIT_KEYS"] = value
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = url

    def test_a_new_key_starts_a_segment_and_both_verify(self, sqlite_url: str) -> None:
        from models.core.settings import new_keyring_entry
        first, second = new_keyring_entry("a1"), new_keyring_entry("a2")
        try:
            self._with_keys(first, sqlite_url)
            _write(3)
            self._with_keys(second + "," + first, sqlite_url)
            _write(2)
            with session_scope() as s:
                kids = [k for (k,) in s.exec(text("SELECT key_id FROM audit_event ORDER BY seq"))]  # type: ignore[call-overload]
            assert kids == ["a1"] * 3 + ["a2"] * 2
            assert _verify().ok and _verify().count == 5
            self._with_keys(second, sqlite_url)  # the old key forgotten: named, not "changed"
            result = _verify()
            assert not result.ok and result.bad_seq == 1 and "a1" in result.reason
        finally:
            self._with_keys(None, sqlite_url)

    def test_changing_the_secret_key_does_not_break_the_chain(self, sqlite_url: str) -> None:
        import os

        from models.core.settings import new_keyring_entry, reset_settings
        self._with_keys(new_keyring_entry("a1"), sqlite_url)  # as in production: set
        _write(3)
        old = os.environ["AMPARO_SECRET_KEY"]
        try:
            os.environ["AMPARO_SECRET_KEY"] = "another-secret-key-for-the-test-0123456789"
            reset_settings()
            os.environ["AMPARO_DATABASE_URL"] = sqlite_url
            assert _verify().ok
        finally:
            os.environ["AMPARO_SECRET_KEY"] = old
            self._with_keys(None, sqlite_url)
