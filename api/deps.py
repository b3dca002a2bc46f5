"""Request dependencies: one database session (unit of work) per request.

GET and HEAD requests get a read-only session: on SQLite it reads a WAL snapshot and never
queues behind writers, so pages and API reads answer during a surge of writes
(models/core/db.py). Other methods get a write session. Write routes commit explicitly
before answering, so a client never hears "saved" for a transaction that then fails;
anything not committed is rolled back here.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from models.core.db import new_session


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


def client_key(request: Request) -> str:
    """Who is asking, for rate limits only (hashed before it is stored)."""
    return request.client.host if request.client else "unknown"
