"""Critical first with the real flows (embedded mode, Prefect in process): in a backlog, the
critical cases submitted last are triaged, assessed, routed and their reviewers e-mailed
before any ordinary case is even triaged. (Distributed mode runs the same dispatcher code;
tests/distributed/test_dispatch_order.py checks its order in both modes.)
"""
from __future__ import annotations

import json
import random

import pytest

from bench.surge_data import application
from flows import dispatch
from models.applications.schemas import ApplicationIn
from models.applications.service import submit_application
from models.core.db import session_scope
from tests.distributed.client import make_staff, seed_programme
from tests.support.smtp import SmtpSink

ORDINARY, CRITICAL = 30, 3


def _submit(bodies: list[dict]) -> list[str]:
    ids = []
    for body in bodies:
        with session_scope() as session:
            ids.append(submit_application(session=session,
                                          data=ApplicationIn.model_validate(body)).id)
    return ids


def _status_events(app_ids: set[str]) -> list[tuple[int, str, str]]:
    from sqlmodel import select

    from models.core.audit import AuditEvent

    with session_scope() as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action.endswith(".status"))
                            .order_by(AuditEvent.seq)).all()
        return [(e.seq, e.entity_id, json.loads(e.data)["to"]) for e in rows
                if e.entity_id in app_ids]


def _priorities(ids: list[str]) -> set[int]:
    from models.applications.tables import Application

    with session_scope() as session:
        return {session.get(Application, i).priority for i in ids}  # type: ignore[union-attr]


@pytest.mark.slow
def test_critical_cases_submitted_last_are_routed_and_notified_first(
        sqlite_url: str, smtp_sink: SmtpSink, prefect_harness, monkeypatch) -> None:  # noqa: ANN001
    from models.core.settings import reset_settings

    monkeypatch.setenv("AMPARO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AMPARO_SMTP_PORT", str(smtp_sink.port))
    reset_settings()
    seed_programme()
    for i in range(2):
        make_staff(role="reviewer", email=f"oncall{i}@example.invalid", on_call=True)
    make_staff(role="reviewer", email="panel@example.invalid")
    rng = random.Random(3)
    ordinary = _submit([application(i, kind=rng.choice(["grant", "shelter", "visa"]),
                                    profile=rng.choice(["low", "medium"]), rng=rng)
                        for i in range(ORDINARY)])
    critical = _submit([application(100 + i, kind="grant", profile="critical", rng=rng)
                        for i in range(CRITICAL)])

    assert 0 not in _priorities(ordinary) and _priorities(critical) == {0}  # provisional risk
    while dispatch.dispatch_once():
        pass

    events = _status_events(set(ordinary) | set(critical))
    routed_critical = max(seq for seq, app, to in events if app in critical and to == "in_review")
    first_ordinary = min(seq for seq, app, _ in events if app in ordinary)
    assert routed_critical < first_ordinary
    mailed = [m.get_content().split("/staff/cases/")[-1].split()[0] for m in smtp_sink.messages]
    first_ordinary_mail = min((i for i, a in enumerate(mailed) if a in ordinary),
                              default=len(mailed))
    assert set(mailed[:first_ordinary_mail]) == set(critical)
    assert all(to != "submitted" for _, _, to in events[-ORDINARY:])
    monkeypatch.delenv("AMPARO_SMTP_HOST")
    reset_settings()


@pytest.mark.slow
def test_a_critical_shelter_case_is_matched_in_the_run_that_routes_it(
        sqlite_url: str, smtp_sink: SmtpSink, prefect_harness, monkeypatch) -> None:  # noqa: ANN001
    """One Prefect run takes a critical shelter case from submitted to matched with its
    coordinators e-mailed; its `match-shelter` and `send-notices` rows then finish without a
    run of their own (a run costs Prefect's per-run overhead; critical cases wait for it)."""
    from sqlmodel import select

    from models.applications.tables import Application
    from models.core.notices import Notice
    from models.core.settings import reset_settings

    monkeypatch.setenv("AMPARO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("AMPARO_SMTP_PORT", str(smtp_sink.port))
    reset_settings()
    seed_programme()
    make_staff(role="shelter_coordinator", email="coordinator@example.invalid")
    runs: list[str] = []
    real_run = dispatch._run_in_process
    monkeypatch.setattr(dispatch, "_run_in_process",
                        lambda flow, ids: (runs.append(flow), real_run(flow, ids)))
    [case] = _submit([application(7, kind="shelter", profile="critical",
                                  rng=random.Random(5))])
    while dispatch.dispatch_once():
        pass

    assert runs == ["process-application"]
    with session_scope() as session:
        assert session.get(Application, case).status == "matching"
        notices = session.exec(select(Notice).where(Notice.application_id == case)).all()
    kinds = sorted(n.kind for n in notices)
    assert kinds in (["shelter_matches", "shelter_matching"],
                     ["shelter_matching", "shelter_no_match"])
    assert all(n.sent_at is not None for n in notices)
    assert len(smtp_sink.messages) == len(notices) == 2  # each once
    monkeypatch.delenv("AMPARO_SMTP_HOST")
    reset_settings()
