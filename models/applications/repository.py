"""Every query of the applications area."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import or_, union
from sqlmodel import Session, col, select

from models.applications.tables import (Applicant, ApplicantMessage, Application, Document,
                                        FollowUp, InfoRequest, SubmissionReceipt)
from models.applications.workflow import workflow_for
from models.people.tables import Panel, PanelMember, StaffUser


def by_id(session: Session, application_id: str) -> Application | None:
    return session.get(Application, application_id)


def by_ids(session: Session, ids: Iterable[str]) -> list[Application]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    return list(session.exec(select(Application).where(col(Application.id).in_(wanted))).all())


def by_receipt_hash(session: Session, digest: str) -> Application | None:
    return session.exec(select(Application).where(Application.receipt_hash == digest)).first()


def by_submission_key(session: Session, key_hash: str) -> Application | None:
    return session.exec(select(Application)
                        .where(Application.submission_key == key_hash)).first()


def taken_submission_keys(session: Session, key_hashes: list[str]) -> set[str]:
    if not key_hashes:
        return set()
    return set(session.exec(select(Application.submission_key).where(
        col(Application.submission_key).in_(key_hashes))).all())


def sealed_receipt(session: Session, application_id: str) -> SubmissionReceipt | None:
    return session.get(SubmissionReceipt, application_id)


def open_duplicates(session: Session, application: Application,
                    applicant: Applicant) -> list[Application]:
    """Open applications of the same kind from the same defender (by blind index only),
    submitted before this one (so the first of two is never called the copy).

    Same e-mail or phone index, or the same name index in the same country: a name alone
    is too common to call two people one.
    """
    same_person = [select(Applicant.id).where(c) for c in (
        Applicant.email_index == applicant.email_index if applicant.email_index else None,
        Applicant.phone_index == applicant.phone_index if applicant.phone_index else None,
        ((Applicant.name_index == applicant.name_index) & (Applicant.country == applicant.country))
        if applicant.name_index else None) if c is not None]
    if not same_person:
        return []
    # One indexed lookup per blind index, then those people's applications, filtered here:
    # with the kind (or the OR) in SQL, SQLite scanned every application of the kind, which
    # made triage quadratic in a surge.
    people = union(*same_person).scalar_subquery() if len(same_person) > 1 \
        else same_person[0].scalar_subquery()
    terminal = set(workflow_for(application.kind).terminal)
    candidates = session.exec(select(Application)
                              .where(col(Application.applicant_id).in_(people))).all()
    return sorted((a for a in candidates
                   if a.kind == application.kind and a.id != application.id
                   and a.submitted_at <= application.submitted_at and a.status not in terminal),
                  key=lambda a: a.submitted_at)


def staff_list(session: Session, *, kinds: list[str] | None, statuses: list[str] | None,
               kind: str | None, status: str | None, limit: int = 200) -> list[Application]:
    """Most urgent first: priority, then the nearest decision clock, then oldest."""
    stmt = select(Application)
    if kinds is not None:
        stmt = stmt.where(col(Application.kind).in_(kinds))
    if statuses is not None:
        stmt = stmt.where(col(Application.status).in_(statuses))
    if kind:
        stmt = stmt.where(Application.kind == kind)
    if status:
        stmt = stmt.where(Application.status == status)
    stmt = stmt.order_by(col(Application.priority), col(Application.decision_due_at).is_(None),
                         col(Application.decision_due_at), col(Application.submitted_at))
    return list(session.exec(stmt.limit(limit)).all())


def messages_of(session: Session, application_id: str) -> list[ApplicantMessage]:
    return list(session.exec(select(ApplicantMessage)
                             .where(ApplicantMessage.application_id == application_id)
                             .order_by(col(ApplicantMessage.created_at))).all())


def info_requests_of(session: Session, application_id: str, *,
                     open_only: bool = False) -> list[InfoRequest]:
    stmt = select(InfoRequest).where(InfoRequest.application_id == application_id)
    if open_only:
        stmt = stmt.where(col(InfoRequest.answered_at).is_(None))
    return list(session.exec(stmt.order_by(col(InfoRequest.asked_at))).all())


def followups_of(session: Session, application_id: str) -> list[FollowUp]:
    return list(session.exec(select(FollowUp).where(FollowUp.application_id == application_id)
                             .order_by(col(FollowUp.due_at))).all())


def documents_of(session: Session, application_id: str) -> list[Document]:
    return list(session.exec(select(Document).where(Document.application_id == application_id)
                             .order_by(col(Document.created_at))).all())


def due_followups(session: Session, now: datetime) -> list[FollowUp]:
    return list(session.exec(select(FollowUp).where(
        FollowUp.status == "scheduled", col(FollowUp.due_at) < now,
        col(FollowUp.flagged_at).is_(None)).order_by(col(FollowUp.due_at))).all())


def panel_members(session: Session, *, programme_id: str, kind: str = "grant",
                  on_call_only: bool = False) -> list[str]:
    stmt = (select(PanelMember.user_id).join(Panel, Panel.id == PanelMember.panel_id)
            .join(StaffUser, StaffUser.id == PanelMember.user_id)
            .where(Panel.programme_id == programme_id, Panel.kind == kind,
                   StaffUser.active == True))  # noqa: E712
    if on_call_only:
        stmt = stmt.where(PanelMember.on_call == True)  # noqa: E712
    return list(dict.fromkeys(session.exec(stmt).all()))


def staff_with_role(session: Session, role: str) -> list[str]:
    return list(session.exec(select(StaffUser.id).where(
        StaffUser.role == role, StaffUser.active == True)).all())  # noqa: E712


def most_urgent_first(session: Session, ids: list[str]) -> list[str]:
    """These applications (unknown ids dropped): priority (imminent / critical first), then
    the oldest."""
    unique = list(dict.fromkeys(ids))
    if not unique:
        return []
    rows = session.exec(select(Application.id, Application.priority, Application.submitted_at)
                        .where(col(Application.id).in_(unique))).all()
    return [r[0] for r in sorted(rows, key=lambda r: (r[1], r[2]))]


def kinds_at_most_priority(session: Session, ids: list[str], max_priority: int) -> dict[str, str]:
    """id -> kind of those of these applications with priority <= max_priority."""
    return dict(session.exec(select(Application.id, Application.kind).where(
        col(Application.id).in_(ids), col(Application.priority) <= max_priority)).all())


def stranded(session: Session, *, flow: str, statuses: tuple[str, ...], before: datetime,
             limit: int) -> list[tuple[str, int]]:
    """(id, priority) of applications stuck in these statuses since before `before` with no
    live row of `flow` (a dispatch lost to a crash)."""
    from sqlalchemy import exists

    from models.core.outbox import Dispatch
    waiting = exists().where(Dispatch.flow == flow,
                             col(Dispatch.status).in_(["pending", "claimed"]),
                             Dispatch.entity_id == Application.id)
    return list(session.exec(select(Application.id, Application.priority).where(
        col(Application.status).in_(statuses), col(Application.status_changed_at) < before,
        ~waiting).limit(limit)).all())
