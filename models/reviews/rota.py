"""The on-call rota (issue 14.2): who is on call when, in each reviewer's own time zone, with
leave as exceptions. A panel with a rota has its members' `on_call` flags set from it by the
sweeper (so routing and the fast track read one flag, as before); a panel without one keeps
the flags its admin sets. Hours when nobody is on call are found ahead of time: shown on the
rota page and told to the chair and admins a day before they start.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Field, Session, SQLModel, col, select

from models.core import audit, outbox
from models.core.base import id_field, time_field
from models.core.errors import Invalid, NotFound
from models.core.notices import queue_notice
from models.core.outbox import NOTICE_FLOW
from models.people.tables import Panel, PanelMember, StaffUser

STEP = timedelta(minutes=30)  # gaps are found to the half hour
WARN_AHEAD = timedelta(hours=24)
LOOK_AHEAD = timedelta(days=7)
GAP_NOTICE = "rota_gap"


class OnCallShift(SQLModel, table=True):
    __tablename__ = "on_call_shift"
    id: str = id_field()
    member_id: str = Field(foreign_key="panel_member.id", index=True, max_length=32)
    weekday: int  # 0 Monday … 6 Sunday, in her time zone
    starts: str = Field(max_length=5)  # "HH:MM"; a shift ending at or before it ends next day
    ends: str = Field(max_length=5)
    timezone: str = Field(max_length=64)
    created_at: datetime = time_field(nullable=False, default_now=True)


class OnCallLeave(SQLModel, table=True):
    __tablename__ = "on_call_leave"
    id: str = id_field()
    member_id: str = Field(foreign_key="panel_member.id", index=True, max_length=32)
    first_day: date
    last_day: date
    created_at: datetime = time_field(nullable=False, default_now=True)


def _clock(text: str, field: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise Invalid("not a time", fields={field: "HH:MM"}) from None


def add_shift(session: Session, *, member_id: str, weekday: int, starts: str, ends: str,
              timezone: str, actor_id: str) -> OnCallShift:
    problems: dict[str, str] = {}
    if not 0 <= weekday <= 6:
        problems["weekday"] = "0-6"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems["timezone"] = "unknown"
    if problems:
        raise Invalid("not a shift", fields=problems)
    start, end = _clock(starts, "starts"), _clock(ends, "ends")
    if start == end:
        raise Invalid("a shift needs a length", fields={"ends": "after starts"})
    member = _member(session, member_id)
    shift = OnCallShift(member_id=member.id, weekday=weekday, starts=start.strftime("%H:%M"),
                        ends=end.strftime("%H:%M"), timezone=timezone)
    session.add(shift)
    audit.record(session, actor=actor_id, action="panel.shift_added", entity="panel",
                 entity_id=member.panel_id, data={"member": member.user_id})
    return shift


def add_leave(session: Session, *, member_id: str, first_day: date, last_day: date,
              actor_id: str) -> OnCallLeave:
    if last_day < first_day:
        raise Invalid("leave ends before it starts", fields={"last_day": "on or after the first"})
    member = _member(session, member_id)
    leave = OnCallLeave(member_id=member.id, first_day=first_day, last_day=last_day)
    session.add(leave)
    audit.record(session, actor=actor_id, action="panel.leave_added", entity="panel",
                 entity_id=member.panel_id, data={"member": member.user_id})
    return leave


def remove(session: Session, *, model: type[OnCallShift] | type[OnCallLeave], row_id: str,
           actor_id: str) -> None:
    row = session.get(model, row_id)
    if row is None:
        raise NotFound("no such entry")
    member = _member(session, row.member_id)
    session.delete(row)
    audit.record(session, actor=actor_id, action="panel.rota_changed", entity="panel",
                 entity_id=member.panel_id, data={"member": member.user_id})


def forget_member(session: Session, member_id: str) -> None:
    """Before a seat on a panel is removed: its shifts and leave."""
    for model in (OnCallShift, OnCallLeave):
        for row in session.exec(select(model).where(model.member_id == member_id)).all():
            session.delete(row)
    session.flush()


def _member(session: Session, member_id: str) -> PanelMember:
    member = session.get(PanelMember, member_id)
    if member is None:
        raise NotFound("no such panel member")
    return member


def in_shift(shift: OnCallShift, when: datetime) -> bool:
    local = when.astimezone(ZoneInfo(shift.timezone))
    start, end, now = _clock(shift.starts, "starts"), _clock(shift.ends, "ends"), local.time()
    if start < end:
        return local.weekday() == shift.weekday and start <= now < end
    return (local.weekday() == shift.weekday and now >= start) or \
        (local.weekday() == (shift.weekday + 1) % 7 and now < end)  # past midnight


@dataclass
class Rota:
    """A panel's rota, read once: members, their shifts and leave."""

    members: dict[str, PanelMember]
    shifts: list[OnCallShift]
    leave: list[OnCallLeave]

    @property
    def exists(self) -> bool:
        return bool(self.shifts)

    def on_call(self, when: datetime) -> set[str]:
        """User ids on call at `when` (a moment in UTC)."""
        away = {l.member_id for l in self.leave if l.first_day <= when.date() <= l.last_day}
        return {self.members[s.member_id].user_id for s in self.shifts
                if s.member_id not in away and s.member_id in self.members
                and in_shift(s, when)}

    def gaps(self, start: datetime, span: timedelta = LOOK_AHEAD) -> list[tuple[datetime, datetime]]:
        """Stretches from `start` (to the half hour) with nobody on call."""
        found: list[tuple[datetime, datetime]] = []
        moment = start.replace(minute=0 if start.minute < 30 else 30, second=0, microsecond=0)
        while moment < start + span:
            if not self.on_call(moment):
                if found and found[-1][1] == moment:
                    found[-1] = (found[-1][0], moment + STEP)
                else:
                    found.append((moment, moment + STEP))
            moment += STEP
        return found


