"""Staff accounts: argon2 passwords, TOTP second factor, the dummy-hash trick."""
from __future__ import annotations

import secrets

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from models.core import audit
from models.core.crypto import aad_for, decrypt, encrypt
from models.core.errors import Conflict, Invalid, Unauthorized
from models.people.tables import Panel, PanelMember, Role, StaffUser

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 12


def new_password() -> str:
    return secrets.token_urlsafe(15)


def create_user(session: Session, *, email: str, role: str, password: str | None = None,
                actor_id: str = "system") -> tuple[StaffUser, str | None, str]:
    """Returns the user, the generated password (None when one was given) and the TOTP secret."""
    if role not in Role.__members__:
        raise Invalid("unknown role", fields={"role": "unknown role"})
    email = email.strip().lower()
    if "@" not in email:
        raise Invalid("invalid e-mail", fields={"email": "not an e-mail address"})
    if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise Conflict("a user with this e-mail exists")
    generated = None if password else new_password()
    password = password or generated
    if len(password) < MIN_PASSWORD:  # type: ignore[arg-type]
        raise Invalid("password too short", fields={"password": f"at least {MIN_PASSWORD} characters"})
    totp_secret = pyotp.random_base32()
    user = StaffUser(email=email, role=role, password_hash=_hasher.hash(password))
    user.totp_secret_enc = encrypt(totp_secret, aad_for("staff_user", user.id, "totp"))  # type: ignore[assignment]
    session.add(user)
    audit.record(session, actor=actor_id, action="staff.created", entity="staff_user",
                 entity_id=user.id, data={"role": role})
    return user, generated, totp_secret


def totp_secret_of(user: StaffUser) -> str:
    return decrypt(user.totp_secret_enc, aad_for("staff_user", user.id, "totp")) or ""


def authenticate(session: Session, *, email: str, password: str, otp: str) -> StaffUser:
    user = session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or not user or not user.active:
        raise Unauthorized("wrong e-mail, password or code")
    if not pyotp.TOTP(totp_secret_of(user)).verify(str(otp).strip(), valid_window=1):
        raise Unauthorized("wrong e-mail, password or code")
    return user


def add_to_panel(session: Session, *, user: StaffUser, programme_id: str, kind: str = "grant",
                 on_call: bool = False) -> PanelMember:
    panel = session.exec(select(Panel).where(Panel.programme_id == programme_id,
                                             Panel.kind == kind)).first()
    if panel is None:
        panel = Panel(programme_id=programme_id, kind=kind)
        session.add(panel)
        session.flush()
    member = PanelMember(panel_id=panel.id, user_id=user.id, on_call=on_call)
    session.add(member)
    return member
