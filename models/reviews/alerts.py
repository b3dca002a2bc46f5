"""Notices about review clocks: half the clock is gone, the clock ran out.

("A case needs your review" is queued by routing, models.applications.routing.)

Each notice is queued once (its dedupe key is made of ids) together with an outbox row for
the `send-notices` flow, in the caller's transaction. The sweeper calls the two clock steps
with a "now" of its choosing, so they are idempotent and testable with a frozen clock.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications.repository import staff_with_role
from models.applications.tables import Application
from models.core import audit, outbox
from models.core.base import as_utc
from models.core.db import lock
from models.core.notices import queue_notice
from models.people.tables import StaffUser
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme
from models.reviews import repository as repo
from models.reviews.reach import reach, reach_all

NOTICE_FLOW = outbox.NOTICE_FLOW
REMINDER, ESCALATED, STUCK = "review_reminder", "review_escalated", "review_stuck"
WIDENED = "fast_track_widened"  # a fast-track case open to the whole panel (reach.py)
FIRST_CALL = "fast_track_review"  # routing's notice (models/applications/routing.py)


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


def tell_if_widened(session: Session, application: Application,
                    now: datetime | None = None) -> int:
    """A fast-track case that fell back to the whole panel (reach.py): each member who may
    now vote, has not voted and was not told yet hears of it (once); audited when anyone is."""
    if application.track != "fast_track" or application.status != "in_review":
        return 0
    programme = programme_as_routed(session, application)
    found = reach(session, application, programme, now) if programme else None
    if found is None or not found.fallback:
        return 0
    skip = {v.reviewer_id for v in repo.votes_for(session, application.id)}
    skip |= repo.told_about(session, application.id, (FIRST_CALL, WIDENED))
    users = [u for u in (session.get(StaffUser, uid) for uid in found.voters if uid not in skip)
             if u is not None]
    sent = _notify(session, kind=WIDENED, users=users, application=application)
    if sent:
        audit.record(session, actor="system", action="review.widened", entity="application",
                     entity_id=application.id, data={"told": sent, "needed": found.needed})
    return sent


def flag_stuck_reviews(*, session: Session, now: datetime) -> int:
    """The sweeper's pass: cases that lost their way to a decision since the last vote
    (a reviewer disabled, a panel emptied) are flagged; fast-track cases that opened to the
    whole panel (the on-call window over) are told to it. Votes and routing act at once."""
    cases = [(app, programme_as_routed(session, app)) for app in repo.clocks_running(session)
             if app.kind == "grant"]
    found = reach_all(session, [(a, p) for a, p in cases if p is not None], now)
    for app, _ in cases:
        if app.id in found and found[app.id].fallback:
            tell_if_widened(session, app, now)
    # Only the unreachable ones are looked at again (and told, once) by `flag_if_stuck`.
    return sum(flag_if_stuck(session, app) for app, _ in cases
               if app.id in found and not found[app.id].reachable)


def clock_hours(programme: Programme, application: Application) -> int:
    from models.applications.routing import decision_hours  # the clock routing started
    level = "critical" if application.track == "fast_track" else application.risk_level
    return decision_hours(programme, level)


def send_half_time_reminders(*, session: Session, now: datetime) -> int:
    """At 50% of a decision clock, remind who decides it and has not yet (once per case)."""
    reminded = 0
    for candidate in repo.clocks_running(session, unreminded=True):
        if candidate.reminder_sent_at is not None or candidate.kind not in ("grant", "visa"):
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
        _notify(session, kind=REMINDER, application=app, users=_deciders(session, app))
        reminded += 1
    return reminded


def _deciders(session: Session, application: Application) -> list[StaffUser]:
    """Who is reminded: the reviewers yet to vote (grants), every active visa officer (a visa
    request's review is the officers' desk)."""
    if application.kind == "visa":
        return [u for u in (session.get(StaffUser, uid)
                            for uid in staff_with_role(session, "visa_officer")) if u]
    return reviewers_of(session, application, pending_only=True)


def escalate_overdue(*, session: Session, now: datetime) -> int:
    """When a clock runs out: an audit event and a notice to the panel chair and every admin."""
    escalated = 0
    for candidate in repo.clocks_running(session, due_by=now):
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
