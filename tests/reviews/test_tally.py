"""The tally as pure functions, with property tests."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from models.reviews.tally import (Ballot, lower_median, tally_fast_track, tally_panel)

decisions = st.sampled_from(["approve", "reject", "abstain", "recuse"])
ballots = st.lists(st.builds(lambda d, a: Ballot(d, a if d == "approve" else None), decisions,
                             st.integers(min_value=1, max_value=1_000_000)), max_size=12)


class TestPanel:
    def test_no_quorum_no_decision(self) -> None:
        out = tally_panel([Ballot("approve", 100), Ballot("approve", 200)], quorum=3)
        assert out.result is None

    def test_recusals_do_not_count_towards_quorum(self) -> None:
        out = tally_panel([Ballot("recuse"), Ballot("approve", 1), Ballot("approve", 2)], quorum=3)
        assert out.result is None

    def test_three_approvals_median_amount(self) -> None:
        out = tally_panel([Ballot("recuse"), Ballot("approve", 250_000), Ballot("approve", 300_000),
                           Ballot("approve", 200_000)], quorum=3)
        assert (out.result, out.amount_minor) == ("approved", 250_000)

    def test_majority_of_non_abstaining(self) -> None:
        out = tally_panel([Ballot("abstain"), Ballot("abstain"), Ballot("reject")], quorum=3)
        assert out.result == "rejected"

    def test_tie_waits(self) -> None:
        out = tally_panel([Ballot("abstain"), Ballot("approve", 5), Ballot("reject")], quorum=3)
        assert out.result is None

    @given(ballots, st.integers(min_value=1, max_value=6))
    def test_properties(self, votes: list[Ballot], quorum: int) -> None:
        out = tally_panel(votes, quorum=quorum)
        present = sum(b.decision != "recuse" for b in votes)
        approvals = [b.amount_minor for b in votes if b.decision == "approve"]
        rejects = sum(b.decision == "reject" for b in votes)
        if present < quorum:
            assert out.result is None
        if out.result == "approved":
            assert len(approvals) > rejects
            assert min(approvals) <= out.amount_minor <= max(approvals)  # type: ignore[operator]
            assert out.amount_minor in approvals
        if out.result == "rejected":
            assert rejects > len(approvals)
        # Order of votes never matters.
        assert tally_panel(list(reversed(votes)), quorum=quorum) == out


class TestFastTrack:
    def test_two_approvals(self) -> None:
        out = tally_fast_track([Ballot("approve", 500), Ballot("approve", 300)], approvals_needed=2)
        assert (out.result, out.amount_minor) == ("approved", 300)

    def test_one_reject_does_not_block(self) -> None:
        out = tally_fast_track([Ballot("reject"), Ballot("approve", 1)], approvals_needed=2)
        assert out.result is None

    def test_two_rejects_reject(self) -> None:
        out = tally_fast_track([Ballot("reject"), Ballot("reject")], approvals_needed=2)
        assert out.result == "rejected"

    @given(ballots, st.integers(min_value=1, max_value=4))
    def test_properties(self, votes: list[Ballot], needed: int) -> None:
        out = tally_fast_track(votes, approvals_needed=needed)
        approvals = sum(b.decision == "approve" for b in votes)
        if out.result == "approved":
            assert approvals >= needed
        if approvals < needed and out.result is not None:
            assert out.result == "rejected"


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1))
def test_lower_median_is_a_proposed_amount_backed_by_half(amounts: list[int]) -> None:
    m = lower_median(amounts)
    assert m in amounts
    assert sum(a >= m for a in amounts) * 2 >= len(amounts)
    assert sum(a <= m for a in amounts) * 2 >= len(amounts)
