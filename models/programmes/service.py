"""Programme rules read by every area: look-ups and the demo programme of CONTRACT.md."""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, select

from models.core import audit
from models.core.base import as_utc
from models.core.db import lock
from models.core.errors import Conflict, Invalid, NotFound
from models.people.tables import Panel, PanelMember
from models.programmes import repository
from models.programmes.schemas import PanelIn, ProgrammeIn, ProgrammePatch
from models.programmes.rules import (AMOUNTS, PLAIN, api_rules, check_rules,  # noqa: F401
                                     programme_json, rules_of, stored_rules)
from models.programmes.tables import (DEFAULT_CLOCK_HOURS, DEFAULT_DECISION_HOURS,
                                      DEFAULT_RISK_WEIGHTS, Programme, ProgrammeVersion)

DEFAULT_SLUG = "emergency"


def programme_by_slug(session: Session, slug: str | None) -> Programme:
    programme = session.exec(select(Programme).where(
        Programme.slug == (slug or DEFAULT_SLUG), Programme.active == True)).first()  # noqa: E712
    if programme is None:
        raise NotFound("unknown programme", fields={"programme": "unknown programme"})
    return programme


@dataclass(frozen=True)
class ProgrammeFacts:
    """The few facts intake reads of a programme (read-only: shared between requests)."""
    id: str
    kinds: tuple[str, ...]
    risk_weights: dict[str, Any]
    cap_minor: int = 0  # per case, in the currency's minor units (the form says it: issue 16)
    currency: str = ""
    payout_rails: tuple[str, ...] | None = None  # None: every rail of her country


# Programmes are seeded configuration read on every intake: keep their facts a short while.
# Writes through the ORM in this process clear the cache at once (listeners below); other
# processes see a change within FACTS_TTL_SECONDS.
FACTS_TTL_SECONDS = 30.0
_facts: dict[tuple[Any, str], tuple[float, ProgrammeFacts]] = {}


def programme_facts(session: Session, slug: str | None) -> ProgrammeFacts:
    """Like `programme_by_slug` (NotFound when unknown or inactive), from a short cache."""
    key = (session.get_bind().url, slug or DEFAULT_SLUG)  # per database: tests use many
    hit = _facts.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    programme = programme_by_slug(session, slug)
    facts = ProgrammeFacts(id=programme.id, kinds=tuple(programme.kinds or ()),
                           risk_weights=copy.deepcopy(programme.risk_weights or {}),
                           cap_minor=programme.cap_minor, currency=programme.currency,
                           payout_rails=tuple(programme.payout_rails)
                           if programme.payout_rails else None)
    _facts[key] = (now + FACTS_TTL_SECONDS, facts)
    return facts


def forget_programmes(*_: Any) -> None:
    """Drop the cached programme facts (called on every programme write in this process)."""
    _facts.clear()


for _name in ("after_insert", "after_update", "after_delete"):
    event.listen(Programme, _name, forget_programmes)


def demo_programme() -> Programme:
    """CONTRACT.md: EUR, cap 10,000; quorum 3; fast track on 2; one approval up to 5,000;
    tranches above 6,000 with 50% first."""
    return Programme(
        slug=DEFAULT_SLUG, name="Emergency protection grants", currency="EUR",
        cap_minor=1_000_000, kinds=["grant", "shelter", "visa"],
        decision_hours=dict(DEFAULT_DECISION_HOURS), quorum=3, fast_track_approvals=2,
        finance_threshold_minor=500_000, tranche_threshold_minor=600_000,
        tranche_first_percent=50, followup_days=[7, 30], report_days=90,
        excluded_costs=["salaries", "rent", "armed_guards", "vehicles", "retrospective"],
        risk_weights=DEFAULT_RISK_WEIGHTS, hold_hours=24, budget_minor=50_000_000,
    )


def ensure_programme(session: Session, programme: Programme) -> Programme:
    existing = session.exec(select(Programme).where(Programme.slug == programme.slug)).first()
    if existing:
        return existing
    session.add(programme)
    session.flush()
    _keep_version(session, programme, actor_id=None, reason="seeded")
    return programme


