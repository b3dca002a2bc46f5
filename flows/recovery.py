"""Sweep step: re-dispatch applications whose flow run was lost after it was handed over.

In distributed mode the outbox row is done once Prefect accepted the run; if the worker dies
mid-run or the run crashes, the case would stay half-processed with nothing left to start it.
Every sweep, a case still before routing long after its last move, with no dispatch waiting,
is queued again (every step is idempotent, so a slow run that finishes later does no harm).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications import repository
from models.applications.service import PROCESS_FLOW
from models.core import outbox

STRANDED_AFTER = timedelta(minutes=10)
BEFORE_ROUTING = ("submitted", "eligible", "risk_assessed")
BATCH = 500


def stranded_applications(session: Session, now: datetime) -> dict:
    rows = repository.stranded(session, flow=PROCESS_FLOW, statuses=BEFORE_ROUTING,
                               before=now - STRANDED_AFTER, limit=BATCH)
    for application_id, priority in rows:
        outbox.enqueue(session, flow=PROCESS_FLOW, entity_id=application_id, priority=priority)
    return {"stranded_redispatched": len(rows)}
