"""What staff and the applicant see of visa cases: the checklist and its progress, next steps."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from models.applications.tables import Application
from models.core.base import as_utc, utcnow
from models.visas import repository as repo
from models.visas.checklist_data import of_case
from models.visas.checklists import ITEMS
from models.visas.service import approvals_needed
from models.visas.tables import VisaCase, VisaItem
from models.visas.warnings import overridden, warnings_of
from models.visas.workflow import VISA_CASE

DONE = ("accepted", "waived")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def item_view(item: VisaItem, texts: dict[str, str] | None = None) -> dict[str, Any]:
    spec = ITEMS.get(item.code)  # texts: the labels of the case's own checklist version
    text = (texts or {}).get(item.code) or (spec.text if spec else item.code)
    return {"id": item.id, "code": item.code, "text": text,
            "required": item.required, "status": item.status, "problem": item.problem,
            "document_id": item.document_id}


def progress(items: list[VisaItem]) -> dict[str, int]:
    required = [i for i in items if i.required]
    return {"done": sum(i.status in DONE for i in required), "required": len(required),
            "received": sum(i.status == "received" for i in items)}


def case_view(session: Session, case: VisaCase, *, role: str | None = None) -> dict[str, Any]:
    checklist = of_case(session, case.checklist_code, case.destination_country)
    order = {spec.code: i for i, spec in enumerate(checklist.specs)}
    texts = {spec.code: spec.text for spec in checklist.specs}
    items = sorted(repo.items_of(session, [case.id]), key=lambda i: order.get(i.code, 99))
    done = overridden(session, case.id)
    return {
        "id": case.id, "application_id": case.application_id, "member": case.member,
        "destination_country": case.destination_country, "checklist": checklist.code,
        "checklist_version": checklist.number,  # 0: the list in code
        "in_person": checklist.in_person, "status": case.status,
        "documents_due": _iso(case.documents_due), "embassy_country": case.embassy_country,
        "lodged_on": _iso(case.lodged_on), "attempts": case.attempts,
        "appointment_at": _iso(case.appointment_at),
        "appointment_country": case.appointment_country,
        "valid_from": _iso(case.valid_from), "valid_until": _iso(case.valid_until),
        "refusal_reason": case.refusal_reason, "travel_date": _iso(case.travel_date),
        "items": [item_view(i, texts) for i in items], "progress": progress(items),
        "lodgings": [{"embassy_country": lg.embassy_country, "lodged_on": _iso(lg.lodged_on),
                      "outcome": lg.outcome, "refusal_reason": lg.refusal_reason}
                     for lg in repo.lodgings_of(session, case.id)],
        "moves": VISA_CASE.targets(case.status, role),
        "approvals": len(repo.approvers_of(session, case.id)),
        "approvals_needed": approvals_needed(session),
        "travel_planned": _iso(case.travel_planned),
        "warnings": [{"code": w, "overridden_with": done.get(w)}
                     for w in warnings_of(session, case)],
    }


def next_steps(session: Session, application: Application) -> list[dict[str, Any]]:
    """For the applicant's status page: which document is missing, with an upload."""
    steps: list[dict[str, Any]] = []
    cases = repo.cases_of(session, application.id)
    items = repo.items_of(session, [c.id for c in cases])
    by_case: dict[str, list[VisaItem]] = {}
    for item in items:
        by_case.setdefault(item.case_id, []).append(item)
    for case in cases:
        if case.status == "documents":
            specs = of_case(session, case.checklist_code, case.destination_country).specs
            texts = {s.code: s.text for s in specs}
            no_file = {s.code for s in specs if not s.file}  # nothing for her to upload
            views = [item_view(i, texts) for i in by_case.get(case.id, [])]
            for item in views:
                if item["status"] in ("missing", "rejected") and item["code"] not in no_file:
                    steps.append({"code": "upload_visa_item", "text": item["text"],
                                  "ref_id": item["id"], "purpose": "visa_item",
                                  "member": case.member, "problem": item["problem"],
                                  "due": _iso(case.documents_due)})
        elif case.status == "appointment" and case.member == 0:
            steps.append({"code": "attend_appointment", "text": "Attend your visa appointment.",
                          "due": _iso(case.appointment_at),
                          "country": case.appointment_country})
        elif case.status == "granted" and case.member == 0:
            steps.append({"code": "visa_granted", "text": "Your visa was granted. We will "
                          "contact you to plan the journey.", "due": _iso(case.valid_until)})
    return steps


def officer_week(session: Session, *, now: datetime | None = None) -> dict[str, list[VisaCase]]:
    """Appointments and document deadlines of the coming week (overdue ones included)."""
    now = now or utcnow()
    return {"appointments": repo.appointments_between(session, now - timedelta(hours=12),
                                                      now + timedelta(days=7)),
            "deadlines": repo.documents_due_before(session, (now + timedelta(days=7)).date())}
