"""The rules of money: creating disbursements, approving them (four eyes, holds, budget, cap).

Tranche rule (documented in docs/money.md): when the decided amount exceeds the programme's
`tranche_threshold_minor`, tranche 1 is `tranche_first_percent` of it and tranche 2 the rest.
Tranche 2 is released (`not_before` set) when tranche 1 is confirmed; it cannot be approved
before. Approvals required: 2 when the grant's decided amount exceeds the programme's
`finance_threshold_minor`, else 1 (per grant, so tranches never dodge four eyes).
"""
from __future__ import annotations

import re

from sqlmodel import Session

from models.applications.tables import Application
from models.core import audit, outbox
from models.core.base import utcnow
from models.core.crypto import aad_for, blind_index, decrypt, encrypt
from models.core.db import lock
from models.core.errors import Conflict, Forbidden, Invalid
from models.core.workflow import transition
from models.money import ledger, outcomes, payout, payout_hold, repository
from models.money.tables import Budget, Disbursement, DisbursementApproval
from models.money.workflow import (
    APPROVED, DISBURSEMENT, DRAFT, ENDED, HELD, RAIL_STRIPE, RAILS,
)
from models.programmes.service import programme_as_routed
from models.programmes.tables import Programme

FINANCE = "finance"
SEND_FLOW = "send-disbursement"
ACCOUNT_RE = re.compile(r"^acct_[A-Za-z0-9]{1,64}$")
HOLD_REASONS = ("sanctions_name_match", "identity_check", "bank_query", "other")


def create_disbursements(*, session: Session, application: Application) -> list[Disbursement]:
    """Draft disbursement(s) for a grant just approved, in the caller's transaction."""
    existing = [d for d in repository.of_application(session, application.id)
                if d.status not in ENDED]
    if existing:
        return existing  # idempotent: approving twice never plans the money twice
    programme = programme_as_routed(session, application)
    amount = application.decided_amount_minor or application.amount_minor or 0
    if programme is None or amount <= 0:
        raise Invalid("the grant has no decided amount")
    currency = application.currency or programme.currency
    required = 2 if amount > programme.finance_threshold_minor else 1
    parts = _tranches(amount, programme)
    rows = [Disbursement(application_id=application.id, programme_id=programme.id,
                         tranche=i + 1, amount_minor=part, currency=currency,
                         approvals_required=required,
                         not_before=utcnow() if i == 0 else None)
            for i, part in enumerate(parts)]
    for row in rows:
        session.add(row)
        audit.record(session, actor="system", action="disbursement.created",
                     entity="disbursement", entity_id=row.id,
                     data={"application_id": application.id, "tranche": row.tranche,
                           "amount_minor": row.amount_minor, "currency": currency})
    session.flush()
    return rows


def _tranches(amount: int, programme: Programme) -> list[int]:
    threshold = programme.tranche_threshold_minor
    if threshold is None or amount <= threshold:
        return [amount]
    first = amount * programme.tranche_first_percent // 100
    return [first, amount - first] if 0 < first < amount else [amount]


def set_up(*, session: Session, disbursement_id: str, user_id: str, role: str, rail: str,
           destination: str | None) -> Disbursement:
    """Choose rail and destination before approvals; whoever does it never approves alone."""
    _require_finance(role)
    d = repository.get_for_update(session, disbursement_id)
    if d.status != DRAFT:
        raise Conflict("only a draft can be set up", code="not_draft")
    if repository.approvals(session, d.id):
        raise Conflict("approvals exist; cancel and start a new attempt",
                       code="already_approved")
    destination, detail_id = payout.resolve_destination(session, d, rail, destination)
    _apply_details(d, rail, destination)
    d.payout_detail_id = detail_id
    payout.require_destination(d)
    d.prepared_by = user_id
    session.add(d)
    audit.record(session, actor=user_id, action="disbursement.set_up", entity="disbursement",
                 entity_id=d.id, data={"rail": rail})
    return d


