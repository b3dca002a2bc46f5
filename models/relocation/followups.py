"""Follow-up check-ins after a stay or a move, for shelter and visa cases alike.

Check-ins only (no report on the use of funds: no money changed hands here). They are
FollowUp rows of the applications area, so its `POST /api/v1/follow-ups/{id}/done`
records them and closes the case once all are done (models.applications.followups).
"""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from models.applications.tables import Application, FollowUp
from models.core.base import utcnow
from models.programmes.tables import Programme

DEFAULT_FOLLOWUP_DAYS = (7, 30)


def schedule_follow_ups(session: Session, application: Application) -> list[FollowUp]:
    """Check-ins at the programme's follow-up days (7 and 30 by default)."""
    programme = session.get(Programme, application.programme_id)
    days = (programme.followup_days if programme and programme.followup_days
            else DEFAULT_FOLLOWUP_DAYS)
    now = utcnow()
    rows = [FollowUp(application_id=application.id, kind="checkin",
                     due_at=now + timedelta(days=int(offset))) for offset in days]
    session.add_all(rows)
    return rows
