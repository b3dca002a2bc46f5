"""A clock on every waiting state: a reminder at half time, an escalation at the end.

The sweeper calls `sweep_waiting_clocks(session=, now=)` with a "now" of its choosing (tests
freeze it). Each wait is one `WaitingClock` row (subject, state, when the wait began): its
`reminded_at` and `escalated_at` are set once, under a lock of the waiting row, so a re-run
or a second sweeper sends nothing twice. Notices name ids only; the applicant's reminder is a
catalogue message on her status page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications.messages import post_message
from models.applications.repository import staff_with_role
from models.applications.tables import Application, FollowUp
from models.clocks import repository as repo
from models.clocks.rules import (REMIND_ROLES, WAITS_FOR_APPLICANT, clock_for,
                                 shortest_half_hours, wait_hours)
from models.clocks.tables import WaitingClock
from models.core import audit, outbox
from models.core.base import as_utc
from models.core.db import lock
from models.core.notices import queue_notice
from models.money.tables import Disbursement
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme
from models.reviews import repository as reviews_repo

REMINDER, ESCALATED = "clock_reminder", "clock_escalated"
APPLICANT_REMINDER = "info_reminder"  # models/applications/messages.py


@dataclass(frozen=True)
class Wait:
    subject: str  # application | disbursement | follow_up
    subject_id: str
    application: Application
    clock: str
    started_at: datetime
    hours: int

    @property
    def half_at(self) -> datetime:
        return self.started_at + timedelta(hours=self.hours / 2)

    @property
    def due_at(self) -> datetime:
        return self.started_at + timedelta(hours=self.hours)


def sweep_waiting_clocks(*, session: Session, now: datetime) -> dict[str, int]:
    """Every wait past half its time: remind once; past its end: escalate once."""
    since = now - timedelta(hours=shortest_half_hours(repo.programmes(session)))
    counts = {"clock_reminded": 0, "clock_escalated": 0}
    waits = [w for w in _waits(session, since) if now >= w.half_at]
    reminded_already = repo.reminded_waits(session, [w.subject_id for w in waits])
    for wait in waits:
        if now < wait.due_at and (wait.subject_id, wait.clock, wait.started_at) in reminded_already:
            continue  # nothing to do before its end: no lock, no row read
        reminded, escalated = _advance(session, wait, now)
        counts["clock_reminded"] += reminded
        counts["clock_escalated"] += escalated
    return counts


def _waits(session: Session, since: datetime) -> list[Wait]:
    waits: list[Wait] = []
    rules: dict[tuple[str, int | None], Programme | None] = {}  # one look-up per version
    for app in repo.waiting_applications(session, since_before=since):
        clock = clock_for(app.kind, app.status)
        if clock is not None:
            waits.append(_wait(session, rules, "application", app.id, app, clock,
                               app.status_changed_at))
    for money in repo.approved_unsent(session, since_before=since):
        app = session.get(Application, money.application_id)
        start = max(as_utc(money.approved_at), as_utc(money.not_before) or as_utc(money.approved_at))  # type: ignore[type-var]
        if app is not None:
            waits.append(_wait(session, rules, "disbursement", money.id, app, "money_unsent",
                               start))
    for followup in repo.open_followups(session, since_before=since):
        app = session.get(Application, followup.application_id)
        if app is not None:
            waits.append(_wait(session, rules, "follow_up", followup.id, app, "follow_up",
                               followup.due_at))
    return waits


def _wait(session: Session, rules: dict[tuple[str, int | None], Programme | None],
          subject: str, subject_id: str, app: Application, clock: str,
          started_at: datetime | None) -> Wait:
    key = (app.programme_id, app.programme_version)
    if key not in rules:
        rules[key] = programme_as_routed(session, app)
    hours = wait_hours(rules[key], clock, app.risk_level)
    return Wait(subject, subject_id, app, clock, as_utc(started_at), hours)  # type: ignore[arg-type]


SUBJECTS = {"application": Application, "disbursement": Disbursement, "follow_up": FollowUp}


def _still_waiting(session: Session, wait: Wait) -> bool:
    """Lock the waiting row and check it still waits the same wait (a vote, a payment or a
    report may have ended it since the query)."""
    row = lock(session, SUBJECTS[wait.subject], wait.subject_id)
    if row is None:
        return False
    if isinstance(row, Application):
        return (clock_for(row.kind, row.status) == wait.clock
                and as_utc(row.status_changed_at) == wait.started_at)
    if isinstance(row, Disbursement):
        return row.status == "approved" and row.sent_at is None
    return row.status in ("scheduled", "overdue")


def _advance(session: Session, wait: Wait, now: datetime) -> tuple[int, int]:
    if now < wait.half_at or not _still_waiting(session, wait):
        return 0, 0
    row = repo.clock_row(session, subject=wait.subject, subject_id=wait.subject_id,
                         state=wait.clock, started_at=wait.started_at)
    if row is None:
        row = WaitingClock(subject=wait.subject, subject_id=wait.subject_id,
                           application_id=wait.application.id, state=wait.clock,
                           started_at=wait.started_at, due_at=wait.due_at)
        session.add(row)
        session.flush()
    reminded = escalated = 0
    if row.reminded_at is None:
        row.reminded_at = now
        _remind(session, wait, row)
        reminded = 1
    if row.escalated_at is None and now >= wait.due_at:
        row.escalated_at = now
        _escalate(session, wait, row)
        escalated = 1
    session.add(row)
    return reminded, escalated


def _remind(session: Session, wait: Wait, row: WaitingClock) -> None:
    if wait.clock in WAITS_FOR_APPLICANT:
        post_message(session, application_id=wait.application.id, code=APPLICANT_REMINDER)
    users = [uid for role in REMIND_ROLES[wait.clock] for uid in staff_with_role(session, role)]
    _notify(session, kind=REMINDER, row=row, users=users, application=wait.application)
    audit.record(session, actor="system", action="clock.reminded", entity="application",
                 entity_id=wait.application.id, data=_audit_data(wait, row))


def _escalate(session: Session, wait: Wait, row: WaitingClock) -> None:
    users = [uid for role in REMIND_ROLES[wait.clock] for uid in staff_with_role(session, role)]
    users += [u.id for u in reviews_repo.active_admins(session)]
    chair = _chair(session, wait.application)
    if chair:
        users.append(chair)
    _notify(session, kind=ESCALATED, row=row, users=users, application=wait.application)
    audit.record(session, actor="system", action="clock.escalated", entity="application",
                 entity_id=wait.application.id, data=_audit_data(wait, row))


def _chair(session: Session, application: Application) -> str | None:
    """The active chair of the grant panel (grants only)."""
    from models.people.tables import StaffUser
    if application.kind != "grant":
        return None
    panel = reviews_repo.panel_for(session, programme_id=application.programme_id, kind="grant")
    chair = session.get(StaffUser, panel.chair_id) if panel and panel.chair_id else None
    return chair.id if chair is not None and chair.active else None


def _audit_data(wait: Wait, row: WaitingClock) -> dict:
    return {"clock": wait.clock, "clock_id": row.id, "subject": wait.subject,
            "subject_id": wait.subject_id, "hours": wait.hours}


def _notify(session: Session, *, kind: str, row: WaitingClock, users: list[str],
            application: Application) -> int:
    sent = 0
    for uid in dict.fromkeys(users):
        notice = queue_notice(session, kind=kind, recipient_id=uid,
                              application_id=application.id,
                              dedupe_key=f"{kind}:{row.id}:{uid}")
        if notice is not None:
            session.flush()
            outbox.enqueue(session, flow=outbox.NOTICE_FLOW, entity_id=notice.id,
                           priority=application.priority)
            sent += 1
    return sent


def clocks_view(session: Session, application_id: str) -> list[dict]:
    """The clocks a case has run, for staff: which wait, when reminded and escalated."""
    def iso(value: datetime | None) -> str | None:
        return as_utc(value).isoformat() if value is not None else None  # type: ignore[union-attr]
    return [{"clock": c.state, "subject": c.subject, "started_at": iso(c.started_at),
             "due_at": iso(c.due_at), "reminded_at": iso(c.reminded_at),
             "escalated_at": iso(c.escalated_at)} for c in repo.clocks_of(session, application_id)]
