"""Request dependencies: one database session (unit of work) per request.

GET and HEAD requests get a read-only session: on SQLite it reads a WAL snapshot and never
queues behind writers, so pages and API reads answer during a surge of writes
(models/core/db.py); a POST route that only reads asks for one (`ReadSessionDep`). Other
methods get a write session. Write routes commit explicitly before answering, so a client
never hears "saved" for a transaction that then fails; anything not committed is rolled
back as the route returns (`end_writes_on_return`), and a read transaction ends there too.

Why as the route returns and not in this dependency's clean-up: FastAPI validates a sync
route's answer in its threadpool *after* the route returns, and runs the clean-up later
still. A write transaction left open there holds SQLite's write gate while waiting for a
free thread — and with every thread queued on the gate, none ever frees: the freeze of
issue 11 (measured: one `POST /api/v1/status` held the gate 30 s, eight threads behind it).
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlmodel import Session

from models.core.db import end_writes, new_session


READ_METHODS = frozenset({"GET", "HEAD"})


def get_session(request: Request) -> Iterator[Session]:
    session = new_session(read_only=request.method in READ_METHODS)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_read_session() -> Iterator[Session]:
    """A read-only session whatever the method: for POST routes that only read (the status
    look-up by receipt, whose code must not travel in a URL). It never queues on the write
    gate; what such a route must write (a wrong receipt counted) goes in `session_scope()`."""
    session = new_session(read_only=True)
    try:
        yield session
    finally:
        session.close()


ReadSessionDep = Annotated[Session, Depends(get_read_session)]


def _ending_writes(call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)  # FastAPI reads the signature through __wrapped__
    def endpoint(*args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        finally:  # on this thread, before FastAPI needs another one
            for value in kwargs.values():
                if isinstance(value, Session):
                    end_writes(value)
                    _end_reads(value)
    endpoint.__amparo_ends_writes__ = True  # type: ignore[attr-defined]
    return endpoint


def _end_reads(session: Session) -> None:
    """A read transaction still open ends as the route returns too, so its pooled connection
    goes back now and not at the clean-up, which waits for a free thread: under load, answers
    waiting for their clean-up can hold every connection of PostgreSQL's readers' pool
    (5 + 10), and the next reads time out on it (seen in bench/soak.py --postgres, with the
    status look-up newly on a read session). Committed, not rolled back:
    nothing was written, and what the route loaded stays loaded for its answer."""
    if session.in_transaction():
        session.commit()


def end_writes_on_return(routes: Iterable[Any]) -> int:
    """Wrap every sync route (included routers too) so that its session's write transaction
    ends when the route returns; returns how many were wrapped."""
    wrapped = 0
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            wrapped += end_writes_on_return(inner.routes)
        elif isinstance(route, APIRoute) and route.dependant.call is not None:
            call = route.dependant.call
            if not inspect.iscoroutinefunction(call) and \
                    not getattr(call, "__amparo_ends_writes__", False):
                # both: FastAPI 0.150 serves an included route from a context it builds
                # from `endpoint` at the first request; the route itself uses `dependant`
                route.endpoint = route.dependant.call = _ending_writes(call)
                wrapped += 1
    return wrapped


def client_key(request: Request) -> str:
    """Who is asking, for rate limits only (hashed before it is stored)."""
    return request.client.host if request.client else "unknown"
