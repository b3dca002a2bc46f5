"""The placement workflow's background steps, without Prefect: matching runs queued by the
sweeper (critical first, once per entry into matching), expired holds, visa reminders."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from flows.shelter import expire_bed_holds, queue_shelter_matching
from flows.sweeper import sweep_steps_in_order
from flows.visas import visa_deadline_reminders
from models.core.notices import Notice
from models.core.outbox import Dispatch
from models.people.service import create_user
from models.shelter.matchrun import MATCH_FLOW, match_one
from models.shelter.schemas import HoldIn
from models.shelter.service import place_hold
from models.visas import service as visas
from models.visas.schemas import AppointmentIn, LodgeIn
from models.visas.tables import VisaItem
from tests.shelter.factories import SOON, make_application, make_shelter

NOW = datetime.now(timezone.utc)


def test_sweeper_knows_the_steps() -> None:
    assert {expire_bed_holds, queue_shelter_matching, visa_deadline_reminders} <= set(sweep_steps_in_order())


def test_matching_is_queued_once_critical_first_and_notifies(session) -> None:
    create_user(session, email="sc@example.com", role="shelter_coordinator")
    make_shelter(session)
    calm = make_application(session, phone="+00 000 0601")
    urgent = make_application(session, phone="+00 000 0602")
    urgent.priority = 0
    session.flush()
    assert queue_shelter_matching(session, NOW) == {"shelter_cases_queued": 2}
    rows = session.exec(select(Dispatch).where(Dispatch.flow == MATCH_FLOW)
                        .order_by(Dispatch.priority)).all()
    assert [r.entity_id for r in rows] == [urgent.id, calm.id]
    assert queue_shelter_matching(session, NOW) == {"shelter_cases_queued": 0}
    assert match_one(session, urgent.id) == "matched"
    assert match_one(session, urgent.id) == "matched"  # a re-run notifies nobody twice
    notices = session.exec(select(Notice).where(Notice.application_id == urgent.id)).all()
    assert [n.kind for n in notices] == ["shelter_matches"]


def test_expired_holds_are_swept(session) -> None:
    shelter = make_shelter(session, beds=1)
    app = make_application(session)
    hold = place_hold(session=session, application_id=app.id, actor_id="u1",
                      actor_role="shelter_coordinator",
                      data=HoldIn(shelter_id=shelter.id, from_date=SOON, nights=2, beds=1))
    assert expire_bed_holds(session, NOW) == {"holds_expired": 0}
    assert expire_bed_holds(session, hold.expires_at + timedelta(seconds=1)) == \
        {"holds_expired": 1}
    assert app.status == "matching"


def test_visa_reminders_once_per_day(session) -> None:
    create_user(session, email="vo@example.com", role="visa_officer")
    app = make_application(session, kind="visa")
    case = visas.review(session=session, application_id=app.id, decision="approve",
                        actor_id="vo", actor_role="visa_officer")[0]
    session.flush()
    for item in session.exec(select(VisaItem).where(VisaItem.case_id == case.id)).all():
        item.status = "accepted"
    kw = {"session": session, "case_id": case.id, "actor_id": "vo", "actor_role": "visa_officer"}
    visas.approve_dossier(**kw)
    visas.lodge(**kw, data=LodgeIn(embassy_country="IE", lodged_on=NOW.date()))
    visas.set_appointment(**kw, data=AppointmentIn(at=NOW + timedelta(hours=20), country="IE"))
    session.flush()
    assert visa_deadline_reminders(session, NOW) == {"visa_reminders": 1}
    assert visa_deadline_reminders(session, NOW) == {"visa_reminders": 0}
