"""What happens after approval: sent, confirmed, and the ends that give the money back.

Each function runs in the caller's transaction with the disbursement already locked. The
grant follows its money: approved → disbursing on the first approved attempt; disbursing →
disbursed → follow_up once every tranche is confirmed; back to approved when an attempt ends
and nothing else is in flight. A failed, returned or cancelled attempt is followed by a new
draft (`retry_of`), so a new attempt needs new approvals and gets its own Stripe key.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from models.applications.tables import Application
from models.applications.workflow import GRANT
from models.core import audit
from models.core.base import as_utc, utcnow
from models.core.crypto import aad_for, encrypt
from models.core.errors import Conflict, Forbidden, Invalid
from models.core.workflow import SYSTEM, transition
from models.money import ledger, repository
from models.money.tables import Disbursement
from models.money.workflow import (
    APPROVED, CANCELLED, CONFIRMED, DISBURSEMENT, DRAFT, ENDED, LIVE, RAIL_STRIPE, SENT,
)

FINANCE = "finance"
MAX_REFERENCE = 200


def send_in_flight(d: Disbursement) -> bool:
    """A Stripe call for this disbursement may still be running: do not cancel or hold it."""
    return (d.rail == RAIL_STRIPE and d.status == APPROVED and not d.stripe_transfer_id
            and d.send_started_at is not None
            and as_utc(d.send_started_at) > utcnow() - send_window())  # type: ignore[operator]


def send_window() -> timedelta:
    """How long a Stripe call may be in flight: the same horizon after which the sweeper
    counts a started step as lost (AMPARO_STALE_SECONDS, 5 minutes by default — longer
    than a Stripe call with all its retries)."""
    from models.core.settings import get_settings
    return timedelta(seconds=get_settings().stale_dispatch_seconds)


def grant_paying(session: Session, grant: Application) -> None:
    if grant.status == "approved":
        transition(session, GRANT, grant, "disbursing", actor_role=SYSTEM)


def mark_sent(session: Session, d: Disbursement, *, actor_role: str, actor_id: str | None,
              transfer_id: str | None = None, reference: str | None = None) -> None:
    transition(session, DISBURSEMENT, d, SENT, actor_role=actor_role, actor_id=actor_id,
               entity="disbursement", data={"rail": d.rail})
    d.sent_at = utcnow()
    if transfer_id:
        d.stripe_transfer_id = transfer_id
    if reference:
        _store_reference(d, reference)
    ledger.post(session, disbursement=d, movement="sent", actor=actor_id or actor_role)
    session.add(d)


def mark_confirmed(session: Session, d: Disbursement, *, actor_role: str,
                   actor_id: str | None, at: datetime | None = None) -> None:
    transition(session, DISBURSEMENT, d, CONFIRMED, actor_role=actor_role,
               actor_id=actor_id, entity="disbursement")
    d.confirmed_at = at or utcnow()
    ledger.post(session, disbursement=d, movement="confirmed", actor=actor_id or actor_role)
    session.add(d)
    session.flush()
    _release_next_tranche(session, d)
    _finish_grant_if_paid(session, d)


def end(session: Session, d: Disbursement, target: str, *, actor_role: str,
        actor_id: str | None, code: str | None = None, reopen: bool = True) -> None:
    """failed / returned / cancelled: give the money back, plan a new attempt, reopen."""
    was_draft = d.status == DRAFT
    transition(session, DISBURSEMENT, d, target, actor_role=actor_role, actor_id=actor_id,
               entity="disbursement", data={"code": code} if code else None)
    now = utcnow()
    if target == CANCELLED:
        d.cancelled_at = now
        movement = "cancelled" if not was_draft else None
    else:
        d.failed_at, movement = now, target
    d.failure_code = code
    session.add(d)
    if movement == "cancelled" and ledger.account_of(session, d.id) == ledger.COMMITTED:
        ledger.post(session, disbursement=d, movement="cancelled", actor=actor_id or actor_role)
    elif movement in ledger.RETURNING:
        ledger.post(session, disbursement=d, movement=movement, actor=actor_id or actor_role)
    if reopen:
        _new_attempt(session, d)
    _reopen_grant(session, d.application_id)


def _new_attempt(session: Session, old: Disbursement) -> Disbursement:
    new = Disbursement(application_id=old.application_id, programme_id=old.programme_id,
                       tranche=old.tranche, amount_minor=old.amount_minor,
                       currency=old.currency, approvals_required=old.approvals_required,
                       rail=old.rail, retry_of=old.id,
                       # a later tranche still waiting for the earlier one keeps waiting (None):
                       # `or utcnow()` here once released it at once, before tranche 1 arrived
                       not_before=old.not_before if old.tranche > 1 else
                       (old.not_before or utcnow()))
    session.add(new)
    audit.record(session, actor="system", action="disbursement.created",
                 entity="disbursement", entity_id=new.id,
                 data={"application_id": old.application_id, "retry_of": old.id,
                       "tranche": old.tranche})
    return new


def _reopen_grant(session: Session, application_id: str) -> None:
    grant = session.get(Application, application_id)
    rows = repository.of_application(session, application_id)
    if grant and grant.status == "disbursing" and not any(r.status in LIVE for r in rows):
        transition(session, GRANT, grant, "approved", actor_role=SYSTEM)


def _release_next_tranche(session: Session, d: Disbursement) -> None:
    for row in repository.of_application(session, d.application_id):
        if row.tranche == d.tranche + 1 and row.status == DRAFT and row.not_before is None:
            row.not_before = d.confirmed_at
            session.add(row)
            audit.record(session, actor="system", action="disbursement.released",
                         entity="disbursement", entity_id=row.id, data={"tranche": row.tranche})


def _finish_grant_if_paid(session: Session, d: Disbursement) -> None:
    rows = [r for r in repository.of_application(session, d.application_id)
            if r.status not in ENDED]
    if not rows or any(r.status != CONFIRMED for r in rows):
        return
    grant = session.get(Application, d.application_id)
    if grant is None or grant.status != "disbursing":
        return
    transition(session, GRANT, grant, "disbursed", actor_role=SYSTEM)
    transition(session, GRANT, grant, "follow_up", actor_role=SYSTEM)
    confirmed_at = max(as_utc(r.confirmed_at) for r in rows if r.confirmed_at)  # type: ignore[type-var]
    # the applications area's check-ins (+7, +30 days, the report): a plain import, so a
    # rename fails loudly (a swallowed ModuleNotFoundError once stopped follow-ups silently)
    from models.applications.followups import schedule_followups
    schedule_followups(session=session, application=grant, confirmed_at=confirmed_at)


def _store_reference(d: Disbursement, reference: str) -> None:
    d.reference_enc = encrypt(reference, aad_for("disbursement", d.id, "reference"))


def _clean_reference(reference: str | None) -> str:
    text = (reference or "").strip()
    if not text or len(text) > MAX_REFERENCE:
        raise Invalid("a reference is required",
                      fields={"reference": f"1 to {MAX_REFERENCE} characters"})
    return text


# --- finance actions on manual rails ----------------------------------------------------

def send_manual(*, session: Session, disbursement_id: str, user_id: str, role: str,
                reference: str | None) -> Disbursement:
    _finance(role)
    text = _clean_reference(reference)
    d = repository.get_for_update(session, disbursement_id)
    if d.rail == RAIL_STRIPE:
        raise Conflict("Stripe disbursements are sent by the system", code="stripe_rail")
    if d.hold_reason and not d.hold_cleared_at:
        raise Conflict("a compliance hold must be cleared first", code="compliance_hold")
    mark_sent(session, d, actor_role=FINANCE, actor_id=user_id, reference=text)
    return d


def confirm_manual(*, session: Session, disbursement_id: str, user_id: str, role: str,
                   reference: str | None) -> Disbursement:
    """Finance confirms money received; a manual rail may be sent and confirmed at once."""
    _finance(role)
    text = _clean_reference(reference)
    d = repository.get_for_update(session, disbursement_id)
    if d.status == APPROVED and d.rail != RAIL_STRIPE:
        send_manual(session=session, disbursement_id=d.id, user_id=user_id, role=role,
                    reference=text)
    if d.status == CONFIRMED:
        raise Conflict("already confirmed", code="already_confirmed")
    if d.status != SENT:
        raise Conflict("only sent money can be confirmed", code="not_sent")
    _store_reference(d, text)
    mark_confirmed(session, d, actor_role=FINANCE, actor_id=user_id)
    return d


def finance_end(*, session: Session, disbursement_id: str, user_id: str, role: str,
                target: str, reopen: bool = True) -> Disbursement:
    """Cancel (draft/approved), or record a failure or return reported by the rail."""
    _finance(role)
    d = repository.get_for_update(session, disbursement_id)
    if send_in_flight(d):
        raise Conflict("a Stripe transfer is being made; try again in a few minutes",
                       code="send_in_progress")
    end(session, d, target, actor_role=FINANCE, actor_id=user_id, code=f"finance_{target}",
        reopen=reopen)
    return d


def _finance(role: str) -> None:
    if role != FINANCE:
        raise Forbidden("only finance staff may do this")
