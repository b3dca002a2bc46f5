"""Vote rules on SQLite and PostgreSQL: the happy path and every illegal move of issue 2."""
from __future__ import annotations

import pytest
from sqlmodel import Session, func, select

from models.applications.tables import ApplicantMessage, Application
from models.core.audit import AuditEvent
from models.core.crypto import decrypt
from models.core.db import new_session
from models.core.errors import Conflict, Forbidden, Invalid, NotFound
from models.money.tables import Disbursement
from models.reviews.repository import votes_for
from models.reviews.service import cast_vote, comment_aad, may_review
from models.reviews.tables import Vote
from tests.reviews import factories as f


@pytest.fixture
def db(db_url: str):  # noqa: ANN201
    s = new_session()
    yield s
    s.close()


@pytest.fixture
def case(db: Session):  # noqa: ANN201
    prog = f.programme(db)
    _, reviewers = f.panel(db, prog=prog, members=4, on_call=2)
    app = f.application(db, prog=prog, amount_minor=300_000)
    db.commit()
    return app, reviewers


def _snapshot(db: Session, app_id: str) -> tuple:
    db.expire_all()
    app = db.get(Application, app_id)
    votes = sorted((v.reviewer_id, v.decision, v.amount_minor) for v in votes_for(db, app_id))
    events = db.exec(select(func.count()).select_from(AuditEvent)).one()
    return app.status, app.decided_amount_minor, votes, events  # type: ignore[union-attr]


def _refused(db: Session, app_id: str, error: type, **vote) -> None:  # noqa: ANN003
    before = _snapshot(db, app_id)
    with pytest.raises(error):
        cast_vote(session=db, application_id=app_id, **vote)
    db.rollback()
    assert _snapshot(db, app_id) == before


class TestPanelDecision:
    def test_recusal_then_three_approvals_decide_the_median(self, db: Session, case) -> None:  # noqa: ANN001
        app, (r1, r2, r3, r4) = case
        cast_vote(session=db, application_id=app.id, reviewer=r1, decision="recuse")
        assert not may_review(db, application=app, reviewer=r1)
        cast_vote(session=db, application_id=app.id, reviewer=r2, decision="approve",
                  amount="2500", comment="Test comment alpha")
        res = cast_vote(session=db, application_id=app.id, reviewer=r3, decision="approve",
                        amount=3000)
        assert not res.decided and res.status == "in_review"
        res = cast_vote(session=db, application_id=app.id, reviewer=r4, decision="approve",
                        amount="2000.50")
        db.commit()
        assert res.decided and res.status == "approved"
        assert res.decided_amount_minor == 250_000
        db.expire_all()
        stored = db.get(Application, app.id)
        assert stored.decided_at is not None and stored.status == "approved"
        assert db.exec(select(Disbursement).where(Disbursement.application_id == app.id)).all()
        codes = db.exec(select(ApplicantMessage.code)
                        .where(ApplicantMessage.application_id == app.id)).all()
        assert "grant_approved" in codes
        vote = db.exec(select(Vote).where(Vote.reviewer_id == r2.id)).one()
        assert "alpha" not in (vote.comment_enc or "")
        assert decrypt(vote.comment_enc, comment_aad(vote.id)) == "Test comment alpha"
        data = db.exec(select(AuditEvent.data).where(AuditEvent.action == "review.vote")).all()
        assert len(data) == 4 and all("alpha" not in d and "2500" not in d for d in data)

    def test_vote_changes_until_decision(self, db: Session, case) -> None:  # noqa: ANN001
        app, (r1, r2, r3, _) = case
        cast_vote(session=db, application_id=app.id, reviewer=r1, decision="reject")
        cast_vote(session=db, application_id=app.id, reviewer=r1, decision="approve", amount=100)
        db.commit()
        assert [(v.decision, v.amount_minor) for v in votes_for(db, app.id)] == [("approve", 10_000)]
        cast_vote(session=db, application_id=app.id, reviewer=r2, decision="reject")
        res = cast_vote(session=db, application_id=app.id, reviewer=r3, decision="reject")
        db.commit()
        assert res.status == "rejected" and res.decided_amount_minor is None
        assert db.exec(select(ApplicantMessage.code)).all() == ["grant_rejected"]
        assert not db.exec(select(Disbursement)).all()


class TestFastTrack:
    def test_two_on_call_approvals(self, db: Session) -> None:
        prog = f.programme(db)
        _, (on1, on2, off, _) = f.panel(db, prog=prog, members=4, on_call=2)
        app = f.application(db, prog=prog, track="fast_track", risk_level="critical", priority=0)
        db.commit()
        _refused(db, app.id, Forbidden, reviewer=off, decision="approve", amount=10)
        cast_vote(session=db, application_id=app.id, reviewer=on1, decision="approve", amount=1000)
        res = cast_vote(session=db, application_id=app.id, reviewer=on2, decision="approve",
                        amount=2000)
        db.commit()
        assert (res.status, res.decided_amount_minor) == ("approved", 100_000)


