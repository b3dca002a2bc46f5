"""The figures of the simulated week (bench/week.py), read from the database at its end."""
from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlmodel import select

from bench import week_actions as act
from models.applications.tables import Application
from models.core.base import as_utc
from models.core.db import session_scope
from models.core.notices import Notice
from models.money.tables import Disbursement

# The waits a case may not exceed, in hours (the defaults of issue 18's clocks; a copy, so the
# code before the clocks is measured against the same yardstick).
WAIT_HOURS = {"submitted": 24, "eligible": 24, "risk_assessed": 24, "needs_info": 168,
              "info_requested": 168, "matching": 48, "held": 24, "confirmed": 72,
              "documents": 336, "lodged": 720, "appointment": 336, "granted": 168,
              "refused": 168, "travel": 336, "approved": 72}
ESCALATIONS = ("review_escalated", "review_stuck", "clock_escalated")


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, math.ceil(q * len(values)) - 1)], 1)


def _decisions(week: Any, end: float) -> dict[str, Any]:
    """Hours from submission to decision, grants (the panel) and visas (the officers)."""
    by_level: dict[str, list[float]] = {}
    within: dict[str, list[bool]] = {"critical": [], "other": []}
    fund: dict[str, list[bool]] = {"critical": [], "other": []}  # her answering time left out
    hers = _hours_waiting_for_her(week)
    missed: Counter[str] = Counter()  # which kind missed its target
    with session_scope() as s:
        apps = {a.id: a for a in s.exec(select(Application).where(
            Application.kind.in_(["grant", "visa"]))).all()}  # type: ignore[attr-defined]
    for case in week.cases.values():
        app = apps.get(case.id)
        if app is None or app.risk_level is None or app.status in ("ineligible", "withdrawn"):
            continue
        decided = case.decided
        if app.kind == "grant" and app.decided_at is not None:
            decided = (as_utc(app.decided_at) - week.clock.at(0)).total_seconds() / 60
        hours = (decided - case.submitted) / 60 if decided is not None else None
        level = app.risk_level
        if hours is not None:
            by_level.setdefault(level, []).append(hours)
        target, group = (24, "critical") if level == "critical" else (72, "other")
        if case.submitted <= end - target * 60:
            within[group].append(hours is not None and hours <= target)
            fund_hours = (hours if hours is not None else (end - case.submitted) / 60) \
                - hers.get(case.id, 0.0)
            if hours is not None or fund_hours > target:  # else: still hers to answer
                fund[group].append(hours is not None and fund_hours <= target)
            if not within[group][-1]:
                missed[f"{group}:{app.kind}"] += 1
    return {
        "critical_within_24h": _share(within["critical"]),
        "others_within_72h": _share(within["other"]),
        "missed_by_kind": dict(missed),
        "critical_within_24h_of_fund_time": _share(fund["critical"]),
        "others_within_72h_of_fund_time": _share(fund["other"]),
        "hours_to_decision": {lvl: {"n": len(v), "p50": _pct(v, 0.5), "p95": _pct(v, 0.95)}
                              for lvl, v in sorted(by_level.items())},
    }


def _hours_waiting_for_her(week: Any) -> dict[str, float]:
    """Per case, the hours its questions waited for the applicant's answer (to the end of the
    week when unanswered): time no one at the fund could shorten but by calling her."""
    from models.applications.tables import InfoRequest
    end = week.clock.at(week.minutes)
    out: dict[str, float] = {}
    with session_scope() as s:
        for q in s.exec(select(InfoRequest)).all():
            stop = as_utc(q.answered_at) or end
            out[q.application_id] = out.get(q.application_id, 0.0) + \
                (stop - as_utc(q.asked_at)).total_seconds() / 3600
    return out


def _share(flags: list[bool]) -> dict[str, Any]:
    return {"n": len(flags), "share": round(sum(flags) / len(flags), 3) if flags else None}


def _money(week: Any) -> dict[str, Any]:
    with session_scope() as s:
        grants = s.exec(select(Application).where(Application.kind == "grant",
                                                  Application.decided_at != None)).all()  # noqa: E711
        sent = {}
        for d in s.exec(select(Disbursement).where(Disbursement.sent_at != None)).all():  # noqa: E711
            at = as_utc(d.sent_at)
            sent[d.application_id] = min(at, sent.get(d.application_id, at))
    hours, unsent = [], 0
    for g in grants:
        if g.decided_amount_minor is None:
            continue  # rejected
        if g.id in sent:
            hours.append((sent[g.id] - as_utc(g.decided_at)).total_seconds() / 3600)
        else:
            unsent += 1
    return {"approved": len(hours) + unsent, "sent": len(hours), "not_sent_at_end": unsent,
            "hours_p50": _pct(hours, 0.5), "hours_p95": _pct(hours, 0.95)}


def _stalled(week: Any) -> dict[str, Any]:
    """Cases waiting past their clock at the end; 'stalled': and nobody was told. A clock
    that ran out since the sweeper's last pass is not counted (the next pass tells; the
    product's sweeper runs every minute, the simulation's every `sweep_every` minutes)."""
    now = week.clock.at(week.minutes - week.sweep_every)
    past, stalled = Counter(), Counter()
    with session_scope() as s:
        told = {}
        for n in s.exec(select(Notice).where(Notice.kind.in_(ESCALATIONS))).all():  # type: ignore[attr-defined]
            told.setdefault(n.application_id, []).append(as_utc(n.created_at))
        for app in s.exec(select(Application)).all():
            since = as_utc(app.status_changed_at)
            if app.status == "in_review":
                due = as_utc(app.decision_due_at)
                over = due is not None and app.clock_paused_at is None and due < now
            else:
                hours = WAIT_HOURS.get(app.status)
                over = hours is not None and since + timedelta(hours=hours) < now
            if not over:
                continue
            past[app.status] += 1
            if not any(t >= since for t in told.get(app.id, [])):
                stalled[app.status] += 1
    return {"past_their_clock": sum(past.values()), "by_status": dict(past),
            "stalled_nobody_told": sum(stalled.values()), "stalled_by_status": dict(stalled)}


def report(week: Any, *, wall_seconds: float) -> dict[str, Any]:
    end = week.minutes
    with session_scope() as s:
        notices = s.exec(select(Notice.kind, Notice.application_id)).all()
        statuses = Counter(s.exec(select(Application.status)).all())
    kinds = Counter(k for k, _ in notices)
    cases = {k: len({a for kk, a in notices if kk == k}) for k in kinds}
    return {
        "applications": len(week.cases), "by_kind": dict(Counter(c.kind for c in week.cases.values())),
        "statuses_at_end": dict(statuses),
        **_decisions(week, end),
        "approval_to_money_sent": _money(week),
        "stalled": _stalled(week),
        "escalations": {k: {"notices": kinds[k], "cases": cases[k]}
                        for k in sorted(kinds) if k in ESCALATIONS or "reminder" in k},
        "refused_actions": dict(act.REFUSED), "sweeps": week.sweeps,
        "sweep_every_minutes": week.sweep_every,
        "sweep_step_seconds": {k: round(v, 1) for k, v in sorted(
            week.step_seconds.items(), key=lambda kv: -kv[1])[:6]},
        "wall_seconds": round(wall_seconds, 1),
    }
