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
from models.people.service import check_credentials, record_login
from models.people.tables import StaffUser


def sign_in(*, client: str, email: str, password: str, otp: str) -> StaffUser:
    """The staff member; TooManyRequests (with retry_after) or Unauthorized otherwise."""
    account = email.strip().lower()
    with session_scope(read_only=True) as session:
        wait = max(ratelimit.wait_seconds(session, ratelimit.LOGIN_CLIENT, client),
                   ratelimit.wait_seconds(session, ratelimit.LOGIN_ACCOUNT, client, account))
        if wait:
            raise TooManyRequests(retry_after=wait)
        try:
            user, step = check_credentials(session, email=account, password=password, otp=otp)
        except Unauthorized:
            user, step = None, 0
    with session_scope() as session:
        if user is not None:
            try:
                signed_in = record_login(session, user_id=user.id, step=step)
            except Unauthorized:  # the same code, spent by a login a moment earlier
                signed_in = None
            else:
                ratelimit.forget(session, ratelimit.LOGIN_ACCOUNT, client, account)
                return signed_in
        ratelimit.failed(session, ratelimit.LOGIN_CLIENT, client)
        ratelimit.failed(session, ratelimit.LOGIN_ACCOUNT, client, account)
    raise Unauthorized("wrong e-mail, password or code")
