"""The caseworker's moves on a case (issue 15): override a triage outcome ("ineligible",
"possible duplicate") with a reason, withdraw or close a case with a reason, record a
check-in or the report on the use of funds.

Each move checks the role and the case's state first (Forbidden, IllegalTransition,
Conflict, Invalid: nothing changes), changes the status only through the workflow table,
keeps the reason as a sealed case note and audits ids and codes only. No move commits.
"""
from __future__ import annotations

from sqlmodel import Session, col, select

from models.applications import repository
from models.applications.followups import _mark_done, close_if_complete, complete_checkin
from models.applications.info import CODE_PREFIX, WAITING
from models.applications.messages import post_message
from models.applications.notes import MIN_REASON, NOTE_ROLES, add_note, clean_text, has_note
from models.applications.tables import Application, FollowUp, InfoRequest
from models.applications.workflow import workflow_for
from models.core import audit, outbox
from models.core.base import as_utc, utcnow
from models.core.db import lock
from models.core.errors import Conflict, Forbidden, NotFound
from models.core.workflow import transition
from models.people.tables import StaffUser

OVERRIDE_ROLES = frozenset({"caseworker", "admin"})
DUPLICATE_QUESTION = CODE_PREFIX + "duplicate_open_application"
PROCESS_FLOW = "process-application"


def _locked(session: Session, application_id: str) -> Application:
    application = lock(session, Application, application_id)
    if application is None:
        raise NotFound("no such case")
    return application


def _require(staff: StaffUser, roles: frozenset[str]) -> None:
    if staff.role not in roles:
        raise Forbidden("your role may not make this move")


def _reason(reason: str | None) -> str:
    return clean_text(reason, "reason", minimum=MIN_REASON)


def override_ineligible(*, session: Session, application_id: str, staff: StaffUser,
                        reason: str) -> Application:
    """ineligible → eligible on a caseworker's judgement; risk and routing follow."""
    _require(staff, OVERRIDE_ROLES)
    text = _reason(reason)
    application = _locked(session, application_id)
    was = application.ineligible_reason
    transition(session, workflow_for(application.kind), application, "eligible",
               actor_role=staff.role, actor_id=staff.id,
               data={"reason": "override", "was": was})
    note = add_note(session=session, application=application, author_id=staff.id,
                    role=staff.role, text=text, kind="override_ineligible", field="reason")
    application.ineligible_reason = None
    session.add(application)
    post_message(session, application_id=application.id, code="eligible")
    audit.record(session, actor=staff.id, action="case.ineligible_overridden",
                 entity="application", entity_id=application.id,
                 data={"note_id": note.id, "was": was})
    outbox.enqueue(session, flow=PROCESS_FLOW, entity_id=application.id,
                   priority=application.priority)
    return application


def duplicate_overridden(session: Session, application: Application) -> bool:
    return has_note(session, application.id, "override_duplicate")


def override_duplicate(*, session: Session, application_id: str, staff: StaffUser,
                       reason: str) -> Application:
    """"Possible duplicate" set aside: the question about it is settled (triage waives it)
    and, when no other question waits, the case goes on where it stopped."""
    _require(staff, OVERRIDE_ROLES)
    text = _reason(reason)
    application = _locked(session, application_id)
    if not application.duplicate_of:
        raise Conflict("this case is not flagged as a possible duplicate",
                       code="not_flagged")
    if duplicate_overridden(session, application):
        raise Conflict("the flag was already set aside", code="already_overridden")
    settled = _settle_questions(session, application, only=DUPLICATE_QUESTION)
    note = add_note(session=session, application=application, author_id=staff.id,
                    role=staff.role, text=text, kind="override_duplicate", field="reason")
    audit.record(session, actor=staff.id, action="case.duplicate_overridden",
                 entity="application", entity_id=application.id,
                 data={"note_id": note.id, "duplicate_of": application.duplicate_of,
                       "info_request_ids": [r.id for r in settled]})
    if application.status in WAITING and settled:
        _resume(session, application, settled[0].resume_status, staff)
    return application


def _settle_questions(session: Session, application: Application, *,
                      only: str | None = None) -> list:
    """Open questions closed by staff (no answer is stored in her name)."""
    from models.applications.info import open_question
    settled = []
    for request in repository.info_requests_of(session, application.id, open_only=True):
        if only is None or open_question(request) == only:
            request.answered_at = utcnow()
            session.add(request)
            settled.append(request)
    session.flush()
    return settled


