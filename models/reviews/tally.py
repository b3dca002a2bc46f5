"""The vote tally: pure functions, no database (DOMAIN rules in CONTRACT.md).

Panel track: a decision needs a quorum of non-recused votes (approve, reject or abstain) and
then a simple majority of the non-abstaining ones. A tie, or a quorum of abstentions, decides
nothing: the case waits for more votes, or for the sweeper to escalate it when its clock runs out.

Fast track (critical cases): `approvals_needed` approvals from on-call reviewers approve; the
same number of rejections rejects (one worried "no" must not block, nor can it alone refuse an
urgent case). Abstentions and recusals count for neither.

The decided amount is the LOWER median of the approving amounts: with an even count we take
the smaller middle amount, so the amount is one a reviewer actually proposed, needs no rounding
and is backed by at least half of the approvers (each of whom approved at least that much).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

APPROVE, REJECT, ABSTAIN, RECUSE = "approve", "reject", "abstain", "recuse"
DECISIONS = (APPROVE, REJECT, ABSTAIN, RECUSE)
APPROVED, REJECTED = "approved", "rejected"


@dataclass(frozen=True)
class Ballot:
    decision: str
    amount_minor: int | None = None


@dataclass(frozen=True)
class Outcome:
    result: str | None          # "approved", "rejected" or None (not decided yet)
    amount_minor: int | None    # the decided amount when approved
    approvals: int
    rejections: int
    abstentions: int
    recusals: int

    @property
    def decided(self) -> bool:
        return self.result is not None


def lower_median(amounts: Iterable[int]) -> int:
    ordered = sorted(amounts)
    if not ordered:
        raise ValueError("no amounts")
    return ordered[(len(ordered) - 1) // 2]


def _counts(ballots: list[Ballot]) -> dict[str, int]:
    counts = dict.fromkeys(DECISIONS, 0)
    for ballot in ballots:
        counts[ballot.decision] += 1
    return counts


def _outcome(result: str | None, ballots: list[Ballot], counts: dict[str, int]) -> Outcome:
    amount = None
    if result == APPROVED:
        amount = lower_median(b.amount_minor or 0 for b in ballots if b.decision == APPROVE)
    return Outcome(result=result, amount_minor=amount, approvals=counts[APPROVE],
                   rejections=counts[REJECT], abstentions=counts[ABSTAIN],
                   recusals=counts[RECUSE])


def tally_panel(ballots: Iterable[Ballot], *, quorum: int) -> Outcome:
    ballots = list(ballots)
    counts = _counts(ballots)
    present = counts[APPROVE] + counts[REJECT] + counts[ABSTAIN]
    result = None
    if present >= max(quorum, 1):
        if counts[APPROVE] > counts[REJECT]:
            result = APPROVED
        elif counts[REJECT] > counts[APPROVE]:
            result = REJECTED
    return _outcome(result, ballots, counts)


def tally_fast_track(ballots: Iterable[Ballot], *, approvals_needed: int) -> Outcome:
    ballots = list(ballots)
    counts = _counts(ballots)
    needed = max(approvals_needed, 1)
    result = None
    if counts[APPROVE] >= needed:
        result = APPROVED
    elif counts[REJECT] >= needed:
        result = REJECTED
    return _outcome(result, ballots, counts)


def tally(ballots: Iterable[Ballot], *, track: str, quorum: int, approvals_needed: int) -> Outcome:
    if track == "fast_track":
        return tally_fast_track(ballots, approvals_needed=approvals_needed)
    return tally_panel(ballots, quorum=quorum)
