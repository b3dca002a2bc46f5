"""Review flows. Votes are decided at once in the request that casts them (under a row lock);
this flow tallies again by id, for recovery or after a programme's panel rules change.
"""
from __future__ import annotations

import logging

from prefect import flow, task

from models.core.db import session_scope
from models.reviews.service import retally

log = logging.getLogger("amparo.reviews")


@task(name="retally-votes", retries=2, retry_delay_seconds=[1, 5])
def retally_votes(ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for application_id in ids:
        with session_scope() as session:
            outcome = retally(session=session, application_id=application_id)
        counts[outcome] = counts.get(outcome, 0) + 1
    log.info("retally: %s", counts)
    return counts


@flow(name="decide-applications")
def decide_applications(ids: list[str]) -> dict[str, int]:
    return retally_votes(ids)
