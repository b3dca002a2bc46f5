"""Routing after risk: who decides, by when, and who is told.

- grant, critical → track `fast_track` (on-call reviewers; clock `decision_hours["critical"]`);
- grant, other levels → track `panel` (every panel member; clock per level);
- shelter → `matching`, shelter coordinators told;
- visa → `in_review`, visa officers told.
Notices are queued with keys made of ids (a re-run never sends twice) and one `send-notices`
outbox row starts the flow that e-mails them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session

from models.applications import repository
from models.applications.messages import post_message
from models.applications.tables import Application
from models.applications.workflow import workflow_for
from models.core import notices, outbox
from models.core.base import utcnow
from models.core.workflow import SYSTEM, transition
from models.programmes.tables import DEFAULT_DECISION_HOURS, Programme

NOTICE_FLOW, MATCH_FLOW = outbox.NOTICE_FLOW, outbox.MATCH_FLOW


@dataclass
class Route:
    status: str
    track: str | None
    notice_kind: str
    message: str


def route_for(application: Application) -> Route:
    if application.kind == "shelter":
        return Route("matching", None, "shelter_matching", "matching")
    if application.kind == "visa":
        return Route("in_review", None, "visa_review", "visa_review")
    if application.risk_level == "critical":
        return Route("in_review", "fast_track", "fast_track_review", "fast_track")
    return Route("in_review", "panel", "panel_review", "in_review")


def decision_hours(programme: Programme, level: str | None) -> int:
    hours = {**DEFAULT_DECISION_HOURS, **(programme.decision_hours or {})}
    return int(hours.get(level or "low", hours["low"]))


def recipients(session: Session, application: Application, route: Route) -> list[str]:
    if application.kind == "shelter":
        return repository.staff_with_role(session, "shelter_coordinator")
    if application.kind == "visa":
        return repository.staff_with_role(session, "visa_officer")
    on_call = route.track == "fast_track"
    members = repository.panel_members(session, programme_id=application.programme_id,
                                       on_call_only=on_call)
    if on_call and not members:
        # Nobody on call: the whole panel is told rather than nobody.
        members = repository.panel_members(session, programme_id=application.programme_id)
    return members


def route(session: Session, application: Application, programme: Programme) -> Route:
    """risk_assessed → the route's status, with its clock and notices. Caller checks status."""
    chosen = route_for(application)
    application.track = chosen.track
    application.programme_version = programme.version  # later changes apply to later cases
    application.decision_due_at = utcnow() + timedelta(
        hours=decision_hours(programme, application.risk_level))
    application.reminder_sent_at = application.escalated_at = None
    transition(session, workflow_for(application.kind), application, chosen.status,
               actor_role=SYSTEM, data={"track": chosen.track, "level": application.risk_level})
    post_message(session, application_id=application.id, code=chosen.message)
    if chosen.status == "matching":  # rank houses now, not at the next sweep
        outbox.enqueue(session, flow=MATCH_FLOW, entity_id=application.id,
                       priority=application.priority)
    told = recipients(session, application, chosen)
    if chosen.track in ("panel", "fast_track"):  # a declared conflict: never offered to her
        from models.reviews.conflicts import auto_recuse
        panel = repository.panel_members(session, programme_id=application.programme_id)
        recused = auto_recuse(session, application, panel)
        told = [user_id for user_id in told if user_id not in recused]
    queued = 0
    for user_id in told:
        if notices.queue_notice(session, kind=chosen.notice_kind, recipient_id=user_id,
                                application_id=application.id,
                                dedupe_key=f"{chosen.notice_kind}:{application.id}:{user_id}"):
            queued += 1
    if queued:
        outbox.enqueue(session, flow=NOTICE_FLOW, entity_id=application.id,
                       priority=application.priority)
    return chosen
