"""Engine and sessions. One unit of work per request or step, committed at the edge.

Two kinds of session. A **write** session (the default: flows, CLI, POST routes) begins
each SQLite transaction IMMEDIATE through the write gate, so writers serialise (our
stand-in for row locks; models/core/writegate.py). A **read** session (`read_only=True`:
GET pages and API reads) begins DEFERRED with `PRAGMA query_only`: in WAL mode it reads a
snapshot and never waits for a writer, and a write attempted through it fails loudly
instead of queuing. PostgreSQL: `SELECT ... FOR UPDATE` via `lock()`; both kinds are plain.

No transaction may begin on a thread that serves the API's event loop
(`forbid_blocking_here`): a database wait there stalls every request, including the ones
whose clean-up would end that wait.
"""
from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

from models.core import writegate
from models.core.settings import get_settings

_engine: Engine | None = None
_engine_for: object = None  # the Settings object _engine was built for
_engine_lock = threading.Lock()
_readers: dict[int, Engine] = {}  # id(engine) -> the readers' engine (a pool of its own)
# Threads of an event loop: no database work there. Thread objects, not idents: an ident is
# reused by a later thread once its thread ends (tests start and stop many servers).
_loop_threads: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()
READ_ONLY = "amparo_read_only"
T = TypeVar("T")


class BlockingOnEventLoop(RuntimeError):
    """A database transaction began on the event loop's thread: a programming error (the
    route must be a plain `def`, or hand the work to a thread)."""


def forbid_blocking_here() -> None:
    """Called on the API's event loop: any transaction begun on this thread raises."""
    _loop_threads.add(threading.current_thread())


def allow_blocking_here() -> None:
    """The loop of this thread has ended (the app's lifespan is over)."""
    _loop_threads.discard(threading.current_thread())


def _refuse_on_loop(_conn: Any) -> None:
    if threading.current_thread() in _loop_threads:
        raise BlockingOnEventLoop("database work on the event loop's thread")


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """The writers' engine, or (`read_only`) the readers' own: a pool of their own, so
    writers queued on the write gate — each holding a pooled connection — can never take
    every connection a page or a health check needs (measured in the soak test: 15 queued
    writers, and GET /api/v1/health timing out on the pool)."""
    options = {READ_ONLY: True} if read_only else {}
    if url.startswith("sqlite"):
        # SQLite connections are cheap; threads (not this pool) bound how many are open.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=10, max_overflow=40, pool_timeout=60,
                               execution_options=options)
        _configure_sqlite(engine, None if read_only else _gate_file(engine))
        return engine
    # More connections than request threads (api/app.py) plus the dispatcher's lanes, so a
    # thread never waits for a connection that another waiting thread holds.
    # Bounded so that an API process and its runner stay well inside PostgreSQL's
    # max_connections (100 by default) with room for workers and psql: 20 writers, 15 readers.
    engine = create_engine(url, pool_pre_ping=True, pool_size=5 if read_only else 10,
                           max_overflow=10, pool_timeout=60, execution_options=options)
    event.listen(engine, "begin", _refuse_on_loop)
    return engine


def _gate_file(engine: Engine) -> str | None:
    """The lock file of the cross-process write gate, beside the database file."""
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database + ".gate"


def _configure_sqlite(engine: Engine, gate_file: str | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    gate = writegate.WriteGate(gate_file)  # writers queue in order, flows first (writegate.py)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        _refuse_on_loop(conn)
        read_only = bool(conn.get_execution_options().get(READ_ONLY))
        if conn.info.get("query_only", False) != read_only:  # pooled: set once per change
            conn.exec_driver_sql(f"PRAGMA query_only={'ON' if read_only else 'OFF'}")
            conn.info["query_only"] = read_only
        if read_only:
            conn.exec_driver_sql("BEGIN")  # deferred: a WAL snapshot, no lock taken
        else:
            writegate.begin_through(gate, conn)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        writegate.end_through(gate, conn)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        writegate.end_through(gate, record)


def get_engine() -> Engine:
    """The engine of the current settings: after reset_settings() the next call disposes
    the old engine and builds one for the new settings."""
    global _engine, _engine_for
    settings = get_settings()
    with _engine_lock:
        if _engine is None or _engine_for is not settings:
            reset_engine()
            _engine = make_engine(settings.database_url)
            _engine_for = settings
        return _engine


def reset_engine() -> None:
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = None
    for reader in _readers.values():
        reader.dispose()
    _readers.clear()


def _read_engine(engine: Engine) -> Engine:
    with _engine_lock:
        reader = _readers.get(id(engine))
        if reader is None:
            url = engine.url.render_as_string(hide_password=False)
            if _gate_file(engine) is None and url.startswith("sqlite"):  # in memory: one pool
                reader = engine.execution_options(**{READ_ONLY: True})
            else:
                reader = make_engine(url, read_only=True)
            _readers[id(engine)] = reader
        return reader


def new_session(*, read_only: bool = False) -> Session:
    """A session; `read_only` ones never wait for writers (and cannot write)."""
    engine = get_engine()
    return Session(_read_engine(engine) if read_only else engine, expire_on_commit=False)


def end_writes(session: Session) -> None:
    """End a write session's open transaction (rolling back what was not committed) and let
    it read on from the readers' engine: it can hold the write gate no longer. For a
    request's session as its route returns (api/deps.py); read sessions are left alone."""
    engine = get_engine()
    if session.bind is not engine:
        return
    if session.in_transaction():
        session.rollback()
    session.bind = _read_engine(engine)


@contextmanager
def session_scope(*, read_only: bool = False) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back on any error."""
    session = new_session(read_only=read_only)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def lock(session: Session, model: type[T], pk: Any) -> T | None:
    """Load one row for update (a row lock on PostgreSQL; SQLite is serialised already)."""
    pk_col = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
    stmt = select(model).where(pk_col == pk).with_for_update()
    return session.exec(stmt).first()


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"

