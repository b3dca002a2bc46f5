"""Health: is the database reachable, how long is the dispatch backlog."""
from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep
from models.core import outbox
from models.core.settings import get_settings

router = APIRouter(tags=["health"])


@router.get("/health")
def health(session: SessionDep) -> dict:
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"status": "ok", "mode": get_settings().mode,
            "dispatch_backlog": outbox.pending_count(session)}
