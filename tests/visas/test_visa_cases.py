"""Visa cases: the panel's review, checklists per traveller, uploads, lodging again elsewhere."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from models.applications.documents import upload_document
from models.applications.public import status_of
from models.core.errors import Conflict, IllegalTransition, NotFound
from models.people.service import create_user
from models.hooks import install

install()  # the cross-area hooks, as the app installs them
from models.visas import service
from models.visas.repository import items_of
from models.visas.schemas import AppointmentIn, DecisionIn, ItemStateIn, LodgeIn, TravelIn
from tests.shelter.factories import submit_and_route

VO = "visa_officer"
PDF = b"%PDF-1.4 test document\n%%EOF\n"


def _open(session, **request):
    app, receipt = submit_and_route(session, kind="visa", request=request)
    cases = service.review(session=session, application_id=app.id, decision="approve",
                           actor_id="vo1", actor_role=VO)
    session.flush()
    return app, receipt, cases


def _complete(session, case):
    """Every required item filed (a file makes it received), then accepted."""
    for item in items_of(session, [case.id]):
        if item.required:
            service.file_for_item(session=session, case_id=case.id, item_id=item.id,
                                  content=PDF, actor_id="vo1")
            service.set_item(session=session, case_id=case.id, item_id=item.id,
                             data=ItemStateIn(state="accepted"), actor_id="vo1")


class TestReviewAndChecklist:
    def test_a_case_per_traveller_with_the_destination_checklist(self, session):
        app, _, cases = _open(session, destination_country="CH", family_members=1)
        assert app.status == "documents" and [c.member for c in cases] == [0, 1]
        defender = {i.code for i in items_of(session, [cases[0].id])}
        family = {i.code for i in items_of(session, [cases[1].id])}
        assert {"passport", "threat_evidence", "security_plan"} <= defender
        assert "relationship_proof" in family and "security_plan" not in family

    def test_passport_too_short_is_flagged(self, session):
        soon = (date.today() + timedelta(days=60)).isoformat()
        _, _, cases = _open(session, passport_valid_until=soon)
        passport = next(i for i in items_of(session, [cases[0].id]) if i.code == "passport")
        assert passport.problem == "expires_too_soon"

    def test_reject_ends_the_case(self, session):
        app, _ = submit_and_route(session, kind="visa")
        service.review(session=session, application_id=app.id, decision="reject",
                       actor_id="vo1", actor_role=VO)
        assert app.status == "rejected"
        with pytest.raises(Conflict):
            service.review(session=session, application_id=app.id, decision="approve",
                           actor_id="vo1", actor_role=VO)

    def test_applicant_sees_missing_items_and_uploads_one(self, session):
        app, receipt, cases = _open(session)
        steps = status_of(session=session, application=app)["next_steps"]
        uploads = [s for s in steps if s["code"] == "upload_visa_item"]
        assert uploads and all(s["purpose"] == "visa_item" for s in uploads)
        first = uploads[0]["ref_id"]
        upload_document(session=session, receipt=receipt, purpose="visa_item", ref_id=first,
                        filename="scan.pdf", content=PDF)
        steps = status_of(session=session, application=app)["next_steps"]
        assert first not in {s.get("ref_id") for s in steps}
        with pytest.raises(NotFound):
            upload_document(session=session, receipt=receipt, purpose="visa_item",
                            ref_id="not-an-item", filename=None, content=PDF)

    def test_dossier_approval_needs_every_required_item(self, session):
        _, _, cases = _open(session)
        with pytest.raises(Conflict):
            service.approve_dossier(session=session, case_id=cases[0].id, actor_id="vo1",
                                    actor_role=VO)
        _complete(session, cases[0])
        service.approve_dossier(session=session, case_id=cases[0].id, actor_id="vo1",
                                actor_role=VO)
        assert cases[0].status == "ready"


    def test_two_officers_on_staff_means_two_distinct_approvals(self, session):
        for n in (1, 2):
            create_user(session, email=f"vo{n}@example.com", role=VO)
        _, _, cases = _open(session)
        _complete(session, cases[0])
        kw = {"session": session, "case_id": cases[0].id, "actor_role": VO}
        service.approve_dossier(**kw, actor_id="vo1")
        assert cases[0].status == "documents"
        with pytest.raises(Conflict):
            service.approve_dossier(**kw, actor_id="vo1")
        service.approve_dossier(**kw, actor_id="vo2")
        assert cases[0].status == "ready"
        with pytest.raises(IllegalTransition):
            service.approve_dossier(**kw, actor_id="vo3")


class TestLodgingToTravel:
    def test_refused_then_lodged_elsewhere_granted_and_travel(self, session):
        app, _, cases = _open(session, destination_country="IE")
        case = cases[0]
        _complete(session, case)
        kw = {"session": session, "case_id": case.id, "actor_id": "vo1", "actor_role": VO}
        with pytest.raises(IllegalTransition):
            service.lodge(**kw, data=LodgeIn(embassy_country="IE", lodged_on=date.today()))
        service.approve_dossier(**kw)
        service.lodge(**kw, data=LodgeIn(embassy_country="IE", lodged_on=date.today()))
        at = datetime.now(timezone.utc) + timedelta(days=3)
        service.set_appointment(**kw, data=AppointmentIn(at=at, country="CR"))
        assert app.status == "appointment"
        service.decide(**kw, data=DecisionIn(outcome="refused", reason="return_doubted"))
        assert app.status == "refused" and case.refusal_reason == "return_doubted"
        with pytest.raises(Conflict):
            service.lodge(**kw, data=LodgeIn(embassy_country="IE", lodged_on=date.today()))
        service.lodge(**kw, data=LodgeIn(embassy_country="DE", lodged_on=date.today()))
        valid = (date.today(), date.today() + timedelta(days=90))
        service.decide(**kw, data=DecisionIn(outcome="granted", valid_from=valid[0],
                                             valid_until=valid[1]))
        assert app.status == "granted" and case.attempts == 2
        service.travel(**kw, data=TravelIn(travel_date=valid[0] + timedelta(days=1)))
        assert app.status == "follow_up" and case.status == "travelled"
