"""The visa officer's desk rules beyond the checklist basics: a case seen before the panel
decides, a rejection with a reason and a confirmation, warnings overridden with a reason,
the planned journey, and several checklist items marked at once. Reasons are codes (never
free text), each audited.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from models.applications import sealed
from models.applications.tables import Applicant, Application
from models.core import audit
from models.core.errors import Conflict, Invalid, NotFound
from models.visas import service
from models.visas.checklists import PROBLEM_WORDS, REFUSAL_WORDS, checklist_for
from models.visas.schemas import CaseDateCheck, ItemStateIn
from models.visas.tables import VisaCase, VisaItem, VisaReason
from models.visas.warnings import (OVERRIDE_REASONS, OVERRIDE_WORDS, overridden, visa_request,
                                   warnings_of)

REJECT_WORDS = {
    "not_eligible": "Not eligible for this programme",
    "threat_not_established": "The threat is not established",
    "other_route_better": "Another kind of help fits better",
    "duplicate_request": "She asked already (duplicate)",
    "destination_not_possible": "No visa is possible for this destination",
    "security_concern": "Security concern"}
REJECT_REASONS = tuple(REJECT_WORDS)
BULK_STATES = ("accepted", "rejected", "waived")
STATUS_WORDS = {"in_review": "in review", "risk_assessed": "risk assessed",
                "needs_info": "needs information", "info_requested": "information requested",
                "documents": "gathering documents", "ready": "ready to lodge",
                "checked_in": "checked in", "checked_out": "checked out",
                "follow_up": "follow-up", "matching": "looking for a house",
                "held": "beds held", "travel": "travelling", "disbursing": "being paid"}
WORDS = {**STATUS_WORDS, **REFUSAL_WORDS, **PROBLEM_WORDS, **OVERRIDE_WORDS, **REJECT_WORDS}


def review_view(session: Session, application: Application) -> dict[str, Any]:
    """What the panel reads before deciding: the request and what would be flagged."""
    request = visa_request(session, application)
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    person = sealed.open_applicant(applicant, dek) if applicant else {}
    description = sealed.open_details(application, dek).get("threat_description")
    destination = str(request.get("destination_country") or "").upper()
    probe = VisaCase(application_id=application.id, member=0, destination_country=destination,
                     checklist_code="", status="documents")
    return {"id": application.id, "status": application.status,
            "risk_level": application.risk_level, "language": application.language,
            "country": applicant.country if applicant else None,
            "destination": destination, "purpose": request.get("purpose"),
            "passport_valid_until": request.get("passport_valid_until"),
            "family_members": int(request.get("family_members") or 0),
            "checklist": checklist_for(destination).notes if destination else "",
            "warnings": warnings_of(session, probe),
            "threat": description,
            "name": person.get("name"), "email": person.get("email"),
            "phone": person.get("phone"), "organisation": person.get("organisation"),
            "submitted_at": application.submitted_at}


def reject_review(*, session: Session, application_id: str, reason: str | None,
                  confirmed: bool, actor_id: str, actor_role: str) -> None:
    """The panel ends a new case: a reason from the list and an explicit confirmation."""
    fields = {}
    if reason not in REJECT_REASONS:
        fields["reason"] = "choose a reason"
    if not confirmed:
        fields["confirm"] = "confirm the rejection"
    if fields:
        raise Invalid("A rejection needs a reason and your confirmation.", fields=fields)
    service.review(session=session, application_id=application_id, decision="reject",
                   actor_id=actor_id, actor_role=actor_role)
    session.add(VisaReason(application_id=application_id, kind="review_rejected",
                           reason=str(reason), created_by=actor_id))
    audit.record(session, actor=actor_id, action="visa.review_rejected", entity="application",
                 entity_id=application_id, data={"reason": reason})


def rejection_reason(session: Session, application_id: str) -> str | None:
    row = session.exec(select(VisaReason).where(VisaReason.application_id == application_id,
                                                VisaReason.kind == "review_rejected")).first()
    return row.reason if row else None


def override_warning(*, session: Session, case_id: str, warning: str | None,
                     reason: str | None, actor_id: str) -> VisaReason:
    """Accept despite a warning: the officer's reason is kept and audited."""
    case = service.get_case(session, case_id)
    if warning not in warnings_of(session, case):
        raise Conflict("There is no such warning on this case.", code="no_warning")
    if reason not in OVERRIDE_REASONS:
        raise Invalid("Choose why you override the warning.", fields={"reason": "required"})
    if warning in overridden(session, case.id):
        raise Conflict("This warning was overridden already.", code="already_overridden")
    row = VisaReason(application_id=case.application_id, case_id=case.id, kind="override",
                     warning=warning, reason=str(reason), created_by=actor_id)
    session.add(row)
    audit.record(session, actor=actor_id, action="visa.warning_overridden", entity="visa_case",
                 entity_id=case.id, data={"warning": warning, "reason": reason})
    return row


def plan_travel(*, session: Session, case_id: str, on: date, actor_id: str) -> VisaCase:
    """The journey's date from the itinerary, checked against the lead time."""
    CaseDateCheck.validate_python(on)  # a sane window, as for every date of a case
    case = service.get_case(session, case_id)
    if case.status not in ("documents", "ready", "lodged", "appointment", "granted"):
        raise Conflict("The journey is planned before the visa is used.")
    case.travel_planned = on
    session.add(case)
    audit.record(session, actor=actor_id, action="visa.travel_planned", entity="visa_case",
                 entity_id=case.id, data={})
    return case


def mark_items(*, session: Session, case_id: str, item_ids: list[str], state: str | None,
               actor_id: str) -> list[VisaItem]:
    """Several items of one checklist in one move: all of them, or none (the caller rolls
    back on the first refusal)."""
    if state not in BULK_STATES:
        raise Invalid("Choose what to do with the chosen documents.", fields={"state": "required"})
    if not item_ids:
        raise Invalid("Tick at least one document.", fields={"items": "required"})
    out = []
    for item_id in dict.fromkeys(item_ids):
        item = session.get(VisaItem, item_id)
        if item is None or item.case_id != case_id:
            raise NotFound("unknown checklist item")
        out.append(service.set_item(session=session, case_id=case_id, item_id=item_id,
                                    data=ItemStateIn(state=state), actor_id=actor_id))
    return out
