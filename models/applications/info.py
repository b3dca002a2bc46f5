"""Asking the applicant for more information, and the answer (by receipt).

While a question is open the decision clock pauses; the answer pushes the due time by the
paused time and returns the case to where it was (review, or triage again).
Questions written by triage itself are catalogue codes (`code:<code>`), shown translated.
"""
from __future__ import annotations

from sqlmodel import Session

from models.applications import repository
from models.applications.messages import post_message
from models.applications.tables import Application, InfoRequest
from models.applications.workflow import workflow_for
from models.core import audit, crypto, outbox, notices
from models.core.base import as_utc, utcnow
from models.core.errors import Conflict, Invalid, NotFound
from models.core.workflow import APPLICANT, SYSTEM, transition
from models.people.tables import StaffUser

PAUSE_TARGETS = {"in_review": "info_requested", "submitted": "needs_info"}
WAITING = {"info_requested", "needs_info"}
CODE_PREFIX = "code:"
MAX_TEXT = 4000


def _aad(request: InfoRequest, column: str) -> str:
    return crypto.aad_for("info_request", request.id, column)


def open_question(request: InfoRequest) -> str | None:
    return crypto.decrypt(request.question_enc, _aad(request, "question"))


def open_answer(request: InfoRequest) -> str | None:
    return crypto.decrypt(request.answer_enc, _aad(request, "answer"))


def _clean(text: str | None, field: str) -> str:
    text = (text or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise Invalid("invalid text", fields={field: f"1 to {MAX_TEXT} characters"})
    return text


def request_info(*, session: Session, application: Application, staff: StaffUser | None,
                 question: str) -> InfoRequest:
    """Ask the applicant a question (staff, or triage with `staff=None` and a code question)."""
    question = _clean(question, "question")
    role, actor = (staff.role, staff.id) if staff else (SYSTEM, SYSTEM)
    resume = application.status
    if application.status in WAITING:
        resume = _resume_status_of_open(session, application) or resume
    else:
        target = PAUSE_TARGETS.get(application.status)
        if target is None:
            raise Conflict("more information cannot be asked at this stage",
                           code="illegal_transition")
        transition(session, workflow_for(application.kind), application, target,
                   actor_role=role, actor_id=actor, data={"reason": "info_requested"})
    request = InfoRequest(application_id=application.id, asked_by=staff.id if staff else None,
                          resume_status=resume)
    request.question_enc = crypto.encrypt(question, _aad(request, "question"))
    session.add(request)
    if application.clock_paused_at is None:
        application.clock_paused_at = utcnow()
        session.add(application)
    post_message(session, application_id=application.id, code="info_requested")
    audit.record(session, actor=actor, action="application.info_requested",
                 entity="application", entity_id=application.id,
                 data={"info_request_id": request.id})
    return request


def _resume_status_of_open(session: Session, application: Application) -> str | None:
    open_ones = repository.info_requests_of(session, application.id, open_only=True)
    return open_ones[0].resume_status if open_ones else None


def answer_info(*, session: Session, receipt: str, request_id: str, answer: str) -> InfoRequest:
    """The applicant answers with the receipt; the last answer resumes the case."""
    application = application_by_receipt(session, receipt)
    answer = _clean(answer, "answer")
    request = session.get(InfoRequest, request_id)
    if request is None or request.application_id != application.id:
        raise NotFound("question not found")
    if request.answered_at is not None:
        raise Conflict("this question was already answered", code="already_answered")
    request.answer_enc = crypto.encrypt(answer, _aad(request, "answer"))
    request.answered_at = utcnow()
    session.add(request)
    session.flush()
    audit.record(session, actor=APPLICANT, action="application.info_answered",
                 entity="application", entity_id=application.id,
                 data={"info_request_id": request.id})
    if request.asked_by:
        notices.queue_notice(session, kind="info_answered", recipient_id=request.asked_by,
                             application_id=application.id,
                             dedupe_key=f"info-answered:{request.id}")
        outbox.enqueue(session, flow=outbox.NOTICE_FLOW, entity_id=application.id, priority=2)
    if not repository.info_requests_of(session, application.id, open_only=True):
        _resume(session, application, request.resume_status)
    return request


def _resume(session: Session, application: Application, target: str) -> None:
    if application.status not in WAITING:
        return  # a caseworker moved it on meanwhile
    now = utcnow()
    if application.clock_paused_at is not None:
        if application.decision_due_at is not None:
            paused = now - as_utc(application.clock_paused_at)  # type: ignore[operator]
            application.decision_due_at = as_utc(application.decision_due_at) + paused  # type: ignore[operator]
        application.clock_paused_at = None
    transition(session, workflow_for(application.kind), application, target,
               actor_role=APPLICANT, data={"reason": "info_answered"})
    if target == "submitted":
        outbox.enqueue(session, flow="process-application", entity_id=application.id,
                       priority=application.priority)


def application_by_receipt(session: Session, receipt: str) -> Application:
    digest = crypto.receipt_hash(receipt or "")
    # Look up even a malformed code, so every wrong receipt costs about the same time.
    application = repository.by_receipt_hash(session, digest or "0" * 64)
    if application is None or digest is None:
        raise NotFound("unknown receipt")
    return application


def answered_codes(session: Session, application: Application) -> set[str]:
    """Catalogue codes of triage questions the applicant has answered (triage waives them)."""
    codes = set()
    for request in repository.info_requests_of(session, application.id):
        question = open_question(request) or ""
        if request.answered_at is not None and question.startswith(CODE_PREFIX):
            codes.add(question.removeprefix(CODE_PREFIX))
    return codes
