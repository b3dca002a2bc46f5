"""The rules of review: who may vote, what a vote may say, and when the votes decide.

A vote is one row per reviewer and case (the unique constraint stays); a second vote by the
same reviewer changes that row until the case is decided. Each vote is tallied at once under
a row lock on the application, so two last votes arriving together decide exactly once.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlmodel import Session

from models.applications.messages import MESSAGES, post_message
from models.applications.tables import Application
from models.applications.workflow import workflow_for
from models.core import audit
from models.core.base import utcnow
from models.core.crypto import aad_for, encrypt
from models.core.db import lock
from models.core.currency import to_major, to_minor_exact
from models.core.errors import Conflict, Forbidden, Invalid, NotFound
from models.core.workflow import SYSTEM, transition
from models.people.tables import PanelMember, StaffUser
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme
from models.reviews import repository as repo
from models.reviews.tables import Vote
from models.reviews.alerts import flag_if_stuck, tell_if_widened
from models.reviews.reach import may_vote
from models.reviews.tally import (APPROVE, APPROVED, DECISIONS, RECUSE, Ballot, Outcome,
                                  tally)

REVIEWER = "reviewer"
MAX_COMMENT = 4000
VOTED_KINDS = ("grant",)  # visas are decided by visa officers, shelters by coordinators


@dataclass(frozen=True)
class VoteResult:
    vote_id: str
    decision: str
    status: str                  # the application's status after this vote
    decided: bool
    decided_amount_minor: int | None


def to_minor(amount: Any, currency: str) -> int:
    """Decimal major units (3000 or "2500.50") -> integer minor units; refuses fractions of cents."""
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as exc:
        raise Invalid("the amount is not a number", fields={"amount": "not a number"}) from exc
    minor = to_minor_exact(value, currency)
    if not value.is_finite() or minor != minor.to_integral_value() or minor <= 0:
        raise Invalid("the amount is not valid", fields={"amount": "a positive amount in the currency's units"})
    return int(minor)


def from_minor(amount_minor: int | None, currency: str | None) -> Decimal | None:
    if amount_minor is None:
        return None
    return to_major(amount_minor, currency)


def comment_aad(vote_id: str) -> str:
    return aad_for("vote", vote_id, "comment")


def eligible_membership(session: Session, *, application: Application,
                        reviewer: StaffUser) -> PanelMember:
    """The reviewer's seat on the panel deciding this case, or Forbidden."""
    if reviewer.role != REVIEWER or not reviewer.active:
        raise Forbidden("only reviewers vote", code="not_a_reviewer")
    if application.kind not in VOTED_KINDS:
        raise Forbidden("this kind of case is not decided by a panel", code="not_on_panel")
    panel = repo.panel_for(session, programme_id=application.programme_id, kind=application.kind)
    member = panel and repo.membership(session, panel_id=panel.id, user_id=reviewer.id)
    if not member:
        raise Forbidden("you are not on this programme's panel", code="not_on_panel")
    if application.track == "fast_track" and not member.on_call \
            and not may_vote(session, application, reviewer):  # the fallback (reach.py)
        raise Forbidden("fast-track cases are decided by on-call reviewers", code="not_on_call")
    return member


def has_recused(session: Session, *, application_id: str, reviewer_id: str) -> bool:
    vote = repo.vote_of(session, application_id=application_id, reviewer_id=reviewer_id)
    return vote is not None and vote.decision == RECUSE


def may_review(session: Session, *, application: Application, reviewer: StaffUser) -> bool:
    """A reviewer sees a case when on its panel (on call for fast track) and not recused."""
    try:
        eligible_membership(session, application=application, reviewer=reviewer)
    except Forbidden:
        return False
    return not has_recused(session, application_id=application.id, reviewer_id=reviewer.id)


def _checked_amount(application: Application, programme: Programme, decision: str,
                    amount: Any) -> int | None:
    if decision != APPROVE:
        if amount not in (None, ""):
            raise Invalid("an amount goes only with an approval", fields={"amount": "only with approve"})
        return None
    if amount in (None, ""):
        raise Invalid("an approval needs an amount", fields={"amount": "required to approve"})
    minor = to_minor(amount, application.currency or programme.currency)
    if application.amount_minor is not None and minor > application.amount_minor:
        raise Invalid("more than was requested", fields={"amount": "at most the amount requested"})
    if minor > programme.cap_minor:
        raise Invalid("more than the programme's cap", fields={"amount": "at most the programme's cap"})
    return minor


