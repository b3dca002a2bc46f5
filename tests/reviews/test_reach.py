"""No case without a way to a decision (issue 18): property tests over random panels,
on-call states, disabled reviewers, recusals and votes. Every case reaches approved or
rejected when its eligible people vote; a case that cannot is flagged at once."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from models.core.base import new_id
from models.core.errors import Forbidden
from models.core.notices import Notice
from models.programmes.service import demo_programme
from models.reviews.alerts import STUCK, flag_if_stuck
from models.reviews.reach import reach
from models.reviews.service import cast_vote
from tests.reviews import factories as f


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of reviewers: argon2 at its cheapest (the rule under test is not the hash)."""
    import models.people.service as people
    monkeypatch.setattr(people, "_hasher", PasswordHasher(time_cost=1, memory_cost=8,
                                                          parallelism=1))


def _case(session, *, members: int, on_call: int, quorum: int, approvals: int, track: str,
          disabled: list[bool]):  # noqa: ANN001, ANN202
    prog = demo_programme()
    prog.slug, prog.quorum, prog.fast_track_approvals = f"p{new_id()[:10]}", quorum, approvals
    session.add(prog)
    session.flush()
    _, users = f.panel(session, prog=prog, members=members, on_call=on_call)
    for user, off in zip(users, disabled):
        user.active = not off
        session.add(user)
    app = f.application(session, prog=prog, track=track,
                        risk_level="critical" if track == "fast_track" else "high")
    admin, _ = f.staff(session, role="admin")
    return prog, users, app


panels = st.fixed_dictionaries({
    "members": st.integers(0, 5), "on_call": st.integers(0, 5), "quorum": st.integers(1, 4),
    "approvals": st.integers(1, 3), "track": st.sampled_from(["panel", "fast_track"]),
    "disabled": st.lists(st.booleans(), min_size=5, max_size=5),
    "recusals": st.lists(st.booleans(), min_size=5, max_size=5),
    "decision": st.sampled_from(["approve", "reject"])})


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=panels)
def test_every_case_is_decided_or_flagged(session, case: dict) -> None:  # noqa: ANN001
    prog, users, app = _case(session, members=case["members"],
                             on_call=min(case["on_call"], case["members"]),
                             quorum=case["quorum"], approvals=case["approvals"],
                             track=case["track"], disabled=case["disabled"])
    for user, recuse in zip(users, case["recusals"]):
        if recuse and user.active and user.id in reach(session, app, prog).voters:
            cast_vote(session=session, application_id=app.id, reviewer=user, decision="recuse")
    found = reach(session, app, prog)
    if not found.reachable:
        assert flag_if_stuck(session, app)
        told = session.exec(select(Notice).where(Notice.application_id == app.id,
                                                 Notice.kind == STUCK)).all()
        assert told, "a stuck case must be told to the admins at once"
        return
    for user in users:
        if app.status != "in_review":
            break
        if user.id in found.voters:
            cast_vote(session=session, application_id=app.id, reviewer=user,
                      decision=case["decision"],
                      amount="2000" if case["decision"] == "approve" else None)
    assert app.status == ("approved" if case["decision"] == "approve" else "rejected")


def test_nobody_on_call_opens_a_critical_case_to_the_whole_panel(session) -> None:  # noqa: ANN001
    """Routing e-mailed the whole panel, but only on-call reviewers could vote: stuck."""
    prog, users, app = _case(session, members=3, on_call=0, quorum=3, approvals=2,
                             track="fast_track", disabled=[False] * 3)
    assert reach(session, app, prog).fallback
    for user in users[:2]:
        cast_vote(session=session, application_id=app.id, reviewer=user, decision="approve",
                  amount="2000")
    assert app.status == "approved"


def test_a_recusal_that_breaks_the_quorum_is_flagged_at_once(session) -> None:  # noqa: ANN001
    prog, users, app = _case(session, members=3, on_call=0, quorum=3, approvals=2,
                             track="panel", disabled=[False] * 3)
    cast_vote(session=session, application_id=app.id, reviewer=users[0], decision="recuse")
    kinds = [n.kind for n in session.exec(select(Notice).where(Notice.application_id == app.id))]
    assert STUCK in kinds  # the chair and the admins, before any clock runs out


def test_a_reviewer_added_mid_case_may_vote(session) -> None:  # noqa: ANN001
    from models.people.tables import PanelMember
    from models.reviews.repository import panel_for
    prog, users, app = _case(session, members=2, on_call=0, quorum=3, approvals=2,
                             track="panel", disabled=[False] * 2)
    newcomer, _ = f.staff(session, role="reviewer")
    with pytest.raises(Forbidden):
        cast_vote(session=session, application_id=app.id, reviewer=newcomer, decision="approve",
                  amount="2000")
    session.add(PanelMember(panel_id=panel_for(session, programme_id=prog.id, kind="grant").id,
                            user_id=newcomer.id))
    session.flush()
    for user in [*users, newcomer]:
        cast_vote(session=session, application_id=app.id, reviewer=user, decision="approve",
                  amount="2000")
    assert app.status == "approved"
