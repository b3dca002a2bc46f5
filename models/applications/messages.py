"""What an applicant may read with the receipt: catalogue codes with parameters, and the
public wording of every status. Wording is English msgids; the API and pages translate them
(`forms.i18n.gettext`) and fill the parameters. Internal notes never reach this catalogue.
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.applications.tables import ApplicantMessage

STATUS_LABELS: dict[str, str] = {
    "submitted": "Received — we are checking your request",
    "eligible": "Accepted for assessment",
    "ineligible": "Not eligible",
    "needs_info": "We need more information from you",
    "risk_assessed": "Assessed — being sent for a decision",
    "in_review": "Being reviewed",
    "info_requested": "We need more information from you",
    "approved": "Approved",
    "rejected": "Not approved",
    "disbursing": "Payment being sent",
    "disbursed": "Payment sent",
    "follow_up": "Follow-up",
    "closed": "Closed",
    "withdrawn": "Withdrawn",
    "matching": "Looking for a safe place",
    "held": "A place is being reserved",
    "confirmed": "Place confirmed",
    "checked_in": "Staying at the safe place",
    "checked_out": "Stay ended",
    "documents": "Preparing visa documents",
    "lodged": "Visa application lodged",
    "appointment": "Appointment booked",
    "granted": "Visa granted",
    "refused": "Visa refused",
    "travel": "Travel",
}

# code -> msgid with {named} parameters (numbers and codes only, never personal data)
MESSAGES: dict[str, str] = {
    "received": "We received your request. Keep your receipt code safe.",
    "eligible": "Your request meets the conditions of the programme.",
    "amount_over_cap": "The amount asked is above this programme's limit of {cap} {currency}.",
    "excluded_costs": "This programme cannot pay for: {costs}.",
    "currency_not_supported": "This programme pays in {currency} only.",
    "endorser_missing": "Please name someone who knows your work and can vouch for you.",
    "purpose_unclear": "Please confirm what the money will pay for.",
    "duplicate_open_application": "You already have an open request of this kind. Tell us "
                                  "whether this is a new need.",
    "info_requested": "We have a question for you. Answer it below.",
    "info_reminder": "We are still waiting for your answer to our question. Without it we "
                     "cannot go on with your request.",
    "in_review": "Your request is being reviewed.",
    "fast_track": "Your request is being reviewed urgently.",
    "matching": "We are looking for a safe place that fits your needs.",
    "visa_review": "A visa officer is reviewing your request.",
    "grant_approved": "Your request was approved. We are preparing the payment.",
    "grant_rejected": "We are sorry: your request was not approved.",
    "visa_approved": "Your visa request was accepted; we are preparing the documents.",
    "visa_rejected": "We are sorry: we cannot support this visa request.",
    "payment_sent": "The money has been sent.",
    "payment_confirmed": "The money has arrived.",
    "place_confirmed": "A safe place has been confirmed for you.",
    "report_due": "Please upload a short report on how the money was used by {due}.",
    "report_received": "Thank you: we received your report.",
    "checkin_due": "We will contact you to check how you are.",
    "closed": "Your case is closed. Thank you.",
}
# Triage questions asked in the applicant's name: code -> msgid.
QUESTIONS: dict[str, str] = {
    "endorser_missing": "Who can vouch for you? Give their name, organisation and how to "
                        "reach them.",
    "purpose_unclear": "What exactly will the money pay for? This programme cannot pay "
                       "salaries, rent, armed guards, vehicles or past costs.",
    "duplicate_open_application": "You already have an open request of this kind. Is this "
                                  "a new need? Tell us what changed.",
}


def post_message(session: Session, *, application_id: str, code: str,
                 params: dict[str, Any] | None = None) -> ApplicantMessage:
    if code not in MESSAGES:
        raise ValueError("unknown message code")  # a programming error, not user input
    message = ApplicantMessage(application_id=application_id, code=code, params=params or {})
    session.add(message)
    return message


def render(code: str, params: dict[str, Any], translate: Any = None) -> str:
    """The message in words; `translate(msgid)` is the caller's gettext."""
    msgid = MESSAGES.get(code, code)
    text = translate(msgid) if translate else msgid
    try:
        return text.format(**{k: _param(v) for k, v in (params or {}).items()})
    except (KeyError, IndexError, ValueError):
        return text


def _param(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
