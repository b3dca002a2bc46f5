"""What coordinators and the applicant see: free beds per night, the desk, next steps."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from models.applications.repository import followups_of
from models.applications.tables import Application
from models.core.base import as_utc, utcnow
from models.shelter import repository as repo
from models.shelter.service import private_fields
from models.shelter.tables import Shelter

EXPIRING_WITHIN = timedelta(hours=6)


def free_by_night(session: Session, houses: list[Shelter], start: date,
                  nights: int) -> dict[str, list[dict[str, Any]]]:
    """Per house, each night of the window: capacity, used, free, closed."""
    end = start + timedelta(days=nights)
    rows = {(r.shelter_id, r.night): r for r in
            repo.night_rows(session, shelter_ids=[h.id for h in houses], start=start, end=end)}
    out: dict[str, list[dict[str, Any]]] = {}
    for house in houses:
        days = []
        for night in repo.nights_between(start, end):
            row = rows.get((house.id, night))
            capacity, used = (row.capacity, row.used) if row else (house.beds, 0)
            days.append({"night": night.isoformat(), "capacity": capacity, "used": used,
                         "free": capacity - used, "closed": bool(row and row.closed)})
        out[house.id] = days
    return out


def shelter_view(shelter: Shelter, *, private: bool,
                 free: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    view = {"id": shelter.id, "name": shelter.name, "country": shelter.country,
            "region": shelter.region, "beds": shelter.beds, "features": shelter.features,
            "languages": shelter.languages, "max_nights": shelter.max_nights}
    if private:
        view.update(private_fields(shelter))
    if free is not None:
        view["free"] = free
    return view


def desk(session: Session, *, today: date | None = None,
         now: datetime | None = None) -> dict[str, Any]:
    """The coordinator's desk: cases to match (critical first), holds about to expire,
    arrivals and departures of the coming week."""
    today = today or utcnow().date()
    now = now or utcnow()
    week = today + timedelta(days=7)
    return {"queue": repo.matching_queue(session),
            "expiring": repo.holds_expiring(session, before=now + EXPIRING_WITHIN),
            "arrivals": repo.arrivals(session, start=today - timedelta(days=1), end=week),
            "departures": repo.departures(session, start=today - timedelta(days=1), end=week),
            "current": repo.current_placements(session)}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return as_utc(value).isoformat() if isinstance(value, datetime) else value.isoformat()


def next_steps(session: Session, application: Application) -> list[dict[str, Any]]:
    """For the applicant's status page. Never the house's name or address: the coordinator
    gives those in person once the place is confirmed."""
    status = application.status
    if status == "matching":
        return [{"code": "shelter_matching",
                 "text": "We are looking for a safe place that fits your needs."}]
    placements = repo.placements_of(session, application.id)
    current = placements[-1] if placements else None
    if status in ("held", "confirmed"):
        hold = repo.active_hold_of(session, application.id)
        start = current.from_date if current else (hold.from_date if hold else None)
        return [{"code": "shelter_found", "due": _iso(start),
                 "text": "A place has been found. A coordinator will contact you with the "
                         "details."}]
    if status == "checked_in" and current:
        return [{"code": "shelter_stay", "due": _iso(current.to_date),
                 "text": "You are staying in a safe house. Tell your coordinator if you "
                         "need more time."}]
    if status == "follow_up":
        pending = [f for f in followups_of(session, application.id)
                   if f.kind == "checkin" and f.status != "done"]
        if pending:
            return [{"code": "follow_up_checkin", "due": _iso(pending[0].due_at),
                     "text": "We will check in with you after your stay."}]
    return []
