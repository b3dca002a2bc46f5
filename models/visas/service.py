"""The rules of the visa area: panel review, checklists, lodging, appointment, decision, travel.

One case per traveller (member 0 the defender). Each case moves through VISA_CASE; the
defender's case moves the application through the VISA table as well.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from models.applications.repository import staff_with_role
from models.applications.tables import Application, Document
from models.applications.workflow import VISA
from models.core import audit
from models.core.base import utcnow
from models.core.db import lock
from models.core.errors import Conflict, IllegalTransition, Invalid, NotFound
from models.core.workflow import transition
from models.relocation.followups import schedule_follow_ups
from models.visas import repository as repo
from models.visas import checklist_data
from models.visas.checklists import PASSPORT_MONTHS
from models.visas.schemas import AppointmentIn, DecisionIn, ItemStateIn, LodgeIn, TravelIn
from models.visas.tables import VisaApproval, VisaCase, VisaItem, VisaLodging
from models.visas.warnings import blocking, open_warnings, visa_request
from models.visas.workflow import APPLICATION_STATUS, VISA_CASE

DOCUMENTS_DAYS = 14  # time given to gather the papers before officers are reminded
DONE = ("accepted", "waived")
PANEL_APPROVALS = 2  # distinct visa officers, where that many are on staff


def review(*, session: Session, application_id: str, decision: str, actor_id: str,
           actor_role: str) -> list[VisaCase]:
    """The visa panel's decision on a case in review: open the checklists, or reject."""
    application = lock(session, Application, application_id)
    if application is None or application.kind != "visa":
        raise NotFound("unknown visa application")
    if application.status != "in_review":
        raise Conflict("only a case in review can be decided", code="not_in_review")
    if decision == "reject":
        transition(session, VISA, application, "rejected", actor_role=actor_role,
                   actor_id=actor_id, data={"decision": "reject"})
        return []
    cases = _open_cases(session, application)
    transition(session, VISA, application, "documents", actor_role=actor_role,
               actor_id=actor_id, data={"decision": "approve", "cases": len(cases)})
    return cases


def _open_cases(session: Session, application: Application) -> list[VisaCase]:
    request = visa_request(session, application)
    destination = str(request.get("destination_country") or "").upper()
    if len(destination) != 2:
        raise Conflict("the visa request is not readable")
    checklist = checklist_data.resolve(session, destination)  # the newest version
    passport_short = _passport_too_short(request.get("passport_valid_until"))
    cases = []
    for member in range(int(request.get("family_members") or 0) + 1):
        case = VisaCase(application_id=application.id, member=member,
                        destination_country=destination, checklist_code=checklist.code,
                        documents_due=utcnow().date() + timedelta(days=DOCUMENTS_DAYS))
        session.add(case)
        for spec in checklist_data.items_for(checklist, member=member):
            problem = "expires_too_soon" if spec.code == "passport" and member == 0 \
                and passport_short else None
            session.add(VisaItem(case_id=case.id, code=spec.code, required=spec.required,
                                 problem=problem))
        cases.append(case)
    return cases


def _passport_too_short(valid_until: Any) -> bool:
    if not valid_until:
        return False
    limit = utcnow().date() + timedelta(days=31 * PASSPORT_MONTHS)
    return date.fromisoformat(str(valid_until)) < limit


def get_case(session: Session, case_id: str, *, for_update: bool = True) -> VisaCase:
    case = repo.case_for_update(session, case_id) if for_update else session.get(VisaCase,
                                                                                 case_id)
    if case is None:
        raise NotFound("unknown visa case")
    return case


