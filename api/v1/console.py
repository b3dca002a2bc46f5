"""The console's JSON twins of its pages (issue 14, admin only): a programme's on-call rota
(shifts in each reviewer's time zone, leave, the gaps ahead), a reviewer's declared conflicts,
and a person's recovery codes (shown once in the answer)."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.auth import require_roles
from api.deps import SessionDep
from models.core.base import utcnow
from models.core.errors import NotFound
from models.people.recovery import issue_codes
from models.people.tables import StaffUser
from models.programmes import repository
from models.reviews import conflicts, rota

router = APIRouter(tags=["console"])
Admin = Annotated[StaffUser, Depends(require_roles("admin"))]


class ShiftIn(BaseModel):
    staff_id: str = Field(max_length=32)
    weekday: int = Field(ge=0, le=6)
    starts: str = Field(max_length=5)
    ends: str = Field(max_length=5)
    timezone: str = Field(max_length=64)


class LeaveIn(BaseModel):
    staff_id: str = Field(max_length=32)
    first_day: date
    last_day: date


class ConflictIn(BaseModel):
    kind: str = Field(max_length=16)
    value: str = Field(min_length=1, max_length=200)


def _panel_rota(session: SessionDep, slug: str) -> tuple[str, rota.Rota]:
    programme = repository.by_slug(session, slug)
    panel = repository.panel(session, programme.id) if programme else None
    if panel is None:
        raise NotFound("unknown programme, or it has no panel")
    return panel.id, rota.rota_of(session, panel.id)


def _member_id(current: rota.Rota, staff_id: str) -> str:
    for member in current.members.values():
        if member.user_id == staff_id:
            return member.id
    raise NotFound("not on this programme's panel")


@router.get("/programmes/{slug}/rota", summary="The on-call rota and the gaps of the next 7 days")
def get_rota(slug: str, session: SessionDep, admin: Admin) -> dict:
    _, current = _panel_rota(session, slug)
    staff = {m.id: m.user_id for m in current.members.values()}
    now = utcnow()
    return {
        "shifts": [{"id": s.id, "staff_id": staff[s.member_id], "weekday": s.weekday,
                    "starts": s.starts, "ends": s.ends, "timezone": s.timezone}
                   for s in current.shifts],
        "leave": [{"id": l.id, "staff_id": staff[l.member_id], "first_day": str(l.first_day),
                   "last_day": str(l.last_day)} for l in current.leave],
        "on_call_now": sorted(current.on_call(now)) if current.exists else None,
        "gaps": [{"from": a.isoformat(), "to": b.isoformat()} for a, b in current.gaps(now)]
        if current.exists else []}


@router.post("/programmes/{slug}/rota/shifts", status_code=201, summary="Add an on-call shift")
def add_shift(slug: str, body: ShiftIn, session: SessionDep, admin: Admin) -> dict:
    _, current = _panel_rota(session, slug)
    shift = rota.add_shift(session, member_id=_member_id(current, body.staff_id),
                           weekday=body.weekday, starts=body.starts, ends=body.ends,
                           timezone=body.timezone, actor_id=admin.id)
    session.commit()
    return {"id": shift.id}


@router.post("/programmes/{slug}/rota/leave", status_code=201, summary="Add leave")
def add_leave(slug: str, body: LeaveIn, session: SessionDep, admin: Admin) -> dict:
    _, current = _panel_rota(session, slug)
    leave = rota.add_leave(session, member_id=_member_id(current, body.staff_id),
                           first_day=body.first_day, last_day=body.last_day, actor_id=admin.id)
    session.commit()
    return {"id": leave.id}


@router.delete("/rota/shifts/{row_id}", status_code=204, summary="Remove a shift")
def remove_shift(row_id: str, session: SessionDep, admin: Admin) -> None:
    rota.remove(session, model=rota.OnCallShift, row_id=row_id[:32], actor_id=admin.id)
    session.commit()


@router.delete("/rota/leave/{row_id}", status_code=204, summary="Remove leave")
def remove_leave(row_id: str, session: SessionDep, admin: Admin) -> None:
    rota.remove(session, model=rota.OnCallLeave, row_id=row_id[:32], actor_id=admin.id)
    session.commit()


@router.get("/staff/{user_id}/conflicts", summary="A reviewer's declared conflicts")
def list_conflicts(user_id: str, session: SessionDep, admin: Admin) -> dict:
    return {"items": [{"id": row.id, "kind": row.kind, "value": label,
                       "created_at": row.created_at.isoformat()}
                      for row, label in conflicts.register_of(session, user_id[:32])]}


@router.post("/staff/{user_id}/conflicts", status_code=201, summary="Declare a conflict")
def declare_conflict(user_id: str, body: ConflictIn, session: SessionDep, admin: Admin) -> dict:
    row = conflicts.declare(session, user_id=user_id[:32], kind=body.kind, value=body.value,
                            actor_id=admin.id)
    session.commit()
    return {"id": row.id}


@router.delete("/staff/{user_id}/conflicts/{conflict_id}", status_code=204,
               summary="Withdraw a conflict")
def withdraw_conflict(user_id: str, conflict_id: str, session: SessionDep, admin: Admin) -> None:
    conflicts.withdraw(session, conflict_id=conflict_id[:32], actor_id=admin.id)
    session.commit()


@router.post("/staff/{user_id}/recovery-codes", status_code=201,
             summary="Ten one-time recovery codes (shown once; unused older ones void)")
def recovery_codes(user_id: str, session: SessionDep, admin: Admin) -> dict:
    if session.get(StaffUser, user_id[:32]) is None:
        raise NotFound("no such person")
    codes = issue_codes(session, user_id=user_id[:32], actor_id=admin.id)
    session.commit()
    return {"codes": codes}



