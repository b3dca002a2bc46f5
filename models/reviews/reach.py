"""A way to a decision for every voted case: who may vote now, and whether they can decide.

The rule, written once and used by the vote check, the queue, the notices and the alerts:
- A panel case is decided by the active panel members who have not recused; it needs the
  programme's quorum of them.
- A fast-track (critical) case is decided by the on-call members, with the fast-track count
  of approvals. When fewer on-call members than that count remain (nobody on call, recusals,
  disabled accounts), the case falls back to the whole panel with the same count: a critical
  case is never left with no one allowed to vote. (Routing already tells the whole panel in
  that case; before, none of them could vote.)
- Membership is read live: a reviewer added to the panel mid-case may vote at once.
- When even the fallback leaves fewer eligible voters than needed, the case is flagged at
  once — the chair and every admin are told (models/reviews/alerts.py `flag_if_stuck`) so
  they can add a reviewer — not when its clock breaks.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from models.applications.tables import Application
from models.people.tables import StaffUser
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme
from models.reviews import repository as repo

RECUSE = "recuse"


@dataclass(frozen=True)
class Reach:
    voters: tuple[str, ...]  # ids of who may vote on the case now (recused excluded)
    needed: int              # non-recused votes (panel) or approvals (fast track) to decide
    fallback: bool           # a fast-track case opened to the whole panel

    @property
    def reachable(self) -> bool:
        return len(self.voters) >= self.needed


def reach(session: Session, application: Application, programme: Programme) -> Reach:
    panel = repo.panel_for(session, programme_id=application.programme_id, kind=application.kind)
    if panel is None:
        return Reach((), max(programme.quorum, 1), False)
    recused = {v.reviewer_id for v in repo.votes_for(session, application.id)
               if v.decision == RECUSE}
    members = [u.id for u in repo.panel_members(session, panel_id=panel.id)
               if u.id not in recused]
    if application.track != "fast_track":
        return Reach(tuple(members), max(programme.quorum, 1), False)
    needed = max(programme.fast_track_approvals, 1)
    on_call = [u.id for u in repo.panel_members(session, panel_id=panel.id, on_call_only=True)
               if u.id not in recused]
    if len(on_call) >= needed:
        return Reach(tuple(on_call), needed, False)
    return Reach(tuple(members), needed, True)


def may_vote(session: Session, application: Application, reviewer: StaffUser) -> bool:
    """On the panel (checked by the caller) and among this case's voters."""
    programme = programme_as_routed(session, application)
    return programme is not None and reviewer.id in reach(session, application, programme).voters
