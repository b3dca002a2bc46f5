"""The disbursement workflow as data (DOMAIN.md, "Money"; CONTRACT.md, "Money on the Stripe rail").

draft → approved → sent → confirmed, with failed / returned / cancelled as ends. Nothing goes
backwards: a new attempt after a failure, a return or a cancellation is a NEW disbursement row
(`retry_of` the old one), so Stripe's idempotency key `disbursement:{id}:transfer` stays one
key per attempt and the ledger of the old attempt stays as it was.
A reversal after `payout.paid` moves confirmed → failed (Stripe's own order of events).
"""
from __future__ import annotations

from models.core.workflow import APPLICANT, STRIPE, SYSTEM, Workflow, moves

FIN, ADM = "finance", "admin"

RAIL_STRIPE = "stripe_connect"
MANUAL_RAILS = ("bank_wire", "mobile_money", "money_transfer_agent", "cash_via_partner",
                "vendor_direct")
RAILS = (RAIL_STRIPE, *MANUAL_RAILS)

DRAFT, APPROVED, SENT, CONFIRMED = "draft", "approved", "sent", "confirmed"
HELD = "held"  # the applicant changed her payout details after approval (issue 17)
FAILED, RETURNED, CANCELLED = "failed", "returned", "cancelled"
ENDED = frozenset({FAILED, RETURNED, CANCELLED})
LIVE = frozenset({APPROVED, HELD, SENT, CONFIRMED})  # money held against the budget

DISBURSEMENT = Workflow(
    name="disbursement",
    initial=DRAFT,
    moves=moves([
        (DRAFT, APPROVED, [FIN, SYSTEM]),  # SYSTEM: the last approval completes it
        (DRAFT, CANCELLED, [FIN, ADM, SYSTEM]),
        (APPROVED, SENT, [SYSTEM, FIN]),  # SYSTEM: the Stripe flow; FIN: a manual rail
        (APPROVED, CANCELLED, [FIN, ADM]),
        (APPROVED, FAILED, [SYSTEM]),  # Stripe refused the transfer for good
        # New payout details after approval: the money stays committed and waits until
        # finance approves the new details (models/money/payout_hold.py).
        (APPROVED, HELD, [APPLICANT, SYSTEM]),
        (HELD, APPROVED, [FIN]),
        (HELD, CANCELLED, [FIN, ADM]),
        (SENT, CONFIRMED, [STRIPE, FIN]),
        (SENT, FAILED, [STRIPE, FIN]),
        (SENT, RETURNED, [STRIPE, FIN]),
        (CONFIRMED, FAILED, [STRIPE]),  # transfer reversed / payout failed after payout.paid
        (CONFIRMED, RETURNED, [STRIPE, FIN]),
    ]),
    terminal=ENDED,
)
