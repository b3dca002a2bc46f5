"""Transition tables: illegal moves refused and nothing changed; legal ones audited."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from models.applications.workflow import GRANT, SHELTER, VISA
from models.core.audit import AuditEvent
from models.core.errors import Forbidden, IllegalTransition
from models.core.workflow import transition
from tests.factories import make_application


@dataclass
class Thing:
    id: str
    status: str


class TestTables:
    @pytest.mark.parametrize("wf", [GRANT, SHELTER, VISA])
    def test_every_status_reachable_from_initial(self, wf) -> None:  # noqa: ANN001
        seen, todo = {wf.initial}, [wf.initial]
        while todo:
            for target in wf.targets(todo.pop()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        assert seen == set(wf.statuses)

    def test_reviewer_cannot_approve_money(self) -> None:
        assert not GRANT.allowed("approved", "disbursing", "reviewer")
        assert not GRANT.allowed("in_review", "approved", "reviewer")  # only by tally


class TestTransition:
    def test_illegal_move_changes_nothing(self, session) -> None:  # noqa: ANN001
        thing = Thing("x1", "submitted")
        with pytest.raises(IllegalTransition):
            transition(session, GRANT, thing, "approved", actor_role="system")
        assert thing.status == "submitted"
        with pytest.raises(Forbidden):
            transition(session, GRANT, thing, "eligible", actor_role="finance")
        assert thing.status == "submitted"

    def test_legal_move_writes_audit_event(self, session) -> None:  # noqa: ANN001
        app = make_application(session)
        transition(session, GRANT, app, "eligible", actor_role="system")
        event = session.exec(select(AuditEvent).where(AuditEvent.entity_id == app.id)).one()
        assert app.status == "eligible" and '"to":"eligible"' in event.data
