"""Placements: confirm a hold, check in, extend, check out (then follow-up check-ins)."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from models.applications.tables import Application
from models.applications.workflow import SHELTER
from models.core import audit
from models.core.base import utcnow
from models.core.db import lock
from models.core.errors import Conflict, Invalid, NotFound
from models.core.workflow import transition
from models.relocation.followups import schedule_follow_ups
from models.shelter import repository as repo
from models.shelter.service import free_beds, take_beds_or_refuse, get_shelter, hold_is_live
from models.shelter.tables import Placement


def _application(session: Session, application_id: str) -> Application:
    application = lock(session, Application, application_id)
    if application is None:
        raise NotFound("unknown application")
    return application


def _placement(session: Session, placement_id: str, *, status: str) -> Placement:
    placement = repo.placement_for_update(session, placement_id)
    if placement is None:
        raise NotFound("unknown placement")
    if placement.status != status:
        raise Conflict(f"the placement is {placement.status}, not {status}")
    return placement


def confirm_hold(*, session: Session, hold_id: str, actor_id: str, actor_role: str) -> Placement:
    """Hold -> placement; the beds stay taken. Confirming twice answers the same placement."""
    hold = repo.hold_for_update(session, hold_id)
    if hold is None:
        raise NotFound("unknown hold")
    if hold.status == "confirmed":
        existing = repo.placement_of_hold(session, hold.id)
        if existing is not None:
            return existing
    if not hold_is_live(hold):
        raise Conflict("this hold has expired or was released", code="hold_expired")
    application = _application(session, hold.application_id)
    placement = Placement(hold_id=hold.id, application_id=hold.application_id,
                          shelter_id=hold.shelter_id, from_date=hold.from_date,
                          to_date=hold.from_date + timedelta(days=hold.nights), beds=hold.beds)
    hold.status, hold.ended_at = "confirmed", utcnow()
    session.add(hold)
    session.add(placement)
    transition(session, SHELTER, application, "confirmed", actor_role=actor_role,
               actor_id=actor_id, data={"hold": hold.id, "placement": placement.id})
    return placement


def check_in(*, session: Session, placement_id: str, actor_id: str, actor_role: str) -> Placement:
    placement = _placement(session, placement_id, status="confirmed")
    application = _application(session, placement.application_id)
    placement.status, placement.checked_in_at = "checked_in", utcnow()
    session.add(placement)
    transition(session, SHELTER, application, "checked_in", actor_role=actor_role,
               actor_id=actor_id, data={"placement": placement.id})
    return placement


def extend(*, session: Session, placement_id: str, nights: int, actor_id: str) -> Placement:
    """More nights at the same house: beds on each new night, within the house's maximum."""
    placement = _placement(session, placement_id, status="checked_in")
    shelter = get_shelter(session, placement.shelter_id)
    total = (placement.to_date - placement.from_date).days + nights
    if total > shelter.max_nights:
        raise Conflict(f"a stay here may not exceed {shelter.max_nights} nights",
                       code="max_stay")
    take_beds_or_refuse(session, shelter, placement.to_date, nights, placement.beds)
    placement.to_date += timedelta(days=nights)
    placement.extended_nights += nights
    session.add(placement)
    audit.record(session, actor=actor_id, action="shelter.extended", entity="placement",
                 entity_id=placement.id, data={"nights": nights})
    return placement


def check_out(*, session: Session, placement_id: str, actor_id: str, actor_role: str,
              on_date: date | None = None) -> Placement:
    """Leave; nights after the departure morning are freed; follow-up check-ins scheduled."""
    placement = _placement(session, placement_id, status="checked_in")
    day = on_date or utcnow().date()
    if day < placement.from_date or day > placement.to_date:
        raise Invalid("the departure date is outside the stay",
                      fields={"on_date": "between arrival and the planned departure"})
    free_beds(session, placement.shelter_id, day, placement.to_date, placement.beds)
    placement.status, placement.checked_out_at, placement.to_date = "checked_out", utcnow(), day
    session.add(placement)
    application = _application(session, placement.application_id)
    transition(session, SHELTER, application, "checked_out", actor_role=actor_role,
               actor_id=actor_id, data={"placement": placement.id})
    schedule_follow_ups(session, application)
    transition(session, SHELTER, application, "follow_up", actor_role="system",
               data={"placement": placement.id})
    return placement
