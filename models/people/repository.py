"""Every query of the people area: staff accounts and the panels they sit on."""
from __future__ import annotations

from sqlmodel import Session, func, select

from models.people.tables import Panel, PanelMember, Role, StaffUser
from models.programmes.tables import Programme


def by_id(session: Session, user_id: str) -> StaffUser | None:
    return session.get(StaffUser, user_id)


def by_email(session: Session, email: str) -> StaffUser | None:
    return session.exec(select(StaffUser).where(StaffUser.email == email)).first()


def active_admins(session: Session) -> int:
    return session.exec(select(func.count()).select_from(StaffUser).where(
        StaffUser.role == Role.admin, StaffUser.active == True)).one()  # noqa: E712


def staff(session: Session) -> list[StaffUser]:
    """Everyone, by e-mail."""
    return list(session.exec(select(StaffUser).order_by(StaffUser.email)).all())


def panels_of(session: Session) -> dict[str, list[dict]]:
    """user id -> the panels she sits on: programme slug, kind, on call, chair."""
    rows = session.exec(
        select(PanelMember.user_id, PanelMember.on_call, Panel.kind, Panel.chair_id,
               Programme.slug)
        .join(Panel, Panel.id == PanelMember.panel_id)
        .join(Programme, Programme.id == Panel.programme_id)
        .order_by(Programme.slug, Panel.kind)).all()
    out: dict[str, list[dict]] = {}
    for user_id, on_call, kind, chair_id, slug in rows:
        out.setdefault(user_id, []).append({"programme": slug, "kind": kind,
                                            "on_call": bool(on_call),
                                            "chair": chair_id == user_id})
    return out
