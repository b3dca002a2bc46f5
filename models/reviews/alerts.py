"""Notices about review clocks: half the clock is gone, the clock ran out.

("A case needs your review" is queued by routing, models.applications.routing.)

Each notice is queued once (its dedupe key is made of ids) together with an outbox row for
the `send-notices` flow, in the caller's transaction. The sweeper calls the two clock steps
with a "now" of its choosing, so they are idempotent and testable with a frozen clock.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications.tables import Application
from models.core import audit, outbox
from models.core.base import as_utc
from models.core.db import lock
from models.core.notices import queue_notice
from models.people.tables import StaffUser
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme
from models.reviews import repository as repo
from models.reviews.reach import reach

NOTICE_FLOW = outbox.NOTICE_FLOW
REMINDER, ESCALATED, STUCK = "review_reminder", "review_escalated", "review_stuck"


def _notify(session: Session, *, kind: str, users: list[StaffUser], application: Application) -> int:
    sent = 0
    for user in {u.id: u for u in users}.values():
        notice = queue_notice(session, kind=kind, recipient_id=user.id,
                              application_id=application.id,
                              dedupe_key=f"{kind}:{application.id}:{user.id}")
        if notice is not None:
            session.flush()
            outbox.enqueue(session, flow=NOTICE_FLOW, entity_id=notice.id,
                           priority=application.priority)
            sent += 1
    return sent


def reviewers_of(session: Session, application: Application, *, pending_only: bool = False) -> list[StaffUser]:
    """Who decides this case now (models/reviews/reach.py), minus those who voted if asked."""
    programme = programme_as_routed(session, application)
    if programme is None:
        return []
    voters = reach(session, application, programme).voters
    voted = {v.reviewer_id for v in repo.votes_for(session, application.id)}
    return [u for u in (session.get(StaffUser, uid) for uid in voters)
            if u is not None and not (pending_only and u.id in voted)]


def notify_chair_and_admins(session: Session, application: Application, *, kind: str) -> int:
    """The panel's chair (when active) and every admin; once per case and kind."""
    panel = repo.panel_for(session, programme_id=application.programme_id, kind=application.kind) \
        if application.kind == "grant" else None
    chair = session.get(StaffUser, panel.chair_id) if panel and panel.chair_id else None
    users = ([chair] if chair and chair.active else []) + repo.active_admins(session)
    return _notify(session, kind=kind, users=users, application=application)


def flag_if_stuck(session: Session, application: Application) -> bool:
    """True when no decision can be reached; the chair and admins are told at once (once)."""
    programme = programme_as_routed(session, application)
    if programme is None or application.status != "in_review" or application.kind != "grant":
        return False
    found = reach(session, application, programme)
    if found.reachable:
        return False
    if notify_chair_and_admins(session, application, kind=STUCK):
        audit.record(session, actor="system", action="review.stuck", entity="application",
                     entity_id=application.id,
                     data={"eligible": len(found.voters), "needed": found.needed,
                           "fallback": found.fallback})
    return True


def flag_stuck_reviews(*, session: Session, now: datetime) -> int:
    """The sweeper's pass: cases that lost their way to a decision since the last vote
    (a reviewer disabled, a panel emptied). Votes and routing flag at once already."""
    return sum(flag_if_stuck(session, app) for app in repo.clocks_running(session))


def clock_hours(programme: Programme, application: Application) -> int:
    from models.applications.routing import decision_hours  # the clock routing started
    level = "critical" if application.track == "fast_track" else application.risk_level
    return decision_hours(programme, level)


def send_half_time_reminders(*, session: Session, now: datetime) -> int:
    """At 50% of a decision clock, remind the reviewers who have not voted (once per case)."""
    reminded = 0
    for candidate in repo.clocks_running(session):
        if candidate.reminder_sent_at is not None or candidate.kind != "grant":
            continue
        programme = programme_as_routed(session, candidate)
        assert programme is not None  # a foreign key
        half = as_utc(candidate.decision_due_at) - timedelta(hours=clock_hours(programme, candidate) / 2)  # type: ignore[operator]
        if now < half:
            continue
        app = lock(session, Application, candidate.id)
        if app is None or app.status != "in_review" or app.reminder_sent_at is not None:
            continue
        app.reminder_sent_at = now
        session.add(app)
        _notify(session, kind=REMINDER, application=app,
                users=reviewers_of(session, app, pending_only=True))
        reminded += 1
    return reminded


def escalate_overdue(*, session: Session, now: datetime) -> int:
    """When a clock runs out: an audit event and a notice to the panel chair and every admin."""
    escalated = 0
    for candidate in repo.clocks_running(session):
        if as_utc(candidate.decision_due_at) > now:  # type: ignore[operator]
            continue
        app = lock(session, Application, candidate.id)
        if app is None or app.status != "in_review" or app.escalated_at is not None:
            continue
        app.escalated_at = now
        session.add(app)
        audit.record(session, actor="system", action="review.escalated", entity="application",
                     entity_id=app.id, data={"priority": app.priority, "track": app.track})
        notify_chair_and_admins(session, app, kind=ESCALATED)
        escalated += 1
    return escalated
