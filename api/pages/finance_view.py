"""What the finance templates need beyond the shared words and filters (forms/words.py:
`words(d.rail, "rail")`, `words(d.status, "payment")`, `|money(currency, minor=True)`):
payout fields, the rail's instructions (English msgids marked with N_, translated in
forms/i18n/*/LC_MESSAGES/finance.po), masked destinations and the payment reference.
"""
from __future__ import annotations

from typing import Any

from fastapi import Request

from forms.words import N_
from models.money.batches import payment_reference
from models.money.batches_payees import masked

FIELD_WORDS = {
    "provider": N_("Provider"), "phone": N_("Mobile number"),
    "account_name": N_("Account holder"), "iban": N_("IBAN"),
    "account_number": N_("Account number"), "bic": N_("BIC"),
    "pickup_name": N_("Name as on her ID"), "pickup_city": N_("City"),
    "partner": N_("Partner organisation"), "vendor_name": N_("Vendor"),
    "invoice_reference": N_("Invoice reference"),
    "account": N_("Stripe account"),
}
INSTRUCTIONS = {
    "stripe_connect": N_("Nothing to do by hand: Amparo makes the Stripe transfer once the "
                      "approvals are complete."),
    "bank_wire": N_("Make a bank transfer to the account below for exactly this amount, with "
                 "the payment reference in the remittance information, then mark it as sent."),
    "mobile_money": N_("Send this amount to the mobile-money number below from the "
                    "organisation's account, with the payment reference as the message or "
                    "account reference, then mark it as sent."),
    "money_transfer_agent": N_("Send the money for pickup at an agent in the person's city, "
                            "in the name as on her ID, quoting the payment reference; give "
                            "her the pickup code by a safe channel, then mark it as sent."),
    "cash_via_partner": N_("Transfer the amount to the partner organisation with the payment "
                        "reference; the partner hands the cash over and confirms."),
    "vendor_direct": N_("Pay the vendor's invoice (its reference below) with the payment "
                     "reference, then mark it as sent."),
}


def helpers(request: Request) -> dict[str, Any]:
    """Functions for the finance templates, bound to the reader's language."""
    return {
        "field_word": lambda key: FIELD_WORDS.get(key, key),
        "instructions": lambda rail: INSTRUCTIONS.get(rail or ""),
        "masked": masked, "reference": payment_reference,
    }
