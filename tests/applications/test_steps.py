"""Triage, risk and routing, step by step, each idempotent."""
from __future__ import annotations

from sqlmodel import select

from models.applications import steps
from models.applications.public import status_of
from models.applications.service import submit_application
from models.applications.tables import Application, InfoRequest
from models.core.notices import Notice
from models.core.outbox import Dispatch
from models.people.service import add_to_panel, create_user
from tests.applications.helpers import CRITICAL, application_in


def _submit(session, **overrides) -> Application:  # noqa: ANN001, ANN003
    result = submit_application(session=session, data=application_in(**overrides))
    session.commit()
    return session.get(Application, result.id)


def _reviewers(session, programme) -> tuple[str, str]:  # noqa: ANN001
    on_call, _, _ = create_user(session, email="oncall@example.invalid", role="reviewer")
    panel, _, _ = create_user(session, email="panel@example.invalid", role="reviewer")
    add_to_panel(session, user=on_call, programme_id=programme.id, on_call=True)
    add_to_panel(session, user=panel, programme_id=programme.id)
    session.commit()
    return on_call.id, panel.id


class TestGrantPath:
    def test_low_risk_goes_to_the_panel_with_its_clock(self, session, programme) -> None:  # noqa: ANN001
        on_call, panel = _reviewers(session, programme)
        app = _submit(session)
        assert steps.process_one(session, app.id) == "in_review"
        session.commit()
        assert (app.risk_level, app.priority, app.track) == ("low", 3, "panel")
        assert {f["factor"] for f in app.risk_factors} == {"threat_type", "perpetrator"}
        hours = (app.decision_due_at - app.status_changed_at).total_seconds() / 3600
        assert round(hours) == 336
        recipients = {n.recipient_id for n in session.exec(select(Notice)).all()}
        assert recipients == {on_call, panel}
        assert session.exec(select(Dispatch).where(Dispatch.flow == "send-notices")).first()

    def test_critical_is_fast_tracked_to_on_call_reviewers(self, session, programme) -> None:  # noqa: ANN001
        on_call, _panel = _reviewers(session, programme)
        app = _submit(session, **CRITICAL)
        steps.process_one(session, app.id)
        session.commit()
        assert (app.risk_level, app.priority, app.track) == ("critical", 0, "fast_track")
        assert app.risk_score == 90
        hours = (app.decision_due_at - app.status_changed_at).total_seconds() / 3600
        assert round(hours) == 24
        assert [n.recipient_id for n in session.exec(select(Notice)).all()] == [on_call]

    def test_steps_are_idempotent(self, session, programme) -> None:  # noqa: ANN001
        _reviewers(session, programme)
        app = _submit(session)
        steps.process_one(session, app.id)
        session.commit()
        notices = len(session.exec(select(Notice)).all())
        assert steps.triage_one(session, app.id) is None
        assert steps.assess_one(session, app.id) is None
        assert steps.route_one(session, app.id) is None
        assert len(session.exec(select(Notice)).all()) == notices


class TestTriage:
    def test_over_cap_is_ineligible_with_a_public_reason(self, session, programme) -> None:  # noqa: ANN001
        app = _submit(session, request={"amount": 12000, "currency": "EUR", "purpose": "doors"})
        assert steps.triage_one(session, app.id) == "ineligible"
        session.commit()
        assert app.ineligible_reason == "amount_over_cap"
        public = status_of(session=session, application=app)
        assert public["status"] == "ineligible"
        assert "10,000 EUR" in public["messages"][-1]["text"]

    def test_excluded_cost_type_is_ineligible(self, session, programme) -> None:  # noqa: ANN001
        app = _submit(session, request={"amount": 100, "currency": "EUR", "purpose": "x",
                                        "cost_types": ["vehicles"]})
        assert steps.triage_one(session, app.id) == "ineligible"
        assert app.ineligible_reason == "excluded_costs"

    def test_other_currency_is_ineligible(self, session, programme) -> None:  # noqa: ANN001
        app = _submit(session, request={"amount": 100, "currency": "USD", "purpose": "doors"})
        assert steps.triage_one(session, app.id) == "ineligible"
        assert app.ineligible_reason == "currency_not_supported"

    def test_missing_endorser_asks_and_the_answer_waives_it(self, session, programme) -> None:  # noqa: ANN001
        from models.applications.info import answer_info
        from models.core import crypto
        result = submit_application(session=session, data=application_in(endorser=None))
        session.commit()
        app = session.get(Application, result.id)
        assert steps.triage_one(session, app.id) == "needs_info"
        session.commit()
        request = session.exec(select(InfoRequest)).one()
        public = status_of(session=session, application=app)
        assert public["requests"][0]["question"].startswith("Who can vouch")
        answer_info(session=session, receipt=result.receipt, request_id=request.id,
                    answer="Test Endorser Gamma, gamma@example.invalid")
        session.commit()
        assert app.status == "submitted" and app.receipt_hash == crypto.receipt_hash(result.receipt)
        assert steps.triage_one(session, app.id) == "eligible"

    def test_purpose_naming_an_excluded_cost_asks(self, session, programme) -> None:  # noqa: ANN001
        app = _submit(session, request={"amount": 100, "currency": "EUR",
                                        "purpose": "Pay the rent of a safe flat"})
        assert steps.triage_one(session, app.id) == "needs_info"
        care = _submit(session, request={"amount": 100, "currency": "EUR",
                                         "purpose": "Medical care and carers"},
                       applicant={"name": "Test Person Delta",
                                  "email": "delta@example.invalid", "phone": None})
        assert steps.triage_one(session, care.id) == "eligible"

    def test_duplicate_open_application_is_flagged_by_blind_index(self, session, programme) -> None:  # noqa: ANN001
        first = _submit(session)
        second = _submit(session, applicant={"name": "Other Name", "phone": None})
        assert steps.triage_one(session, first.id) == "eligible"
        assert steps.triage_one(session, second.id) == "needs_info"
        assert second.duplicate_of == first.id
        other_kind = _submit(session, kind="visa")
        assert steps.triage_one(session, other_kind.id) == "eligible"


class TestOtherKinds:
    def test_shelter_goes_to_matching_and_coordinators_are_told(self, session, programme) -> None:  # noqa: ANN001
        coordinator, _, _ = create_user(session, email="sc@example.invalid",
                                        role="shelter_coordinator")
        session.commit()
        app = _submit(session, kind="shelter")
        assert steps.process_one(session, app.id) == "matching"
        assert session.exec(select(Notice)).one().recipient_id == coordinator.id

    def test_visa_goes_to_review_and_officers_are_told(self, session, programme) -> None:  # noqa: ANN001
        officer, _, _ = create_user(session, email="vo@example.invalid", role="visa_officer")
        session.commit()
        app = _submit(session, kind="visa")
        assert steps.process_one(session, app.id) == "in_review"
        assert session.exec(select(Notice)).one().recipient_id == officer.id


def test_intake_to_routing_on_both_databases(db_url) -> None:  # noqa: ANN001
    """Row locks, JSON columns and the unique receipt hash on SQLite and PostgreSQL."""
    from models.core.db import new_session
    from models.programmes.service import demo_programme, ensure_programme
    with new_session() as s:
        ensure_programme(s, demo_programme())
        result = submit_application(session=s, data=application_in(**CRITICAL))
        s.commit()
        assert steps.process_one(s, result.id) == "in_review"
        s.commit()
    with new_session() as s:
        app = s.get(Application, result.id)
        assert (app.track, app.risk_level, app.priority) == ("fast_track", "critical", 0)
        assert {f["factor"] for f in app.risk_factors} >= {"threat_type", "imminent"}