def _checked_comment(comment: str | None) -> str | None:
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise Invalid("the comment is too long", fields={"comment": f"at most {MAX_COMMENT} characters"})
    return text or None


def cast_vote(*, session: Session, application_id: str, reviewer: StaffUser, decision: str,
              amount: Any = None, comment: str | None = None) -> VoteResult:
    """Record or change a vote, then tally; refuses (changing nothing) what the rules forbid."""
    if decision not in DECISIONS:
        raise Invalid("unknown decision", fields={"decision": "approve, reject, abstain or recuse"})
    if reviewer.role != REVIEWER:
        raise Forbidden("only reviewers vote", code="not_a_reviewer")
    application = lock(session, Application, application_id)
    if application is None:
        raise NotFound("no such application")
    if has_recused(session, application_id=application.id, reviewer_id=reviewer.id):
        raise Forbidden("you recused yourself from this case", code="recused")
    eligible_membership(session, application=application, reviewer=reviewer)
    if application.status != "in_review":
        raise Conflict("this case is not open for votes", code="not_in_review")
    programme = programme_as_routed(session, application)
    assert programme is not None  # a foreign key
    minor = _checked_amount(application, programme, decision, amount)
    text = _checked_comment(comment)
    vote = _upsert_vote(session, application.id, reviewer.id, decision, minor, text)
    outcome = _tally(session, application, programme)
    if outcome.decided:
        _decide(session, application, outcome)
    else:  # told now, not when the clock breaks: no way left, or the whole panel's turn
        flag_if_stuck(session, application)
        tell_if_widened(session, application)
    return VoteResult(vote_id=vote.id, decision=decision, status=application.status,
                      decided=outcome.decided, decided_amount_minor=application.decided_amount_minor)


def _upsert_vote(session: Session, application_id: str, reviewer_id: str, decision: str,
                 amount_minor: int | None, comment: str | None) -> Vote:
    vote = repo.vote_of(session, application_id=application_id, reviewer_id=reviewer_id)
    changed = vote is not None
    if vote is None:
        vote = Vote(application_id=application_id, reviewer_id=reviewer_id, decision=decision)
    vote.decision, vote.amount_minor, vote.updated_at = decision, amount_minor, utcnow()
    vote.comment_enc = encrypt(comment, comment_aad(vote.id)) if comment else None
    session.add(vote)
    audit.record(session, actor=reviewer_id, action="review.vote", entity="application",
                 entity_id=application_id,
                 data={"vote_id": vote.id, "decision": decision, "changed": changed})
    session.flush()
    return vote


def _tally(session: Session, application: Application, programme: Programme) -> Outcome:
    ballots = [Ballot(v.decision, v.amount_minor) for v in repo.votes_for(session, application.id)]
    return tally(ballots, track=application.track or "panel", quorum=programme.quorum,
                 approvals_needed=programme.fast_track_approvals)


def _decide(session: Session, application: Application, outcome: Outcome) -> None:
    approved = outcome.result == APPROVED
    counts = {"approvals": outcome.approvals, "rejections": outcome.rejections,
              "abstentions": outcome.abstentions, "recusals": outcome.recusals}
    if approved:
        application.decided_amount_minor = outcome.amount_minor
    application.decided_at = utcnow()
    transition(session, workflow_for(application.kind), application,
               APPROVED if approved else "rejected", actor_role=SYSTEM,
               data={"reason": "tally", **counts})
    code = f"{application.kind}_{'approved' if approved else 'rejected'}"
    if code in MESSAGES:  # the applicant's catalogue (models.applications.messages)
        post_message(session, application_id=application.id, code=code)
    if approved:
        from models.money.service import create_disbursements  # money plans the payment
        create_disbursements(session=session, application=application)
    session.flush()


def retally(*, session: Session, application_id: str) -> str:
    """Tally again under the lock and decide if the votes now suffice (idempotent)."""
    application = lock(session, Application, application_id)
    if application is None:
        return "missing"
    if application.status != "in_review" or application.kind not in VOTED_KINDS:
        return "not_in_review"
    programme = programme_as_routed(session, application)
    assert programme is not None  # a foreign key
    outcome = _tally(session, application, programme)
    if not outcome.decided:
        return "pending"
    _decide(session, application, outcome)
    return application.status
