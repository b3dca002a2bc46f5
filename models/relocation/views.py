"""One timeline of a relocation for staff, and its public form for the applicant."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlmodel import Session

from models.applications.messages import STATUS_LABELS
from models.applications.tables import Application
from models.core.base import as_utc
from models.relocation import repository as repo
from models.relocation.tables import Relocation
from models.shelter.repository import placements_of
from models.visas.repository import cases_of

Steps = Callable[[Session, Application], list[dict[str, Any]]]


def _parts(relocation: Relocation) -> dict[str, str]:
    """entity id -> which part of the relocation it belongs to."""
    return {app_id: kind for kind, app_id in (
        ("visa", relocation.visa_application_id), ("shelter", relocation.shelter_application_id),
        ("grant", relocation.grant_application_id)) if app_id}


def timeline(session: Session, relocation: Relocation, *, public: bool) -> list[dict[str, Any]]:
    """Status moves of the linked applications and of each visa case, oldest first."""
    parts = _parts(relocation)
    members: dict[str, int] = {}
    if relocation.visa_application_id:
        members = {c.id: c.member for c in cases_of(session, relocation.visa_application_id)}
    if relocation.shelter_application_id:
        parts.update({p.id: "shelter" for p in placements_of(session,
                                                             relocation.shelter_application_id)})
    events = []
    for event in repo.events_for(session, list(parts) + list(members)):
        data = json.loads(event.data)
        if event.entity == "visa_case" and "to" in data:
            entry = {"part": "visa", "member": members[event.entity_id], "status": data["to"]}
        elif event.entity == "application" and "to" in data:
            entry = {"part": parts[event.entity_id], "status": data["to"]}
        elif not public and event.entity == "placement":
            entry = {"part": "shelter", "status": event.action.split(".")[-1]}
        else:
            continue
        entry["at"] = as_utc(event.at).isoformat()  # type: ignore[union-attr]
        entry["label"] = STATUS_LABELS.get(entry["status"], entry["status"])
        if not public:
            entry.update(actor=event.actor, action=event.action)
        events.append(entry)
    return events


def relocation_view(session: Session, relocation: Relocation) -> dict[str, Any]:
    apps = {kind: session.get(Application, app_id) for app_id, kind in
            _parts(relocation).items()}
    return {"id": relocation.id, "created_at": as_utc(relocation.created_at).isoformat(),  # type: ignore[union-attr]
            "applications": {k: {"id": a.id, "status": a.status} for k, a in apps.items() if a},
            "timeline": timeline(session, relocation, public=False)}


def with_relocation(provider: Steps) -> Steps:
    """Wrap a next-step provider: a case that is part of a relocation also shows its timeline."""
    def steps(session: Session, application: Application) -> list[dict[str, Any]]:
        out = list(provider(session, application))
        relocation = repo.relocation_of(session, application.id)
        if relocation is not None:
            out.append({"code": "relocation_timeline", "text": "Your relocation, step by step.",
                        "timeline": timeline(session, relocation, public=True)})
        return out
    steps.amparo_relocation = True  # type: ignore[attr-defined]
    return steps


def link_choices(session: Session, application: Application) -> dict[str, list[dict[str, Any]]]:
    """For linking by choosing, not typing ids: the same defender's other cases that can
    join a relocation with this one (kind -> choices, newest first)."""
    from models.applications.tables import Applicant
    from models.relocation.service import SLOTS

    applicant = session.get(Applicant, application.applicant_id)
    if applicant is None:
        return {}
    kinds = [k for k in SLOTS if k != application.kind]
    rows = repo.same_defender_applications(session, [applicant.id], applicant.email_index,
                                           applicant.phone_index, kinds)
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for app, linked in rows:
        if not linked:
            out[app.kind].append({"id": app.id, "status": app.status,
                                  "submitted_at": as_utc(app.submitted_at)})
    return out
