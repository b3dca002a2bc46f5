"""A critical case never waits on one silent phone or one split vote (issue 18, point 1):
a fast-track case opens to the whole panel when its on-call reviewers can no longer decide it
(one yes, one no) or their window (`on_call` clock, default 4 h) is over; the panel is told at
that moment, once. Property test: whatever the on-call reviewers do, the case is decided
once the others vote, or it was flagged."""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from models.core.audit import AuditEvent
from models.core.base import new_id, utcnow
from models.core.notices import Notice, queue_notice
from models.programmes.service import demo_programme
from models.reviews.alerts import FIRST_CALL, STUCK, WIDENED, flag_stuck_reviews
from models.reviews.reach import reach
from models.reviews.service import cast_vote
from tests.reviews import factories as f


def _critical(session, *, members: int, on_call: int, approvals: int = 2,
              window: int | None = None):  # noqa: ANN001, ANN202
    prog = demo_programme()
    prog.slug, prog.fast_track_approvals = f"p{new_id()[:10]}", approvals
    if window is not None:
        prog.clock_hours = {"on_call": window}
    session.add(prog)
    session.flush()
    _, users = f.panel(session, prog=prog, members=members, on_call=on_call)
    f.staff(session, role="admin")
    app = f.application(session, prog=prog, track="fast_track", risk_level="critical",
                        priority=0, due_in=timedelta(hours=24))  # routed now
    return prog, users, app


def _told(session, app, kind: str) -> set[str]:  # noqa: ANN001
    return set(session.exec(select(Notice.recipient_id).where(
        Notice.application_id == app.id, Notice.kind == kind)).all())


def test_a_split_on_call_vote_opens_the_case_to_the_whole_panel_at_once(session) -> None:  # noqa: ANN001
    prog, users, app = _critical(session, members=4, on_call=2)
    assert not reach(session, app, prog).fallback
    cast_vote(session=session, application_id=app.id, reviewer=users[0], decision="approve",
              amount="2000")
    cast_vote(session=session, application_id=app.id, reviewer=users[1], decision="reject")
    assert app.status == "in_review" and reach(session, app, prog).fallback
    assert _told(session, app, WIDENED) == {users[2].id, users[3].id}  # at the vote, not later
    cast_vote(session=session, application_id=app.id, reviewer=users[3], decision="approve",
              amount="1500")
    assert app.status == "approved" and app.decided_amount_minor == 150_000


def test_the_on_call_window_ends_and_the_sweeper_tells_the_panel_once(session) -> None:  # noqa: ANN001
    prog, users, app = _critical(session, members=5, on_call=2)
    routed = utcnow()
    for user in users[:2]:  # routing told the on-call two (the factory does not route)
        queue_notice(session, kind=FIRST_CALL, recipient_id=user.id, application_id=app.id,
                     dedupe_key=f"{FIRST_CALL}:{app.id}:{user.id}")
    assert flag_stuck_reviews(session=session, now=routed + timedelta(hours=3, minutes=59)) == 0
    assert not _told(session, app, WIDENED)
    later = routed + timedelta(hours=4, minutes=1)
    assert reach(session, app, prog, later).fallback
    flag_stuck_reviews(session=session, now=later)
    assert _told(session, app, WIDENED) == {u.id for u in users[2:]}  # not the on-call two
    flag_stuck_reviews(session=session, now=later + timedelta(minutes=30))
    widened = session.exec(select(Notice).where(Notice.application_id == app.id,
                                                Notice.kind == WIDENED)).all()
    assert len(widened) == 3  # once each
    events = session.exec(select(AuditEvent).where(AuditEvent.entity_id == app.id,
                                                   AuditEvent.action == "review.widened")).all()
    assert len(events) == 1


def test_the_window_is_the_programmes(session) -> None:  # noqa: ANN001
    prog, _, app = _critical(session, members=4, on_call=2, window=1)
    assert reach(session, app, prog, utcnow() + timedelta(minutes=61)).fallback
    assert not reach(session, app, prog, utcnow() + timedelta(minutes=50)).fallback


@pytest.mark.parametrize("on_call", [0, 1])
def test_routing_already_told_everyone_when_nobody_could_decide(session, on_call: int) -> None:  # noqa: ANN001
    """Nobody (or too few) on call: the whole panel may vote from the start."""
    prog, users, app = _critical(session, members=3, on_call=on_call)
    found = reach(session, app, prog)
    assert found.fallback and set(found.voters) == {u.id for u in users}


ballots = st.sampled_from(["approve", "reject", "abstain", "recuse", None])


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(members=st.integers(1, 6), on_call=st.integers(0, 6), approvals=st.integers(1, 3),
       on_call_votes=st.lists(ballots, min_size=6, max_size=6),
       late=st.booleans(), others=st.sampled_from(["approve", "reject"]))
def test_whatever_the_on_call_reviewers_do_the_case_is_decided_or_flagged(
        session, members: int, on_call: int, approvals: int, on_call_votes: list,
        late: bool, others: str) -> None:  # noqa: ANN001
    prog, users, app = _critical(session, members=members, on_call=min(on_call, members),
                                 approvals=approvals)
    for user, ballot in zip(users[:min(on_call, members)], on_call_votes):
        if ballot and app.status == "in_review" and user.id in reach(session, app, prog).voters:
            cast_vote(session=session, application_id=app.id, reviewer=user, decision=ballot,
                      amount="2000" if ballot == "approve" else None)
    now = utcnow() + timedelta(hours=5 if late else 0)
    if late:
        flag_stuck_reviews(session=session, now=now)
    for user in users:
        found = reach(session, app, prog, now)
        if app.status != "in_review":
            break
        if user.id in found.voters and not _voted(session, app, user):
            cast_vote(session=session, application_id=app.id, reviewer=user, decision=others,
                      amount="2000" if others == "approve" else None)
    if app.status == "in_review":  # nobody left who could decide it: flagged, at once
        found = reach(session, app, prog, now)
        assert all(_voted(session, app, u) for u in users if u.id in found.voters)
        assert not found.reachable
        assert _told(session, app, STUCK), "a case nobody can decide must be told to the admins"
    else:
        assert app.status in ("approved", "rejected")


def _voted(session, app, user) -> bool:  # noqa: ANN001
    from models.reviews.repository import vote_of
    return vote_of(session, application_id=app.id, reviewer_id=user.id) is not None