def set_item(*, session: Session, case_id: str, item_id: str, data: ItemStateIn,
             actor_id: str) -> VisaItem:
    """An officer records a paper received, or accepts, rejects or waives an item."""
    case = get_case(session, case_id)
    item = repo.item_for_update(session, item_id)
    if item is None or item.case_id != case.id:
        raise NotFound("unknown checklist item")
    if case.status != "documents":
        raise Conflict("the checklist is closed once the dossier is approved")
    if data.state == "received" and not item.document_id and needs_file(session, case,
                                                                        item.code):
        raise Conflict("A document is received with its file: upload the file.",
                       code="file_required", fields={"file": "required"})
    if data.state == "accepted" and item.status != "received":
        raise Conflict("only a received document can be accepted")
    if data.state == "accepted" and blocking(session, case, item.code):
        raise Conflict("A warning blocks accepting this document: override it with a reason.",
                       code="warning_open",
                       fields={"warning": ", ".join(blocking(session, case, item.code))})
    if data.state == "waived" and item.required:
        raise Conflict("a required document cannot be waived")
    item.status, item.reviewed_by, item.updated_at = data.state, actor_id, utcnow()
    if data.state == "accepted":
        item.problem = None  # the officer checked it
    elif data.problem:
        item.problem = data.problem
    session.add(item)
    audit.record(session, actor=actor_id, action="visa.item", entity="visa_case",
                 entity_id=case.id, data={"item": item.id, "code": item.code,
                                          "state": data.state})
    return item


def needs_file(session: Session, case: VisaCase, code: str) -> bool:
    """Whether the item is received only with its file (as the case's checklist says)."""
    specs = checklist_data.of_case(session, case.checklist_code, case.destination_country).specs
    return next((spec.file for spec in specs if spec.code == code), True)


def on_upload(session: Session, application: Application, document: Document) -> None:
    """Document hook for purpose `visa_item`: the upload completes that checklist item."""
    item = repo.item_for_update(session, document.ref_id or "")
    case = session.get(VisaCase, item.case_id) if item else None
    if item is None or case is None or case.application_id != application.id:
        raise NotFound("checklist item not found")
    if case.status != "documents" or item.status in DONE:
        raise Conflict("this document is not needed any more")
    item.status, item.document_id, item.updated_at = "received", document.id, utcnow()
    session.add(item)


def file_for_item(*, session: Session, case_id: str, item_id: str, content: bytes,
                  actor_id: str) -> VisaItem:
    """Staff file a document brought in person or by a partner against its item."""
    from models.applications.documents import store_document

    case = get_case(session, case_id)
    item = session.get(VisaItem, item_id)
    if item is None or item.case_id != case.id:
        raise NotFound("unknown checklist item")
    application = session.get(Application, case.application_id)
    assert application is not None
    document = store_document(session=session, application=application, purpose="visa_item",
                              ref_id=item.id, filename=None, content=content)
    on_upload(session, application, document)
    audit.record(session, actor=actor_id, action="visa.item_filed", entity="visa_case",
                 entity_id=case.id, data={"item": item.id, "document": document.id})
    return item


def approvals_needed(session: Session) -> int:
    """The visa panel is the active visa officers: two must approve (four eyes) when two
    or more are on staff, else the one officer."""
    return max(1, min(PANEL_APPROVALS, len(staff_with_role(session, "visa_officer"))))


def approve_dossier(*, session: Session, case_id: str, actor_id: str,
                    actor_role: str) -> VisaCase:
    """A visa-panel member approves the complete dossier; enough approvals make it ready."""
    case = get_case(session, case_id)
    if case.status != "documents":
        raise IllegalTransition(f"cannot move from {case.status} to ready")
    items = repo.items_of(session, [case.id])
    missing = [i.code for i in items if i.required and i.status not in DONE]
    if missing:
        raise Conflict("the checklist is not complete", code="checklist_incomplete",
                       fields={"items": ", ".join(missing)})
    warnings = open_warnings(session, case)
    if warnings:
        raise Conflict("A warning is still open: override it with a reason first.",
                       code="warning_open", fields={"warning": ", ".join(warnings)})
    approvers = set(repo.approvers_of(session, case.id))
    if actor_id in approvers:
        raise Conflict("you approved this dossier already; another member must",
                       code="already_approved")
    session.add(VisaApproval(case_id=case.id, user_id=actor_id))
    audit.record(session, actor=actor_id, action="visa.dossier_approved", entity="visa_case",
                 entity_id=case.id, data={"approvals": len(approvers) + 1})
    if len(approvers) + 1 >= approvals_needed(session):
        case.approved_by = actor_id
        _move(session, case, "ready", actor_id=actor_id, actor_role=actor_role)
    return case


