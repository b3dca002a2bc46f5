"""Questions to the applicant (the clock pauses), follow-ups and closure."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.applications import followups, steps
from models.applications.documents import read_document, upload_document
from models.applications.info import answer_info, request_info
from models.applications.public import public_status
from models.applications.service import submit_application
from models.applications.tables import Application, FollowUp
from models.core.base import as_utc, utcnow
from models.core.errors import Conflict, Forbidden, IllegalTransition, NotFound
from models.people.service import create_user
from tests.applications.helpers import application_in

PDF = b"%PDF-1.4\n% test report\n"


@pytest.fixture
def routed(session, programme):  # noqa: ANN001, ANN201
    result = submit_application(session=session, data=application_in())
    session.commit()
    steps.process_one(session, result.id)
    session.commit()
    return session.get(Application, result.id), result.receipt


def _staff(session, role: str):  # noqa: ANN001, ANN202
    user, _, _ = create_user(session, email=f"{role}@example.invalid", role=role)
    session.commit()
    return user


class TestInfoRequests:
    def test_review_pauses_and_the_answer_pushes_the_clock(self, session, routed) -> None:  # noqa: ANN001
        app, receipt = routed
        caseworker = _staff(session, "caseworker")
        due = as_utc(app.decision_due_at)
        request = request_info(session=session, application=app, staff=caseworker,
                               question="Test question: which doors?")
        session.commit()
        assert app.status == "info_requested" and app.clock_paused_at is not None
        app.clock_paused_at = utcnow() - timedelta(hours=5)  # five hours waiting
        session.commit()
        status = public_status(session=session, receipt=receipt)
        assert status["requests"] == [{"id": request.id, "question": "Test question: which doors?",
                                       "asked_at": status["requests"][0]["asked_at"]}]
        answer_info(session=session, receipt=receipt, request_id=request.id, answer="Test answer")
        session.commit()
        assert app.status == "in_review" and app.clock_paused_at is None
        pushed = (as_utc(app.decision_due_at) - due).total_seconds() / 3600
        assert 4.9 < pushed < 5.1
        with pytest.raises(Conflict):
            answer_info(session=session, receipt=receipt, request_id=request.id, answer="again")

    def test_illegal_moves_change_nothing(self, session, routed) -> None:  # noqa: ANN001
        app, receipt = routed
        finance = _staff(session, "finance")
        with pytest.raises(Forbidden):
            request_info(session=session, application=app, staff=finance, question="?")
        session.rollback()
        app.status = "approved"
        session.commit()
        caseworker = _staff(session, "caseworker")
        with pytest.raises((Conflict, IllegalTransition)):
            request_info(session=session, application=app, staff=caseworker, question="?")
        with pytest.raises(NotFound):
            answer_info(session=session, receipt="AAAA-AAAA-AAAA-AAAA-AAAA",
                        request_id="x", answer="y")


class TestFollowUps:
    def test_schedule_report_and_close(self, session, routed) -> None:  # noqa: ANN001
        app, receipt = routed
        app.status = "disbursed"
        session.commit()
        confirmed = utcnow()
        rows = followups.schedule_followups(session=session, application=app,
                                            confirmed_at=confirmed)
        session.commit()
        assert app.status == "follow_up"
        assert [(r.kind, round((as_utc(r.due_at) - confirmed).days)) for r in rows] == [
            ("checkin", 7), ("checkin", 30), ("report", 90)]
        assert followups.schedule_followups(session=session, application=app,
                                            confirmed_at=confirmed) == rows  # idempotent
        steps_seen = public_status(session=session, receipt=receipt)["next_steps"]
        assert steps_seen[0]["code"] == "upload_report"
        doc = upload_document(session=session, receipt=receipt, purpose="report",
                              ref_id=rows[-1].id, filename="report.pdf", content=PDF)
        session.commit()
        assert read_document(session=session, document=doc) == PDF
        finance = _staff(session, "finance")
        with pytest.raises(Forbidden):
            followups.complete_checkin(session=session, followup_id=rows[0].id, staff=finance)
        caseworker = _staff(session, "caseworker")
        for row in rows[:-1]:
            followups.complete_checkin(session=session, followup_id=row.id, staff=caseworker)
        session.commit()
        assert app.status == "closed"

    def test_overdue_flagged_once(self, session, routed) -> None:  # noqa: ANN001
        app, _ = routed
        followups.schedule_followups(session=session, application=app,
                                     confirmed_at=utcnow() - timedelta(days=8))
        session.commit()
        flagged = followups.overdue_followups(session=session, now=utcnow())
        assert [f.kind for f in flagged] == ["checkin"]
        session.commit()
        assert followups.overdue_followups(session=session, now=utcnow()) == []
        assert session.exec(select(FollowUp).where(FollowUp.status == "overdue")).one()
