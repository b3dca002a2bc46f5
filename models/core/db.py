"""Engine and sessions. One unit of work per request or step, committed at the edge.

SQLite: WAL, foreign keys, and every transaction begins IMMEDIATE so writers serialise
(our stand-in for row locks). PostgreSQL: `SELECT ... FOR UPDATE` via `lock()`.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

from models.core import writegate
from models.core.settings import get_settings

_engine: Engine | None = None
T = TypeVar("T")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _configure_sqlite(engine, _gate_file(engine))
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


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
        writegate.begin_through(gate, conn)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn: Any) -> None:
        writegate.end_through(gate, conn)

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        writegate.end_through(gate, record)


def get_engine() -> Engine:
    global _engine
    if _engine is None:
        _engine = make_engine(get_settings().database_url)
    return _engine


def reset_engine() -> None:
    global _engine
    if _engine is not None:
        _engine.dispose()
    _engine = None


def new_session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back on any error."""
    session = new_session()
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
