"""Property: whatever the programme's hours and however often (and out of order) the sweeper
runs, a wait is reminded at most once and only from half time, escalated at most once and
only from its end; and a PATCH of some clocks keeps the others (a new programme version)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from models.clocks.clocks import sweep_waiting_clocks
from models.clocks.tables import WaitingClock
from models.core.audit import AuditEvent
from models.core.base import as_utc
from models.programmes.schemas import ProgrammePatch
from models.programmes.service import api_rules, change_programme, rules_of
from models.programmes.tables import DEFAULT_CLOCK_HOURS
from tests.reviews import factories as f

T0 = datetime(2026, 5, 4, 6, 0, tzinfo=timezone.utc)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hours=st.integers(min_value=1, max_value=500),
       sweeps=st.lists(st.floats(min_value=0, max_value=2.5), min_size=1, max_size=8))
def test_reminded_once_from_half_time_escalated_once_from_the_end(
        session: Session, hours: int, sweeps: list[float]) -> None:
    prog = f.programme(session)
    prog.clock_hours = {"matching": hours}
    session.add(prog)
    app = f.application(session, prog=prog, kind="shelter", status="matching", due_in=None)
    app.status_changed_at = T0
    session.add(app)
    session.commit()
    for fraction in sweeps:
        sweep_waiting_clocks(session=session, now=T0 + timedelta(hours=hours * fraction))
        session.commit()
    rows = session.exec(select(WaitingClock).where(WaitingClock.application_id == app.id)).all()
    events = [e.action for e in session.exec(select(AuditEvent).where(
        AuditEvent.entity_id == app.id)).all() if e.action.startswith("clock.")]
    latest = max(sweeps)
    assert len(rows) == (1 if latest >= 0.5 else 0)
    assert events.count("clock.reminded") == (1 if latest >= 0.5 else 0)
    assert events.count("clock.escalated") == (1 if latest >= 1 else 0)
    for row in rows:
        assert as_utc(row.reminded_at) >= T0 + timedelta(hours=hours / 2)
        if row.escalated_at is not None:
            assert as_utc(row.escalated_at) >= T0 + timedelta(hours=hours)


def test_a_patch_of_some_clocks_keeps_the_others_as_a_new_version(session: Session) -> None:
    admin, _ = f.staff(session, role="admin")
    prog = f.programme(session)
    before = prog.version
    change_programme(session, slug=prog.slug, actor_id=admin.id,
                     data=ProgrammePatch(reason="test", clock_hours={"matching": 12}))
    change_programme(session, slug=prog.slug, actor_id=admin.id,
                     data=ProgrammePatch(reason="test", clock_hours={"held": 6},
                                         duplicate_window_days=90))
    assert prog.version == before + 2
    assert prog.clock_hours == {"matching": 12, "held": 6}  # stored: what differs
    shown = api_rules(rules_of(prog))
    assert shown["clock_hours"] == {**DEFAULT_CLOCK_HOURS, "matching": 12, "held": 6}
    assert shown["duplicate_window_days"] == 90
    unchanged = prog.version
    change_programme(session, slug=prog.slug, actor_id=admin.id,
                     data=ProgrammePatch(reason="same", clock_hours={"held": 6}))
    assert prog.version == unchanged  # nothing changed: no new version


def test_an_unknown_clock_is_refused() -> None:
    import pytest
    from pydantic import ValidationError
    with pytest.raises(ValidationError, match="unknown clock"):
        ProgrammePatch(reason="test", clock_hours={"coffee": 1})
