"""Routes of the shelter area: houses, matching, bed holds, placements and stays.

Addresses and contacts of houses are decrypted for shelter coordinators only. Beds are
held under the database's capacity guard: a night short of beds answers 409 and changes
nothing. Additions to CONTRACT.md: check-in, extension, check-out, release,
closed nights, one house with its calendar.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import require_roles
from api.deps import SessionDep
from models.applications.tables import Application
from models.core.base import as_utc
from models.core.errors import NotFound
from models.people.tables import StaffUser
from models.shelter import repository as repo
from models.shelter import stays
from models.shelter.schemas import CheckOutIn, ClosedNightsIn, ExtendIn, HoldIn, ShelterIn
from models.shelter.service import (create_shelter, get_shelter, matches, place_hold,
                                    release_hold, set_closed_nights)
from models.shelter.tables import Placement, ShelterHold
from models.shelter.views import free_by_night, shelter_view

router = APIRouter(tags=["shelter"])
Coordinator = Annotated[StaffUser, Depends(require_roles("shelter_coordinator"))]


def hold_json(hold: ShelterHold) -> dict:
    return {"id": hold.id, "application_id": hold.application_id, "shelter_id": hold.shelter_id,
            "from_date": hold.from_date.isoformat(), "nights": hold.nights, "beds": hold.beds,
            "status": hold.status, "expires_at": as_utc(hold.expires_at).isoformat()}  # type: ignore[union-attr]


def placement_json(p: Placement) -> dict:
    return {"id": p.id, "hold_id": p.hold_id, "application_id": p.application_id,
            "shelter_id": p.shelter_id, "from_date": p.from_date.isoformat(),
            "to_date": p.to_date.isoformat(), "beds": p.beds, "status": p.status,
            "extended_nights": p.extended_nights}


@router.post("/shelters", status_code=201, summary="Add a safe house")
def add_shelter(body: ShelterIn, session: SessionDep, user: Coordinator) -> dict:
    shelter = create_shelter(session=session, data=body, actor_id=user.id)
    session.commit()
    return {"id": shelter.id}


@router.get("/shelters", summary="Safe houses with free beds per night")
def list_shelters(session: SessionDep, user: Coordinator,
                  start: Annotated[date | None, Query(alias="from")] = None,
                  nights: Annotated[int, Query(ge=1, le=366)] = 14) -> dict:
    """`from` (default today) and `nights` (default 14) choose the window of `free`."""
    houses = repo.shelters(session)
    free = free_by_night(session, houses, start or date.today(), nights)
    return {"items": [shelter_view(h, private=True, free=free[h.id]) for h in houses]}


@router.get("/shelters/{shelter_id}", summary="One safe house with its occupancy calendar")
def one_shelter(shelter_id: str, session: SessionDep, user: Coordinator,
                start: Annotated[date | None, Query(alias="from")] = None,
                nights: Annotated[int, Query(ge=1, le=366)] = 28) -> dict:
    house = get_shelter(session, shelter_id)
    free = free_by_night(session, [house], start or date.today(), nights)
    return shelter_view(house, private=True, free=free[house.id])


@router.post("/shelters/{shelter_id}/closed-nights", summary="Close or reopen nights")
def close_nights(shelter_id: str, body: ClosedNightsIn, session: SessionDep,
                 user: Coordinator) -> dict:
    """409 when a night to close has beds taken."""
    set_closed_nights(session=session, shelter_id=shelter_id, data=body, actor_id=user.id)
    session.commit()
    return {"ok": True}


@router.get("/applications/{application_id}/matches", summary="Houses ranked for a case")
def application_matches(application_id: str, session: SessionDep, user: Coordinator,
                        refused: bool = False) -> dict:
    """Only for a shelter case in `matching` (409 before). `refused=true` adds the houses
    that fail a hard constraint, each with why."""
    application = session.get(Application, application_id)
    if application is None:
        raise NotFound("unknown application")
    ranked = matches(session=session, application=application, include_refused=refused)
    return {"items": [{"shelter_id": m.shelter_id, "name": m.name, "score": m.score,
                       "min_free": m.min_free, "ok": m.ok, "reasons": m.reasons,
                       "refusals": m.refusals} for m in ranked]}


@router.post("/applications/{application_id}/holds", status_code=201, summary="Hold beds")
def hold_beds(application_id: str, body: HoldIn, session: SessionDep,
              user: Coordinator) -> dict:
    """409 when any night lacks the beds or the case is not in `matching`."""
    hold = place_hold(session=session, application_id=application_id, data=body,
                      actor_id=user.id, actor_role=user.role)
    session.commit()
    return hold_json(hold)


@router.post("/holds/{hold_id}/confirm", summary="Confirm a hold: it becomes a placement")
def confirm(hold_id: str, session: SessionDep, user: Coordinator) -> dict:
    placement = stays.confirm_hold(session=session, hold_id=hold_id, actor_id=user.id,
                                   actor_role=user.role)
    session.commit()
    return placement_json(placement)


@router.post("/holds/{hold_id}/release", summary="Release a hold: beds freed, case to matching")
def release(hold_id: str, session: SessionDep, user: Coordinator) -> dict:
    hold = release_hold(session=session, hold_id=hold_id, actor_id=user.id,
                        actor_role=user.role)
    session.commit()
    return hold_json(hold)


@router.post("/placements/{placement_id}/check-in", summary="The family arrived")
def check_in(placement_id: str, session: SessionDep, user: Coordinator) -> dict:
    placement = stays.check_in(session=session, placement_id=placement_id, actor_id=user.id,
                               actor_role=user.role)
    session.commit()
    return placement_json(placement)


@router.post("/placements/{placement_id}/extend", summary="Extend a stay")
def extend(placement_id: str, body: ExtendIn, session: SessionDep, user: Coordinator) -> dict:
    """409 when a new night lacks beds or the stay would exceed the house's maximum."""
    placement = stays.extend(session=session, placement_id=placement_id, nights=body.nights,
                             actor_id=user.id)
    session.commit()
    return placement_json(placement)


@router.post("/placements/{placement_id}/check-out", summary="The family left")
def check_out(placement_id: str, body: CheckOutIn, session: SessionDep,
              user: Coordinator) -> dict:
    """Nights from `on_date` (default today) are freed; follow-up check-ins are scheduled."""
    placement = stays.check_out(session=session, placement_id=placement_id, actor_id=user.id,
                                actor_role=user.role, on_date=body.on_date)
    session.commit()
    return placement_json(placement)
