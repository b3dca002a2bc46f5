"""Every query of the shelter area: houses, nights (the capacity ledger), holds, placements."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from models.applications.tables import Application
from models.core.db import is_postgres
from models.shelter.tables import Placement, Shelter, ShelterHold, ShelterNight


def shelters(session: Session, *, active_only: bool = True) -> list[Shelter]:
    stmt = select(Shelter)
    if active_only:
        stmt = stmt.where(Shelter.active == True)  # noqa: E712
    # names are sealed: sorted once opened (a fund has tens of houses, not thousands)
    return sorted(session.exec(stmt).all(), key=lambda h: (h.country, h.name.casefold()))


def nights_between(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def ensure_nights(session: Session, shelter: Shelter, start: date, end: date) -> None:
    """Create the missing night rows of [start, end) at full capacity; existing rows stay."""
    rows = [{"shelter_id": shelter.id, "night": n, "capacity": shelter.beds, "used": 0,
             "closed": False} for n in nights_between(start, end)]
    if not rows:
        return
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = insert(ShelterNight).values(rows).on_conflict_do_nothing(
        index_elements=["shelter_id", "night"])
    session.execute(stmt)


def take_beds(session: Session, *, shelter_id: str, start: date, end: date, beds: int) -> int:
    """The guarded UPDATE: only nights with room take the beds. Returns how many did.

    Under concurrency PostgreSQL re-checks the WHERE on the row's newest version once the
    other writer commits; SQLite writers are serialised. The CHECK constraint backs it up.
    """
    stmt = (update(ShelterNight)
            .where(ShelterNight.shelter_id == shelter_id, col(ShelterNight.night) >= start,
                   col(ShelterNight.night) < end,
                   ShelterNight.used + beds <= ShelterNight.capacity)
            .values(used=ShelterNight.used + beds))
    return session.execute(stmt).rowcount  # type: ignore[attr-defined]


def give_back_beds(session: Session, *, shelter_id: str, start: date, end: date,
                   beds: int) -> int:
    stmt = (update(ShelterNight)
            .where(ShelterNight.shelter_id == shelter_id, col(ShelterNight.night) >= start,
                   col(ShelterNight.night) < end)
            .values(used=ShelterNight.used - beds))
    return session.execute(stmt).rowcount  # type: ignore[attr-defined]


def set_closed(session: Session, *, shelter: Shelter, start: date, end: date,
               closed: bool) -> None:
    ensure_nights(session, shelter, start, end)
    stmt = (update(ShelterNight)
            .where(ShelterNight.shelter_id == shelter.id, col(ShelterNight.night) >= start,
                   col(ShelterNight.night) < end)
            .values(closed=closed, capacity=0 if closed else shelter.beds))
    session.execute(stmt)


def min_free(session: Session, shelter_list: Iterable[Shelter], start: date,
             nights: int) -> dict[str, int]:
    """The fewest free beds on any night of the window, per house, in one aggregate query.

    Nights without a row are wholly free (rows are created when beds are first taken).
    """
    houses = {s.id: s for s in shelter_list}
    if not houses:
        return {}
    end = start + timedelta(days=nights)
    stmt = (select(ShelterNight.shelter_id, func.min(ShelterNight.capacity - ShelterNight.used),
                   func.count())
            .where(col(ShelterNight.shelter_id).in_(list(houses)),
                   col(ShelterNight.night) >= start, col(ShelterNight.night) < end)
            .group_by(ShelterNight.shelter_id))
    out = {sid: house.beds for sid, house in houses.items()}
    for sid, fewest, count in session.exec(stmt).all():  # type: ignore[call-overload]
        out[sid] = fewest if count == nights else min(fewest, houses[sid].beds)
    return out


def night_rows(session: Session, *, shelter_ids: list[str], start: date,
               end: date) -> list[ShelterNight]:
    return list(session.exec(select(ShelterNight).where(
        col(ShelterNight.shelter_id).in_(shelter_ids), col(ShelterNight.night) >= start,
        col(ShelterNight.night) < end)).all())


def hold_for_update(session: Session, hold_id: str) -> ShelterHold | None:
    return session.exec(select(ShelterHold).where(ShelterHold.id == hold_id)
                        .with_for_update()).first()


def placement_for_update(session: Session, placement_id: str) -> Placement | None:
    return session.exec(select(Placement).where(Placement.id == placement_id)
                        .with_for_update()).first()


def placement_of_hold(session: Session, hold_id: str) -> Placement | None:
    return session.exec(select(Placement).where(Placement.hold_id == hold_id)).first()


def expired_hold_ids(session: Session, now: datetime, limit: int = 500) -> list[str]:
    return list(session.exec(select(ShelterHold.id).where(
        ShelterHold.status == "held", col(ShelterHold.expires_at) <= now)
        .order_by(col(ShelterHold.expires_at)).limit(limit)).all())


def holds_expiring(session: Session, *, before: datetime) -> list[ShelterHold]:
    return list(session.exec(select(ShelterHold).where(
        ShelterHold.status == "held", col(ShelterHold.expires_at) <= before)
        .order_by(col(ShelterHold.expires_at))).all())


def active_hold_of(session: Session, application_id: str) -> ShelterHold | None:
    return session.exec(select(ShelterHold).where(
        ShelterHold.application_id == application_id,
        col(ShelterHold.status).in_(["held", "confirmed"]))
        .order_by(col(ShelterHold.created_at).desc())).first()


def placements_of(session: Session, application_id: str) -> list[Placement]:
    return list(session.exec(select(Placement).where(Placement.application_id == application_id)
                             .order_by(col(Placement.created_at))).all())


def arrivals(session: Session, *, start: date, end: date) -> list[Placement]:
    return list(session.exec(select(Placement).where(
        Placement.status == "confirmed", col(Placement.from_date) >= start,
        col(Placement.from_date) < end).order_by(col(Placement.from_date))).all())


def departures(session: Session, *, start: date, end: date) -> list[Placement]:
    return list(session.exec(select(Placement).where(
        Placement.status == "checked_in", col(Placement.to_date) >= start,
        col(Placement.to_date) < end).order_by(col(Placement.to_date))).all())


def current_placements(session: Session) -> list[Placement]:
    return list(session.exec(select(Placement).where(
        col(Placement.status).in_(["confirmed", "checked_in"]))
        .order_by(col(Placement.from_date))).all())


def matching_queue(session: Session, limit: int = 200) -> list[Application]:
    """Shelter cases waiting for a house: critical first, then the oldest."""
    return list(session.exec(select(Application).where(
        Application.kind == "shelter", Application.status == "matching")
        .order_by(col(Application.priority), col(Application.submitted_at)).limit(limit)).all())
