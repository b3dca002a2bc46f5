"""Property tests (hypothesis) of matching and of holds against the database.

- a family is never proposed, held or placed where some night lacks beds;
- a stay never exceeds a house's maximum;
- a house in the threat's region is never proposed when the case forbids it.
"""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from models.core.db import session_scope
from models.core.errors import Conflict
from models.shelter import repository as repo
from models.shelter.matching import House, Need, min_free_plain, rank
from models.shelter.schemas import HoldIn
from models.shelter.service import house_of, place_hold
from models.shelter.tables import ShelterNight
from tests.shelter.factories import make_application, make_shelter

START = date(2027, 1, 1)
REGIONS = ["North", "South", "East", "West"]
FEATURES = ["children", "step_free", "lgbtiq_safe", "women_only"]


@st.composite
def house_and_nights(draw: st.DrawFn, index: int) -> tuple[House, list[int]]:
    beds = draw(st.integers(0, 12))
    used = draw(st.lists(st.integers(0, beds), min_size=30, max_size=30))
    house = House(id=f"h{index}", name=f"House {index}", country=draw(st.sampled_from(["MX", "GT"])),
                  region=draw(st.sampled_from(REGIONS)), beds=beds,
                  max_nights=draw(st.integers(1, 40)),
                  features=frozenset(draw(st.lists(st.sampled_from(FEATURES), max_size=4))),
                  languages=frozenset(draw(st.lists(st.sampled_from(["en", "es"]), max_size=2))))
    return house, used


@st.composite
def market(draw: st.DrawFn) -> tuple[list[tuple[House, list[int]]], Need]:
    count = draw(st.integers(1, 12))
    houses = [draw(house_and_nights(i)) for i in range(count)]
    offset = draw(st.integers(0, 20))
    children = draw(st.integers(0, 3))
    need = Need(people=draw(st.integers(children + 1, 8)), children=children,
                from_date=START + timedelta(days=offset), nights=draw(st.integers(1, 30 - offset)),
                features=frozenset(draw(st.lists(st.sampled_from(FEATURES[1:]), max_size=2))),
                avoid_region=draw(st.one_of(st.none(), st.sampled_from(REGIONS + ["north "]))),
                language=draw(st.sampled_from(["en", "es", "fr"])))
    return houses, need


def _free(house: House, used: list[int], need: Need) -> int:
    nights = [START + timedelta(days=i) for i in range(len(used))]
    by_night = dict(zip(nights, used))
    stay = [need.from_date + timedelta(days=i) for i in range(need.nights)]
    return min_free_plain(house.beds, by_night, stay)


@given(market())
@settings(max_examples=300, deadline=None)
def test_proposals_respect_every_hard_constraint(case) -> None:
    houses, need = case
    free = {h.id: _free(h, used, need) for h, used in houses}
    by_id = {h.id: (h, used) for h, used in houses}
    for match in rank([h for h, _ in houses], need, free):
        house, used = by_id[match.shelter_id]
        offset = (need.from_date - START).days
        assert all(house.beds - u >= need.people for u in used[offset:offset + need.nights])
        assert need.nights <= house.max_nights
        if need.avoid_region:
            assert house.region.casefold() != need.avoid_region.strip().casefold()
        if need.children:
            assert "children" in house.features
        assert need.features <= house.features
        assert match.reasons and not match.refusals
    proposed = {m.shelter_id for m in rank([h for h, _ in houses], need, free)}
    refused = {m.shelter_id for m in rank([h for h, _ in houses], need, free,
                                          include_refused=True) if not m.ok}
    assert proposed | refused == set(by_id) and not proposed & refused


@given(bookings=st.lists(st.tuples(st.integers(0, 9), st.integers(1, 6), st.integers(1, 4)),
                         min_size=1, max_size=12))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_holds_never_overbook_and_the_database_agrees_with_plain_python(sqlite_url, bookings):
    """Random holds on one small house: each is all-or-nothing, no night ever exceeds its
    beds, and the aggregate query gives the same fewest-free-beds as walking the nights."""
    with session_scope() as session:
        shelter = make_shelter(session, beds=4, max_nights=10, name=f"Prop {len(bookings)}")
        accepted: list[tuple[int, int, int]] = []
        for i, (offset, nights, beds) in enumerate(bookings):
            app = make_application(session, phone=f"+00 111 {i:04d}",
                                   request={"people": 1, "nights": nights})
            try:
                with session.begin_nested():
                    place_hold(session=session, application_id=app.id, actor_id="u1",
                               actor_role="shelter_coordinator",
                               data=HoldIn(shelter_id=shelter.id, nights=nights, beds=beds,
                                           from_date=START + timedelta(days=offset)))
                accepted.append((offset, nights, beds))
            except Conflict:
                pass
        expected = [0] * 16
        for offset, nights, beds in accepted:
            for day in range(offset, offset + nights):
                expected[day] += beds
        assert max(expected) <= 4
        rows = session.exec(select(ShelterNight).where(ShelterNight.shelter_id == shelter.id)).all()
        assert all(r.used == expected[(r.night - START).days] for r in rows)
        by_night = {r.night: r.used for r in rows}
        for offset, nights in [(0, 16), (3, 5), (9, 1)]:
            stay = [START + timedelta(days=offset + i) for i in range(nights)]
            db = repo.min_free(session, [shelter], START + timedelta(days=offset), nights)
            assert db[shelter.id] == min_free_plain(4, by_night, stay)
        assert house_of(shelter).beds == 4
