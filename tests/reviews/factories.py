"""Keyword-argument factories for review tests: built straight on the tables (fake data only)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from models.applications.tables import Applicant, Application
from models.core.base import new_id, utcnow
from models.people.service import create_user
from models.people.tables import Panel, PanelMember, StaffUser
from models.programmes.service import demo_programme, ensure_programme
from models.programmes.tables import Programme

PASSWORD = "correct horse battery staple"


def programme(session: Session) -> Programme:
    return ensure_programme(session, demo_programme())


def staff(session: Session, *, role: str, email: str | None = None) -> tuple[StaffUser, str]:
    """A staff user and its TOTP secret."""
    user, _, totp = create_user(session, email=email or f"{role}-{new_id()[:8]}@example.invalid",
                                role=role, password=PASSWORD)
    session.flush()
    return user, totp


def panel(session: Session, *, prog: Programme, members: int = 4, on_call: int = 2,
          chair: bool = True) -> tuple[Panel, list[StaffUser]]:
    pnl = Panel(programme_id=prog.id, kind="grant")
    session.add(pnl)
    session.flush()
    users = []
    for i in range(members):
        user, _ = staff(session, role="reviewer")
        session.add(PanelMember(panel_id=pnl.id, user_id=user.id, on_call=i < on_call))
        users.append(user)
    if chair and users:
        pnl.chair_id = users[0].id
        session.add(pnl)
    session.flush()
    return pnl, users


def application(session: Session, *, prog: Programme, status: str = "in_review",
                track: str = "panel", amount_minor: int = 300_000, risk_level: str = "high",
                priority: int = 1, due_in: timedelta | None = timedelta(hours=72),
                kind: str = "grant") -> Application:
    applicant = Applicant(country="GT")
    session.add(applicant)
    session.flush()
    now = utcnow()
    app = Application(kind=kind, programme_id=prog.id, applicant_id=applicant.id, status=status,
                      receipt_hash=new_id() + new_id(), track=track, currency=prog.currency,
                      amount_minor=amount_minor, risk_level=risk_level, priority=priority,
                      risk_score=50, threat_types=["surveillance"],
                      risk_factors=[{"factor": "threat_type", "value": "surveillance", "weight": 10}],
                      decision_due_at=now + due_in if due_in is not None else None,
                      status_changed_at=now)
    session.add(app)
    session.flush()
    return app