def _resume(session: Session, application: Application, target: str,
            staff: StaffUser) -> None:
    if repository.info_requests_of(session, application.id, open_only=True):
        return  # she still has a question to answer
    _unpause(application)
    transition(session, workflow_for(application.kind), application, target,
               actor_role=staff.role, actor_id=staff.id, data={"reason": "override"})
    if target == "submitted":
        outbox.enqueue(session, flow=PROCESS_FLOW, entity_id=application.id,
                       priority=application.priority)


def _unpause(application: Application) -> None:
    if application.clock_paused_at is None:
        return
    if application.decision_due_at is not None:
        paused = utcnow() - as_utc(application.clock_paused_at)  # type: ignore[operator]
        application.decision_due_at = as_utc(application.decision_due_at) + paused  # type: ignore[operator]
    application.clock_paused_at = None


def withdraw_case(*, session: Session, application_id: str, staff: StaffUser,
                  reason: str) -> Application:
    """The case ends before a decision (her word, or a true duplicate)."""
    return _end(session, application_id, staff, reason, "withdrawn")


def close_case(*, session: Session, application_id: str, staff: StaffUser,
               reason: str) -> Application:
    """A case in follow-up closed early; follow-ups still scheduled are cancelled."""
    return _end(session, application_id, staff, reason, "closed")


def _end(session: Session, application_id: str, staff: StaffUser, reason: str,
         target: str) -> Application:
    _require(staff, NOTE_ROLES)
    text = _reason(reason)
    application = _locked(session, application_id)
    workflow_for(application.kind).check(application.status, target, staff.role)
    settled = _settle_questions(session, application)
    _unpause(application)
    transition(session, workflow_for(application.kind), application, target,
               actor_role=staff.role, actor_id=staff.id, data={"reason": "staff"})
    note = add_note(session=session, application=application, author_id=staff.id,
                    role=staff.role, text=text, kind=target, field="reason")
    cancelled = _cancel_followups(session, application)
    audit.record(session, actor=staff.id, action=f"case.{target}", entity="application",
                 entity_id=application.id,
                 data={"note_id": note.id, "info_request_ids": [r.id for r in settled],
                       "followups_cancelled": cancelled})
    if target == "closed":
        post_message(session, application_id=application.id, code="closed")
    return application


def _cancel_followups(session: Session, application: Application) -> list[str]:
    cancelled = []
    for followup in repository.followups_of(session, application.id):
        if followup.status != "done":
            followup.status = "cancelled"
            session.add(followup)
            cancelled.append(followup.id)
    return cancelled


def _followup(session: Session, followup_id: str, kind: str) -> FollowUp:
    followup = session.get(FollowUp, followup_id)
    if followup is None or followup.kind != kind:
        raise NotFound("follow-up not found")
    return followup


def record_checkin(*, session: Session, followup_id: str, staff: StaffUser,
                   note: str | None = None) -> FollowUp:
    """A check-in done, with what it found as a note (optional)."""
    followup = _followup(session, followup_id, "checkin")
    if followup.status == "cancelled":
        raise Conflict("this check-in was cancelled", code="cancelled")
    text = (note or "").strip()
    done = complete_checkin(session=session, followup_id=followup_id, staff=staff)
    if text and staff.role in NOTE_ROLES:
        application = session.get(Application, followup.application_id)
        add_note(session=session, application=application, author_id=staff.id,  # type: ignore[arg-type]
                 role=staff.role, text=text, kind="checkin", ref_id=followup.id)
    return done


def record_report(*, session: Session, followup_id: str, staff: StaffUser,
                  summary: str) -> FollowUp:
    """The report on the use of funds, received another way (a call, a visit), recorded by
    staff with its summary; the case closes when every follow-up is done."""
    _require(staff, NOTE_ROLES)
    text = clean_text(summary, "summary", minimum=MIN_REASON)
    followup = _followup(session, followup_id, "report")
    if followup.status in ("done", "cancelled"):
        raise Conflict("this report is already recorded", code="already_done")
    application = session.get(Application, followup.application_id)
    if application is None:
        raise NotFound("follow-up not found")
    add_note(session=session, application=application, author_id=staff.id, role=staff.role,
             text=text, kind="report", ref_id=followup.id, field="summary")
    _mark_done(session, followup, document_id=None, actor=staff.id)
    post_message(session, application_id=application.id, code="report_received")
    close_if_complete(session=session, application=application)
    return followup


def answered_cases(session: Session, application_ids: list[str]) -> set[str]:
    """Of these cases, those where the defender has answered a question (for the queue)."""
    if not application_ids:
        return set()
    return set(session.exec(select(InfoRequest.application_id).where(
        col(InfoRequest.application_id).in_(application_ids),
        col(InfoRequest.answer_enc).is_not(None))).all())
