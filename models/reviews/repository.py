"""Every query of the reviews area: panels, votes, queues, clocks."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from models.applications.tables import Application
from models.core.notices import Notice
from models.people.tables import Panel, PanelMember, StaffUser
from models.reviews.tables import Vote

OPEN_FOR_REVIEW = ("in_review", "info_requested")


def panel_for(session: Session, *, programme_id: str, kind: str) -> Panel | None:
    """The programme's panel for this kind of case; grant panels review every kind by default."""
    for wanted in dict.fromkeys((kind, "grant")):
        panel = session.exec(select(Panel).where(Panel.programme_id == programme_id,
                                                 Panel.kind == wanted)).first()
        if panel is not None:
            return panel
    return None


def membership(session: Session, *, panel_id: str, user_id: str) -> PanelMember | None:
    return session.exec(select(PanelMember).where(PanelMember.panel_id == panel_id,
                                                  PanelMember.user_id == user_id)).first()


def panel_members(session: Session, *, panel_id: str, on_call_only: bool = False) -> list[StaffUser]:
    stmt = (select(StaffUser).join(PanelMember, PanelMember.user_id == StaffUser.id)
            .where(PanelMember.panel_id == panel_id, StaffUser.active == True))  # noqa: E712
    if on_call_only:
        stmt = stmt.where(PanelMember.on_call == True)  # noqa: E712
    return list(session.exec(stmt.order_by(col(StaffUser.email))).all())


def active_admins(session: Session) -> list[StaffUser]:
    return list(session.exec(select(StaffUser).where(StaffUser.role == "admin",
                                                     StaffUser.active == True)).all())  # noqa: E712


def vote_of(session: Session, *, application_id: str, reviewer_id: str) -> Vote | None:
    return session.exec(select(Vote).where(Vote.application_id == application_id,
                                           Vote.reviewer_id == reviewer_id)).first()


def votes_for(session: Session, application_id: str) -> list[Vote]:
    return list(session.exec(select(Vote).where(Vote.application_id == application_id)
                             .order_by(col(Vote.created_at))).all())


def votes_with_reviewers(session: Session, application_id: str) -> list[tuple[Vote, StaffUser]]:
    stmt = (select(Vote, StaffUser).join(StaffUser, StaffUser.id == Vote.reviewer_id)
            .where(Vote.application_id == application_id).order_by(col(Vote.created_at)))
    return list(session.exec(stmt).all())


def decisions_of(session: Session, reviewer_id: str) -> dict[str, str]:
    """application id -> this reviewer's current vote."""
    rows = session.exec(select(Vote.application_id, Vote.decision)
                        .where(Vote.reviewer_id == reviewer_id)).all()
    return dict(rows)


def recused_ids(session: Session, reviewer_id: str) -> set[str]:
    return set(session.exec(select(Vote.application_id).where(
        Vote.reviewer_id == reviewer_id, Vote.decision == "recuse")).all())


def told_about(session: Session, application_id: str, kinds: tuple[str, ...]) -> set[str]:
    """Who already had a notice of these kinds about this case."""
    return set(session.exec(select(Notice.recipient_id).where(
        Notice.application_id == application_id, col(Notice.kind).in_(kinds))).all())


def votes_of_cases(session: Session, application_ids: list[str]) -> dict[str, dict[str, str]]:
    """application id -> {reviewer id: her current decision}, for many cases at once."""
    out: dict[str, dict[str, str]] = {}
    for i in range(0, len(application_ids), 500):  # SQLite's bound-parameter limit
        rows = session.exec(select(Vote.application_id, Vote.reviewer_id, Vote.decision).where(
            col(Vote.application_id).in_(application_ids[i:i + 500]))).all()
        for application_id, reviewer_id, decision in rows:
            out.setdefault(application_id, {})[reviewer_id] = decision
    return out


def reviewer_panels(session: Session, reviewer_id: str) -> list[tuple[Panel, PanelMember]]:
    stmt = (select(Panel, PanelMember).join(PanelMember, PanelMember.panel_id == Panel.id)
            .where(PanelMember.user_id == reviewer_id))
    return list(session.exec(stmt).all())


def open_cases_of_programmes(session: Session, programme_ids: list[str]) -> list[Application]:
    """Cases open for review, most urgent first: priority, then the earliest clock."""
    if not programme_ids:
        return []
    stmt = (select(Application)
            .where(col(Application.programme_id).in_(programme_ids),
                   col(Application.status).in_(OPEN_FOR_REVIEW))
            .order_by(col(Application.priority), col(Application.decision_due_at).is_(None),
                      col(Application.decision_due_at), col(Application.submitted_at)))
    return list(session.exec(stmt).all())


def clocks_running(session: Session, *, unreminded: bool = False,
                   due_by: datetime | None = None) -> list[Application]:
    """Cases in review whose clock runs and which still await a reminder or an escalation
    (only those not reminded yet, or only those due by `due_by`, when asked)."""
    stmt = (select(Application)
            .where(Application.status == "in_review",
                   col(Application.decision_due_at).is_not(None),
                   col(Application.escalated_at).is_(None))
            .order_by(col(Application.priority), col(Application.decision_due_at)))
    if unreminded:
        stmt = stmt.where(col(Application.reminder_sent_at).is_(None))
    if due_by is not None:
        stmt = stmt.where(col(Application.decision_due_at) <= due_by)
    return list(session.exec(stmt).all())


def case_list(session: Session, *, kind: str | None = None, status: str | None = None,
              limit: int = 200) -> list[Application]:
    stmt = select(Application)
    if kind:
        stmt = stmt.where(Application.kind == kind)
    if status:
        stmt = stmt.where(Application.status == status)
    stmt = stmt.order_by(col(Application.priority), col(Application.decision_due_at).is_(None),
                         col(Application.decision_due_at), col(Application.submitted_at).desc())
    return list(session.exec(stmt.limit(limit)).all())
