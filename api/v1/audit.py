"""The audit chain (admin only): the latest events and whether the chain verifies."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.auth import require_roles
from api.deps import SessionDep
from models.audit import repository
from models.core import audit
from models.core.base import as_utc
from models.people.tables import StaffUser

router = APIRouter(tags=["audit"])
Admin = Annotated[StaffUser, Depends(require_roles("admin"))]


def event_json(ev: audit.AuditEvent) -> dict:
    return {"seq": ev.seq, "at": as_utc(ev.at).isoformat(), "actor_id": ev.actor,  # type: ignore[union-attr]
            "action": ev.action, "entity": ev.entity, "entity_id": ev.entity_id}


@router.get("/audit", summary="The latest audit events, newest first, and the chain's check")
def list_audit(session: SessionDep, admin: Admin,
               entity_id: Annotated[str | None, Query(max_length=64)] = None,
               limit: Annotated[int, Query(ge=1, le=repository.MAX_LIMIT)] = 100) -> dict:
    events = repository.latest(session, entity_id=entity_id or None, limit=limit)
    return {"items": [event_json(ev) for ev in events], "verified": audit.verify(session).ok}