def _apply_details(d: Disbursement, rail: str, destination: str | None) -> None:
    if rail not in RAILS:
        raise Invalid("unknown rail", fields={"rail": "one of " + ", ".join(RAILS)})
    if rail == RAIL_STRIPE and not (destination and ACCOUNT_RE.match(destination)):
        raise Invalid("a Stripe destination is an acct_ id",
                      fields={"destination": "a connected account id (acct_...)"})
    d.rail = rail
    if destination:
        d.destination_enc = encrypt(destination.strip(),
                                    aad_for("disbursement", d.id, "destination"))
        d.destination_index = (blind_index(destination, "stripe_account")
                               if rail == RAIL_STRIPE else None)


def approve(*, session: Session, disbursement_id: str, user_id: str, role: str,
            rail: str | None = None, destination: str | None = None) -> Disbursement:
    """One finance approval; the last one needed commits the money and queues the send."""
    _require_finance(role)
    d = repository.get_for_update(session, disbursement_id)
    if d.status == HELD:  # her details changed after approval: finance approves them again
        return payout_hold.reapprove(session=session, d=d, user_id=user_id, rail=rail,
                                     destination=destination)
    given = repository.approvals(session, d.id)
    _check_can_approve(session, d, user_id, given)
    detail_id = d.payout_detail_id
    if rail:  # no destination given: hers, stored for this rail (issue 17)
        destination, detail_id = payout.resolve_destination(session, d, rail, destination)
    if rail and _details_differ(d, rail, destination):
        if given or d.prepared_by:
            raise Conflict("the payment details differ from the ones being approved",
                           code="details_locked")
        _apply_details(d, rail, destination)
        d.payout_detail_id = detail_id
    if not d.rail:
        raise Invalid("choose a rail", fields={"rail": "required"})
    payout.require_destination(d)
    session.add(DisbursementApproval(disbursement_id=d.id, user_id=user_id))
    audit.record(session, actor=user_id, action="disbursement.approval", entity="disbursement",
                 entity_id=d.id, data={"rail": d.rail, "n": len(given) + 1,
                                       "required": d.approvals_required})
    approvers = {a.user_id for a in given} | {user_id}
    if _complete(d, approvers):
        _commit_money(session, d, user_id)
    session.add(d)
    session.flush()
    return d


def _details_differ(d: Disbursement, rail: str, destination: str | None) -> bool:
    if rail != d.rail:
        return True
    stored = decrypt(d.destination_enc, aad_for("disbursement", d.id, "destination"))
    return bool(destination) and destination.strip() != stored


def _check_can_approve(session: Session, d: Disbursement, user_id: str,
                       given: list[DisbursementApproval]) -> None:
    if d.status != DRAFT:
        raise Conflict("this disbursement is not awaiting approval", code="not_draft")
    if any(a.user_id == user_id for a in given):
        raise Conflict("you have already approved this disbursement", code="approved_twice")
    if d.hold_reason and not d.hold_cleared_at:
        raise Conflict("a compliance hold must be cleared first", code="compliance_hold")
    if d.not_before is None:
        raise Conflict("this tranche waits for the previous one", code="tranche_waiting")
    grant = session.get(Application, d.application_id)
    if grant is None or grant.status not in ("approved", "disbursing", "disbursed",
                                             "follow_up"):
        raise Conflict("the grant is not approved for payment", code="grant_not_approved")


def _complete(d: Disbursement, approvers: set[str]) -> bool:
    enough = len(approvers) >= d.approvals_required
    return enough and (d.prepared_by is None or bool(approvers - {d.prepared_by}))


