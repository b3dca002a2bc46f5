"""Queries of the programmes area: programmes by slug, their versions, their panel."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from models.people.tables import Panel, PanelMember, StaffUser
from models.programmes.tables import Programme, ProgrammeVersion


def programmes(session: Session) -> list[Programme]:
    return list(session.exec(select(Programme).order_by(Programme.slug)).all())


def by_slug(session: Session, slug: str) -> Programme | None:
    """Active or not (the admin sees and changes both)."""
    return session.exec(select(Programme).where(Programme.slug == slug)).first()


def versions(session: Session, programme_id: str) -> list[ProgrammeVersion]:
    return list(session.exec(select(ProgrammeVersion)
                             .where(ProgrammeVersion.programme_id == programme_id)
                             .order_by(ProgrammeVersion.number)).all())


def version(session: Session, programme_id: str, number: int) -> ProgrammeVersion | None:
    return session.exec(select(ProgrammeVersion).where(
        ProgrammeVersion.programme_id == programme_id,
        ProgrammeVersion.number == number)).first()


def panel(session: Session, programme_id: str, kind: str = "grant") -> Panel | None:
    return session.exec(select(Panel).where(Panel.programme_id == programme_id,
                                            Panel.kind == kind)).first()


def panel_rows(session: Session, panel_id: str) -> list[tuple[PanelMember, StaffUser]]:
    return list(session.exec(select(PanelMember, StaffUser)
                             .join(StaffUser, StaffUser.id == PanelMember.user_id)
                             .where(PanelMember.panel_id == panel_id)
                             .order_by(StaffUser.email)).all())


def active_reviewers(session: Session, programme_id: str, kind: str = "grant") -> int:
    """Members of the programme's panel who are active reviewers (who can make a quorum)."""
    return int(session.exec(
        select(func.count(func.distinct(PanelMember.user_id)))
        .join(Panel, Panel.id == PanelMember.panel_id)
        .join(StaffUser, StaffUser.id == PanelMember.user_id)
        .where(Panel.programme_id == programme_id, Panel.kind == kind,
               StaffUser.active == True, StaffUser.role == "reviewer")  # noqa: E712
    ).one())


def staff_by_ids(session: Session, ids: list[str]) -> dict[str, StaffUser]:
    if not ids:
        return {}
    return {u.id: u for u in session.exec(select(StaffUser).where(StaffUser.id.in_(ids))).all()}  # type: ignore[attr-defined]
