"""Staff authentication: the only module that touches JWTs (python-jose).

Algorithm pinned; exp, iat, sub, aud and iss required; short lifetime; the user is re-read
from the database on every request, so a disabled user is out at once. Pages send the same
token in an HttpOnly cookie.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from jose import JWTError, jwt

from api.deps import SessionDep
from models.core.base import utcnow
from models.core.crypto import derived_key
from models.core.errors import Forbidden, Unauthorized
from models.people.tables import StaffUser

ALGORITHM = "HS256"
AUDIENCE = "amparo-staff"
ISSUER = "amparo"
LIFETIME = timedelta(minutes=30)
COOKIE = "amparo_staff"
_REQUIRED = ["exp", "iat", "sub", "aud", "iss"]

bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def _key() -> str:
    return derived_key("jwt").hex()


def issue_token(user: StaffUser) -> tuple[str, int]:
    now = utcnow()
    claims = {"sub": user.id, "role": user.role, "iat": int(now.timestamp()),
              "exp": int((now + LIFETIME).timestamp()), "aud": AUDIENCE, "iss": ISSUER}
    return jwt.encode(claims, _key(), algorithm=ALGORITHM), int(LIFETIME.total_seconds())


def decode_token(token: str) -> str:
    try:
        claims = jwt.decode(token, _key(), algorithms=[ALGORITHM], audience=AUDIENCE,
                            issuer=ISSUER, options={f"require_{c}": True for c in _REQUIRED})
    except JWTError as exc:
        raise Unauthorized("invalid or expired token") from exc
    sub = claims.get("sub")
    if not isinstance(sub, str):
        raise Unauthorized("invalid token")
    return sub


def current_staff(request: Request, session: SessionDep,
                  token: Annotated[str | None, Depends(bearer)]) -> StaffUser:
    token = token or request.cookies.get(COOKIE)
    if not token:
        raise Unauthorized("login required")
    user = session.get(StaffUser, decode_token(token))
    if user is None or not user.active:
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
