"""Visa flows: deadline reminders (a sweeper step, and a flow for a schedule of its own)."""
from __future__ import annotations

import logging
from datetime import datetime

from prefect import flow
from sqlmodel import Session

from models.core.db import session_scope
from models.visas.reminders import remind_deadlines

log = logging.getLogger("amparo.visas")


def visa_deadline_reminders(session: Session, now: datetime) -> dict:
    return {"visa_reminders": remind_deadlines(session=session, now=now)}


@flow(name="remind-visa-deadlines")
def remind_visa_deadlines(ids: list[str] | None = None) -> dict[str, int]:
    """`ids` is ignored (the dispatcher passes a list to every flow)."""
    with session_scope() as session:
        queued = remind_deadlines(session=session)
    log.info("visa reminders queued: %d", queued)
    return {"queued": queued}
