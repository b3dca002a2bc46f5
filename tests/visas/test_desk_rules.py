"""The visa officer's desk rules (issue 15), on SQLite and PostgreSQL: a file before
"received", warnings that block acceptance until overridden with a reason (audited), the
journey's lead time, several items in one move, a rejection with a reason and a
confirmation, and the migration both ways."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.core.audit import AuditEvent
from models.core.db import session_scope
from models.core.errors import Conflict, Invalid
from models.core.migrate import downgrade, upgrade
from models.people.service import create_user
from models.visas import desk, service
from models.visas.repository import items_of
from models.visas.schemas import ItemStateIn
from models.visas.tables import VisaReason
from models.visas.warnings import LEAD_DAYS, open_warnings, warnings_of
from tests.shelter.factories import submit_and_route

pytestmark = pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
PDF = b"%PDF-1.4 test document\n%%EOF\n"
VO = "visa_officer"


def _case(session, **request):  # noqa: ANN001, ANN202
    app, _ = submit_and_route(session, kind="visa", request=request)
    cases = service.review(session=session, application_id=app.id, decision="approve",
                           actor_id="vo1", actor_role=VO)
    session.flush()
    return app, cases[0]


def _item(session, case, code):  # noqa: ANN001, ANN202
    return next(i for i in items_of(session, [case.id]) if i.code == code)


def test_received_needs_a_file(db_url: str) -> None:
    with session_scope() as session:
        _, case = _case(session)
        photos = _item(session, case, "photos")
        with pytest.raises(Conflict) as err:
            service.set_item(session=session, case_id=case.id, item_id=photos.id,
                             data=ItemStateIn(state="received"), actor_id="vo1")
        assert err.value.code == "file_required" and photos.status == "missing"
        service.file_for_item(session=session, case_id=case.id, item_id=photos.id,
                              content=PDF, actor_id="vo1")
        assert photos.status == "received" and photos.document_id


def test_expired_passport_blocks_acceptance_until_overridden(db_url: str) -> None:
    expired = (date.today() - timedelta(days=10)).isoformat()
    with session_scope() as session:
        _, case = _case(session, passport_valid_until=expired)
        assert warnings_of(session, case) == ["passport_expired"]
        passport = _item(session, case, "passport")
        service.file_for_item(session=session, case_id=case.id, item_id=passport.id,
                              content=PDF, actor_id="vo1")
        with pytest.raises(Conflict) as err:
            desk.mark_items(session=session, case_id=case.id, item_ids=[passport.id],
                            state="accepted", actor_id="vo1")
        assert err.value.code == "warning_open"
        with pytest.raises(Invalid):  # a reason is required, from the list
            desk.override_warning(session=session, case_id=case.id,
                                  warning="passport_expired", reason="because", actor_id="vo1")
        with pytest.raises(Conflict):  # only a warning the case has
            desk.override_warning(session=session, case_id=case.id,
                                  warning="travel_too_soon", reason="embassy_accepts",
                                  actor_id="vo1")
        desk.override_warning(session=session, case_id=case.id, warning="passport_expired",
                              reason="renewal_under_way", actor_id="vo1")
        session.flush()
        assert open_warnings(session, case) == []
        desk.mark_items(session=session, case_id=case.id, item_ids=[passport.id],
                        state="accepted", actor_id="vo1")
        assert passport.status == "accepted"
        event = session.exec(select(AuditEvent).where(
            AuditEvent.action == "visa.warning_overridden",
            AuditEvent.entity_id == case.id)).one()
        assert "renewal_under_way" in event.data and "vo1" == event.actor


def test_a_journey_inside_the_lead_time_blocks_the_dossier(db_url: str) -> None:
    with session_scope() as session:
        create_user(session, email="lead1@example.com", role=VO)  # one officer: one approval
        _, case = _case(session, passport_valid_until="2035-01-01")
        desk.plan_travel(session=session, case_id=case.id,
                         on=date.today() + timedelta(days=LEAD_DAYS - 3), actor_id="vo1")
        assert warnings_of(session, case) == ["travel_too_soon"]
        for item in items_of(session, [case.id]):
            if item.required:
                service.file_for_item(session=session, case_id=case.id, item_id=item.id,
                                      content=PDF, actor_id="vo1")
        others = [i.id for i in items_of(session, [case.id])
                  if i.required and i.code != "itinerary"]
        desk.mark_items(session=session, case_id=case.id, item_ids=others, state="accepted",
                        actor_id="vo1")
        itinerary = _item(session, case, "itinerary")
        with pytest.raises(Conflict):
            service.set_item(session=session, case_id=case.id, item_id=itinerary.id,
                             data=ItemStateIn(state="accepted"), actor_id="vo1")
        desk.override_warning(session=session, case_id=case.id, warning="travel_too_soon",
                              reason="urgent_procedure", actor_id="vo1")
        session.flush()
        service.set_item(session=session, case_id=case.id, item_id=itinerary.id,
                         data=ItemStateIn(state="accepted"), actor_id="vo1")
        service.approve_dossier(session=session, case_id=case.id, actor_id="vo1",
                                actor_role=VO)
        assert case.status == "ready"


def test_a_journey_far_enough_ahead_has_no_warning(db_url: str) -> None:
    with session_scope() as session:
        _, case = _case(session, passport_valid_until="2035-01-01")
        desk.plan_travel(session=session, case_id=case.id,
                         on=date.today() + timedelta(days=LEAD_DAYS + 5), actor_id="vo1")
        assert warnings_of(session, case) == []


def test_bulk_marks_all_or_nothing(db_url: str) -> None:
    with session_scope() as session:
        _, case = _case(session, passport_valid_until="2035-01-01")
        photos, insurance = _item(session, case, "photos"), _item(session, case, "insurance")
        service.file_for_item(session=session, case_id=case.id, item_id=photos.id,
                              content=PDF, actor_id="vo1")
        session.flush()
        with pytest.raises(Conflict):  # insurance has no file: not received, not accepted
            with session.begin_nested():
                desk.mark_items(session=session, case_id=case.id,
                                item_ids=[photos.id, insurance.id], state="accepted",
                                actor_id="vo1")
        session.refresh(photos)
        assert photos.status == "received"
        with pytest.raises(Invalid):
            desk.mark_items(session=session, case_id=case.id, item_ids=[], state="accepted",
                            actor_id="vo1")
        with pytest.raises(Invalid):
            desk.mark_items(session=session, case_id=case.id, item_ids=[photos.id],
                            state="received", actor_id="vo1")
        service.file_for_item(session=session, case_id=case.id, item_id=insurance.id,
                              content=PDF, actor_id="vo1")
        desk.mark_items(session=session, case_id=case.id, item_ids=[photos.id, insurance.id],
                        state="accepted", actor_id="vo1")
        assert photos.status == insurance.status == "accepted"


def test_rejecting_a_new_case_needs_a_reason_and_a_confirmation(db_url: str) -> None:
    with session_scope() as session:
        app, _ = submit_and_route(session, kind="visa")
        kw = {"session": session, "application_id": app.id, "actor_id": "vo1",
              "actor_role": VO}
        with pytest.raises(Invalid) as err:
            desk.reject_review(**kw, reason=None, confirmed=False)
        assert set(err.value.fields) == {"reason", "confirm"}
        with pytest.raises(Invalid):
            desk.reject_review(**kw, reason="not_eligible", confirmed=False)
        assert app.status == "in_review"
        desk.reject_review(**kw, reason="not_eligible", confirmed=True)
        assert app.status == "rejected"
        assert desk.rejection_reason(session, app.id) == "not_eligible"
        view = desk.review_view(session, app)
        assert view["purpose"] and view["destination"] == "IE"


def test_migration_down_and_up(db_url: str) -> None:
    downgrade(db_url, "0015_statements")
    upgrade(db_url)
    with session_scope() as session:
        assert session.exec(select(VisaReason)).all() == []
