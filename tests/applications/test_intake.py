"""Intake: sealed fields, receipts, double submits, the outbox row, bad input."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models.applications.service import submit_application
from models.applications.tables import Applicant, Application, SubmissionReceipt
from models.core import crypto
from models.core.audit import AuditEvent
from models.core.errors import Invalid
from models.core.outbox import Dispatch
from tests.applications.helpers import CRITICAL, application_in

TOKEN = "tok_" + "a" * 28


class TestSubmit:
    def test_seals_personal_data_and_queues_triage(self, session, programme) -> None:  # noqa: ANN001
        result = submit_application(session=session, data=application_in())
        session.commit()
        app = session.get(Application, result.id)
        assert app.status == "submitted" and result.status == "submitted"
        assert app.receipt_hash == crypto.receipt_hash(result.receipt)
        assert app.amount_minor == 300_000 and app.currency == "EUR"
        assert app.threat_types == ["surveillance"] and app.endorser_present
        applicant = session.get(Applicant, app.applicant_id)
        assert applicant.email_index == crypto.blind_index("alpha@example.invalid", "email")
        for column in ("name_enc", "email_enc", "phone_enc"):
            assert "Alpha" not in getattr(applicant, column)
        assert "Test threat" not in app.details_enc
        dispatch = session.exec(select(Dispatch)).one()
        assert (dispatch.flow, dispatch.entity_id, dispatch.priority) == (
            "process-application", app.id, 3)
        event = session.exec(select(AuditEvent)).all()[-1]
        assert event.action == "application.submitted" and "Alpha" not in event.data

    def test_critical_threat_is_dispatched_first(self, session, programme) -> None:  # noqa: ANN001
        # A provisional risk at intake sets the priority (0 = critical) before triage.
        submit_application(session=session, data=application_in(**CRITICAL))
        assert session.exec(select(Dispatch)).one().priority == 0

    def test_kind_not_offered_is_invalid_and_changes_nothing(self, session, programme) -> None:  # noqa: ANN001
        programme.kinds = ["grant"]
        session.add(programme)
        session.commit()
        with pytest.raises(Invalid) as err:
            submit_application(session=session, data=application_in(kind="visa"))
        assert "kind" in err.value.fields
        session.rollback()
        assert session.exec(select(Application)).all() == []

    def test_unknown_programme_is_invalid(self, session, programme) -> None:  # noqa: ANN001
        with pytest.raises(Invalid) as err:
            submit_application(session=session, data=application_in(programme="nope"))
        assert "programme" in err.value.fields


class TestDoubleSubmit:
    def test_same_token_returns_same_application_and_receipt(self, session, programme) -> None:  # noqa: ANN001
        first = submit_application(session=session, data=application_in(), submission_key=TOKEN)
        session.commit()
        again = submit_application(session=session, data=application_in(), submission_key=TOKEN)
        session.commit()
        assert again.id == first.id and again.receipt == first.receipt
        assert len(session.exec(select(Application)).all()) == 1
        row = session.get(SubmissionReceipt, first.id)
        assert first.receipt not in row.receipt_sealed
        app = session.get(Application, first.id)
        assert app.submission_key != TOKEN

    def test_other_token_makes_a_new_application(self, session, programme) -> None:  # noqa: ANN001
        a = submit_application(session=session, data=application_in(), submission_key=TOKEN)
        b = submit_application(session=session, data=application_in(),
                               submission_key="tok_" + "b" * 28)
        assert a.id != b.id and a.receipt != b.receipt

    def test_malformed_token_is_invalid(self, session, programme) -> None:  # noqa: ANN001
        with pytest.raises(Invalid):
            submit_application(session=session, data=application_in(), submission_key="short")


def test_concurrent_double_submit_on_both_databases(db_url) -> None:  # noqa: ANN001
    """The unique submission key holds: a second submit with the same token inserts, the
    constraint fires inside the savepoint, and it answers as the first did (no look-up first,
    so a concurrent submit takes the same path)."""
    from models.applications import service
    from models.core.db import new_session
    from models.programmes.service import demo_programme, ensure_programme

    original = service._previous_submission
    calls = {"n": 0}

    def _counted(session, key_hash, token):  # noqa: ANN001, ANN202
        calls["n"] += 1
        return original(session, key_hash, token)

    service._previous_submission = _counted
    try:
        with new_session() as s:
            ensure_programme(s, demo_programme())
            s.commit()
            first = submit_application(session=s, data=application_in(), submission_key=TOKEN)
            s.commit()
        assert calls["n"] == 0  # a new submission is not looked up
        with new_session() as s:
            again = submit_application(session=s, data=application_in(), submission_key=TOKEN)
            s.commit()
            assert again.id == first.id and again.receipt == first.receipt
            assert calls["n"] == 1
            assert len(s.exec(select(Application)).all()) == 1
            assert len(s.exec(select(Applicant)).all()) == 1
            assert len(s.exec(select(Dispatch)).all()) == 1
    finally:
        service._previous_submission = original


class TestProgrammeChanges:
    def test_a_programme_change_is_seen_by_the_next_submission(self, session, programme) -> None:  # noqa: ANN001
        submit_application(session=session, data=application_in(kind="visa"))
        session.commit()
        programme.kinds = ["grant"]
        session.add(programme)
        session.commit()
        with pytest.raises(Invalid):
            submit_application(session=session, data=application_in(kind="visa"))

    def test_a_retry_is_answered_as_before_after_a_change(self, session, programme) -> None:  # noqa: ANN001
        first = submit_application(session=session, data=application_in(kind="visa"),
                                   submission_key=TOKEN)
        session.commit()
        programme.kinds = ["grant"]
        session.add(programme)
        session.commit()
        again = submit_application(session=session, data=application_in(kind="visa"),
                                   submission_key=TOKEN)
        assert (again.id, again.receipt) == (first.id, first.receipt)
