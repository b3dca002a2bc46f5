"""What the finance templates need to show money and codes in words: amounts as money in the
reader's language (`€2,500.00`, not `2500.0 EUR`), rails, states and hold reasons as words
(English msgids, translated in forms/i18n/*/LC_MESSAGES/finance.po), the rail's instructions,
destinations masked to their last digits and the copy-friendly payment reference.
"""
from __future__ import annotations

from typing import Any

from babel.numbers import format_currency
from fastapi import Request

from api.pages.common import pick_language
from models.money.batches import payment_reference
from models.money.batches_payees import masked
from models.money.schemas import major

RAIL_WORDS = {
    "stripe_connect": "Stripe Connect (partner organisation)",
    "bank_wire": "Bank transfer",
    "mobile_money": "Mobile money",
    "money_transfer_agent": "Money-transfer agent (pickup)",
    "cash_via_partner": "Cash through a partner organisation",
    "vendor_direct": "Paid directly to a vendor",
}
STATUS_WORDS = {
    "draft": "Waiting for approval", "approved": "Approved, not sent", "sent": "Sent",
    "confirmed": "Confirmed received", "failed": "Failed", "returned": "Returned",
    "cancelled": "Cancelled", "held": "Held: new payout details to approve",
}
HOLD_WORDS = {
    "sanctions_name_match": "Possible sanctions-list name match",
    "identity_check": "Identity check", "bank_query": "Query from the bank", "other": "Other",
}
FIELD_WORDS = {
    "provider": "Provider", "phone": "Mobile number", "account_name": "Account holder",
    "iban": "IBAN", "account_number": "Account number", "bic": "BIC",
    "pickup_name": "Name as on her ID", "pickup_city": "City", "partner": "Partner organisation",
    "vendor_name": "Vendor", "invoice_reference": "Invoice reference",
    "account": "Stripe account",
}
LEDGER_WORDS = {
    "funds": "Programme funds", "committed": "Committed", "in_transit": "In transit",
    "paid": "Paid", "sent": "Sent", "confirmed": "Confirmed received", "failed": "Failed",
    "returned": "Returned", "cancelled": "Cancelled",
}
INSTRUCTIONS = {
    "stripe_connect": "Nothing to do by hand: Amparo makes the Stripe transfer once the "
                      "approvals are complete.",
    "bank_wire": "Make a bank transfer to the account below for exactly this amount, with "
                 "the payment reference in the remittance information, then mark it as sent.",
    "mobile_money": "Send this amount to the mobile-money number below from the "
                    "organisation's account, with the payment reference as the message or "
                    "account reference, then mark it as sent.",
    "money_transfer_agent": "Send the money for pickup at an agent in the person's city, "
                            "in the name as on her ID, quoting the payment reference; give "
                            "her the pickup code by a safe channel, then mark it as sent.",
    "cash_via_partner": "Transfer the amount to the partner organisation with the payment "
                        "reference; the partner hands the cash over and confirms.",
    "vendor_direct": "Pay the vendor's invoice (its reference below) with the payment "
                     "reference, then mark it as sent.",
}


def money(amount_minor: int | None, currency: str, lang: str) -> str:
    if amount_minor is None:
        return "—"
    return format_currency(major(amount_minor, currency), currency, locale=lang)


def helpers(request: Request) -> dict[str, Any]:
    """Functions for the finance templates, bound to the reader's language."""
    lang = pick_language(request)
    return {
        "money": lambda amount, currency: money(amount, currency, lang),
        "rail_word": lambda rail: RAIL_WORDS.get(rail or "", "not chosen"),
        "status_word": lambda status: STATUS_WORDS.get(status, status),
        "hold_word": lambda reason: HOLD_WORDS.get(reason or "", "Other"),
        "field_word": lambda key: FIELD_WORDS.get(key, key),
        "ledger_word": lambda code: LEDGER_WORDS.get(code, code),
        "instructions": lambda rail: INSTRUCTIONS.get(rail or ""),
        "masked": masked, "reference": payment_reference,
    }
