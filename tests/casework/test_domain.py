"""The caseworker's moves in the domain layer, on SQLite and PostgreSQL: overrides with a
reason, withdraw and close, sealed notes, check-ins and the report recorded by staff."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.applications import casework, followups, repository
from models.applications.casework_tables import CaseNote
from models.applications.info import answered_codes
from models.applications.notes import add_note, notes_of
from models.applications.tables import Application
from models.core.audit import AuditEvent
from models.core.base import utcnow
from models.core.errors import Conflict, Forbidden, IllegalTransition, Invalid
from models.core.outbox import Dispatch
from tests.casework.conftest import make_case, make_staff

REASON = "Test reason: verified by phone with the endorser"


def _actions(session, application_id: str) -> list[str]:  # noqa: ANN001
    rows = session.exec(select(AuditEvent).where(AuditEvent.entity_id == application_id)).all()
    return [r.action for r in rows]


class TestOverrideIneligible:
    def test_with_a_reason_the_case_goes_on(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s, request={"amount": 50000, "currency": "EUR",
                                    "purpose": "Test purpose: doors"})
        assert app.status == "ineligible" and app.ineligible_reason == "amount_over_cap"
        cw = make_staff(s, "caseworker")
        casework.override_ineligible(session=s, application_id=app.id, staff=cw, reason=REASON)
        s.commit()
        assert app.status == "eligible" and app.ineligible_reason is None
        assert "case.ineligible_overridden" in _actions(s, app.id)
        assert s.exec(select(Dispatch).where(Dispatch.entity_id == app.id,
                                             Dispatch.status == "pending")).first()
        [note] = notes_of(s, app, "caseworker")
        assert note["kind"] == "override_ineligible" and note["text"] == REASON
        raw = s.exec(select(CaseNote.text_enc)).one()
        assert REASON not in raw and raw.startswith("d1.")
        assert not any(REASON in str(e.data) for e in s.exec(select(AuditEvent)).all())

    def test_refusals_change_nothing(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s)
        assert app.status == "in_review"
        cw, rv = make_staff(s, "caseworker"), make_staff(s, "reviewer")
        with pytest.raises(IllegalTransition):
            casework.override_ineligible(session=s, application_id=app.id, staff=cw,
                                         reason=REASON)
        s.rollback()
        with pytest.raises(Forbidden):
            casework.override_ineligible(session=s, application_id=app.id, staff=rv,
                                         reason=REASON)
        s.rollback()
        with pytest.raises(Invalid) as err:
            casework.override_ineligible(session=s, application_id=app.id, staff=cw,
                                         reason="  ")
        assert "reason" in err.value.fields
        s.rollback()
        assert s.get(Application, app.id).status == "in_review"
        assert s.exec(select(CaseNote)).all() == []


class TestOverrideDuplicate:
    def test_the_question_is_settled_and_triage_goes_on(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        first = make_case(s)
        second = make_case(s)
        assert first.status == "in_review"
        assert second.status == "needs_info" and second.duplicate_of == first.id
        cw = make_staff(s, "caseworker")
        casework.override_duplicate(session=s, application_id=second.id, staff=cw,
                                    reason=REASON)
        s.commit()
        assert second.status == "submitted" and second.clock_paused_at is None
        assert "duplicate_open_application" in answered_codes(s, second)
        with pytest.raises(Conflict):
            casework.override_duplicate(session=s, application_id=second.id, staff=cw,
                                        reason=REASON)
        s.rollback()
        from models.applications import steps
        steps.process_one(s, second.id)
        s.commit()
        assert s.get(Application, second.id).status == "in_review"

    def test_not_flagged_is_refused(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s)
        with pytest.raises(Conflict):
            casework.override_duplicate(session=s, application_id=app.id,
                                        staff=make_staff(s, "caseworker"), reason=REASON)


class TestWithdrawAndClose:
    def test_withdraw_settles_her_questions(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s, endorser=None)
        assert app.status == "needs_info"
        cw = make_staff(s, "caseworker")
        casework.withdraw_case(session=s, application_id=app.id, staff=cw, reason=REASON)
        s.commit()
        assert app.status == "withdrawn"
        assert repository.info_requests_of(s, app.id, open_only=True) == []
        assert casework.answered_cases(s, [app.id]) == set()  # settled by staff, not answered
        assert "case.withdrawn" in _actions(s, app.id)
        with pytest.raises(IllegalTransition):
            casework.withdraw_case(session=s, application_id=app.id, staff=cw, reason=REASON)

    def test_withdraw_in_review_and_roles(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s)
        with pytest.raises(Forbidden):
            casework.withdraw_case(session=s, application_id=app.id,
                                   staff=make_staff(s, "finance"), reason=REASON)
        s.rollback()
        casework.withdraw_case(session=s, application_id=app.id,
                               staff=make_staff(s, "caseworker"), reason=REASON)
        s.commit()
        assert app.status == "withdrawn"

    def test_close_cancels_what_is_left(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s)
        cw = make_staff(s, "caseworker")
        with pytest.raises(IllegalTransition):
            casework.close_case(session=s, application_id=app.id, staff=cw, reason=REASON)
        s.rollback()
        app = s.get(Application, app.id)
        app.status = "disbursed"
        s.commit()
        rows = followups.schedule_followups(session=s, application=app, confirmed_at=utcnow())
        s.commit()
        casework.record_checkin(session=s, followup_id=rows[0].id, staff=cw,
                                note="Test check-in: safe")
        s.commit()
        casework.close_case(session=s, application_id=app.id, staff=cw, reason=REASON)
        s.commit()
        assert app.status == "closed"
        assert [f.status for f in repository.followups_of(s, app.id)] == [
            "done", "cancelled", "cancelled"]
        kinds = [n["kind"] for n in notes_of(s, app, "admin")]
        assert sorted(kinds) == ["checkin", "closed"]
        assert notes_of(s, app, "reviewer") == []


class TestFollowUps:
    def test_checkins_and_a_report_recorded_by_staff_close_the_case(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s)
        app.status = "disbursed"
        s.commit()
        rows = followups.schedule_followups(session=s, application=app, confirmed_at=utcnow())
        s.commit()
        cw = make_staff(s, "caseworker")
        with pytest.raises(Invalid):
            casework.record_report(session=s, followup_id=rows[-1].id, staff=cw, summary="")
        s.rollback()
        with pytest.raises(Forbidden):
            casework.record_report(session=s, followup_id=rows[-1].id,
                                   staff=make_staff(s, "reviewer"), summary=REASON)
        s.rollback()
        casework.record_report(session=s, followup_id=rows[-1].id, staff=cw, summary=REASON)
        for row in rows[:-1]:
            casework.record_checkin(session=s, followup_id=row.id, staff=cw)
        s.commit()
        assert s.get(Application, app.id).status == "closed"
        with pytest.raises(Conflict):
            casework.record_report(session=s, followup_id=rows[-1].id, staff=cw,
                                   summary=REASON)


class TestNotes:
    def test_roles_and_erasure(self, cw_session) -> None:  # noqa: ANN001
        s = cw_session
        app = make_case(s)
        cw = make_staff(s, "caseworker")
        with pytest.raises(Forbidden):
            add_note(session=s, application=app, author_id=cw.id, role="finance", text="x")
        add_note(session=s, application=app, author_id=cw.id, role="caseworker",
                 text="Test note: called back")
        s.commit()
        assert notes_of(s, app, "caseworker")[0]["text"] == "Test note: called back"
        from models.applications.erasure import erase_application_person
        erase_application_person(session=s, application_id=app.id, actor_id=cw.id)
        s.commit()
        assert notes_of(s, app, "caseworker")[0]["text"] is None
        with pytest.raises(Conflict):
            add_note(session=s, application=app, author_id=cw.id, role="caseworker", text="y")
