"""Signing in, with growing delays for wrong attempts — and without holding the write lock
through argon2.

The slow part (argon2, ~50-100 ms of CPU) runs in a read-only session: on SQLite it takes
no lock, so a flood of wrong logins cannot queue every writer behind it (the freeze of
issue 11). Then one short write transaction counts the failure, or spends the TOTP step.

Delays grow per client, and per client and account (models/core/ratelimit.py): an
attacker's wrong passwords slow the attacker down, never the staff member at her own
desk. Every refusal reads the same (no hint whether the e-mail exists).
"""
from __future__ import annotations

from models.core import ratelimit
from models.core.db import session_scope
from models.core.errors import TooManyRequests, Unauthorized
from models.people import recovery
from models.people.service import check_credentials, check_password, record_login
from models.people.tables import StaffUser


def sign_in(*, client: str, email: str, password: str, otp: str) -> StaffUser:
    """The staff member; TooManyRequests (with retry_after) or Unauthorized otherwise."""
    account = email.strip().lower()
    with session_scope(read_only=True) as session:
        wait = max(ratelimit.wait_seconds(session, ratelimit.LOGIN_CLIENT, client),
                   ratelimit.wait_seconds(session, ratelimit.LOGIN_ACCOUNT, client, account))
        if wait:
            raise TooManyRequests(retry_after=wait)
        user, step, code_id = _check(session, account, password, otp)
    with session_scope() as session:
        if user is not None:
            signed_in = _record(session, user.id, step, code_id)
            if signed_in is not None:
                ratelimit.forget(session, ratelimit.LOGIN_ACCOUNT, client, account)
                return signed_in
        ratelimit.failed(session, ratelimit.LOGIN_CLIENT, client)
        ratelimit.failed(session, ratelimit.LOGIN_ACCOUNT, client, account)
    raise Unauthorized("wrong e-mail, password or code")


def _check(session, account: str, password: str,  # noqa: ANN001
           otp: str) -> tuple[StaffUser | None, int, str | None]:
    """(user, TOTP step, recovery code id) when the password and the code are right."""
    try:
        if recovery.looks_like_recovery_code(otp):  # her phone is lost: a one-time code
            user = check_password(session, email=account, password=password)
            code_id = recovery.unused_code_id(session, user_id=user.id, code=otp)
            return (user, 0, code_id) if code_id else (None, 0, None)
        user, step = check_credentials(session, email=account, password=password, otp=otp)
        return user, step, None
    except Unauthorized:
        return None, 0, None


def _record(session, user_id: str, step: int, code_id: str | None) -> StaffUser | None:  # noqa: ANN001
    """Spend the TOTP step or the recovery code; None when a login a moment earlier did."""
    if code_id is not None:
        return recovery.sign_in_with_code(session, user_id=user_id, code_id=code_id)
    try:
        return record_login(session, user_id=user_id, step=step)
    except Unauthorized:
        return None
