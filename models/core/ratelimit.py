"""Fixed-window counters in the database, so limits hold across processes."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Field, Session, SQLModel

from models.core.base import as_utc, time_field, utcnow
from models.core.crypto import keyed_hash
from models.core.errors import TooManyRequests


class RateCounter(SQLModel, table=True):
    __tablename__ = "rate_counter"
    key: str = Field(primary_key=True, max_length=64)  # keyed hash: no client address stored
    window_start: datetime = time_field(nullable=False)
    count: int = 0


def over_limit(session: Session, *, bucket: str, client: str, limit: int,
               window: timedelta) -> bool:
    row = session.get(RateCounter, keyed_hash(f"{bucket}:{client}", "rate-limit"))
    if row is None:
        return False
    return as_utc(row.window_start) > utcnow() - window and row.count >= limit  # type: ignore[operator]


def hit(session: Session, *, bucket: str, client: str, limit: int, window: timedelta) -> None:
    """Count one attempt; raise TooManyRequests once the window's limit is passed."""
    key = keyed_hash(f"{bucket}:{client}", "rate-limit")
    row = session.get(RateCounter, key, with_for_update=True)
    now = utcnow()
    if row is None:
        row = RateCounter(key=key, window_start=now, count=0)
    elif as_utc(row.window_start) <= now - window:  # type: ignore[operator]
        row.window_start, row.count = now, 0
    row.count += 1
    session.add(row)
    if row.count > limit:
        raise TooManyRequests()
