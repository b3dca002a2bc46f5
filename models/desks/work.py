"""The waiting work of each role, as rows for its desk (home.py): read-only queries, most
urgent first (priority, then the earliest clock, then the oldest)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.applications.tables import Application, FollowUp
from models.applications.workflow import WORKFLOWS
from models.core.audit import AuditEvent
from models.core.outbox import Dispatch
from models.money.tables import Disbursement
from models.people.tables import StaffUser
from models.programmes.tables import Programme
from models.visas.tables import VisaCase

LIMIT = 10
ENDED = sorted({s for wf in WORKFLOWS.values() for s in wf.terminal})


def _urgent(stmt):  # noqa: ANN001, ANN202 - a select of Application
    return stmt.order_by(col(Application.priority), col(Application.decision_due_at).is_(None),
                         col(Application.decision_due_at), col(Application.submitted_at))


def count(session: Session, stmt) -> int:  # noqa: ANN001
    return int(session.exec(select(func.count()).select_from(stmt.order_by(None).subquery())).one())


def cases(*, statuses: list[str], kinds: list[str] | None = None):  # noqa: ANN201
    stmt = select(Application).where(col(Application.status).in_(statuses))
    if kinds:
        stmt = stmt.where(col(Application.kind).in_(kinds))
    return _urgent(stmt)


def duplicates():  # noqa: ANN201
    return _urgent(select(Application).where(col(Application.duplicate_of).is_not(None),
                                             col(Application.status).in_(["submitted",
                                                                          "needs_info"])))


def followups_due(now: datetime):  # noqa: ANN201
    """Check-ins and reports not done, due within two days or overdue, the earliest first."""
    return (select(FollowUp, Application)
            .join(Application, col(Application.id) == col(FollowUp.application_id))
            .where(col(FollowUp.status) != "done",
                   col(FollowUp.due_at) < now + timedelta(days=2))
            .order_by(col(FollowUp.due_at)))


def disbursements(status: str, *, manual_only: bool = False):  # noqa: ANN201
    stmt = (select(Disbursement, Application)
            .join(Application, col(Application.id) == col(Disbursement.application_id))
            .where(Disbursement.status == status))
    if manual_only:
        stmt = stmt.where(col(Disbursement.rail).is_distinct_from("stripe_connect"))
    return stmt.order_by(col(Application.priority), col(Disbursement.created_at))


def visa_cases(statuses: list[str]):  # noqa: ANN201
    return (select(VisaCase, Application)
            .join(Application, col(Application.id) == col(VisaCase.application_id))
            .where(col(VisaCase.status).in_(statuses), VisaCase.member == 0)
            .order_by(col(VisaCase.appointment_at).is_(None), col(VisaCase.appointment_at),
                      col(VisaCase.documents_due).is_(None), col(VisaCase.documents_due),
                      col(Application.priority)))


def overdue_decisions(now: datetime):  # noqa: ANN201
    return _urgent(select(Application).where(
        col(Application.decision_due_at) < now, col(Application.clock_paused_at).is_(None),
        col(Application.status).in_(["in_review", "risk_assessed", "eligible"])))


def untriaged(now: datetime):  # noqa: ANN201
    """Received over an hour ago and still not triaged (the flow may have stalled)."""
    return _urgent(select(Application).where(Application.status == "submitted",
                                             col(Application.submitted_at) < now - timedelta(hours=1)))


def unsent(now: datetime):  # noqa: ANN201
    """Approved payments not sent within a day."""
    return (select(Disbursement, Application)
            .join(Application, col(Application.id) == col(Disbursement.application_id))
            .where(Disbursement.status == "approved",
                   col(Disbursement.approved_at) < now - timedelta(days=1))
            .order_by(col(Disbursement.approved_at)))


def rows(session: Session, stmt, limit: int = LIMIT) -> list:  # noqa: ANN001
    return list(session.exec(stmt.limit(limit)).all())


def people_counts(session: Session) -> dict[str, int]:
    found = session.exec(select(StaffUser.active, func.count()).group_by(StaffUser.active)).all()
    by = {bool(active): int(n) for active, n in found}
    return {"active": by.get(True, 0), "disabled": by.get(False, 0)}


def programme_counts(session: Session) -> dict[str, int]:
    found = session.exec(select(Programme.active, func.count()).group_by(Programme.active)).all()
    by = {bool(active): int(n) for active, n in found}
    return {"active": by.get(True, 0), "inactive": by.get(False, 0)}


def audit_counts(session: Session, now: datetime) -> dict[str, int]:
    total = session.exec(select(func.count()).select_from(AuditEvent)).one()
    today = session.exec(select(func.count()).select_from(AuditEvent).where(
        col(AuditEvent.at) >= now - timedelta(days=1))).one()
    return {"total": int(total), "day": int(today)}


def dispatch_counts(session: Session, now: datetime) -> dict[str, int]:
    """Background work: dispatches waiting over 15 minutes to start (the runner may be down)
    and those given up after their retries."""
    late = session.exec(select(func.count()).select_from(Dispatch).where(
        Dispatch.status == "pending", col(Dispatch.available_at) < now - timedelta(minutes=15))).one()
    dead = session.exec(select(func.count()).select_from(Dispatch).where(
        Dispatch.status == "dead")).one()
    return {"late": int(late), "dead": int(dead)}
