"""The demo programme and demo staff that `make run` seeds (CONTRACT.md).

Logins are printed once, when the users are created; they are never stored in clear.
"""
from __future__ import annotations

from sqlmodel import Session, select

from models.core.db import session_scope
from models.people.service import add_to_panel, create_user
from models.people.tables import Panel, StaffUser
from models.programmes.service import demo_programme, ensure_programme

DEMO_STAFF = [
    ("caseworker@demo.amparo.invalid", "caseworker", False),
    ("reviewer1@demo.amparo.invalid", "reviewer", True),
    ("reviewer2@demo.amparo.invalid", "reviewer", True),
    ("reviewer3@demo.amparo.invalid", "reviewer", False),
    ("reviewer4@demo.amparo.invalid", "reviewer", False),
    ("finance1@demo.amparo.invalid", "finance", False),
    ("finance2@demo.amparo.invalid", "finance", False),
    ("shelter@demo.amparo.invalid", "shelter_coordinator", False),
    ("visa@demo.amparo.invalid", "visa_officer", False),
    ("admin@demo.amparo.invalid", "admin", False),
]


def _chair_if_none(session: Session, panel_id: str, user_id: str) -> None:
    """The first demo reviewer chairs the panel: escalations reach the chair and admins."""
    panel = session.get(Panel, panel_id)
    if panel is not None and panel.chair_id is None:
        panel.chair_id = user_id
        session.add(panel)


def seed_demo() -> list[str]:
    """Idempotent: returns the lines to print (logins only for users created now)."""
    lines: list[str] = []
    with session_scope() as session:
        programme = ensure_programme(session, demo_programme())
        from models.shelter.demo import ensure_demo_houses
        ensure_demo_houses(session)  # safe houses for the shelter coordinator's desk
        for email, role, on_call in DEMO_STAFF:
            if session.exec(select(StaffUser).where(StaffUser.email == email)).first():
                continue
            user, password, totp = create_user(session, email=email, role=role)
            if role == "reviewer":
                member = add_to_panel(session, user=user, programme_id=programme.id,
                                      on_call=on_call)
                _chair_if_none(session, member.panel_id, user.id)
            lines.append(f"{role:20} {email:34} password={password} totp_secret={totp}")
    if lines:
        lines.insert(0, "Demo staff (shown once; keep them, or add users with `amparo user add`):")
    else:
        lines.append("Demo programme and staff already exist. Their logins were shown once; "
                     "for a new one: amparo user reset EMAIL (amparo user list shows them).")
    return lines
