"""Read sessions never wait for writers; no database work on the event loop's thread."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from models.core import db
from models.programmes.tables import Programme


@pytest.mark.serial  # a read within 0.5 s
class TestReadSessions:
    def test_a_read_answers_while_a_writer_holds_the_lock(self, sqlite_url: str) -> None:
        writer = db.new_session()
        writer.exec(text("SELECT 1"))  # type: ignore[call-overload]  # IMMEDIATE: the lock is held
        timings: list[float] = []

        def read() -> None:
            start = time.monotonic()
            with db.session_scope(read_only=True) as reader:
                reader.exec(text("SELECT count(*) FROM programme"))  # type: ignore[call-overload]
            timings.append(time.monotonic() - start)

        thread = threading.Thread(target=read)
        thread.start()
        thread.join(5)
        writer.rollback()
        writer.close()
        assert timings and timings[0] < 0.5

    def test_a_write_through_a_read_session_fails_loudly(self, sqlite_url: str) -> None:
        with pytest.raises(OperationalError, match="readonly"):
            with db.session_scope(read_only=True) as reader:
                reader.exec(text("DELETE FROM programme"))  # type: ignore[call-overload]
        with db.session_scope(read_only=True) as reader:
            assert reader.exec(text("SELECT count(*) FROM programme")).one()[0] >= 0  # type: ignore[call-overload]

    def test_a_pooled_connection_writes_again_after_a_read(self, sqlite_url: str) -> None:
        for _ in range(3):
            with db.session_scope(read_only=True) as reader:
                reader.exec(text("SELECT 1"))  # type: ignore[call-overload]
            with db.session_scope() as writer:
                writer.exec(text("UPDATE programme SET name = name"))  # type: ignore[call-overload]


class TestEventLoopGuard:
    @pytest.mark.parametrize("read_only", [True, False])
    def test_a_transaction_on_the_loop_thread_is_refused(self, db_url: str,
                                                         read_only: bool) -> None:
        raised: list[BaseException] = []

        async def route_that_blocks() -> None:
            db.forbid_blocking_here()
            try:
                with db.session_scope(read_only=read_only) as session:
                    session.get(Programme, "none")
            except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
                raised.append(exc)
            finally:
                db.allow_blocking_here()

        thread = threading.Thread(target=lambda: asyncio.run(route_that_blocks()))
        thread.start()
        thread.join(10)
        assert raised and isinstance(raised[0], db.BlockingOnEventLoop)

    def test_other_threads_may_still_work(self, sqlite_url: str) -> None:
        with db.session_scope(read_only=True) as session:
            session.get(Programme, "none")
