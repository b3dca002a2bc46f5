"""One-time recovery codes: for a staff member who lost the phone with her authenticator.

Ten codes, shown once when made (by an admin on the person's page, or `amparo user
recovery-codes EMAIL`); each signs in once in place of the 6-digit code, with the password.
Making new codes voids the unused old ones. Codes carry 60 random bits, so a keyed hash
(like the blind indexes) stores them: a database reader learns nothing usable, and a
lookup costs no argon2 round per code.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import Field, Session, SQLModel, col, select

from models.core import audit
from models.core.base import id_field, time_field, utcnow
from models.core.crypto import blind_index
from models.core.db import lock
from models.people.tables import StaffUser

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied by hand
GROUPS, GROUP_LEN, COUNT = 3, 4, 10
_PURPOSE = "staff-recovery-code"


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "staff_recovery_code"
    id: str = id_field()
    user_id: str = Field(foreign_key="staff_user.id", index=True, max_length=32)
    code_hash: str = Field(unique=True, max_length=64)
    used_at: datetime | None = time_field()
    created_at: datetime = time_field(nullable=False, default_now=True)


def normalised(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def looks_like_recovery_code(code: str) -> bool:
    """A 6-digit TOTP code never does: recovery codes have twelve letters and digits."""
    text = normalised(code)
    return len(text) == GROUPS * GROUP_LEN and all(ch in ALPHABET for ch in text)


def _hash(code: str) -> str:
    return blind_index(normalised(code), _PURPOSE) or ""


def _new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LEN)) for _ in range(GROUPS))
    return "-".join(groups)


def issue_codes(session: Session, *, user_id: str, actor_id: str) -> list[str]:
    """New codes for this person (returned once, never stored in clear); unused old ones void."""
    session.exec(delete(RecoveryCode).where(col(RecoveryCode.user_id) == user_id,  # type: ignore[call-overload]
                                            col(RecoveryCode.used_at).is_(None)))
    codes = [_new_code() for _ in range(COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user_id, code_hash=_hash(code)))
    audit.record(session, actor=actor_id, action="staff.recovery_codes_issued",
                 entity="staff_user", entity_id=user_id, data={"count": COUNT})
    return codes


def unused_code_id(session: Session, *, user_id: str, code: str) -> str | None:
    """The id of her unused code with this value, else None (read only)."""
    row = session.exec(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _hash(code),
        col(RecoveryCode.used_at).is_(None))).first()
    return row


def spend_code(session: Session, *, code_id: str, user_id: str) -> bool:
    """Mark the code used; False when another sign-in spent it first (one wins)."""
    result = session.exec(update(RecoveryCode).where(  # type: ignore[call-overload]
        col(RecoveryCode.id) == code_id, col(RecoveryCode.used_at).is_(None))
        .values(used_at=utcnow()))
    if result.rowcount != 1:
        return False
    audit.record(session, actor=user_id, action="staff.recovery_code_used",
                 entity="staff_user", entity_id=user_id)
    return True


def sign_in_with_code(session: Session, *, user_id: str, code_id: str) -> StaffUser | None:
    """Spend the code and record the sign-in, under the user's row lock; None when she was
    disabled meanwhile or the code was spent by another sign-in."""
    user = lock(session, StaffUser, user_id)
    if user is None or not user.active or not spend_code(session, code_id=code_id,
                                                         user_id=user_id):
        return None
    user.last_login_at = utcnow()
    session.add(user)
    return user


def codes_left(session: Session, user_id: str) -> int:
    return int(session.exec(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, col(RecoveryCode.used_at).is_(None))).one())
