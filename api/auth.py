"""Staff authentication: the only module that touches JWTs (python-jose).

Algorithm pinned; exp, iat, sub, aud, iss and sv required; short lifetime; a token issued
in the future or living longer than LIFETIME is refused. The user is re-read from the
database on every request and the token's session version (`sv`) must be the user's: a
disabled user, a logout or a password reset ends every token and page session of that
person at once. Pages send the same token in an HttpOnly cookie.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from jose import JWTError, jwt
from sqlmodel import Session

from models.core.base import utcnow
from models.core.db import session_scope
from models.core.crypto import derived_key
from models.core.errors import Forbidden, Unauthorized
from models.people.tables import StaffUser

ALGORITHM = "HS256"
AUDIENCE = "amparo-staff"
ISSUER = "amparo"
LIFETIME = timedelta(minutes=30)
COOKIE = "amparo_staff"
_REQUIRED = ["exp", "iat", "sub", "aud", "iss"]
CLOCK_SKEW_S = 30  # an `iat` this far ahead is a clock difference, further is forged

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _key() -> str:
    return derived_key("jwt").hex()


def issue_token(user: StaffUser) -> tuple[str, int]:
    now = utcnow()
    claims = {"sub": user.id, "role": user.role, "sv": user.session_version,
              "iat": int(now.timestamp()),
              "exp": int((now + LIFETIME).timestamp()), "aud": AUDIENCE, "iss": ISSUER}
    return jwt.encode(claims, _key(), algorithm=ALGORITHM), int(LIFETIME.total_seconds())


def decode_token(token: str) -> tuple[str, int]:
    """The token's user id and session version; Unauthorized for anything else."""
    try:
        claims = jwt.decode(token, _key(), algorithms=[ALGORITHM], audience=AUDIENCE,
                            issuer=ISSUER, options={f"require_{c}": True for c in _REQUIRED})
    except JWTError as exc:
        raise Unauthorized("invalid or expired token") from exc
    sub, version = claims.get("sub"), claims.get("sv")
    iat, exp = claims.get("iat"), claims.get("exp")
    if not isinstance(sub, str) or not isinstance(version, int) or isinstance(version, bool):
        raise Unauthorized("invalid token")
    if not isinstance(iat, int) or not isinstance(exp, int):
        raise Unauthorized("invalid token")
    now = utcnow().timestamp()
    if iat > now + CLOCK_SKEW_S or exp - iat > LIFETIME.total_seconds():
        raise Unauthorized("invalid token")
    return sub, version


def staff_for_token(session: Session, token: str | None) -> StaffUser | None:
    """The active staff member this token still speaks for, or None."""
    if not token:
        return None
    try:
        user_id, version = decode_token(token)
    except Unauthorized:
        return None
    user = session.get(StaffUser, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


def signed_in(token: str | None) -> StaffUser | None:
    """The staff member, looked up in a read-only session of its own — never the route's.

    A dependency must not begin the request's write transaction: on SQLite that takes the
    write gate in one threadpool call, and the route then waits for a free thread while
    holding it; with every thread waiting for the gate, nothing moves (the freeze of issue
    11). A read session takes no lock. The user comes back detached, its fields loaded."""
    if not token:
        return None
    with session_scope(read_only=True) as session:
        return staff_for_token(session, token)


def current_staff(request: Request,
                  token: Annotated[str | None, Depends(bearer)]) -> StaffUser:
    user = signed_in(token or request.cookies.get(COOKIE))
    if user is None:
        raise Unauthorized("login required")
    return user


CurrentStaff = Annotated[StaffUser, Depends(current_staff)]


def require_roles(*roles: str) -> Callable[..., StaffUser]:
    """A dependency admitting only these roles (admins are not implied: least privilege)."""
    def _dep(user: CurrentStaff) -> StaffUser:
        if user.role not in roles:
            raise Forbidden("your role may not do this")
        return user
    return _dep