# --- the admin's changes: versions, validation, the panel ------------------------------------

def _keep_version(session: Session, programme: Programme, *, actor_id: str | None,
                  reason: str) -> ProgrammeVersion:
    row = ProgrammeVersion(programme_id=programme.id, number=programme.version,
                           rules=rules_of(programme), actor_id=actor_id, reason=reason)
    session.add(row)
    session.flush()
    return row


def create_programme(session: Session, *, data: ProgrammeIn, actor_id: str) -> Programme:
    """A new programme at version 1 (409 when the slug is taken); audited. Does not commit."""
    if repository.by_slug(session, data.slug) is not None:
        raise Conflict("this slug is taken", fields={"slug": "taken"})
    defaults = api_rules(rules_of(demo_programme()))
    given = data.model_dump(exclude_unset=True, exclude={"slug"}, mode="python")
    rules = {**defaults, **{k: v for k, v in given.items()}}
    if "budget" not in given:
        rules["budget"] = None
    if "active" not in given:
        rules["active"] = True
    if data.decision_hours is not None:
        rules["decision_hours"] = data.decision_hours.model_dump()
    check_rules(rules, panel_size=None, changed=set(given))
    stored = stored_rules(rules)
    programme = Programme(slug=data.slug, version=1, **stored)
    session.add(programme)
    session.flush()
    for name, value in stored.items():  # an explicit None where the column has a default
        setattr(programme, name, value)
    session.flush()
    row = _keep_version(session, programme, actor_id=actor_id, reason="created")
    audit.record(session, actor=actor_id, action="programme.created", entity="programme",
                 entity_id=programme.id, data={"version": 1, "version_id": row.id})
    return programme


def change_programme(session: Session, *, slug: str, data: ProgrammePatch,
                     actor_id: str) -> Programme:
    """Apply a PATCH as a new version (the rules before stay as the earlier version), audited
    with who and the version that keeps why. Nothing changed: the same version. No commit."""
    programme = repository.by_slug(session, slug)
    if programme is None:
        raise NotFound("unknown programme")
    lock(session, Programme, programme.id)
    session.refresh(programme)
    given = data.model_dump(exclude_unset=True, exclude={"reason"}, mode="python")
    if data.decision_hours is not None:
        given["decision_hours"] = data.decision_hours.model_dump()
    if "risk_weights" in given and given["risk_weights"] is not None:
        given["risk_weights"] = {**(programme.risk_weights or {}), **given["risk_weights"]}
    if given.get("clock_hours") is not None:  # a PATCH names the clocks it changes
        given["clock_hours"] = {**DEFAULT_CLOCK_HOURS, **(programme.clock_hours or {}),
                                **given["clock_hours"]}
    for field in ("name", "currency", "cap", "kinds", "quorum", "fast_track_approvals",
                  "finance_single_approval_max", "tranche_first_percent", "decision_hours",
                  "followup_days", "report_days", "excluded_costs", "risk_weights",
                  "hold_hours", "active", "clock_hours", "duplicate_window_days"):
        if field in given and given[field] is None:
            raise Invalid(f"{field} cannot be empty", fields={field: "required"})
    before = api_rules(rules_of(programme))
    rules = {**before, **given}
    changed = {k for k in given if given[k] != before.get(k)}
    check_rules(rules, panel_size=repository.active_reviewers(session, programme.id),
                changed=changed)
    stored = stored_rules(rules)
    if not changed and stored == rules_of(programme):
        return programme
    if repository.version(session, programme.id, programme.version) is None:
        _keep_version(session, programme, actor_id=None, reason="")  # rules from before versions
    for name, value in stored.items():
        setattr(programme, name, value)
    programme.version += 1
    session.add(programme)
    session.flush()
    row = _keep_version(session, programme, actor_id=actor_id, reason=data.reason)
    audit.record(session, actor=actor_id, action="programme.changed", entity="programme",
                 entity_id=programme.id,
                 data={"version": programme.version, "version_id": row.id,
                       "fields": sorted(changed)})
    return programme


