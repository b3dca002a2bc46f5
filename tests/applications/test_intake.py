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


class TestGroupCommit:
    """`submit_grouped`, the path of the API and the web form: concurrent submissions are
    written in shared transactions (models/core/groupcommit.py)."""

    @staticmethod
    def _concurrently(tokens: list[str]) -> list[object]:
        import threading

        from models.applications.service import submit_grouped

        barrier = threading.Barrier(len(tokens))
        results: list[object] = [None] * len(tokens)

        def one(i: int) -> None:
            barrier.wait()
            try:
                results[i] = submit_grouped(data=application_in(), submission_key=tokens[i])
            except Exception as exc:  # noqa: BLE001 - the test looks at it
                results[i] = exc

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(tokens))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        return results

    def test_many_clients_each_get_their_own_application(self, db_url) -> None:  # noqa: ANN001
        from models.core import audit
        from models.core.db import new_session
        from models.programmes.service import demo_programme, ensure_programme

        with new_session() as s:
            ensure_programme(s, demo_programme())
            s.commit()
        tokens = [f"tok_{i:04d}_" + "c" * 24 for i in range(20)]
        results = self._concurrently(tokens)
        assert all(not isinstance(r, Exception) for r in results), results
        assert len({r.id for r in results}) == 20 and len({r.receipt for r in results}) == 20
        with new_session() as s:
            assert len(s.exec(select(Application)).all()) == 20
            assert len(s.exec(select(Dispatch)).all()) == 20
            assert audit.verify(s).ok
            for r in results:
                assert s.get(Application, r.id).receipt_hash == crypto.receipt_hash(r.receipt)

    def test_the_same_key_in_one_batch_makes_one_application(self, db_url) -> None:  # noqa: ANN001
        from models.core.db import new_session
        from models.programmes.service import demo_programme, ensure_programme

        with new_session() as s:
            ensure_programme(s, demo_programme())
            s.commit()
        results = self._concurrently([TOKEN] * 6)
        assert all(not isinstance(r, Exception) for r in results), results
        assert len({(r.id, r.receipt) for r in results}) == 1
        with new_session() as s:
            assert len(s.exec(select(Application)).all()) == 1
            assert len(s.exec(select(Applicant)).all()) == 1
            assert len(s.exec(select(Dispatch)).all()) == 1

    def test_bad_input_is_refused_in_the_callers_thread(self, session, programme) -> None:  # noqa: ANN001
        from models.applications.service import submit_grouped

        with pytest.raises(Invalid):
            submit_grouped(data=application_in(programme="nope"), submission_key=TOKEN)
        with pytest.raises(Invalid):
            submit_grouped(data=application_in(), submission_key="short")
        assert session.exec(select(Application)).all() == []

    def test_a_key_taken_before_answers_as_the_first_time(self, db_url) -> None:  # noqa: ANN001
        from models.applications.service import submit_grouped
        from models.core.db import new_session
        from models.programmes.service import demo_programme, ensure_programme

        with new_session() as s:
            ensure_programme(s, demo_programme())
            s.commit()
            first = submit_application(session=s, data=application_in(), submission_key=TOKEN)
            s.commit()
        again = submit_grouped(data=application_in(), submission_key=TOKEN)
        assert (again.id, again.receipt) == (first.id, first.receipt)

    def test_a_key_taken_by_another_process_meanwhile(self, db_url, monkeypatch) -> None:  # noqa: ANN001
        """The batch's look-up misses a key another API process inserts just after it: the
        unique constraint fails the batch, and each submission is stored alone instead."""
        from models.applications import repository
        from models.core.db import new_session
        from models.programmes.service import demo_programme, ensure_programme

        with new_session() as s:
            ensure_programme(s, demo_programme())
            s.commit()
            first = submit_application(session=s, data=application_in(), submission_key=TOKEN)
            s.commit()
        monkeypatch.setattr(repository, "taken_submission_keys", lambda _s, _k: set())
        other = "tok_" + "d" * 28
        results = self._concurrently([TOKEN, other, TOKEN])
        assert all(not isinstance(r, Exception) for r in results), results
        assert (results[0].id, results[2].id) == (first.id, first.id)
        with new_session() as s:
            assert len(s.exec(select(Application)).all()) == 2
            assert len(s.exec(select(Dispatch)).all()) == 2