def _move(session: Session, case: VisaCase, target: str, *, actor_id: str, actor_role: str,
          data: dict[str, Any] | None = None) -> None:
    transition(session, VISA_CASE, case, target, actor_role=actor_role, actor_id=actor_id,
               entity="visa_case", data={"application": case.application_id, **(data or {})})
    if case.member == 0 and target in APPLICATION_STATUS:
        application = lock(session, Application, case.application_id)
        assert application is not None
        transition(session, VISA, application, APPLICATION_STATUS[target],
                   actor_role=actor_role, actor_id=actor_id, data={"case": case.id})


def lodge(*, session: Session, case_id: str, data: LodgeIn, actor_id: str,
          actor_role: str) -> VisaCase:
    """Lodge with an embassy; after a refusal, only with another country's embassy."""
    case = get_case(session, case_id)
    if case.status == "refused":
        refused_at = {lg.embassy_country for lg in repo.lodgings_of(session, case.id)
                      if lg.outcome == "refused"}
        if data.embassy_country in refused_at:
            raise Conflict("lodge again elsewhere: this embassy refused already",
                           code="refused_here", fields={"embassy_country": "refused here"})
    _move(session, case, "lodged", actor_id=actor_id, actor_role=actor_role,
          data={"attempt": case.attempts + 1})  # no place names in the audit
    case.embassy_country, case.lodged_on, case.attempts = (data.embassy_country, data.lodged_on,
                                                           case.attempts + 1)
    case.appointment_at = case.appointment_country = case.refusal_reason = None
    session.add(VisaLodging(case_id=case.id, embassy_country=data.embassy_country,
                            lodged_on=data.lodged_on))
    return case


def set_appointment(*, session: Session, case_id: str, data: AppointmentIn, actor_id: str,
                    actor_role: str) -> VisaCase:
    """Book (or move) the in-person appointment, possibly in another country."""
    case = get_case(session, case_id)
    if case.status == "lodged":
        _move(session, case, "appointment", actor_id=actor_id, actor_role=actor_role)
    elif case.status == "appointment":
        audit.record(session, actor=actor_id, action="visa.appointment_moved",
                     entity="visa_case", entity_id=case.id, data={})
    else:
        raise Conflict("an appointment follows lodging")
    case.appointment_at, case.appointment_country = data.at, data.country
    session.add(case)
    return case


def decide(*, session: Session, case_id: str, data: DecisionIn, actor_id: str,
           actor_role: str) -> VisaCase:
    """The embassy's decision: granted with its validity, or refused with a reason code."""
    case = get_case(session, case_id)
    _move(session, case, data.outcome, actor_id=actor_id, actor_role=actor_role,
          data={"reason": data.reason} if data.outcome == "refused" else {})
    if data.outcome == "granted":
        case.valid_from, case.valid_until = data.valid_from, data.valid_until
    else:
        case.refusal_reason = data.reason
    lodging = repo.open_lodging(session, case.id)
    if lodging is not None:
        lodging.outcome, lodging.refusal_reason = data.outcome, case.refusal_reason
        session.add(lodging)
    session.add(case)
    return case


def travel(*, session: Session, case_id: str, data: TravelIn, actor_id: str,
           actor_role: str) -> VisaCase:
    """The traveller left; the defender's departure starts the follow-up check-ins."""
    case = get_case(session, case_id)
    if case.status == "granted" and not (case.valid_from <= data.travel_date  # type: ignore[operator]
                                         <= case.valid_until):  # type: ignore[operator]
        raise Invalid("the travel date is outside the visa's validity",
                      fields={"travel_date": "within the validity dates"})
    _move(session, case, "travelled", actor_id=actor_id, actor_role=actor_role)
    case.travel_date = data.travel_date
    session.add(case)
    if case.member == 0:
        application = lock(session, Application, case.application_id)
        assert application is not None
        schedule_follow_ups(session, application)
        transition(session, VISA, application, "follow_up", actor_role="system",
                   data={"case": case.id})
    return case
