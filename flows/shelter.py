"""Placement flows: match new shelter cases (critical first); expire bed holds (sweeper).

Flows take application ids only. Each case is matched in its own transaction; holds expire
in the sweeper's transaction, freeing their beds night by night.
"""
from __future__ import annotations

import logging
from datetime import datetime

from prefect import flow, task
from sqlmodel import Session

from models.applications.repository import most_urgent_first
from models.core.db import session_scope
from models.shelter import matchrun
from models.shelter.service import expire_holds

log = logging.getLogger("amparo.shelter")


@task(name="match-cases", retries=1, retry_delay_seconds=2)
def match_cases(ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for application_id in ids:
        try:
            with session_scope() as session:
                outcome = matchrun.match_one(session, application_id)
        except Exception as exc:  # noqa: BLE001 - one bad case must not hold up the others
            log.warning("matching failed for application %s: %s", application_id,
                        type(exc).__name__)
            outcome = "failed"
        counts[outcome] = counts.get(outcome, 0) + 1
    log.info("matching: %s", counts)
    return counts


@flow(name="match-shelter")
def match_shelter_cases(ids: list[str]) -> dict[str, int]:
    """Outbox flow `match-shelter`: rank houses for each case, most urgent case first."""
    with session_scope(read_only=True) as session:
        ordered = most_urgent_first(session, ids)
    return match_cases(ordered)


def expire_bed_holds(session: Session, now: datetime) -> dict:
    return {"holds_expired": expire_holds(session=session, now=now)}


def queue_shelter_matching(session: Session, now: datetime) -> dict:
    return {"shelter_cases_queued": matchrun.queue_new_cases(session, now)}
