"""Holds, placements and stays against the database (SQLite here; concurrency on both)."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models.applications.followups import complete_checkin
from models.applications.repository import followups_of
from models.core.base import utcnow
from models.core.errors import Conflict, Invalid
from models.shelter import stays
from models.shelter.schemas import HoldIn
from models.shelter.service import expire_holds, matches, place_hold
from models.shelter.tables import ShelterNight
from tests.shelter.factories import SOON, make_application, make_shelter

SC = "shelter_coordinator"


def _hold(session, app, shelter, *, beds=1, nights=3, start=SOON):
    return place_hold(session=session, application_id=app.id, actor_id="u1", actor_role=SC,
                      data=HoldIn(shelter_id=shelter.id, from_date=start, nights=nights,
                                  beds=beds))


def _used(session, shelter):
    return {n.night: n.used for n in session.exec(
        select(ShelterNight).where(ShelterNight.shelter_id == shelter.id)).all()}


class TestHold:
    def test_hold_takes_beds_each_night_and_moves_the_case(self, session):
        shelter = make_shelter(session, beds=2)
        app = make_application(session)
        hold = _hold(session, app, shelter, beds=2)
        assert app.status == "held" and hold.expires_at > utcnow()
        assert list(_used(session, shelter).values()) == [2, 2, 2]

    def test_refused_when_a_night_lacks_beds_and_nothing_changes(self, session):
        shelter = make_shelter(session, beds=2)
        first = make_application(session, phone="+00 000 0001")
        _hold(session, first, shelter, beds=2, start=SOON + timedelta(days=2), nights=1)
        second = make_application(session, phone="+00 000 0002")
        with pytest.raises(Conflict):
            _hold(session, second, shelter, beds=1, nights=3)
        assert second.status == "matching"
        assert list(_used(session, shelter).values()) == [2]  # not even new night rows

    def test_refused_before_matching(self, session):
        shelter = make_shelter(session)
        app = make_application(session, to="risk_assessed")
        with pytest.raises(Conflict):
            _hold(session, app, shelter)
        with pytest.raises(Conflict):
            matches(session=session, application=app)

    def test_an_unsuitable_house_is_refused(self, session):
        threat_region = make_shelter(session, region="Test Region Threat", name="Near")
        no_children = make_shelter(session, features=[], name="Adults only")
        short = make_shelter(session, max_nights=2, name="Short stays")
        app = make_application(session, request={"people": 2, "children": 1,
                                                 "avoid_region": "test region threat"})
        for house in (threat_region, no_children, short):
            with pytest.raises(Conflict) as refused:
                _hold(session, app, house, beds=2)
            assert refused.value.code == "unsuitable"
        assert app.status == "matching" and not _used(session, threat_region)

    def test_fewer_beds_than_people_is_invalid(self, session):
        shelter = make_shelter(session)
        app = make_application(session, request={"people": 3, "children": 1})
        with pytest.raises(Invalid):
            _hold(session, app, shelter, beds=2)

    def test_expired_hold_frees_beds_through_the_sweeper(self, session):
        shelter = make_shelter(session, beds=1)
        app = make_application(session)
        hold = _hold(session, app, shelter)
        hold.expires_at = utcnow() - timedelta(minutes=1)
        assert expire_holds(session=session) == 1
        assert set(_used(session, shelter).values()) == {0}
        assert hold.status == "expired" and app.status == "matching"
        with pytest.raises(Conflict):
            stays.confirm_hold(session=session, hold_id=hold.id, actor_id="u1", actor_role=SC)


class TestStay:
    def test_confirm_check_in_extend_check_out_follow_up(self, session):
        shelter = make_shelter(session, beds=1, max_nights=5)
        app = make_application(session)
        hold = _hold(session, app, shelter, nights=3)
        placement = stays.confirm_hold(session=session, hold_id=hold.id, actor_id="u1",
                                       actor_role=SC)
        again = stays.confirm_hold(session=session, hold_id=hold.id, actor_id="u1",
                                   actor_role=SC)
        assert again.id == placement.id and app.status == "confirmed"
        stays.check_in(session=session, placement_id=placement.id, actor_id="u1",
                       actor_role=SC)
        with pytest.raises(Conflict):  # 3 + 3 nights > a maximum of 5
            stays.extend(session=session, placement_id=placement.id, nights=3, actor_id="u1")
        stays.extend(session=session, placement_id=placement.id, nights=2, actor_id="u1")
        assert len(_used(session, shelter)) == 5
        stays.check_out(session=session, placement_id=placement.id, actor_id="u1",
                        actor_role=SC, on_date=SOON + timedelta(days=1))
        used = _used(session, shelter)
        assert used[SOON] == 1 and sum(used.values()) == 1
        assert app.status == "follow_up"
        checkins = followups_of(session, app.id)
        assert [f.kind for f in checkins] == ["checkin", "checkin"]
        coordinator = SimpleNamespace(id="u1", role=SC)
        complete_checkin(session=session, followup_id=checkins[0].id, staff=coordinator)
        assert app.status == "follow_up"
        complete_checkin(session=session, followup_id=checkins[1].id, staff=coordinator)
        assert app.status == "closed"
