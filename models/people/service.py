"""Staff accounts: argon2 passwords, TOTP second factor, the dummy-hash trick."""
from __future__ import annotations

import hmac
import re
import secrets
import time
from datetime import datetime, timezone

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from models.core import audit
from models.core.base import utcnow
from models.core.crypto import aad_for, decrypt, encrypt
from models.core.db import lock
from models.core.errors import Conflict, Invalid, NotFound, Unauthorized
from models.people import repository
from models.people.tables import Panel, PanelMember, Role, StaffUser

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so both answers take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))
MIN_PASSWORD = 12
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
# Why a person's access was turned off or on: codes only (the audit holds no free text).
ACCESS_REASONS = ("left", "leave", "lost_device", "compromised", "back", "other")


def new_password() -> str:
    return secrets.token_urlsafe(15)


def create_user(session: Session, *, email: str, role: str, password: str | None = None,
                actor_id: str = "system") -> tuple[StaffUser, str | None, str]:
    """Returns the user, the generated password (None when one was given) and the TOTP secret."""
    email = email.strip().lower()
    problems = {}
    if not EMAIL.match(email) or len(email) > 254:
        problems["email"] = "not an e-mail address"
    if role not in Role.__members__:
        problems["role"] = "unknown role"
    if problems:
        raise Invalid("invalid staff member", fields=problems)
    if repository.by_email(session, email):
        raise Conflict("a user with this e-mail exists", fields={"email": "already in use"})
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


def check_credentials(session: Session, *, email: str, password: str,
                      otp: str) -> tuple[StaffUser, int]:
    """The user and the TOTP time step her code matched; Unauthorized otherwise. Reads only
    (the argon2 check is slow: callers run it outside any write transaction)."""
    user = check_password(session, email=email, password=password)
    step = _totp_step(totp_secret_of(user), str(otp).strip())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        raise Unauthorized("wrong e-mail, password or code")  # wrong, or already used
    return user, step


def check_password(session: Session, *, email: str, password: str) -> StaffUser:
    """The active user with this e-mail and password; Unauthorized otherwise (the same time
    whether the e-mail exists or not). Reads only."""
    user = session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or not user or not user.active:
        raise Unauthorized("wrong e-mail, password or code")
    return user


def _totp_step(secret: str, code: str) -> int | None:
    """The time step (of now and one either side) whose code this is, None when none."""
    totp, now = pyotp.TOTP(secret), time.time()
    for offset in (0, -1, 1):
        at = now + offset * totp.interval
        if hmac.compare_digest(totp.at(at), code):
            return totp.timecode(datetime.fromtimestamp(at, tz=timezone.utc))
    return None


def record_login(session: Session, *, user_id: str, step: int) -> StaffUser:
    """Spend the TOTP step under a row lock (two logins with one code: one wins)."""
    user = lock(session, StaffUser, user_id)
    if user is None or not user.active or (
            user.totp_last_step is not None and step <= user.totp_last_step):
        raise Unauthorized("wrong e-mail, password or code")
    user.totp_last_step, user.last_login_at = step, utcnow()
    session.add(user)
    return user


def authenticate(session: Session, *, email: str, password: str, otp: str) -> StaffUser:
    """Both steps in one session (the CLI and tests; routes split them)."""
    user, step = check_credentials(session, email=email, password=password, otp=otp)
    return record_login(session, user_id=user.id, step=step)


def end_sessions(session: Session, *, user: StaffUser) -> None:
    """Every token and page session of this person stops working (logout, reset, disable)."""
    user.session_version += 1
    session.add(user)


def reset_credentials(session: Session, *, user: StaffUser,
                      actor_id: str) -> tuple[str, str]:
    """A new password and authenticator secret; every earlier session ends. Returns both."""
    password, totp_secret = new_password(), pyotp.random_base32()
    user.password_hash = _hasher.hash(password)
    user.totp_secret_enc = encrypt(totp_secret, aad_for("staff_user", user.id, "totp"))  # type: ignore[assignment]
    user.totp_last_step = None
    end_sessions(session, user=user)
    audit.record(session, actor=actor_id, action="staff.reset", entity="staff_user",
                 entity_id=user.id, data={})
    return password, totp_secret


def set_active(session: Session, *, user: StaffUser, active: bool, actor_id: str,
               reason: str | None = None) -> None:
    """Disable or enable; the last active admin cannot be disabled. `reason`: a code of
    ACCESS_REASONS (recorded in the audit event), or None."""
    if reason is not None and reason not in ACCESS_REASONS:
        raise Invalid("unknown reason", fields={"reason": "unknown reason"})
    if not active and user.role == Role.admin and user.active:
        if repository.active_admins(session) <= 1:
            raise Conflict("the last active admin cannot be disabled",
                           fields={"active": "the last active admin"})
    if user.active != active:
        user.active = active
        end_sessions(session, user=user)
        audit.record(session, actor=actor_id, action="staff.enabled" if active else
                     "staff.disabled", entity="staff_user", entity_id=user.id,
                     data={"reason": reason} if reason else {})


def change_role(session: Session, *, user: StaffUser, role: str, actor_id: str) -> None:
    """Another role: every session of the person ends (her pages and rights change), audited.
    The last active admin keeps hers (409)."""
    if role not in Role.__members__:
        raise Invalid("unknown role", fields={"role": "unknown role"})
    if role == user.role:
        return
    if user.role == Role.admin and user.active and repository.active_admins(session) <= 1:
        raise Conflict("the last active admin cannot change role",
                       fields={"role": "the last active admin"})
    previous, user.role = user.role, role
    end_sessions(session, user=user)
    audit.record(session, actor=actor_id, action="staff.role_changed", entity="staff_user",
                 entity_id=user.id, data={"from": previous, "to": role})


def set_language(session: Session, *, user: StaffUser, language: str | None,
                 languages: tuple[str, ...]) -> None:
    """The language of her pages and e-mails (None: her browser's), audited."""
    if language is not None and language not in languages:
        raise Invalid("unknown language", fields={"language": "unknown language"})
    if language == user.language:
        return
    previous, user.language = user.language, language
    audit.record(session, actor=user.id, action="staff.language_changed", entity="staff_user",
                 entity_id=user.id, data={"from": previous, "to": language})


def get_user(session: Session, user_id: str) -> StaffUser:
    user = repository.by_id(session, user_id)
    if user is None:
        raise NotFound("no staff member with this id")
    return user


def panels_of(session: Session, user_id: str) -> list[dict]:
    """The panels one person sits on."""
    return repository.panels_of(session).get(user_id, [])


def staff_listing(session: Session) -> list[tuple[StaffUser, list[dict]]]:
    """Every staff member (by e-mail) with the panels she sits on."""
    panels = repository.panels_of(session)
    return [(user, panels.get(user.id, [])) for user in repository.staff(session)]


def user_by_email(session: Session, email: str) -> StaffUser:
    user = session.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if user is None:
        raise NotFound("no staff member with this e-mail")
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