def programme_as_routed(session: Session, case: Any) -> Programme | None:
    """The rules a case was routed under (`case.programme_version`): the programme itself
    while that is its current version (or the case was never routed), else a copy built from
    the kept version, NOT in the session (read it; never add it). A change applies to cases
    routed after it (CONTRACT.md)."""
    programme = session.get(Programme, case.programme_id)
    number = getattr(case, "programme_version", None)
    if programme is None or number is None or number == programme.version:
        return programme
    kept = repository.version(session, programme.id, number)
    if kept is None:
        return programme
    rules = {**rules_of(programme), **copy.deepcopy(kept.rules)}
    return Programme(id=programme.id, slug=programme.slug, version=number,
                     created_at=programme.created_at, **rules)


def version_json(row: ProgrammeVersion) -> dict[str, Any]:
    return {"number": row.number, "actor_id": row.actor_id, "reason": row.reason,
            "at": as_utc(row.created_at).isoformat(),  # type: ignore[union-attr]
            "rules": api_rules(row.rules)}


def panel_json(session: Session, programme: Programme) -> dict[str, Any]:
    panel = repository.panel(session, programme.id)
    if panel is None:
        return {"members": [], "active_reviewers": 0}
    return {"members": [{"staff_id": user.id, "email": user.email, "role": user.role,
                         "active": user.active, "on_call": member.on_call,
                         "chair": panel.chair_id == user.id}
                        for member, user in repository.panel_rows(session, panel.id)],
            "active_reviewers": repository.active_reviewers(session, programme.id)}


def set_panel(session: Session, *, slug: str, data: PanelIn, actor_id: str) -> dict[str, Any]:
    """Replace the programme's (grant) panel: active reviewers only, one chair at most, and
    never fewer members than the quorum or the fast-track count (it could not decide).
    An empty list clears the panel. Audited with the member ids. Does not commit."""
    programme = repository.by_slug(session, slug)
    if programme is None:
        raise NotFound("unknown programme")
    lock(session, Programme, programme.id)
    ids = [m.staff_id for m in data.members]
    if len(set(ids)) != len(ids):
        raise Invalid("a person is listed twice", fields={"members": "listed twice"})
    users = repository.staff_by_ids(session, ids)
    for i, member in enumerate(data.members):
        user = users.get(member.staff_id)
        if user is None or not user.active or user.role != "reviewer":
            raise Invalid("panel members are active reviewers",
                          fields={f"members.{i}.staff_id": "not an active reviewer"})
    chairs = [m.staff_id for m in data.members if m.chair]
    if len(chairs) > 1:
        raise Invalid("a panel has one chair at most", fields={"members": "more than one chair"})
    if ids:
        for field in ("quorum", "fast_track_approvals"):
            if len(ids) < getattr(programme, field):
                raise Invalid(f"the {field.replace('_', ' ')} is {getattr(programme, field)}: "
                              f"a panel of {len(ids)} could never reach it",
                              fields={"members": f"fewer than the {field.replace('_', ' ')}"})
    panel = repository.panel(session, programme.id)
    if panel is None:
        panel = Panel(programme_id=programme.id, kind="grant")
        session.add(panel)
        session.flush()
    existing = {m.user_id: m for m, _ in repository.panel_rows(session, panel.id)}
    from models.reviews.rota import forget_member
    for user_id, member in existing.items():
        if user_id not in users:
            forget_member(session, member.id)  # her shifts and leave go with her seat
            session.delete(member)
    for member_in in data.members:
        row = existing.get(member_in.staff_id) or PanelMember(panel_id=panel.id,
                                                              user_id=member_in.staff_id)
        row.on_call = member_in.on_call
        session.add(row)
    panel.chair_id = chairs[0] if chairs else None
    session.add(panel)
    session.flush()
    audit.record(session, actor=actor_id, action="programme.panel_set", entity="programme",
                 entity_id=programme.id,
                 data={"members": sorted(ids), "on_call": sorted(m.staff_id for m in data.members
                                                                 if m.on_call),
                       "chair": panel.chair_id})
    return panel_json(session, programme)
