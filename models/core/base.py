"""Small shared pieces for tables: ids, clocks, JSON columns."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, DateTime
from sqlmodel import Field


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; we store UTC everywhere."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def json_field(default: Any = None, **kw: Any) -> Any:
    factory = (lambda: type(default)()) if isinstance(default, (list, dict)) else None
    if factory:
        return Field(default_factory=factory, sa_column=Column(JSON, nullable=False, **kw))
    return Field(default=default, sa_column=Column(JSON, nullable=True, **kw))


def time_field(*, nullable: bool = True, index: bool = False, default_now: bool = False) -> Any:
    col = Column(DateTime(timezone=True), nullable=nullable, index=index)
    if default_now:
        return Field(default_factory=utcnow, sa_column=col)
    return Field(default=None, sa_column=col)


def id_field() -> Any:
    return Field(default_factory=new_id, primary_key=True, max_length=32)