def _commit_money(session: Session, d: Disbursement, user_id: str) -> None:
    """Budget and cap checked under the programme's row lock, then the money is committed."""
    lock(session, Programme, d.programme_id)  # serialises approvals per programme
    grant = session.get(Application, d.application_id)
    assert grant is not None
    cap = grant.decided_amount_minor or grant.amount_minor or 0
    if ledger.held_for_application(session, application_id=grant.id) + d.amount_minor > cap:
        raise Conflict("this would pay the grant more than decided", code="cap_exceeded")
    bal = ledger.balances(session, programme_id=d.programme_id, currency=d.currency)
    if bal.remaining is not None and d.amount_minor > bal.remaining:
        raise Conflict("the programme's budget does not cover this", code="budget_exceeded")
    transition(session, DISBURSEMENT, d, APPROVED, actor_role=FINANCE, actor_id=user_id,
               entity="disbursement", data={"amount_minor": d.amount_minor})
    d.approved_at = utcnow()
    ledger.post(session, disbursement=d, movement="committed", actor=user_id)
    if d.rail == RAIL_STRIPE:
        outbox.enqueue(session, flow=SEND_FLOW, entity_id=d.id, priority=grant.priority)
    outcomes.grant_paying(session, grant)


def place_hold(*, session: Session, disbursement_id: str, user_id: str, role: str,
               reason: str) -> Disbursement:
    """A compliance hold (e.g. a sanctions name match) blocks approval and sending."""
    _require_finance(role)
    if reason not in HOLD_REASONS:
        raise Invalid("unknown hold reason", fields={"reason": ", ".join(HOLD_REASONS)})
    d = repository.get_for_update(session, disbursement_id)
    if d.status not in (DRAFT, APPROVED):
        raise Conflict("only money not yet sent can be held", code="not_holdable")
    if outcomes.send_in_flight(d):
        raise Conflict("a Stripe transfer is being made; try again in a few minutes",
                       code="send_in_progress")
    d.hold_reason, d.hold_by, d.hold_at = reason, user_id, utcnow()
    d.hold_cleared_by = d.hold_cleared_at = None
    session.add(d)
    audit.record(session, actor=user_id, action="disbursement.hold", entity="disbursement",
                 entity_id=d.id, data={"reason": reason})
    return d


def clear_hold(*, session: Session, disbursement_id: str, user_id: str,
               role: str) -> Disbursement:
    _require_finance(role)
    d = repository.get_for_update(session, disbursement_id)
    if not d.hold_reason or d.hold_cleared_at:
        raise Conflict("there is no hold to clear", code="no_hold")
    d.hold_cleared_by, d.hold_cleared_at = user_id, utcnow()
    session.add(d)
    audit.record(session, actor=user_id, action="disbursement.hold_cleared",
                 entity="disbursement", entity_id=d.id, data={"reason": d.hold_reason})
    if d.status == APPROVED and d.rail == RAIL_STRIPE:
        outbox.enqueue(session, flow=SEND_FLOW, entity_id=d.id)
    return d


def on_hold(d: Disbursement) -> bool:
    return bool(d.hold_reason) and d.hold_cleared_at is None


def _require_finance(role: str) -> None:
    if role != FINANCE:
        raise Forbidden("only finance staff may do this")


def set_budget(*, session: Session, programme_id: str, currency: str, amount_minor: int,
               user_id: str, role: str) -> Budget:
    """What a programme may pay out in one currency; never below what is already held."""
    if role not in ("admin", FINANCE):
        raise Forbidden("only admins and finance staff may set budgets")
    currency = currency.upper()
    if len(currency) != 3 or not currency.isalpha() or amount_minor < 0:
        raise Invalid("a currency code and a positive amount",
                      fields={"currency": "ISO 4217 code", "amount": "zero or more"})
    if lock(session, Programme, programme_id) is None:
        raise Invalid("unknown programme", fields={"programme": "unknown programme"})
    held = ledger.balances(session, programme_id=programme_id, currency=currency).held
    if amount_minor < held:
        raise Conflict("the budget would be below the money already held",
                       code="budget_below_held")
    row = ledger.budget_row(session, programme_id=programme_id, currency=currency)
    row = row or Budget(programme_id=programme_id, currency=currency, amount_minor=0)
    row.amount_minor = amount_minor
    session.add(row)
    audit.record(session, actor=user_id, action="money.budget", entity="programme",
                 entity_id=programme_id, data={"currency": currency, "amount_minor": amount_minor})
    return row
