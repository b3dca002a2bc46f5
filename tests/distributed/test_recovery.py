"""A case whose flow run was lost after the hand-over is queued again by the sweeper."""
from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import select

from bench.surge_data import application
from flows import recovery
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.applications.tables import Application
from models.core import outbox
from models.core.base import utcnow
from models.core.db import session_scope
from models.core.outbox import Dispatch
from tests.distributed.client import seed_programme


def _submitted_and_handed_over() -> str:
    with session_scope() as session:
        body = application(1, kind="grant", profile="medium", rng=random.Random(1))
        app_id = submit_application(session=session, data=ApplicationIn.model_validate(body)).id
    with session_scope() as session:  # the dispatcher handed it to Prefect: the row is done
        rows = outbox.claim(session, limit=10)
        outbox.finish(session, [r.id for r in rows])
    return app_id


def _waiting(session, app_id: str) -> int:  # noqa: ANN001
    return len(session.exec(select(Dispatch).where(Dispatch.entity_id == app_id,
                                                   Dispatch.status == "pending")).all())


def test_a_case_stuck_before_routing_is_dispatched_again_once(sqlite_url: str) -> None:
    seed_programme()
    app_id = _submitted_and_handed_over()
    with session_scope() as session:
        assert recovery.stranded_applications(session, utcnow())["stranded_redispatched"] == 0
    later = utcnow() + recovery.STRANDED_AFTER + timedelta(minutes=1)
    with session_scope() as session:
        assert recovery.stranded_applications(session, later)["stranded_redispatched"] == 1
    with session_scope() as session:  # a dispatch waits now: not queued twice
        assert recovery.stranded_applications(session, later)["stranded_redispatched"] == 0
        assert _waiting(session, app_id) == 1
        assert session.get(Application, app_id).status == "submitted"
