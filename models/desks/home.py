"""Each role's desk: the person's waiting work in sections, with counts and clocks, most
urgent first. Only ids, kinds, statuses and times: no personal data on a desk.

`desk_for(session, user)` -> list[Section]; the home page renders it (staff/home.html).
Titles and notes are English msgids the template translates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from models.applications.tables import Application
from models.clocks.rules import clock_for, wait_hours
from models.core.base import as_utc, utcnow
from models.desks import work
from models.reviews.queue import remaining_seconds, review_queue
from models.people.tables import StaffUser
from models.programmes.tables import Programme


@dataclass(frozen=True)
class Item:
    kind: str                 # grant | shelter | visa | disbursement | checkin | report
    ref: str                  # the first characters of the id
    status: str
    href: str
    seconds: int | None       # time left on its clock (negative: overdue), None: no clock
    waiting: int              # seconds since it started waiting
    priority: int = 5
    note: str | None = None   # a msgid


@dataclass
class Section:
    key: str
    title: str                # a msgid
    total: int
    items: list[Item] = field(default_factory=list)
    href: str | None = None   # the full list
    figures: dict[str, int] = field(default_factory=dict)  # admin's counts

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.seconds is not None and i.seconds < 0)


def _ago(moment: Any, now: datetime) -> int:
    at = as_utc(moment)
    return int((now - at).total_seconds()) if at else 0


def _left(moment: Any, now: datetime) -> int | None:
    at = as_utc(moment)
    return int((at - now).total_seconds()) if at else None


def waiting_clock(session: Session, app: Application, clock: str | None, since: Any,
                  now: datetime) -> int | None:
    """Seconds left on the waiting clock of this state (models/clocks/rules.py: the hours in
    the programme's rules), negative once it has run out; None where nothing waits."""
    start = as_utc(since)
    if clock is None or start is None:
        return None
    hours = wait_hours(session.get(Programme, app.programme_id), clock, app.risk_level)
    return int((start + timedelta(hours=hours) - now).total_seconds())


def _case(session: Session, app: Application, now: datetime, href: str | None = None,
          note: str | None = None) -> Item:
    """A case on a desk: in review, its decision clock; elsewhere its state's waiting clock."""
    since = app.status_changed_at or app.submitted_at
    seconds = remaining_seconds(app, now) if app.status == "in_review" else \
        waiting_clock(session, app, clock_for(app.kind, app.status), since, now)
    return Item(kind=app.kind, ref=app.id[:8], status=app.status,
                href=href or f"/staff/cases/{app.id}", seconds=seconds,
                waiting=_ago(since, now), priority=app.priority, note=note)


def _section(session: Session, key: str, title: str, stmt: Any, make: Any,
             href: str | None = None) -> Section:
    return Section(key=key, title=title, total=work.count(session, stmt),
                   items=[make(row) for row in work.rows(session, stmt)], href=href)


def caseworker(session: Session, user: StaffUser, now: datetime) -> list[Section]:
    def case(app: Application) -> Item:
        return _case(session, app, now)

    def followup(row: Any) -> Item:
        fu, app = row
        return Item(kind=fu.kind, ref=app.id[:8], status=fu.status,
                    href=f"/staff/cases/{app.id}", seconds=_left(fu.due_at, now),
                    waiting=_ago(fu.due_at, now), priority=app.priority)
    return [
        _section(session, "triage", "To triage", work.cases(statuses=["submitted"]), case,
                 "/staff/cases?status=submitted"),
        _section(session, "needs_info", "Waiting for the applicant's answer",
                 work.cases(statuses=["needs_info", "info_requested"]), case,
                 "/staff/cases?status=needs_info"),
        _section(session, "duplicates", "Possible duplicates", work.duplicates(), case),
        _section(session, "followups", "Follow-ups due", work.followups_due(now), followup),
    ]


def reviewer(session: Session, user: StaffUser, now: datetime) -> list[Section]:
    waiting = [q for q in review_queue(session=session, reviewer=user, now=now)
               if not q.my_vote and q.status == "in_review"]
    items = [Item(kind=q.kind, ref=q.application_id[:8], status=q.status,
                  href=f"/staff/cases/{q.application_id}", seconds=q.remaining_seconds,
                  waiting=0, priority=q.priority,
                  note="fast track" if q.track == "fast_track" else None)
             for q in waiting]
    return [Section(key="votes", title="Votes waiting for you", total=len(items),
                    items=items[:work.LIMIT], href="/staff/queue")]


def _payment(session: Session, now: datetime, since: str) -> Any:
    def make(row: Any) -> Item:
        d, app = row
        seconds = waiting_clock(session, app, "money_unsent", d.approved_at, now) \
            if d.status == "approved" else None
        return Item(kind="disbursement", ref=d.id[:8], status=d.status,
                    href=f"/staff/finance/disbursements/{d.id}", seconds=seconds,
                    waiting=_ago(getattr(d, since) or d.created_at, now), priority=app.priority,
                    note="on hold" if d.hold_reason else None)
    return make


def finance(session: Session, user: StaffUser, now: datetime) -> list[Section]:
    return [
        _section(session, "approve", "Payments to approve", work.disbursements("draft"),
                 _payment(session, now, "created_at"), "/staff/finance"),
        _section(session, "send", "Payments to send", work.disbursements("approved"),
                 _payment(session, now, "approved_at"), "/staff/finance"),
        _section(session, "confirm", "Payments to confirm as received",
                 work.disbursements("sent", manual_only=True), _payment(session, now, "sent_at"),
                 "/staff/finance"),
    ]


def coordinator(session: Session, user: StaffUser, now: datetime) -> list[Section]:
    def case(app: Application) -> Item:
        return _case(session, app, now, href=f"/staff/shelters/cases/{app.id}")
    return [
        _section(session, "matching", "Looking for a safe place",
                 work.cases(statuses=["matching"], kinds=["shelter"]), case, "/staff/shelters"),
        _section(session, "held", "Places reserved, to confirm",
                 work.cases(statuses=["held"], kinds=["shelter"]), case, "/staff/shelters"),
    ]


def visa_officer(session: Session, user: StaffUser, now: datetime) -> list[Section]:
    def case(app: Application) -> Item:
        return _case(session, app, now, href=f"/staff/visas/review/{app.id}")  # read before deciding

    def step(row: Any) -> Item:
        vc, app = row
        due = vc.appointment_at if vc.status == "appointment" else vc.documents_due
        return Item(kind="visa", ref=app.id[:8], status=vc.status,
                    href=f"/staff/visas/cases/{vc.id}", seconds=_left(due, now),
                    waiting=_ago(vc.updated_at, now), priority=app.priority)
    return [
        _section(session, "review", "Visa requests to review",
                 work.cases(statuses=["in_review"], kinds=["visa"]), case, "/staff/visas"),
        _section(session, "steps", "Visa steps waiting",
                 work.visa_cases(["documents", "lodged", "appointment"]), step, "/staff/visas"),
    ]


def admin(session: Session, user: StaffUser, now: datetime) -> list[Section]:
    def case(app: Application) -> Item:
        return _case(session, app, now)
    people = work.people_counts(session)
    programmes = work.programme_counts(session)
    events = work.audit_counts(session, now)
    flows = work.dispatch_counts(session, now)
    return [
        Section(key="people", title="People", total=people["active"], href="/staff/users",
                figures=people),
        Section(key="programmes", title="Programmes", total=programmes["active"],
                href="/staff/programmes", figures=programmes),
        Section(key="audit", title="Audit log", total=events["total"], href="/staff/audit",
                figures=events),
        Section(key="flows", title="Background work stalled", total=sum(flows.values()),
                figures=flows),
        _section(session, "overdue", "Decisions past their clock",
                 work.overdue_decisions(now), case, "/staff/cases?status=in_review"),
        _section(session, "untriaged", "Received over an hour ago, not triaged",
                 work.untriaged(now), case, "/staff/cases?status=submitted"),
        _section(session, "unsent", "Approved payments not sent after a day",
                 work.unsent(now), _payment(session, now, "approved_at")),
    ]


DESKS = {"caseworker": caseworker, "reviewer": reviewer, "finance": finance,
         "shelter_coordinator": coordinator, "visa_officer": visa_officer, "admin": admin}


def desk_for(session: Session, user: StaffUser, now: datetime | None = None) -> list[Section]:
    build = DESKS.get(user.role)
    return build(session, user, now or utcnow()) if build else []
