"""Sweep step: re-dispatch applications whose flow run was lost after it was handed over.

In distributed mode the outbox row is done once Prefect accepted the run; if the worker dies
mid-run or the run crashes, the case would stay half-processed with nothing left to start it.
Every sweep, a case still before routing long after its last move, with no dispatch waiting,
is queued again (every step is idempotent, so a slow run that finishes later does no harm).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists
from sqlmodel import Session, col, select

from models.applications.service import PROCESS_FLOW
from models.applications.tables import Application
from models.core import outbox
from models.core.outbox import Dispatch

STRANDED_AFTER = timedelta(minutes=10)
BEFORE_ROUTING = ("submitted", "eligible", "risk_assessed")
BATCH = 500


def stranded_applications(session: Session, now: datetime) -> dict:
    waiting = exists().where(Dispatch.flow == PROCESS_FLOW,
                             col(Dispatch.status).in_(["pending", "claimed"]),
                             Dispatch.entity_id == Application.id)
    rows = session.exec(select(Application.id, Application.priority).where(
        col(Application.status).in_(BEFORE_ROUTING),
        col(Application.status_changed_at) < now - STRANDED_AFTER, ~waiting).limit(BATCH)).all()
    for application_id, priority in rows:
        outbox.enqueue(session, flow=PROCESS_FLOW, entity_id=application_id, priority=priority)
    return {"stranded_redispatched": len(rows)}
