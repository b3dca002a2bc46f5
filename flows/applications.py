"""Intake flow: triage → risk → routing → reviewer notices for a batch, critical first.

One coarse task per step of the batch (not per row: DESIGN.md, flow-run cost). Each row is
handled in its own transaction by the domain steps (models.applications.steps), which load
it by id and do nothing when it is already past that step, so re-runs are harmless. A row
that fails is queued again a minute later; the others go on. Logs carry ids and counts only.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from prefect import flow, task
from sqlmodel import Session

from models.applications import repository, steps
from models.applications.risk import PRIORITY
from models.applications.service import PROCESS_FLOW
from models.core import outbox
from models.core.db import session_scope

from flows import handover
from flows.lanes import give_way_to_critical
from flows.notify import mail_notices

log = logging.getLogger("amparo.applications")
RETRY_AFTER = timedelta(minutes=1)
CRITICAL = PRIORITY["critical"]
MAX_TRIES = 6


def most_urgent_first(ids: list[str]) -> list[str]:
    """Priority (imminent / critical first), then the oldest (the query: the repository's)."""
    with session_scope(read_only=True) as session:
        return repository.most_urgent_first(session, ids)


def _each(name: str, ids: list[str], step: Callable[[Session, str], str | None]) -> dict[str, int]:
    """Run `step` on every row, a chunk of rows per transaction (each SQLite transaction costs a
    turn of the write lock, shared with intake); a chunk that fails is run again row by row,
    so the bad row fails alone and the others go on."""
    counts: dict[str, int] = {}
    for chunk in steps.chunks(ids):
        give_way_to_critical()
        try:
            with session_scope() as session:
                outcomes = [step(session, application_id) or "skipped" for application_id in chunk]
        except Exception:  # noqa: BLE001 - find the bad row: each alone, below
            outcomes = [_one(name, application_id, step) for application_id in chunk]
        for outcome in outcomes:
            counts[outcome] = counts.get(outcome, 0) + 1
    log.info("%s: %s", name, counts)
    return counts


def _one(name: str, application_id: str, step: Callable[[Session, str], str | None]) -> str:
    try:
        with session_scope() as session:
            return step(session, application_id) or "skipped"
    except Exception as exc:  # noqa: BLE001 - one bad row must not hold up the batch
        log.warning("%s failed for application %s: %s", name, application_id,
                    type(exc).__name__)
        _retry_later(application_id)
        return "failed"


def _retry_later(application_id: str) -> None:
    """Queue the row again, a few times at most (then it waits for a caseworker)."""
    with session_scope() as session:
        tries = outbox.dispatch_count(session, flow=PROCESS_FLOW, entity_id=application_id)
        if tries >= MAX_TRIES:
            log.warning("giving up on application %s after %d dispatches", application_id, tries)
            return
        outbox.enqueue(session, flow=PROCESS_FLOW, entity_id=application_id, priority=2,
                       delay=RETRY_AFTER)


# Prefect retries what failed in passing (a database restart, a lock timeout): every step is
# idempotent, and an operator sees the retry in Prefect's UI. The outbox stays the safety
# net for what a crash or a down orchestrator leaves behind.
STEP_RETRIES = {"retries": 2, "retry_delay_seconds": [1, 5]}


@task(name="triage-applications", **STEP_RETRIES)
def triage_applications(ids: list[str]) -> dict[str, int]:
    return _each("triage", ids, steps.triage_one)


@task(name="assess-risk", **STEP_RETRIES)
def assess_risk(ids: list[str]) -> dict[str, int]:
    return _each("risk", ids, steps.assess_one)


@task(name="route-applications", **STEP_RETRIES)
def route_applications(ids: list[str]) -> dict[str, int]:
    return _each("routing", ids, steps.route_one)


@flow(name="process-applications")
def process_applications(ids: list[str]) -> dict[str, dict[str, int]]:
    """Outbox flow `process-application`: takes application ids, never personal data.
    On a worker it then takes on the newer rows of its flow (flows/handover.py)."""
    done = _pipeline(ids, as_task=True)
    for more in handover.take_on(PROCESS_FLOW, lambda more: _pipeline(more, as_task=True)):
        for step, counts in more.items():
            for outcome, count in counts.items():
                done[step][outcome] = done[step].get(outcome, 0) + count
    return done


def process_directly(ids: list[str]) -> dict[str, dict[str, int]]:
    """The same steps without Prefect: the express lane's path for critical cases
    (flows/registry.DIRECT), where a flow run's start cost would be most of their wait."""
    return _pipeline(ids, as_task=False)


def _pipeline(ids: list[str], *, as_task: bool) -> dict[str, dict[str, int]]:
    def step(task_: Callable) -> Callable:  # a Prefect task, or the function it wraps
        return task_ if as_task else task_.fn  # type: ignore[attr-defined]

    ordered = most_urgent_first(ids)
    triaged = step(triage_applications)(ordered)
    assessed = step(assess_risk)(ordered)
    # Risk set the priority: route the critical ones first.
    routed = step(route_applications)(most_urgent_first(ordered))
    # Critical cases are matched to houses and their reviewers told in this run: runs of their
    # own would add Prefect's per-run cost to each. Other cases' matching and notices go by
    # their outbox rows; those of the critical ones stay as the safety net (a crash before
    # this point) and finish without a run when nothing is left to do.
    critical = critical_only(ordered)
    matched = _match_now(critical, step)
    mailed = step(mail_notices)([app_id for app_id, _ in critical]) if critical else {}
    return {"triage": triaged, "risk": assessed, "routing": routed, "matching": matched,
            "notices": mailed}


def _match_now(critical: list[tuple[str, str]], step: Callable) -> dict[str, int]:
    shelters = [app_id for app_id, kind in critical if kind == "shelter"]
    if not shelters:
        return {}
    from flows.shelter import match_cases  # flows.shelter imports this module

    return step(match_cases)(shelters)


def critical_only(ids: list[str]) -> list[tuple[str, str]]:
    """(id, kind) of the critical cases among `ids`, in the order given."""
    if not ids:
        return []
    with session_scope(read_only=True) as session:
        found = repository.kinds_at_most_priority(session, ids, CRITICAL)
    return [(app_id, found[app_id]) for app_id in ids if app_id in found]
