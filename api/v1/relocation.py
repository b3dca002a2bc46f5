"""Relocation routes (included by api/v1/visas.py): link a visa, a placement and a travel grant
of one defender, and follow their one timeline."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from api.auth import require_roles
from api.deps import SessionDep
from models.people.tables import StaffUser
from models.relocation.service import create_relocation, get_relocation
from models.relocation.views import relocation_view

router = APIRouter(tags=["relocation"])
Staff = Annotated[StaffUser, Depends(require_roles(
    "visa_officer", "shelter_coordinator", "caseworker", "admin"))]
AppId = Annotated[str, Field(min_length=1, max_length=32)]


class RelocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visa_application_id: AppId | None = None
    shelter_application_id: AppId | None = None
    grant_application_id: AppId | None = None


@router.post("/relocations", status_code=201, summary="Link the cases of one relocation")
def new_relocation(body: RelocationIn, session: SessionDep, user: Staff) -> dict:
    """Two or more applications (visa, shelter, travel grant) of the same defender."""
    relocation = create_relocation(session=session, actor_id=user.id, application_ids={
        "visa": body.visa_application_id, "shelter": body.shelter_application_id,
        "grant": body.grant_application_id})
    session.commit()
    return {"id": relocation.id}


@router.get("/relocations/{relocation_id}", summary="A relocation and its one timeline")
def one_relocation(relocation_id: str, session: SessionDep, user: Staff) -> dict:
    return relocation_view(session, get_relocation(session, relocation_id))
