"""Deadline reminders (a sweeper step): appointments soon and document deadlines near.

Notices go to every visa officer, de-duplicated by ids and the date, so a sweep that runs
every few minutes sends each reminder once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications.repository import staff_with_role
from models.core import notices, outbox
from models.core.base import as_utc, utcnow
from models.visas import repository as repo

APPOINTMENT_NOTICE = timedelta(hours=48)
DOCUMENTS_NOTICE = timedelta(days=3)
NOTICE_FLOW = outbox.NOTICE_FLOW


def remind_deadlines(*, session: Session, now: datetime | None = None) -> int:
    now = now or utcnow()
    due = [("visa_appointment_soon", c, as_utc(c.appointment_at).date())  # type: ignore[union-attr]
           for c in repo.appointments_between(session, now, now + APPOINTMENT_NOTICE)]
    due += [("visa_documents_due", c, c.documents_due)
            for c in repo.documents_due_before(session, (now + DOCUMENTS_NOTICE).date())]
    officers = staff_with_role(session, "visa_officer")
    queued = 0
    for kind, case, day in due:
        for user_id in officers:
            if notices.queue_notice(session, kind=kind, recipient_id=user_id,
                                    application_id=case.application_id,
                                    dedupe_key=f"{kind}:{case.id}:{day}:{user_id}"):
                queued += 1
    if queued:
        outbox.enqueue(session, flow=NOTICE_FLOW, entity_id="visa-reminders", priority=2)
    return queued
