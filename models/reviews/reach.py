"""A way to a decision for every voted case: who may vote now, and whether they can decide.

The rule, written once and used by the vote check, the queue, the notices and the alerts:
- A panel case is decided by the active panel members who have not recused; it needs the
  programme's quorum of them.
- A fast-track (critical) case is decided by the on-call members, with the fast-track count
  of approvals. It falls back to the whole panel with the same count when the on-call members
  can no longer decide it — fewer of them than that count remain (nobody on call, recusals,
  disabled accounts), or their votes so far leave no way to the count (one yes, one no) — or
  when they have had it for the programme's on-call window (clock `on_call`, default 4 h)
  without deciding: a critical case never waits on one silent phone. Routing tells the whole
  panel when nobody is on call; the sweeper and each vote tell it when the case falls back
  (models/reviews/alerts.py `tell_if_widened`).
- Membership is read live: a reviewer added to the panel mid-case may vote at once.
- When even the fallback leaves fewer eligible voters than needed, the case is flagged at
  once — the chair and every admin are told (models/reviews/alerts.py `flag_if_stuck`) so
  they can add a reviewer — not when its clock breaks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications.tables import Application
from models.core.base import as_utc, utcnow
from models.people.tables import StaffUser
from models.programmes.service import programme_as_routed
from models.programmes.tables import DEFAULT_CLOCK_HOURS, DEFAULT_DECISION_HOURS, Programme
from models.reviews import repository as repo

RECUSE = "recuse"


@dataclass(frozen=True)
class Reach:
    voters: tuple[str, ...]  # ids of who may vote on the case now (recused excluded)
    needed: int              # non-recused votes (panel) or approvals (fast track) to decide
    fallback: bool           # a fast-track case opened to the whole panel
    reachable: bool = True   # the voters who have not voted yet can still decide it


def reach(session: Session, application: Application, programme: Programme,
          now: datetime | None = None) -> Reach:
    panel = repo.panel_for(session, programme_id=application.programme_id, kind=application.kind)
    if panel is None:
        return Reach((), max(programme.quorum, 1), False, False)
    cast = {v.reviewer_id: v.decision for v in repo.votes_for(session, application.id)}
    members = [u.id for u in repo.panel_members(session, panel_id=panel.id)]
    on_call = ([u.id for u in repo.panel_members(session, panel_id=panel.id, on_call_only=True)]
               if application.track == "fast_track" else [])
    return _rule(application, programme, members, on_call, cast, now or utcnow())


def on_call_until(application: Application, programme: Programme) -> datetime | None:
    """When a fast-track case opens to the whole panel whatever the on-call votes: its
    routing (its decision clock's start) plus the programme's on-call window."""
    if application.decision_due_at is None:
        return None
    level_hours = {**DEFAULT_DECISION_HOURS, **(programme.decision_hours or {})}["critical"]
    window = int((programme.clock_hours or {}).get("on_call") or DEFAULT_CLOCK_HOURS["on_call"])
    routed = as_utc(application.decision_due_at) - timedelta(hours=int(level_hours))
    return routed + timedelta(hours=window)


def _rule(application: Application, programme: Programme, members: list[str],
          on_call: list[str], cast: dict[str, str], now: datetime) -> Reach:
    """The rule of the module's docstring, on ids and votes already read."""
    members = [m for m in members if cast.get(m) != RECUSE]
    if application.track != "fast_track":
        quorum = max(programme.quorum, 1)
        return Reach(tuple(members), quorum, False, _panel_can_decide(members, cast, quorum))
    needed = max(programme.fast_track_approvals, 1)
    on_call = [m for m in on_call if cast.get(m) != RECUSE]
    until = on_call_until(application, programme)
    in_window = until is None or now < until
    if in_window and _count_can_decide(on_call, cast, needed):
        return Reach(tuple(on_call), needed, False)
    return Reach(tuple(members), needed, True, _count_can_decide(members, cast, needed))


def _count_can_decide(voters: list[str], cast: dict[str, str], needed: int) -> bool:
    """Fast track: can these voters still bring the approvals or the rejections to `needed`?
    (Every vote counts, whoever cast it; a voter may also change hers, but nobody is waited
    for who already voted.)"""
    pending = sum(1 for v in voters if v not in cast)
    approvals = sum(1 for d in cast.values() if d == "approve")
    rejections = sum(1 for d in cast.values() if d == "reject")
    return approvals + pending >= needed or rejections + pending >= needed


def _panel_can_decide(voters: list[str], cast: dict[str, str], quorum: int) -> bool:
    """Panel: someone who may vote has not voted yet, and with them the quorum can be met
    (one more vote also breaks a tie)."""
    pending = sum(1 for v in voters if v not in cast)
    present = sum(1 for d in cast.values() if d != RECUSE)
    return pending > 0 and present + pending >= quorum


def reach_all(session: Session, cases: list[tuple[Application, Programme]],
              now: datetime | None = None) -> dict[str, Reach]:
    """`reach` for many cases with a handful of queries (the sweeper's pass over every case
    in review): each panel's members read once, every vote in one query."""
    cast = repo.votes_of_cases(session, [a.id for a, _ in cases])
    panels: dict[tuple[str, str], tuple[list[str], list[str]] | None] = {}
    found: dict[str, Reach] = {}
    for application, programme in cases:
        key = (application.programme_id, application.kind)
        if key not in panels:
            panel = repo.panel_for(session, programme_id=key[0], kind=key[1])
            panels[key] = None if panel is None else (
                [u.id for u in repo.panel_members(session, panel_id=panel.id)],
                [u.id for u in repo.panel_members(session, panel_id=panel.id, on_call_only=True)])
        read = panels[key]
        found[application.id] = (Reach((), max(programme.quorum, 1), False, False) if read is None else
                                 _rule(application, programme, read[0], read[1],
                                       cast.get(application.id, {}), now or utcnow()))
    return found


def may_vote(session: Session, application: Application, reviewer: StaffUser) -> bool:
    """On the panel (checked by the caller) and among this case's voters."""
    programme = programme_as_routed(session, application)
    return programme is not None and reviewer.id in reach(session, application, programme).voters
