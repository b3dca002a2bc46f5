"""Follow-up after the help arrived: check-ins, the report on the use of funds, closure.

Closure rule: a case in `follow_up` closes once every check-in is done and the report is in.
An overdue follow-up is flagged once (for the sweeper to tell caseworkers), never closed.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications import repository
from models.applications.info import application_by_receipt
from models.applications.messages import post_message
from models.applications.tables import Application, Document, FollowUp
from models.applications.workflow import workflow_for
from models.core import audit
from models.core.base import as_utc, utcnow
from models.core.errors import Conflict, Forbidden, NotFound
from models.core.workflow import SYSTEM, transition
from models.people.tables import StaffUser
from models.programmes.tables import Programme

CHECKIN_ROLES = {"caseworker", "admin"}
KIND_ROLES = {"shelter": {"shelter_coordinator"}, "visa": {"visa_officer"}}


def schedule_followups(*, session: Session, application: Application,
                       confirmed_at: datetime) -> list[FollowUp]:
    """Check-ins at `programme.followup_days`, the report at `report_days`. Idempotent; moves
    the case to `follow_up` when its workflow allows it from here."""
    existing = repository.followups_of(session, application.id)
    if existing:
        return existing
    programme = session.get(Programme, application.programme_id)
    start = as_utc(confirmed_at) or utcnow()
    rows = [FollowUp(application_id=application.id, kind="checkin",
                     due_at=start + timedelta(days=int(d)))
            for d in (programme.followup_days if programme else [7, 30])]
    report = FollowUp(application_id=application.id, kind="report",
                      due_at=start + timedelta(days=int(programme.report_days if programme else 90)))
    rows.append(report)
    session.add_all(rows)
    post_message(session, application_id=application.id, code="report_due",
                 params={"due": report.due_at.date().isoformat()})
    if rows[:-1]:
        post_message(session, application_id=application.id, code="checkin_due")
    audit.record(session, actor=SYSTEM, action="application.followups_scheduled",
                 entity="application", entity_id=application.id,
                 data={"followup_ids": [r.id for r in rows]})
    workflow = workflow_for(application.kind)
    if application.status != "follow_up" and workflow.allowed(application.status, "follow_up",
                                                              SYSTEM):
        transition(session, workflow, application, "follow_up", actor_role=SYSTEM)
    return rows


def submit_report(*, session: Session, receipt: str, document: Document) -> FollowUp:
    """The applicant's report on the use of funds, uploaded with the receipt."""
    application = application_by_receipt(session, receipt)
    if document.application_id != application.id:
        raise NotFound("document not found")
    pending = [f for f in repository.followups_of(session, application.id)
               if f.kind == "report" and f.status != "done"]
    if not pending:
        raise Conflict("no report is due for this case", code="no_report_due")
    followup = next((f for f in pending if f.id == document.ref_id), pending[0])
    _mark_done(session, followup, document_id=document.id, actor="applicant")
    post_message(session, application_id=application.id, code="report_received")
    close_if_complete(session=session, application=application)
    return followup


def complete_checkin(*, session: Session, followup_id: str, staff: StaffUser) -> FollowUp:
    """A caseworker (or the area's coordinator) records that the check-in happened."""
    followup = session.get(FollowUp, followup_id)
    if followup is None or followup.kind != "checkin":
        raise NotFound("check-in not found")
    application = session.get(Application, followup.application_id)
    if application is None or staff.role not in CHECKIN_ROLES | KIND_ROLES.get(application.kind,
                                                                             set()):
        raise Forbidden("your role may not record this check-in")
    if followup.status == "done":
        raise Conflict("this check-in is already done", code="already_done")
    _mark_done(session, followup, document_id=None, actor=staff.id)
    close_if_complete(session=session, application=application)
    return followup


def _mark_done(session: Session, followup: FollowUp, *, document_id: str | None,
               actor: str) -> None:
    followup.status, followup.done_at = "done", utcnow()
    followup.document_id = document_id or followup.document_id
    session.add(followup)
    session.flush()
    audit.record(session, actor=actor, action=f"followup.{followup.kind}_done",
                 entity="follow_up", entity_id=followup.id,
                 data={"application_id": followup.application_id})


def close_if_complete(*, session: Session, application: Application) -> bool:
    if application.status != "follow_up":
        return False
    rows = repository.followups_of(session, application.id)
    if not rows or any(r.status != "done" for r in rows):
        return False
    transition(session, workflow_for(application.kind), application, "closed",
               actor_role=SYSTEM, data={"reason": "followups_done"})
    post_message(session, application_id=application.id, code="closed")
    return True


def overdue_followups(*, session: Session, now: datetime | None = None) -> list[FollowUp]:
    """Flag follow-ups past due (once each) and return the newly flagged, for the sweeper."""
    now = now or utcnow()
    flagged = repository.due_followups(session, now)
    for followup in flagged:
        followup.status, followup.flagged_at = "overdue", now
        session.add(followup)
    return flagged