def rota_of(session: Session, panel_id: str) -> Rota:
    members = {m.id: m for m in session.exec(select(PanelMember).join(
        StaffUser, col(StaffUser.id) == col(PanelMember.user_id)).where(
        PanelMember.panel_id == panel_id, StaffUser.active == True)).all()}  # noqa: E712
    ids = list(members) or [""]
    shifts = list(session.exec(select(OnCallShift).where(col(OnCallShift.member_id).in_(ids))
                               .order_by(OnCallShift.weekday, OnCallShift.starts)).all())
    leave = list(session.exec(select(OnCallLeave).where(col(OnCallLeave.member_id).in_(ids))
                              .order_by(OnCallLeave.first_day)).all())
    return Rota(members=members, shifts=shifts, leave=leave)


def apply_rotas(session: Session, now: datetime) -> dict:
    """The sweeper's pass: set on-call flags from each rota; tell of gaps a day ahead."""
    changed = warned = 0
    for panel in session.exec(select(Panel)).all():
        rota = rota_of(session, panel.id)
        if not rota.exists:
            continue
        on_call = rota.on_call(now)
        for member in rota.members.values():
            if member.on_call != (member.user_id in on_call):
                member.on_call = member.user_id in on_call
                session.add(member)
                changed += 1
        warned += _warn_of_gap(session, panel, rota, now)
    return {"changed": changed, "warned": warned}


def _warn_of_gap(session: Session, panel: Panel, rota: Rota, now: datetime) -> int:
    gaps = rota.gaps(now, WARN_AHEAD)
    if not gaps:
        return 0
    start = gaps[0][0]
    chair = session.get(StaffUser, panel.chair_id) if panel.chair_id else None
    admins = session.exec(select(StaffUser).where(StaffUser.role == "admin",
                                                  StaffUser.active == True)).all()  # noqa: E712
    told = 0
    for user in {u.id: u for u in ([chair] if chair and chair.active else []) + list(admins)}.values():
        notice = queue_notice(session, kind=GAP_NOTICE, recipient_id=user.id, application_id=None,
                              dedupe_key=f"{GAP_NOTICE}:{panel.id}:{start:%Y%m%d%H%M}:{user.id}")
        if notice is not None:
            session.flush()
            outbox.enqueue(session, flow=NOTICE_FLOW, entity_id=notice.id, priority=2)
            told += 1
    return told
