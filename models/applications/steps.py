"""The automatic steps after intake, one application at a time: triage, risk, routing.

Each step loads its row by id under a lock, checks the status, and does nothing when the
case is already past it — so a re-run (crash, re-dispatch) is harmless. No step commits.
"""
from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session

from models.applications import duplicates, eligibility, repository, risk, routing, sealed
from models.applications.info import CODE_PREFIX, answered_codes, request_info
from models.applications.messages import post_message
from models.applications.tables import Applicant, Application
from models.applications.workflow import workflow_for
from models.core import notices, outbox
from models.core.db import lock
from models.core.workflow import SYSTEM, transition
from models.programmes.tables import Programme


CHUNK = 16  # rows of one step per transaction (the flows and the surge's domain baseline)


def chunks(ids: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _load(session: Session, application_id: str, status: str) -> Application | None:
    application = lock(session, Application, application_id)
    if application is None or application.status != status:
        return None
    return application


def triage_one(session: Session, application_id: str) -> str | None:
    """submitted → eligible | ineligible | needs_info; returns the outcome, None if skipped."""
    application = _load(session, application_id, "submitted")
    if application is None:
        return None
    programme = session.get(Programme, application.programme_id)
    applicant = session.get(Applicant, application.applicant_id)
    details = sealed.open_details(application, sealed.data_key(applicant) if applicant else None)
    if application.duplicate_of is None and applicant is not None:
        earlier = repository.open_duplicates(session, application, applicant)
        if earlier:
            application.duplicate_of = earlier[0].id
        # Any request of hers in the programme's window, any kind or status (issue 18).
        if duplicates.flag_on_triage(session, application, applicant) or earlier:
            _tell_caseworkers(session, application, "duplicate_flagged")
    result = eligibility.check(application=application, programme=programme,  # type: ignore[arg-type]
                               details=details, duplicate_of=application.duplicate_of,
                               waived=answered_codes(session, application))
    if result.outcome == "needs_info":
        for code in result.soft:
            request_info(session=session, application=application, staff=None,
                         question=CODE_PREFIX + code)
            post_message(session, application_id=application.id, code=code)
        return result.outcome
    application.ineligible_reason = result.reason
    transition(session, workflow_for(application.kind), application, result.outcome,
               actor_role=SYSTEM, data={"reason": result.reason} if result.reason else None)
    post_message(session, application_id=application.id, code=result.reason or "eligible",
                 params=result.params)
    return result.outcome


def assess_one(session: Session, application_id: str) -> str | None:
    """eligible → risk_assessed, with the score, every factor and its weight."""
    application = _load(session, application_id, "eligible")
    if application is None:
        return None
    programme = session.get(Programme, application.programme_id)
    applicant = session.get(Applicant, application.applicant_id)
    assessed = risk.assess(application, applicant.country if applicant else None,
                           programme.risk_weights if programme else None)
    application.risk_score, application.risk_level = assessed.score, assessed.level
    application.risk_factors = assessed.factors
    application.priority = assessed.priority
    transition(session, workflow_for(application.kind), application, "risk_assessed",
               actor_role=SYSTEM, data={"level": assessed.level, "score": assessed.score})
    return assessed.level


def route_one(session: Session, application_id: str) -> str | None:
    """risk_assessed → in_review (grant panel or fast track, visa) or matching (shelter)."""
    application = _load(session, application_id, "risk_assessed")
    if application is None:
        return None
    programme = session.get(Programme, application.programme_id)
    chosen = routing.route(session, application, programme)  # type: ignore[arg-type]
    return chosen.track or chosen.status


def _tell_caseworkers(session: Session, application: Application, kind: str) -> None:
    queued = [notices.queue_notice(session, kind=kind, recipient_id=user_id,
                                   application_id=application.id,
                                   dedupe_key=f"{kind}:{application.id}:{user_id}")
              for user_id in repository.staff_with_role(session, "caseworker")]
    if any(queued):
        outbox.enqueue(session, flow=routing.NOTICE_FLOW, entity_id=application.id,
                       priority=application.priority)


def process_one(session: Session, application_id: str) -> str | None:
    """All three steps in one transaction (tests, the CLI); the flow runs them per batch."""
    triage_one(session, application_id)
    assess_one(session, application_id)
    route_one(session, application_id)
    application = repository.by_id(session, application_id)
    return application.status if application else None
