"""Routes of the visa area: the panel's review, checklists per item, lodging, appointment,
decision, travel; and relocations. Additions to CONTRACT.md are listed in the OpenAPI schema.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import require_roles
from api.deps import SessionDep
from api.posted import CappedUpload
from api.upload import file_bytes
from api.v1.relocation import router as relocation_router
from models.applications.tables import Application
from models.core.errors import Invalid, NotFound
from models.people.tables import StaffUser
from models.visas import repository as repo
from models.visas import service
from models.visas.schemas import (AppointmentIn, DecisionIn, ItemStateIn, LodgeIn, ReviewIn,
                                  TravelIn)
from models.visas.views import case_view

router = APIRouter(tags=["visas"])
router.include_router(relocation_router)
Officer = Annotated[StaffUser, Depends(require_roles("visa_officer", "admin"))]


def _case(session: SessionDep, case_id: str, user: StaffUser) -> dict:
    return case_view(session, service.get_case(session, case_id, for_update=False),
                     role=user.role)


@router.post("/applications/{application_id}/visa-review",
             summary="The visa panel's decision on a case in review")
def visa_review(application_id: str, body: ReviewIn, session: SessionDep,
                user: Officer) -> dict:
    """`approve` opens a checklist case for the defender and each family member
    (application → `documents`); `reject` ends it. 409 unless the case is `in_review`."""
    cases = service.review(session=session, application_id=application_id,
                           decision=body.decision, actor_id=user.id, actor_role=user.role)
    session.commit()
    return {"cases": [c.id for c in cases]}


@router.get("/applications/{application_id}/visa-cases", summary="The visa cases of a case")
def visa_cases_of(application_id: str, session: SessionDep, user: Officer) -> dict:
    if session.get(Application, application_id) is None:
        raise NotFound("unknown application")
    return {"items": [case_view(session, c, role=user.role)
                      for c in repo.cases_of(session, application_id)]}


@router.get("/visa-cases/{case_id}", summary="A visa case with its checklist")
def visa_case(case_id: str, session: SessionDep, user: Officer) -> dict:
    """The checklist of the destination, each item's state (`missing`, `received`,
    `accepted`, `rejected`, `waived`), progress, lodgings and the moves allowed now."""
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/items/{item_id}", summary="Record a checklist item's state")
def visa_item(case_id: str, item_id: str, body: ItemStateIn, session: SessionDep,
              user: Officer) -> dict:
    service.set_item(session=session, case_id=case_id, item_id=item_id, data=body,
                     actor_id=user.id)
    session.commit()
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/items/{item_id}/document",
             summary="Upload a checklist document on the applicant's behalf")
def visa_item_document(case_id: str, item_id: str, body: CappedUpload, session: SessionDep,
                       user: Officer) -> dict:
    """Multipart field `file` (PDF, JPEG or PNG, 10 MB at most): the item becomes `received`."""
    content = file_bytes(body.form())
    if content is None:
        raise Invalid("choose a file", fields={"file": "required"})
    service.file_for_item(session=session, case_id=case_id, item_id=item_id, content=content,
                          actor_id=user.id)
    session.commit()
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/approve", summary="The visa panel approves the dossier")
def approve(case_id: str, session: SessionDep, user: Officer) -> dict:
    """409 `checklist_incomplete` naming the required items not yet accepted."""
    service.approve_dossier(session=session, case_id=case_id, actor_id=user.id,
                            actor_role=user.role)
    session.commit()
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/lodge", summary="Lodge with an embassy (again elsewhere)")
def lodge(case_id: str, body: LodgeIn, session: SessionDep, user: Officer) -> dict:
    service.lodge(session=session, case_id=case_id, data=body, actor_id=user.id,
                  actor_role=user.role)
    session.commit()
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/appointment", summary="Book or move the appointment")
def appointment(case_id: str, body: AppointmentIn, session: SessionDep, user: Officer) -> dict:
    service.set_appointment(session=session, case_id=case_id, data=body, actor_id=user.id,
                            actor_role=user.role)
    session.commit()
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/decision", summary="Granted (validity) or refused (reason)")
def decision(case_id: str, body: DecisionIn, session: SessionDep, user: Officer) -> dict:
    service.decide(session=session, case_id=case_id, data=body, actor_id=user.id,
                   actor_role=user.role)
    session.commit()
    return _case(session, case_id, user)


@router.post("/visa-cases/{case_id}/travel", summary="The traveller left")
def travel(case_id: str, body: TravelIn, session: SessionDep, user: Officer) -> dict:
    """The defender's travel moves the case to `follow_up` with check-ins scheduled."""
    service.travel(session=session, case_id=case_id, data=body, actor_id=user.id,
                   actor_role=user.role)
    session.commit()
    return _case(session, case_id, user)
