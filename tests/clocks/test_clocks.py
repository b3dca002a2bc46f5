"""A clock on every waiting state, each with a frozen "now" handed to the sweeper's step
(the project's way of freezing time: steps take `now`). Reminder at half time, escalation at
the end, each once, audited, to the right people; durations from the programme's rules."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from flows import sweeper
from models.applications.public import status_of
from models.applications.tables import Applicant, Application, FollowUp
from models.clocks.clocks import ESCALATED, REMINDER, clocks_view
from models.clocks.rules import clock_for
from models.clocks.tables import WaitingClock
from models.core.audit import AuditEvent
from models.core.base import new_id
from models.core.db import new_session, session_scope
from models.core.notices import Notice
from models.core.workflow import SYSTEM, transition
from models.applications.workflow import workflow_for
from models.money.tables import Disbursement
from models.programmes.tables import DEFAULT_CLOCK_HOURS
from tests.reviews import factories as f

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
# (kind, status) for every waiting state of a case; the role reminded at half time.
STATES = [
    ("grant", "submitted", "caseworker"), ("visa", "eligible", "caseworker"),
    ("shelter", "risk_assessed", "caseworker"), ("grant", "needs_info", "caseworker"),
    ("grant", "info_requested", "caseworker"), ("shelter", "matching", "shelter_coordinator"),
    ("shelter", "held", "shelter_coordinator"), ("shelter", "confirmed", "shelter_coordinator"),
    ("visa", "documents", "visa_officer"), ("visa", "lodged", "visa_officer"),
    ("visa", "appointment", "visa_officer"), ("visa", "granted", "visa_officer"),
    ("visa", "refused", "visa_officer"), ("visa", "travel", "visa_officer"),
    ("grant", "approved", "finance"),
]


def _staff(s: Session) -> dict[str, str]:
    prog = f.programme(s)
    _, reviewers = f.panel(s, prog=prog, members=3)
    people = {role: f.staff(s, role=role)[0].id for role in
              ("caseworker", "admin", "shelter_coordinator", "visa_officer", "finance")}
    people["chair"] = reviewers[0].id
    return people


def _case(s: Session, *, kind: str, status: str, at: datetime = T0) -> Application:
    app = f.application(s, prog=f.programme(s), kind=kind, status=status, due_in=None)
    app.status_changed_at = at
    s.add(app)
    s.flush()
    return app


def _sweep(now: datetime) -> dict:
    with session_scope() as s:
        return sweeper.waiting_clocks(s, now)


def _notices(s: Session, kind: str) -> set[str]:
    return {n.recipient_id for n in s.exec(select(Notice).where(Notice.kind == kind)).all()}


def _actions(s: Session, app_id: str) -> list[str]:
    return [e.action for e in s.exec(select(AuditEvent).where(
        AuditEvent.entity_id == app_id)).all() if e.action.startswith("clock.")]


@pytest.mark.parametrize(("kind", "status", "role"), STATES)
def test_every_waiting_state_reminds_at_half_time_and_escalates_at_the_end(
        sqlite_url: str, kind: str, status: str, role: str) -> None:
    with session_scope() as s:
        people = _staff(s)
        app_id = _case(s, kind=kind, status=status).id
    hours = DEFAULT_CLOCK_HOURS[clock_for(kind, status)]  # type: ignore[index]
    assert _sweep(T0 + timedelta(hours=hours / 2) - timedelta(seconds=1)) == \
        {"clock_reminded": 0, "clock_escalated": 0}
    assert _sweep(T0 + timedelta(hours=hours / 2)) == {"clock_reminded": 1, "clock_escalated": 0}
    assert _sweep(T0 + timedelta(hours=hours / 2, minutes=5))["clock_reminded"] == 0  # once
    with new_session() as s:
        assert _notices(s, REMINDER) == {people[role]}
        assert _actions(s, app_id) == ["clock.reminded"]
    assert _sweep(T0 + timedelta(hours=hours) - timedelta(seconds=1))["clock_escalated"] == 0
    assert _sweep(T0 + timedelta(hours=hours)) == {"clock_reminded": 0, "clock_escalated": 1}
    assert _sweep(T0 + timedelta(hours=hours * 3)) == {"clock_reminded": 0, "clock_escalated": 0}
    with new_session() as s:
        expected = {people[role], people["admin"]} | ({people["chair"]} if kind == "grant" else set())
        assert _notices(s, ESCALATED) == expected
        assert _actions(s, app_id) == ["clock.reminded", "clock.escalated"]
        [view] = clocks_view(s, app_id)
        assert view["clock"] == clock_for(kind, status) and view["escalated_at"]


def test_needs_info_reminds_her_on_her_status_page(sqlite_url: str) -> None:
    with session_scope() as s:
        _staff(s)
        app_id = _case(s, kind="grant", status="needs_info").id
    _sweep(T0 + timedelta(hours=DEFAULT_CLOCK_HOURS["needs_info"] / 2))
    _sweep(T0 + timedelta(hours=DEFAULT_CLOCK_HOURS["needs_info"] / 2 + 1))
    with new_session() as s:
        page = status_of(session=s, application=s.get(Application, app_id))
        reminders = [m for m in page["messages"] if m["code"] == "info_reminder"]
        assert len(reminders) == 1 and "still waiting for your answer" in reminders[0]["text"]


def test_a_critical_case_never_waits_a_week_for_her_answer(sqlite_url: str) -> None:
    """Issue 18: her silence on a question ran the needs_info clock's 168 h whatever her risk;
    a critical case's own waits stop at the programme's `critical_waits` (24 h); the embassy's
    waits keep theirs."""
    with session_scope() as s:
        _staff(s)
        silent = _case(s, kind="grant", status="needs_info")
        lodged = _case(s, kind="visa", status="lodged")
        _case(s, kind="grant", status="needs_info")  # high risk: the clock's own 168 h
        for app in (silent, lodged):
            app.risk_level = "critical"
            s.add(app)
        silent_id = silent.id
    assert _sweep(T0 + timedelta(hours=12)) == {"clock_reminded": 1, "clock_escalated": 0}
    assert _sweep(T0 + timedelta(hours=24)) == {"clock_reminded": 0, "clock_escalated": 1}
    with new_session() as s:
        [row] = s.exec(select(WaitingClock)).all()
        assert row.application_id == silent_id  # the lodged visa and the calm case: not yet
        assert row.due_at.replace(tzinfo=timezone.utc) == T0 + timedelta(hours=24)
    assert _sweep(T0 + timedelta(hours=84))["clock_reminded"] == 1  # the calm one, at 168 / 2


def test_the_programme_sets_each_clock(sqlite_url: str) -> None:
    with session_scope() as s:
        _staff(s)
        prog = f.programme(s)
        prog.clock_hours = {"matching": 4}
        s.add(prog)
        app_id = _case(s, kind="shelter", status="matching").id
    assert _sweep(T0 + timedelta(hours=2))["clock_reminded"] == 1
    assert _sweep(T0 + timedelta(hours=4))["clock_escalated"] == 1
    with new_session() as s:
        [row] = s.exec(select(WaitingClock).where(WaitingClock.application_id == app_id)).all()
        assert row.due_at.replace(tzinfo=timezone.utc) == T0 + timedelta(hours=4)


def test_a_case_that_moves_on_stops_its_clock_and_a_new_wait_starts_a_new_one(
        sqlite_url: str) -> None:
    with session_scope() as s:
        _staff(s)
        app = _case(s, kind="shelter", status="matching")
        app_id = app.id
    assert _sweep(T0 + timedelta(hours=24))["clock_reminded"] == 1
    with session_scope() as s:
        app = s.get(Application, app_id)
        transition(s, workflow_for("shelter"), app, "held", actor_role="admin")
        app.status_changed_at = T0 + timedelta(hours=30)
        transition(s, workflow_for("shelter"), app, "matching", actor_role=SYSTEM)
        app.status_changed_at = T0 + timedelta(hours=31)
        s.add(app)
    # The first wait ended (no escalation at its end); the new one runs from its own start.
    assert _sweep(T0 + timedelta(hours=48)) == {"clock_reminded": 0, "clock_escalated": 0}
    assert _sweep(T0 + timedelta(hours=55))["clock_reminded"] == 1
    with new_session() as s:
        rows = s.exec(select(WaitingClock).where(WaitingClock.application_id == app_id)).all()
        assert len(rows) == 2 and all(r.escalated_at is None for r in rows)


def test_a_later_tranche_approved_but_unsent_and_an_open_follow_up(sqlite_url: str) -> None:
    with session_scope() as s:
        people = _staff(s)
        app = _case(s, kind="grant", status="follow_up")
        s.add(Disbursement(application_id=app.id, programme_id=app.programme_id, tranche=2,
                           amount_minor=100_000, currency="EUR", status="approved",
                           approved_at=T0 - timedelta(days=3), not_before=T0))
        s.add(FollowUp(application_id=app.id, kind="report", due_at=T0))
        app_id = app.id
    money, followup = DEFAULT_CLOCK_HOURS["money_unsent"], DEFAULT_CLOCK_HOURS["follow_up"]
    assert _sweep(T0 + timedelta(hours=money / 2))["clock_reminded"] == 1  # the money
    assert _sweep(T0 + timedelta(hours=money))["clock_escalated"] == 1
    assert _sweep(T0 + timedelta(hours=followup))["clock_escalated"] == 1  # the report
    with new_session() as s:
        assert {people["finance"], people["caseworker"]} <= _notices(s, REMINDER)
        states = sorted(r.state for r in s.exec(select(WaitingClock).where(
            WaitingClock.application_id == app_id)).all())
        assert states == ["follow_up", "money_unsent"]


def test_ended_cases_and_the_review_clock_have_no_waiting_clock(sqlite_url: str) -> None:
    with session_scope() as s:
        _staff(s)
        for status in ("closed", "rejected", "in_review", "withdrawn"):
            _case(s, kind="grant", status=status)
    assert _sweep(T0 + timedelta(days=400)) == {"clock_reminded": 0, "clock_escalated": 0}


def test_the_sweeper_runs_the_clocks_on_both_databases(db_url: str) -> None:
    with session_scope() as s:
        _staff(s)
        app_id = _case(s, kind="visa", status="lodged").id
    due = T0 + timedelta(hours=DEFAULT_CLOCK_HOURS["visa_lodged"])
    assert sweeper.run_steps(due)["waiting_clocks"] == {"clock_reminded": 1,
                                                        "clock_escalated": 1}
    assert sweeper.run_steps(due)["waiting_clocks"] == {"clock_reminded": 0,
                                                        "clock_escalated": 0}
    with new_session() as s:
        assert _actions(s, app_id) == ["clock.reminded", "clock.escalated"]
