"""Notices by real SMTP (aiosmtpd) and the sweeper's steps with a frozen "now"."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from flows import notify, sweeper
from models.applications.tables import Application
from models.core.audit import AuditEvent
from models.core.base import utcnow
from models.core.db import new_session, session_scope
from models.core.notices import Notice, queue_notice
from models.core.outbox import Dispatch
from models.core.settings import reset_settings
from models.reviews.service import cast_vote
from tests.reviews import factories as f
from tests.support.smtp import SmtpSink


@pytest.fixture
def smtp(sqlite_url: str, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch) -> SmtpSink:
    monkeypatch.setenv("AMPARO_SMTP_HOST", smtp_sink.host)
    monkeypatch.setenv("AMPARO_SMTP_PORT", str(smtp_sink.port))
    monkeypatch.setenv("AMPARO_SMTP_FROM", "amparo@example.invalid")
    monkeypatch.setenv("AMPARO_PUBLIC_URL", "https://amparo.example.invalid")
    reset_settings()
    yield smtp_sink
    reset_settings()


def _queued(session: Session) -> tuple[Application, list, list[str]]:
    prog = f.programme(session)
    _, reviewers = f.panel(session, prog=prog, members=2)
    app = f.application(session, prog=prog)
    ids = []
    for r in reviewers:
        n = queue_notice(session, kind="panel_review", recipient_id=r.id, application_id=app.id,
                         dedupe_key=f"panel_review:{app.id}:{r.id}")
        session.flush()
        ids.append(n.id)  # type: ignore[union-attr]
    session.commit()
    return app, reviewers, ids


class TestSendNotices:
    def test_sends_once_without_personal_data(self, smtp: SmtpSink) -> None:
        with session_scope() as s:
            app, reviewers, ids = _queued(s)
        # By application id (as routing enqueues) and by notice id (as the sweeper does).
        assert notify.mail_notices.fn([app.id]) == {"sent": 2}
        msgs = smtp.wait_for(2)
        assert sorted(m["To"] for m in msgs) == sorted(r.email for r in reviewers)
        body = msgs[0].get_content()
        assert msgs[0]["Subject"] == "A case needs your review"
        assert f"https://amparo.example.invalid/staff/cases/{app.id}" in body
        assert notify.mail_notices.fn(ids + [app.id]) == {}
        assert len(smtp.messages) == 2
        with session_scope() as s:
            assert all(n.sent_at for n in s.exec(select(Notice)).all())

    def test_a_notice_on_its_way_elsewhere_is_left_alone_until_its_claim_lapses(
            self, smtp: SmtpSink) -> None:
        with session_scope() as s:
            _, _, ids = _queued(s)
            first = s.get(Notice, ids[0])
            first.claimed_until = utcnow() + timedelta(minutes=1)  # another sender has it
            s.add(first)
        assert notify.mail_notices.fn(ids) == {"sent": 1, "in_flight": 1}
        with session_scope() as s:
            first = s.get(Notice, ids[0])
            first.claimed_until = utcnow() - timedelta(seconds=1)  # that sender died
            s.add(first)
        assert notify.mail_notices.fn(ids) == {"sent": 1}
        assert len(smtp.wait_for(2)) == 2
        with session_scope() as s:
            notices = s.exec(select(Notice)).all()
            assert all(n.sent_at and n.claimed_until is None for n in notices)

    def test_a_restarted_embedded_runner_frees_the_claims_of_the_one_that_died(
            self, smtp: SmtpSink) -> None:
        from flows import dispatch

        with session_scope() as s:
            _, _, ids = _queued(s)
            for notice in s.exec(select(Notice)).all():
                notice.claimed_until = utcnow() + timedelta(minutes=1)
                s.add(notice)
        assert notify.mail_notices.fn(ids) == {"in_flight": 2}
        dispatch._requeue_orphans()
        assert notify.mail_notices.fn(ids) == {"sent": 2}

    def test_a_refused_send_gives_the_claim_back(self, smtp: SmtpSink,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
        with session_scope() as s:
            _, _, ids = _queued(s)

        def refuse(self, msg, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            raise notify.smtplib.SMTPRecipientsRefused({})

        monkeypatch.setattr(notify.smtplib.SMTP, "send_message", refuse)
        assert notify.mail_notices.fn(ids) == {"failed": 2}
        with session_scope() as s:
            notices = s.exec(select(Notice)).all()
            assert all(n.sent_at is None and n.claimed_until is None and n.attempts == 1
                       for n in notices)

    def test_no_smtp_host_keeps_them(self, sqlite_url: str) -> None:
        with session_scope() as s:
            _, _, ids = _queued(s)
        assert notify.mail_notices.fn(ids) == {"not_sent": 2}
        with session_scope() as s:
            assert not any(n.sent_at for n in s.exec(select(Notice)).all())

    def test_flow_under_prefect(self, smtp: SmtpSink, prefect_harness: None) -> None:
        with session_scope() as s:
            _, _, ids = _queued(s)
        assert notify.send_notices(ids) == {"sent": 2}
        smtp.wait_for(2)


@pytest.fixture
def db(db_url: str):  # noqa: ANN201
    s = new_session()
    yield s
    s.close()


class TestSweeperSteps:
    def _case(self, db: Session, hours: int = 72):  # noqa: ANN202
        prog = f.programme(db)
        pnl, reviewers = f.panel(db, prog=prog, members=3, on_call=0)
        admin, _ = f.staff(db, role="admin")
        app = f.application(db, prog=prog, risk_level="high", due_in=timedelta(hours=hours))
        db.commit()
        return app, reviewers, admin

    def _notices(self, db: Session, kind: str) -> list[Notice]:
        db.expire_all()
        return list(db.exec(select(Notice).where(Notice.kind == kind)).all())

    def test_reminder_at_half_time_once(self, db: Session) -> None:
        app, (r1, r2, r3), _ = self._case(db)
        cast_vote(session=db, application_id=app.id, reviewer=r1, decision="abstain")
        db.commit()
        now = utcnow()
        assert sweeper.run_steps(now + timedelta(hours=35))["review_reminders"] == {"reminded": 0}
        later = now + timedelta(hours=37)
        assert sweeper.run_steps(later)["review_reminders"] == {"reminded": 1}
        assert sweeper.run_steps(later)["review_reminders"] == {"reminded": 0}
        assert {n.recipient_id for n in self._notices(db, "review_reminder")} == {r2.id, r3.id}
        rows = db.exec(select(Dispatch).where(Dispatch.flow == "send-notices")).all()
        assert len(rows) == 2

    def test_a_visa_request_reminds_the_officers_at_half_time(self, db: Session) -> None:
        """Issue 18: every waiting state has its reminder; a visa request in review used to
        get only the escalation at the end of its clock."""
        prog = f.programme(db)
        officers = [f.staff(db, role="visa_officer")[0] for _ in range(2)]
        f.staff(db, role="reviewer")  # not hers to decide: not reminded
        f.application(db, prog=prog, kind="visa", track=None, risk_level="critical",
                      due_in=timedelta(hours=24))
        db.commit()
        now = utcnow()
        assert sweeper.run_steps(now + timedelta(hours=11))["review_reminders"] == {"reminded": 0}
        assert sweeper.run_steps(now + timedelta(hours=13))["review_reminders"] == {"reminded": 1}
        assert {n.recipient_id for n in self._notices(db, "review_reminder")} == \
            {o.id for o in officers}

    def test_escalation_when_clock_runs_out(self, db: Session) -> None:
        app, (chair, _, _), admin = self._case(db)
        later = utcnow() + timedelta(hours=73)
        assert sweeper.run_steps(later)["review_escalations"] == {"escalated": 1}
        assert sweeper.run_steps(later)["review_escalations"] == {"escalated": 0}
        assert {n.recipient_id for n in self._notices(db, "review_escalated")} == {chair.id, admin.id}
        stored = db.get(Application, app.id)
        assert stored.escalated_at is not None  # type: ignore[union-attr]
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "review.escalated")).all()
        assert [e.entity_id for e in events] == [app.id]

    def test_paused_and_decided_cases_are_left_alone(self, db: Session) -> None:
        prog = f.programme(db)
        f.panel(db, prog=prog)
        f.application(db, prog=prog, status="info_requested", due_in=timedelta(hours=-1))
        f.application(db, prog=prog, status="approved", due_in=timedelta(hours=-1))
        db.commit()
        out = sweeper.run_steps(utcnow() + timedelta(days=30))
        assert out["review_escalations"] == {"escalated": 0}
        assert out["review_reminders"] == {"reminded": 0}

    def test_stale_dispatch_requeued_and_steps_registered(self, db: Session) -> None:
        db.add(Dispatch(flow="process-application", entity_id="x", status="claimed",
                        claimed_at=utcnow() - timedelta(hours=1), attempts=1))
        db.commit()
        calls = []
        step = lambda s, now: calls.append(now) or {"ok": 1}  # noqa: E731
        sweeper.EXTRA_STEPS.append(step)
        try:
            out = sweeper.run_steps()
        finally:
            sweeper.EXTRA_STEPS.remove(step)
        assert out["stale_dispatches"] == {"requeued": 1} and len(calls) == 1
        assert "error" not in out["overdue_followups"]


def test_unsent_notices_redispatched(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope() as s:
        _, _, ids = _queued(s)
    later = utcnow() + timedelta(minutes=5)
    assert sweeper.run_steps(later)["unsent_notices"] == {"notices_redispatched": 0}  # no host
    monkeypatch.setenv("AMPARO_SMTP_HOST", "127.0.0.1")
    reset_settings()
    try:
        assert sweeper.run_steps(later)["unsent_notices"] == {"notices_redispatched": 2}
        assert sweeper.run_steps(later)["unsent_notices"] == {"notices_redispatched": 0}
    finally:
        monkeypatch.delenv("AMPARO_SMTP_HOST")
        reset_settings()


def test_sweep_flow_under_prefect(sqlite_url: str, prefect_harness: None) -> None:
    results = sweeper.sweep()
    assert set(results) >= {"stale_dispatches", "review_escalations", "review_reminders",
                            "unsent_notices", "overdue_followups"}
    mine = ("stale_dispatches", "review_escalations", "review_reminders", "unsent_notices",
            "overdue_followups")
    assert not any("error" in results[name] for name in mine)
