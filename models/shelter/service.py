"""The rules of the shelter area: houses, matching, holds, placements, stays.

Beds change only through the guarded UPDATEs of repository.py inside a savepoint, so a
refused booking leaves every night as it was. Statuses change only through `transition`.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.applications import sealed
from models.applications.tables import Applicant, Application
from models.applications.workflow import SHELTER
from models.core import audit
from models.core.base import as_utc, utcnow
from models.core.crypto import aad_for, decrypt, encrypt
from models.core.db import lock
from models.core.dates import stay_end
from models.core.errors import Conflict, Invalid, NotFound
from models.core.workflow import transition
from models.programmes.tables import Programme
from models.shelter import repository as repo
from models.shelter.matching import (House, Match, Need, hard_refusals, rank,
                                    suggested_features)
from models.shelter.schemas import ClosedNightsIn, HoldIn, ShelterIn
from models.shelter.tables import Shelter, ShelterHold

DEFAULT_HOLD_HOURS = 24


def create_shelter(*, session: Session, data: ShelterIn, actor_id: str) -> Shelter:
    shelter = Shelter(country=data.country, beds=data.beds, features=data.features,
                      languages=data.languages, max_nights=data.max_nights)
    shelter.seal_place(name=data.name, region=data.region)
    shelter.address_enc = encrypt(data.address, aad_for("shelter", shelter.id, "address"))
    shelter.contact_enc = encrypt(data.contact, aad_for("shelter", shelter.id, "contact"))
    session.add(shelter)
    audit.record(session, actor=actor_id, action="shelter.created", entity="shelter",
                 entity_id=shelter.id, data={"beds": data.beds})
    return shelter


def private_fields(shelter: Shelter) -> dict[str, str | None]:
    """Address and contact: for shelter coordinators only (the caller checks the role)."""
    return {"address": decrypt(shelter.address_enc, aad_for("shelter", shelter.id, "address")),
            "contact": decrypt(shelter.contact_enc, aad_for("shelter", shelter.id, "contact"))}


def get_shelter(session: Session, shelter_id: str) -> Shelter:
    shelter = session.get(Shelter, shelter_id)
    if shelter is None or not shelter.active:
        raise NotFound("unknown shelter")
    return shelter


def set_closed_nights(*, session: Session, shelter_id: str, data: ClosedNightsIn,
                      actor_id: str) -> None:
    """Close (or reopen) nights; a night with beds taken cannot be closed (CHECK)."""
    shelter = get_shelter(session, shelter_id)
    try:
        with session.begin_nested():
            repo.set_closed(session, shelter=shelter, start=data.from_date, end=data.to_date,
                            closed=data.closed)
    except IntegrityError as exc:
        raise Conflict("some of these nights have beds taken") from exc
    audit.record(session, actor=actor_id, action="shelter.nights_closed" if data.closed
                 else "shelter.nights_reopened", entity="shelter", entity_id=shelter.id,
                 data={"from": data.from_date.isoformat(), "to": data.to_date.isoformat()})


def house_of(shelter: Shelter) -> House:
    return House(id=shelter.id, name=shelter.name, country=shelter.country,
                 region=shelter.region, beds=shelter.beds, max_nights=shelter.max_nights,
                 features=frozenset(shelter.features), languages=frozenset(shelter.languages))


def need_of(session: Session, application: Application) -> Need:
    """What the case asks for, read from its sealed details (never logged)."""
    applicant = session.get(Applicant, application.applicant_id)
    dek = sealed.data_key(applicant) if applicant else None
    details: dict[str, Any] = sealed.open_details(application, dek)
    request = details.get("request", details)
    if not request or "from_date" not in request:
        raise Conflict("the shelter request is not readable")
    features = set(request.get("features") or [])
    if request.get("children"):
        features.add("children")
    return Need(people=int(request.get("people", 1)), children=int(request.get("children", 0)),
                from_date=date.fromisoformat(str(request["from_date"])),
                nights=int(request["nights"]), features=frozenset(features),
                avoid_region=request.get("avoid_region"), language=application.language,
                country=applicant.country if applicant else None,
                wanted=suggested_features(request.get("needs")) - features)


def matches(*, session: Session, application: Application,
            include_refused: bool = False) -> list[Match]:
    if application.kind != "shelter" or application.status != "matching":
        raise Conflict("matching starts once the case is in matching", code="not_matching")
    need = need_of(session, application)
    houses = repo.shelters(session)
    stay_end(need.from_date, need.nights)  # an old row's date out of range: a clear 409
    free = repo.min_free(session, houses, need.from_date, need.nights)
    return rank([house_of(h) for h in houses], need, free, include_refused=include_refused)


def _hold_hours(session: Session, application: Application) -> int:
    programme = session.get(Programme, application.programme_id)
    return programme.hold_hours if programme and programme.hold_hours else DEFAULT_HOLD_HOURS


def place_hold(*, session: Session, application_id: str, data: HoldIn, actor_id: str,
               actor_role: str) -> ShelterHold:
    """Hold beds on every night of the stay, or refuse (409) changing nothing."""
    application = lock(session, Application, application_id)
    if application is None or application.kind != "shelter":
        raise NotFound("unknown shelter application")
    if application.status != "matching":
        raise Conflict("beds can be held only for a case in matching", code="not_matching")
    shelter = get_shelter(session, data.shelter_id)
    need = need_of(session, application)
    if data.beds < need.people:
        raise Invalid("hold a bed for every person", fields={"beds": f"at least {need.people}"})
    stay = Need(people=data.beds, from_date=data.from_date, nights=data.nights,
                children=need.children, features=need.features, avoid_region=need.avoid_region)
    # Every constraint but the beds (the database checks those, night by night, below).
    refusals = hard_refusals(house_of(shelter), stay, min_free=data.beds)
    if refusals:
        raise Conflict("this house does not meet the case's needs", code="unsuitable",
                       fields={"shelter_id": "; ".join(refusals)})
    take_beds_or_refuse(session, shelter, data.from_date, data.nights, data.beds)
    hold = ShelterHold(application_id=application.id, shelter_id=shelter.id,
                       from_date=data.from_date, nights=data.nights, beds=data.beds,
                       expires_at=utcnow() + timedelta(hours=_hold_hours(session, application)),
                       created_by=actor_id)
    session.add(hold)
    transition(session, SHELTER, application, "held", actor_role=actor_role, actor_id=actor_id,
               data={"hold": hold.id, "shelter": shelter.id, "beds": data.beds})
    return hold


def take_beds_or_refuse(session: Session, shelter: Shelter, start: date, nights: int,
                        beds: int) -> None:
    end = start + timedelta(days=nights)
    try:
        with session.begin_nested():
            repo.ensure_nights(session, shelter, start, end)
            taken = repo.take_beds(session, shelter_id=shelter.id, start=start, end=end,
                                   beds=beds)
            if taken != nights:
                raise Conflict("some night lacks the beds", code="no_beds")
    except IntegrityError as exc:  # the CHECK constraint: never more used than capacity
        raise Conflict("some night lacks the beds", code="no_beds") from exc


def free_beds(session: Session, shelter_id: str, start: date, end: date, beds: int) -> None:
    if end > start:
        repo.give_back_beds(session, shelter_id=shelter_id, start=start, end=end, beds=beds)


def release_hold(*, session: Session, hold_id: str, actor_id: str, actor_role: str,
                 expired: bool = False) -> ShelterHold:
    """Give the beds back and return the case to matching (expiry or a coordinator)."""
    hold = repo.hold_for_update(session, hold_id)
    if hold is None:
        raise NotFound("unknown hold")
    if hold.status != "held":
        raise Conflict("this hold is no longer held")
    application = lock(session, Application, hold.application_id)
    start = hold.from_date
    free_beds(session, hold.shelter_id, start, start + timedelta(days=hold.nights), hold.beds)
    hold.status, hold.ended_at = ("expired" if expired else "released"), utcnow()
    session.add(hold)
    if application is not None and application.status == "held":
        transition(session, SHELTER, application, "matching", actor_role=actor_role,
                   actor_id=actor_id, data={"hold": hold.id, "reason": hold.status})
    return hold


def expire_holds(*, session: Session, now: Any = None) -> int:
    """The sweeper step: every hold past its time frees its beds."""
    ids = repo.expired_hold_ids(session, now or utcnow())
    for hold_id in ids:
        release_hold(session=session, hold_id=hold_id, actor_id="system", actor_role="system",
                     expired=True)
    return len(ids)


def hold_is_live(hold: ShelterHold) -> bool:
    return hold.status == "held" and as_utc(hold.expires_at) > utcnow()  # type: ignore[operator]
