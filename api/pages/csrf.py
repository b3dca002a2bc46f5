"""CSRF protection for the public forms: a signed double-submit cookie.

The cookie holds `random.signature`; every form carries the same value in a hidden field.
A cross-site page can neither read the cookie nor set a validly signed one, so it cannot
produce a matching pair. The signature (keyed with the server secret) also stops a cookie
planted by a sibling sub-domain from being accepted.
"""
from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response

from models.core.crypto import keyed_hash
from models.core.errors import Forbidden

COOKIE = "amparo_csrf"
FIELD = "csrf_token"
_PURPOSE = "csrf-cookie"


def _sign(nonce: str) -> str:
    return keyed_hash(nonce, _PURPOSE)[:32]


def _valid(token: str | None) -> bool:
    if not token or token.count(".") != 1 or len(token) > 100:
        return False
    nonce, sig = token.split(".")
    return bool(nonce) and hmac.compare_digest(sig, _sign(nonce))


def token_for(request: Request) -> str:
    """The token of this browser: the cookie's when it is valid, else a new one."""
    current = request.cookies.get(COOKIE)
    if _valid(current):
        return current  # type: ignore[return-value]
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_sign(nonce)}"


def set_cookie(request: Request, response: Response, token: str) -> None:
    if request.cookies.get(COOKIE) == token:
        return
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def check(request: Request, submitted: object) -> bool:
    """True when the hidden field matches a valid cookie."""
    cookie = request.cookies.get(COOKIE)
    if not isinstance(submitted, str) or not _valid(cookie):
        return False
    return hmac.compare_digest(submitted, cookie)  # type: ignore[arg-type]


def require(request: Request, submitted: object) -> None:
    """Raise Forbidden unless the hidden field matches a valid cookie."""
    if not check(request, submitted):
        raise Forbidden("The form has expired. Open it again.", code="csrf")
