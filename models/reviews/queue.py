"""What reviewers and caseworkers read: the review queue with its clocks, the votes so far."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlmodel import Session

from models.applications.tables import Application
from models.core.base import as_utc, utcnow
from models.core.crypto import decrypt
from models.people.tables import Panel, StaffUser
from models.reviews import repository as repo
from models.reviews.service import VOTED_KINDS, comment_aad, from_minor


@dataclass(frozen=True)
class QueueItem:
    application_id: str
    kind: str
    status: str
    risk_level: str | None
    priority: int
    track: str | None
    decision_due_at: datetime | None
    remaining_seconds: int | None   # negative once the clock has run out
    paused: bool                    # waiting for the applicant's answer
    my_vote: str | None
    escalated: bool

    def as_json(self) -> dict:
        return {"application_id": self.application_id, "kind": self.kind, "status": self.status,
                "risk_level": self.risk_level, "priority": self.priority, "track": self.track,
                "decision_due_at": self.decision_due_at.isoformat() if self.decision_due_at else None,
                "remaining_seconds": self.remaining_seconds, "paused": self.paused,
                "voted": self.my_vote is not None, "my_vote": self.my_vote,
                "escalated": self.escalated}


def remaining_seconds(application: Application, now: datetime | None = None) -> int | None:
    """Time left on the decision clock; a paused clock stands still where it was paused."""
    due = as_utc(application.decision_due_at)
    if due is None:
        return None
    at = as_utc(application.clock_paused_at) or now or utcnow()
    return int((due - at).total_seconds())


def review_queue(*, session: Session, reviewer: StaffUser,
                 now: datetime | None = None) -> list[QueueItem]:
    """The cases this reviewer may vote on, most urgent first; recused cases are gone."""
    seats = repo.reviewer_panels(session, reviewer.id)
    if reviewer.role != "reviewer" or not seats:
        return []
    on_call = {panel.id: member.on_call for panel, member in seats}
    mine = repo.decisions_of(session, reviewer.id)
    panels: dict[tuple[str, str], Panel | None] = {}
    items = []
    programmes = list({panel.programme_id for panel, _ in seats})
    for app in repo.open_cases_of_programmes(session, programmes):
        key = (app.programme_id, app.kind)
        if key not in panels:
            panels[key] = repo.panel_for(session, programme_id=app.programme_id, kind=app.kind)
        panel = panels[key]
        if app.kind not in VOTED_KINDS or mine.get(app.id) == "recuse" or panel is None \
                or panel.id not in on_call:
            continue
        if app.track == "fast_track" and not on_call[panel.id]:
            continue
        items.append(_item(app, mine.get(app.id), now))
    return items


def _item(app: Application, my_vote: str | None, now: datetime | None) -> QueueItem:
    return QueueItem(application_id=app.id, kind=app.kind, status=app.status,
                     risk_level=app.risk_level, priority=app.priority, track=app.track,
                     decision_due_at=as_utc(app.decision_due_at),
                     remaining_seconds=remaining_seconds(app, now),
                     paused=app.status == "info_requested" or app.clock_paused_at is not None,
                     my_vote=my_vote, escalated=app.escalated_at is not None)


def case_clock(app: Application, now: datetime | None = None) -> QueueItem:
    return _item(app, None, now)


@dataclass(frozen=True)
class VoteView:
    reviewer_id: str
    reviewer_email: str
    decision: str
    amount: Decimal | None
    comment: str | None
    updated_at: datetime


def votes_so_far(*, session: Session, application: Application) -> list[VoteView]:
    """Every vote on the case, comments opened (staff only; never shown to the applicant)."""
    out = []
    for vote, reviewer in repo.votes_with_reviewers(session, application.id):
        comment = decrypt(vote.comment_enc, comment_aad(vote.id)) if vote.comment_enc else None
        out.append(VoteView(reviewer_id=reviewer.id, reviewer_email=reviewer.email,
                            decision=vote.decision,
                            amount=from_minor(vote.amount_minor, application.currency),
                            comment=comment, updated_at=as_utc(vote.updated_at)))  # type: ignore[arg-type]
    return out


def humanise(seconds: int | None) -> str:
    """A clock for people: "2 d 3 h left", "overdue by 5 h", "no clock"."""
    if seconds is None:
        return "no clock"
    left = abs(seconds)
    days, rest = divmod(left, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else [])
    if not days:
        parts.append(f"{minutes} min")
    text = " ".join(parts)
    return f"{text} left" if seconds >= 0 else f"overdue by {text}"
