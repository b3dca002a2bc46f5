"""Where a critical case's time goes, from what the run left in the databases (no
instrumentation in the product): Amparo's outbox and notices, and Prefect's flow runs.

Phases per critical case, each from the end of the one before:
  commit  submission sent → its outbox row written (intake, the group commit)
  claim   → the row claimed by a lane (the lane's wake or poll, the write gate)
  start   → a Prefect flow run with it running (Prefect's per-run cost; none when the
            express lane ran it directly, flows/registry.DIRECT)
  route   → routed, its reviewer notices queued (triage, risk, routing: the write gate)
  mail    → the first reviewer notice e-mailed (SMTP, the notice claim)
(The audit chain's times are whole seconds: the notices' times mark routing instead.)
"""
from __future__ import annotations

import json

from bench.surge_db import SurgeDb, ts
from bench.surge_probe import percentile

PHASES = ("commit", "claim", "start", "route", "mail")


def _flow_starts(prefect: SurgeDb | None) -> dict[str, float]:
    """application id → start time of the first flow run that got it as a parameter."""
    if prefect is None or not prefect.exists():
        return {}
    starts: dict[str, float] = {}
    for params, start in prefect.rows("SELECT parameters, start_time FROM flow_run "
                                      "WHERE start_time IS NOT NULL ORDER BY start_time"):
        params = json.loads(params) if isinstance(params, str) else params or {}
        for app_id in params.get("ids") or []:
            starts.setdefault(app_id, ts(start))  # type: ignore[arg-type]
    return starts


def _case_marks(db: SurgeDb, app_id: str) -> dict[str, float | None]:
    row = db.one("SELECT min(created_at), min(claimed_at) FROM dispatch WHERE flow = "
                 "'process-application' AND entity_id = ?", (app_id,))
    queued, sent = db.one("SELECT min(created_at), min(sent_at) FROM notice WHERE "
                          "application_id = ?", (app_id,))
    return {"commit": ts(row[0]), "claim": ts(row[1]), "route": ts(queued), "mail": ts(sent)}


def trace(db: SurgeDb, prefect: SurgeDb | None, submitted: dict[str, float]
          ) -> dict[str, object]:
    """Median and p95 of each phase over the critical cases `submitted` (id → epoch sent)."""
    starts = _flow_starts(prefect)
    spans: dict[str, list[float]] = {p: [] for p in PHASES}
    for app_id, sent in submitted.items():
        marks = _case_marks(db, app_id)
        start = starts.get(app_id)  # the record run of a direct one starts later
        marks["start"] = start if start and start < (marks["route"] or 0) else None
        before = sent
        for phase in PHASES:
            if (at := marks[phase]) is None:
                continue  # no flow run: that span joins the next one
            spans[phase].append(at - before)
            before = at
    return {p: {"p50_s": round(percentile(v, 50), 3), "p95_s": round(percentile(v, 95), 3),
                "n": len(v)} for p, v in spans.items() if v}


def flow_run_costs(prefect: SurgeDb | None) -> dict[str, object]:
    """Prefect's side of the run: how many flow runs, from creation to running (the worker's
    poll and process start, or the in-process engine's start) and their run time; and per
    flow, the wait for a worker (scheduled → pending) apart from the process start (pending
    → running)."""
    if prefect is None or not prefect.exists():
        return {}
    rows = prefect.rows("SELECT created, start_time, end_time FROM flow_run "
                        "WHERE start_time IS NOT NULL AND end_time IS NOT NULL")
    to_start = [ts(s) - ts(c) for c, s, _ in rows]  # type: ignore[operator]
    running = [ts(e) - ts(s) for _, s, e in rows]  # type: ignore[operator]
    return {"flow_runs": len(rows),
            "created_to_running_s": {"p50": round(percentile(to_start, 50), 2),
                                     "p95": round(percentile(to_start, 95), 2)},
            "run_s": {"p50": round(percentile(running, 50), 2),
                      "p95": round(percentile(running, 95), 2),
                      "total": round(sum(running), 1)},
            "by_flow": _by_flow(prefect)}


def _by_flow(prefect: SurgeDb) -> dict[str, dict[str, object]]:
    states: dict[str, dict[str, float]] = {}
    for run_id, kind, at in prefect.rows("SELECT flow_run_id, type, timestamp FROM "
                                         "flow_run_state"):
        seen, kind = states.setdefault(str(run_id), {}), str(kind).split(".")[-1]
        seen[kind] = min(seen.get(kind, ts(at)), ts(at))  # type: ignore[type-var]
    out: dict[str, dict[str, list[float]]] = {}
    for run_id, name, params in prefect.rows("SELECT flow_run.id, flow.name, parameters "
                                              "FROM flow_run JOIN flow ON flow.id = "
                                              "flow_run.flow_id"):
        seen, params = states.get(str(run_id), {}), json.loads(params) \
            if isinstance(params, str) else params or {}
        spans = out.setdefault(name, {"ids": [], "queued": [], "process": [], "run": []})
        spans["ids"].append(len(params.get("ids") or []))
        for span, (a, b) in {"queued": ("SCHEDULED", "PENDING"), "process": (
                "PENDING", "RUNNING"), "run": ("RUNNING", "COMPLETED")}.items():
            if a in seen and b in seen:
                spans[span].append(seen[b] - seen[a])
    return {name: {"runs": len(v["ids"]), "ids": sum(v["ids"]), **{
        f"{k}_s": {"p50": round(percentile(v[k], 50), 2), "max": round(max(v[k]), 2)}
        for k in ("queued", "process", "run") if v[k]}} for name, v in out.items()}
