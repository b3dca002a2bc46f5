"""The waits the sweeper looks at: cases, approved money and follow-ups not yet escalated."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists
from sqlmodel import Session, col, select

from models.applications.tables import Application, FollowUp
from models.core.base import as_utc
from models.clocks.rules import WAITING_STATUSES
from models.clocks.tables import WaitingClock
from models.money.tables import Disbursement
from models.programmes.tables import Programme

LIMIT = 1000  # per pass; the rest waits for the next sweep (oldest first)


def _escalated(subject: str, subject_id: object, started_at: object = None) -> object:
    """An escalated clock of this subject (of this wait, when a subject waits again)."""
    same = [WaitingClock.subject == subject, WaitingClock.subject_id == subject_id,
            col(WaitingClock.escalated_at).is_not(None)]
    if started_at is not None:
        same.append(WaitingClock.started_at == started_at)
    return exists().where(and_(*same))


def waiting_applications(session: Session, *, since_before: datetime) -> list[Application]:
    """Cases in a waiting state since before `since_before` whose wait is not escalated yet."""
    stmt = (select(Application)
            .where(col(Application.status).in_(WAITING_STATUSES),
                   col(Application.status_changed_at) <= since_before,
                   ~_escalated("application", Application.id, Application.status_changed_at))
            .order_by(col(Application.priority), col(Application.status_changed_at))
            .limit(LIMIT))
    return list(session.exec(stmt).all())


def approved_unsent(session: Session, *, since_before: datetime) -> list[Disbursement]:
    """Approved money not sent, released (`not_before` passed), for a case past `approved`
    (a later tranche: the case's own `approved` clock watches the first)."""
    stmt = (select(Disbursement)
            .join(Application, col(Application.id) == Disbursement.application_id)
            .where(Disbursement.status == "approved", col(Disbursement.sent_at).is_(None),
                   col(Disbursement.approved_at) <= since_before,
                   col(Disbursement.not_before).is_(None)
                   | (col(Disbursement.not_before) <= since_before),
                   Application.status != "approved",
                   ~_escalated("disbursement", Disbursement.id))
            .limit(LIMIT))
    return list(session.exec(stmt).all())


def open_followups(session: Session, *, since_before: datetime) -> list[FollowUp]:
    """Follow-ups due before `since_before` and not done, not escalated yet."""
    stmt = (select(FollowUp)
            .where(col(FollowUp.status).in_(["scheduled", "overdue"]),
                   col(FollowUp.due_at) <= since_before,
                   ~_escalated("follow_up", FollowUp.id))
            .order_by(col(FollowUp.due_at)).limit(LIMIT))
    return list(session.exec(stmt).all())


def clock_row(session: Session, *, subject: str, subject_id: str, state: str,
              started_at: datetime) -> WaitingClock | None:
    return session.exec(select(WaitingClock).where(
        WaitingClock.subject == subject, WaitingClock.subject_id == subject_id,
        WaitingClock.state == state, WaitingClock.started_at == started_at)).first()


def reminded_waits(session: Session, subject_ids: list[str]) -> set[tuple[str, str, datetime]]:
    """(subject id, clock, start) of the waits among these subjects already reminded."""
    found: set[tuple[str, str, datetime]] = set()
    for i in range(0, len(subject_ids), 500):  # SQLite's bound-parameter limit
        rows = session.exec(select(WaitingClock.subject_id, WaitingClock.state,
                                   WaitingClock.started_at).where(
            col(WaitingClock.subject_id).in_(subject_ids[i:i + 500]),
            col(WaitingClock.reminded_at).is_not(None))).all()
        found.update((sid, state, as_utc(at)) for sid, state, at in rows)
    return found


def clocks_of(session: Session, application_id: str) -> list[WaitingClock]:
    return list(session.exec(select(WaitingClock)
                             .where(WaitingClock.application_id == application_id)
                             .order_by(col(WaitingClock.started_at))).all())


def programmes(session: Session) -> list[Programme]:
    return list(session.exec(select(Programme)).all())
