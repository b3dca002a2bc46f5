"""The intake flow under Prefect's test harness: a batch, critical first, re-runs harmless."""
from __future__ import annotations

from sqlmodel import select

from models.applications.service import submit_application
from models.applications.tables import Application
from models.core.audit import AuditEvent
from models.core.db import new_session
from models.programmes.service import demo_programme, ensure_programme
from tests.applications.helpers import CRITICAL, application_in


def test_process_applications_flow(sqlite_url, prefect_harness) -> None:  # noqa: ANN001
    from flows.applications import most_urgent_first, process_applications

    with new_session() as s:
        ensure_programme(s, demo_programme())
        low = submit_application(session=s, data=application_in()).id
        critical = submit_application(session=s, data=application_in(
            applicant={"name": "Test Person Omega", "email": "omega@example.invalid",
                       "phone": "+00 000 0001"}, **CRITICAL)).id
        s.commit()
    assert most_urgent_first([low, critical, "missing"]) == [critical, low]
    result = process_applications([low, critical, "missing"])
    assert result["routing"] == {"fast_track": 1, "panel": 1}  # unknown ids are dropped
    again = process_applications([low, critical])  # a re-dispatch changes nothing
    assert again["triage"] == {"skipped": 2}
    with new_session() as s:
        rows = {a.id: a for a in s.exec(select(Application)).all()}
        assert rows[critical].track == "fast_track" and rows[low].track == "panel"
        routed = [e.entity_id for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
                  if '"to":"in_review"' in e.data]
        assert routed == [critical, low]


def test_a_failing_row_is_retried_a_few_times(sqlite_url) -> None:  # noqa: ANN001
    """Without Prefect: the task bodies are plain functions over ids."""
    from flows import applications as flow_module
    from models.core.outbox import Dispatch

    def _boom(session, application_id):  # noqa: ANN001, ANN202
        raise RuntimeError("boom")

    for _ in range(flow_module.MAX_TRIES + 2):
        assert flow_module._each("triage", ["abc"], _boom) == {"failed": 1}
    with new_session() as s:
        rows = s.exec(select(Dispatch).where(Dispatch.entity_id == "abc")).all()
        assert len(rows) == flow_module.MAX_TRIES
