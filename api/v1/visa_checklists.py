"""Visa checklists per destination, as data the admin edits (issue 14, point 3).

`GET /visa-checklists` every destination with its current version (0: the list in code),
`GET /visa-checklists/{country}` one with its versions, `PUT /visa-checklists/{country}` a new
version (the whole list and a reason). Admin only. New cases follow the newest version; open
cases keep the list they were opened with.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api.auth import require_roles
from api.deps import SessionDep
from models.people.tables import StaffUser
from models.visas import checklist_data
from models.visas.checklist_data import ChecklistIn

router = APIRouter(tags=["visas"])
Admin = Annotated[StaffUser, Depends(require_roles("admin"))]


@router.get("/visa-checklists", summary="Every destination with its current checklist version")
def list_checklists(session: SessionDep, user: Admin) -> dict:
    return {"items": checklist_data.destinations(session)}


@router.get("/visa-checklists/{country}", summary="One destination's checklist and versions")
def one_checklist(country: str, session: SessionDep, user: Admin) -> dict:
    return checklist_data.checklist_json(session, country[:16])


@router.put("/visa-checklists/{country}", summary="Save a new version of a checklist")
def put_checklist(country: str, body: ChecklistIn, session: SessionDep, user: Admin) -> dict:
    row = checklist_data.save_version(
        session, country=country[:16], items=[i.model_dump() for i in body.items],
        reason=body.reason, actor_id=user.id)
    session.commit()
    return checklist_data.checklist_json(session, row.country)
