"""Request dependencies: one database session (unit of work) per request.

Write routes commit explicitly before answering, so a client never hears "saved" for a
transaction that then fails; anything not committed is rolled back here.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from models.core.db import new_session


def get_session() -> Iterator[Session]:
    session = new_session()
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
