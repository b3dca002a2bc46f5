"""Workflows as data: each is a table of allowed moves (from, to, who may), checked in one place.

`transition()` is the only function that changes a status. It refuses illegal moves with
`IllegalTransition` (changing nothing) and writes the audit event in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from models.core import audit
from models.core.base import utcnow
from models.core.errors import Forbidden, IllegalTransition

SYSTEM = "system"
APPLICANT = "applicant"
STRIPE = "stripe"


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    actors: frozenset[str]  # roles, or SYSTEM / APPLICANT / STRIPE


@dataclass
class Workflow:
    name: str
    initial: str
    moves: list[Move]
    terminal: frozenset[str] = field(default_factory=frozenset)
    public_labels: dict[str, str] = field(default_factory=dict)  # status -> message id

    def __post_init__(self) -> None:
        self._index = {(m.source, m.target): m for m in self.moves}

    @property
    def statuses(self) -> list[str]:
        seen: dict[str, None] = {self.initial: None}
        for m in self.moves:
            seen.setdefault(m.source)
            seen.setdefault(m.target)
        return list(seen)

    def allowed(self, source: str, target: str, actor_role: str) -> bool:
        move = self._index.get((source, target))
        return move is not None and actor_role in move.actors

    def targets(self, source: str, actor_role: str | None = None) -> list[str]:
        return [m.target for m in self.moves
                if m.source == source and (actor_role is None or actor_role in m.actors)]

    def check(self, source: str, target: str, actor_role: str) -> None:
        move = self._index.get((source, target))
        if move is None:
            raise IllegalTransition(f"cannot move from {source} to {target}")
        if actor_role not in move.actors:
            raise Forbidden("your role may not make this move")


def moves(table: list[tuple[str, str | list[str], str | list[str]]]) -> list[Move]:
    """Expand rows of (from, to or [to...], actor or [actors...]) into moves."""
    out = []
    for source, targets, actors in table:
        tgts = [targets] if isinstance(targets, str) else targets
        acts = frozenset([actors] if isinstance(actors, str) else actors)
        out.extend(Move(source, t, acts) for t in tgts)
    return out


class HasStatus(Protocol):
    id: Any
    status: str


def transition(session: Session, workflow: Workflow, obj: HasStatus, target: str, *,
               actor_role: str, actor_id: str | None = None, entity: str = "application",
               data: dict[str, Any] | None = None) -> None:
    """Move `obj` to `target` if the table allows it, with its audit event."""
    source = obj.status
    workflow.check(source, target, actor_role)
    obj.status = target
    now = utcnow()
    for attr in ("status_changed_at", "updated_at"):
        if hasattr(obj, attr):
            setattr(obj, attr, now)
    session.add(obj)
    audit.record(session, actor=actor_id or actor_role, action=f"{workflow.name}.status",
                 entity=entity, entity_id=str(obj.id),
                 data={"from": source, "to": target, **(data or {})})