class TestIllegalMoves:
    def _decide(self, db: Session, app: Application, reviewers: list) -> None:
        for r in reviewers[:3]:
            cast_vote(session=db, application_id=app.id, reviewer=r, decision="approve", amount=10)
        db.commit()

    def test_voting_twice_after_the_decision(self, db: Session, case) -> None:  # noqa: ANN001
        app, reviewers = case
        self._decide(db, app, reviewers)
        _refused(db, app.id, Conflict, reviewer=reviewers[0], decision="reject")

    def test_voting_after_the_decision(self, db: Session, case) -> None:  # noqa: ANN001
        app, reviewers = case
        self._decide(db, app, reviewers)
        _refused(db, app.id, Conflict, reviewer=reviewers[3], decision="approve", amount=10)

    def test_recused_reviewer_voting(self, db: Session, case) -> None:  # noqa: ANN001
        app, reviewers = case
        cast_vote(session=db, application_id=app.id, reviewer=reviewers[0], decision="recuse")
        db.commit()
        _refused(db, app.id, Forbidden, reviewer=reviewers[0], decision="approve", amount=10)
        _refused(db, app.id, Forbidden, reviewer=reviewers[0], decision="recuse")

    def test_non_reviewer_and_finance(self, db: Session, case) -> None:  # noqa: ANN001
        app, _ = case
        finance, _ = f.staff(db, role="finance")
        outsider, _ = f.staff(db, role="reviewer")  # a reviewer, not on this panel
        caseworker, _ = f.staff(db, role="caseworker")
        db.commit()
        for who in (finance, outsider, caseworker):
            _refused(db, app.id, Forbidden, reviewer=who, decision="approve", amount=10)

    def test_bad_input(self, db: Session, case) -> None:  # noqa: ANN001
        app, reviewers = case
        for vote in ({"decision": "approve"}, {"decision": "approve", "amount": "3000.01"},
                     {"decision": "approve", "amount": "0"},
                     {"decision": "approve", "amount": "1.001"},
                     {"decision": "approve", "amount": "abc"},
                     {"decision": "reject", "amount": "5"}, {"decision": "maybe"},
                     {"decision": "abstain", "comment": "x" * 5000}):
            _refused(db, app.id, Invalid, reviewer=reviewers[1], **vote)

    def test_over_the_cap(self, db: Session) -> None:
        prog = f.programme(db)
        _, reviewers = f.panel(db, prog=prog)
        app = f.application(db, prog=prog, amount_minor=2_000_000)
        db.commit()
        _refused(db, app.id, Invalid, reviewer=reviewers[1], decision="approve", amount=10_001)

    def test_not_in_review_and_unknown(self, db: Session) -> None:
        prog = f.programme(db)
        _, reviewers = f.panel(db, prog=prog)
        app = f.application(db, prog=prog, status="info_requested")
        db.commit()
        _refused(db, app.id, Conflict, reviewer=reviewers[1], decision="abstain")
        with pytest.raises(NotFound):
            cast_vote(session=db, application_id="nope", reviewer=reviewers[1], decision="abstain")


class TestConcurrentLastVotes:
    def test_decided_exactly_once(self, db: Session, case) -> None:  # noqa: ANN001
        import threading

        app, (r1, r2, r3, r4) = case
        cast_vote(session=db, application_id=app.id, reviewer=r1, decision="approve", amount=100)
        cast_vote(session=db, application_id=app.id, reviewer=r2, decision="approve", amount=200)
        db.commit()
        barrier, errors = threading.Barrier(2), []

        def last_vote(reviewer, amount: int) -> None:  # noqa: ANN001
            s = new_session()
            try:
                barrier.wait()
                cast_vote(session=s, application_id=app.id, reviewer=reviewer,
                          decision="approve", amount=amount)
                s.commit()
            except Conflict:
                s.rollback()  # the other vote decided first: refused, nothing changed
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                s.close()

        threads = [threading.Thread(target=last_vote, args=(r, a)) for r, a in ((r3, 300), (r4, 400))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not errors
        db.expire_all()
        moves = db.exec(select(AuditEvent).where(AuditEvent.action == "grant.status",
                                                 AuditEvent.entity_id == app.id)).all()
        assert len(moves) == 1
        assert db.get(Application, app.id).status == "approved"  # type: ignore[union-attr]
        assert len(db.exec(select(Disbursement).where(Disbursement.application_id == app.id)).all()) == 1


def test_retally_decides_after_the_rules_change(db: Session, case) -> None:  # noqa: ANN001
    from models.programmes.tables import Programme
    from models.reviews.service import retally

    app, (r1, r2, _, _) = case
    cast_vote(session=db, application_id=app.id, reviewer=r1, decision="approve", amount=100)
    cast_vote(session=db, application_id=app.id, reviewer=r2, decision="approve", amount=300)
    db.commit()
    assert retally(session=db, application_id=app.id) == "pending"
    programme = db.get(Programme, app.programme_id)
    programme.quorum = 2  # type: ignore[union-attr]
    db.add(programme)
    db.commit()
    assert retally(session=db, application_id=app.id) == "approved"
    db.commit()
    assert retally(session=db, application_id=app.id) == "not_in_review"
    assert db.get(Application, app.id).decided_amount_minor == 10_000  # type: ignore[union-attr]
