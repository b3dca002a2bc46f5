"""Rate limits in the database, so they hold across processes.

Two kinds:
- **Growing delays for wrong attempts** (`Policy`, `wait_seconds`, `failed`, `forget`):
  wrong logins and unknown receipts. Each key is one client (and, for logins, one client and
  one account), never a bucket shared by everyone: one client's mistakes never slow another
  client down, and a right receipt is always answered (receipts carry ~100 bits: the limit is
  about noise, not guessing). The first `free` failures cost nothing; after that each one
  doubles the wait, up to `max_delay`; a key quiet for `forget_after` starts again.
- **Fixed windows** (`hit`, `over_limit`): a plain budget of attempts, e.g. PDF uploads.

Keys are keyed hashes: no client address or e-mail is stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Field, Session, SQLModel

from models.core.base import as_utc, time_field, utcnow
from models.core.crypto import keyed_hash
from models.core.errors import TooManyRequests


class RateCounter(SQLModel, table=True):
    __tablename__ = "rate_counter"
    key: str = Field(primary_key=True, max_length=64)  # keyed hash: no client address stored
    window_start: datetime = time_field(nullable=False)  # fixed windows: start; delays: last
    count: int = 0
    blocked_until: datetime | None = time_field()


@dataclass(frozen=True)
class Policy:
    bucket: str
    free: int                  # failures before any delay
    base_delay: timedelta      # the first delay; each further failure doubles it
    max_delay: timedelta
    forget_after: timedelta    # a key quiet this long starts again


LOGIN_CLIENT = Policy("login-client", free=20, base_delay=timedelta(seconds=1),
                      max_delay=timedelta(minutes=5), forget_after=timedelta(hours=1))
LOGIN_ACCOUNT = Policy("login-account", free=5, base_delay=timedelta(seconds=2),
                       max_delay=timedelta(minutes=15), forget_after=timedelta(hours=1))
RECEIPT = Policy("receipt", free=10, base_delay=timedelta(seconds=1),
                 max_delay=timedelta(minutes=2), forget_after=timedelta(minutes=30))


def _key(bucket: str, *parts: str) -> str:
    return keyed_hash(":".join((bucket, *parts)), "rate-limit")


def wait_seconds(session: Session, policy: Policy, *parts: str) -> int:
    """Seconds this key must still wait (0: go ahead). Reads only."""
    row = session.get(RateCounter, _key(policy.bucket, *parts))
    if row is None or row.blocked_until is None:
        return 0
    left = (as_utc(row.blocked_until) - utcnow()).total_seconds()  # type: ignore[operator]
    return max(0, int(left + 0.999))


def failed(session: Session, policy: Policy, *parts: str) -> int:
    """Count one wrong attempt; returns the wait it now imposes (0 while still free)."""
    key = _key(policy.bucket, *parts)
    row = session.get(RateCounter, key, with_for_update=True)
    now = utcnow()
    if row is None:
        row = RateCounter(key=key, window_start=now, count=0)
    elif as_utc(row.window_start) <= now - policy.forget_after:  # type: ignore[operator]
        row.count, row.blocked_until = 0, None
    row.count += 1
    row.window_start = now
    excess = row.count - policy.free
    delay = timedelta(0)
    if excess > 0:
        delay = min(policy.max_delay, policy.base_delay * (2 ** min(excess - 1, 20)))
        row.blocked_until = now + delay
    session.add(row)
    return int(delay.total_seconds())


def miss(session: Session, policy: Policy, *parts: str) -> int:
    """An unknown receipt (or the like): the wait still imposed on this key (then answer
    429 and count nothing more), else 0 with this miss counted (answer as not found)."""
    wait = wait_seconds(session, policy, *parts)
    if not wait:
        failed(session, policy, *parts)
    return wait


def forget(session: Session, policy: Policy, *parts: str) -> None:
    """A right attempt wipes the key's history (e.g. the account's after a good login)."""
    row = session.get(RateCounter, _key(policy.bucket, *parts), with_for_update=True)
    if row is not None:
        session.delete(row)


def over_limit(session: Session, *, bucket: str, client: str, limit: int,
               window: timedelta) -> bool:
    row = session.get(RateCounter, _key(bucket, client))
    if row is None:
        return False
    return as_utc(row.window_start) > utcnow() - window and row.count >= limit  # type: ignore[operator]


def hit(session: Session, *, bucket: str, client: str, limit: int, window: timedelta) -> None:
    """Count one attempt; raise TooManyRequests once the window's limit is passed."""
    key = _key(bucket, client)
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
