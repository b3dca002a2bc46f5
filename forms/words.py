"""Words for the codes staff and applicants would otherwise read (issue 16): every status,
kind, risk level, track, threat type, perpetrator, vote, role, reason, rail, feature, problem,
difference and error code, as English msgids (`N_` marks them for `pybabel extract`) that the
page translates for its language.

In a template (filters registered in forms/render.py; the page's `lang` is used):

    {{ case.status|words("status") }}        {{ words(d.rail, "rail") }}
    {{ d.amount_minor|money(d.currency, minor=True) }}   {{ case.amount|money(case.currency) }}
    {{ ev.at|datetime }}  {{ v.at|date }}  {{ count|number }}  {{ value|yesno }}

An unknown code is shown as words ("some_code" -> "Some code"), never as the code itself.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.refusals import REFUSALS
from forms.words_audit import ACTIONS, ENTITIES


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return message


_CASE_STATUS = {
    "draft": N_("Draft"), "submitted": N_("Received"), "eligible": N_("Eligible"),
    "ineligible": N_("Not eligible"), "needs_info": N_("Needs information"),
    "risk_assessed": N_("Risk assessed"), "in_review": N_("In review"),
    "info_requested": N_("Waiting for the applicant"), "approved": N_("Approved"),
    "rejected": N_("Not approved"), "disbursing": N_("Payment being sent"),
    "disbursed": N_("Payment sent"), "follow_up": N_("Follow-up"), "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn"), "erased": N_("Erased"), "matching": N_("Looking for a place"),
    "held": N_("Place held"), "confirmed": N_("Place confirmed"),
    "checked_in": N_("Staying"), "checked_out": N_("Stay ended"),
    "documents": N_("Preparing documents"), "ready": N_("Ready to lodge"),
    "lodged": N_("Visa application lodged"), "appointment": N_("Appointment booked"),
    "granted": N_("Visa granted"), "refused": N_("Visa refused"), "travel": N_("Travel"),
    "travelled": N_("Travelled"), "expired": N_("Expired"), "released": N_("Released"),
    "missing": N_("Missing"), "received": N_("Received"), "accepted": N_("Accepted"),
    "waived": N_("Not needed"),
}
_PAYMENT_STATUS = {
    "draft": N_("Draft"), "approved": N_("Approved"), "sent": N_("Sent"),
    "confirmed": N_("Arrived"), "failed": N_("Failed"), "returned": N_("Returned"),
    "cancelled": N_("Cancelled"), "held": N_("On hold"),
}
WORDS: dict[str, dict[str, str]] = {
    "status": _CASE_STATUS,
    "payment": _PAYMENT_STATUS,
    "kind": {"grant": N_("Grant"), "shelter": N_("Shelter"), "visa": N_("Visa")},
    "risk": {"critical": N_("Critical"), "high": N_("High"), "medium": N_("Medium"),
             "low": N_("Low"), "unassessed": N_("Not assessed")},
    "track": {"fast_track": N_("Fast track"), "panel": N_("Panel"),
              "matching": N_("Shelter matching"), "visa_review": N_("Visa review")},
    "threat": {
        "death_threat": N_("Death threat"), "physical_attack": N_("Physical attack"),
        "sexual_violence": N_("Sexual violence"), "surveillance": N_("Surveillance"),
        "online_harassment": N_("Online harassment"),
        "criminalisation": N_("Criminalisation"), "raid": N_("Raid"),
        "smear_campaign": N_("Smear campaign"), "family_threat": N_("Threat to family"),
        "other": N_("Other")},
    "perpetrator": {
        "state": N_("State"), "non_state_armed": N_("Non-state armed group"),
        "corporate": N_("Company"), "family_or_community": N_("Family or community"),
        "unknown": N_("Unknown")},
    "decision": {"approve": N_("Approve"), "reject": N_("Reject"), "abstain": N_("Abstain"),
                 "recuse": N_("Recused")},
    "role": {"caseworker": N_("Caseworker"), "reviewer": N_("Panel reviewer"),
             "finance": N_("Finance officer"), "shelter_coordinator": N_("Shelter coordinator"),
             "visa_officer": N_("Visa officer"), "admin": N_("Administrator")},
    "reason": {"left": N_("Left the fund"), "leave": N_("On leave"),
               "lost_device": N_("Lost phone or computer"),
               "compromised": N_("Account may be compromised"), "back": N_("Back at work"),
               "other": N_("Other reason")},
    "hold": {"sanctions_name_match": N_("Name matches a sanctions list"),
             "identity_check": N_("Identity check"), "bank_query": N_("Question from the bank"),
             "other": N_("Other reason")},
    "refusal": {
        "insufficient_funds": N_("Not enough funds shown"),
        "purpose_not_justified": N_("Purpose not justified"),
        "return_doubted": N_("Return doubted"), "documents_incomplete": N_("Documents incomplete"),
        "security_concern": N_("Security concern"),
        "no_link_to_country": N_("No link to the country"), "quota_reached": N_("Quota reached"),
        "other": N_("Other reason")},
    "rail": {"stripe_connect": N_("Stripe transfer"), "bank_wire": N_("Bank transfer"),
             "mobile_money": N_("Mobile money"), "money_transfer_agent": N_("Money transfer agent"),
             "cash_via_partner": N_("Cash through a partner"),
             "vendor_direct": N_("Paid to the supplier")},
    "feature": {"children": N_("Children welcome"), "step_free": N_("Step-free access"),
                "lgbtiq_safe": N_("Safe for LGBTIQ people"), "women_only": N_("Women only"),
                "pets": N_("Pets allowed"), "medical_care": N_("Medical care"),
                "psychosocial_support": N_("Psychosocial support")},
    "problem": {"expires_too_soon": N_("Expires too soon"), "unreadable": N_("Cannot be read"),
                "missing": N_("Missing"), "mismatch": N_("Does not match")},
    "account": {"funds": N_("Available funds"), "committed": N_("Committed"),
                "in_transit": N_("In transit"), "paid": N_("Paid")},
    "movement": {"committed": N_("Money committed"), "sent": N_("Money sent"),
                 "confirmed": N_("Arrival confirmed"), "cancelled": N_("Commitment cancelled"),
                 "failed": N_("Payment failed"), "returned": N_("Money returned")},
    "report": {"ok": N_("No differences"), "differences": N_("Differences found"),
               "error": N_("Could not run")},
    "difference": {
        "stripe_unreachable": N_("Stripe could not be reached. Try again later."),
        "stripe_not_configured": N_("Stripe is not configured here, so there is nothing to "
                                    "reconcile with. Payments by other rails are not affected."),
        "transfer_not_in_ledger": N_("A Stripe transfer that is not in our books"),
        "amount_mismatch": N_("The amount or currency differs from Stripe"),
        "reversed_not_failed": N_("Reversed at Stripe but not marked as failed here"),
        "transfer_missing_at_stripe": N_("Sent here but not found at Stripe"),
        "payout_failed_not_failed": N_("The payout failed at Stripe but not here"),
        "paid_not_confirmed": N_("Paid out by Stripe but not confirmed here"),
        "ledger_mismatch": N_("The books do not match the payment's state")},
    "factor": {"threat_type": N_("Threat type"), "threat_types_cap": N_("Threat types (capped)"),
               "imminent": N_("Imminent"), "perpetrator": N_("Perpetrator"),
               "prior_attacks": N_("Prior attacks"), "dependants": N_("Dependants"),
               "country": N_("Country")},
    "level": {"critical": N_("Critical"), "high": N_("High"), "medium": N_("Medium"),
              "low": N_("Low")},
    "field": {
        "name": N_("Name"), "email": N_("E-mail"), "phone": N_("Phone"),
        "organisation": N_("Organisation"), "pronouns": N_("Pronouns"),
        "country": N_("Country"), "contact": N_("Contact"), "relationship": N_("Relationship"),
        "amount": N_("Amount"), "currency": N_("Currency"), "purpose": N_("Purpose"),
        "cost_types": N_("Costs"), "people": N_("People"), "children": N_("Children"),
        "from_date": N_("From"), "nights": N_("Nights"), "needs": N_("Needs"),
        "destination_country": N_("Destination country"),
        "passport_valid_until": N_("Passport valid until"),
        "family_members": N_("Family members"), "avoid_region": N_("Region to avoid"),
        "features": N_("What the place must have"), "other_funds": N_("Other funds asked"),
        "languages": N_("Languages"), "types": N_("Types"), "imminent": N_("Imminent"),
        "perpetrator": N_("Perpetrator"), "prior_attacks": N_("Prior attacks"),
        "description": N_("Description"), "dependants": N_("Dependants")},
    "cost": {"salaries": N_("Salaries"), "rent": N_("Rent"), "armed_guards": N_("Armed guards"),
             "vehicles": N_("Vehicles"), "retrospective": N_("Costs already paid"),
             "security": N_("Security"), "relocation": N_("Relocation"),
             "legal": N_("Legal costs"), "medical": N_("Medical costs"),
             "communications": N_("Communications"), "psychosocial": N_("Psychosocial support")},
    "error": {
        "endorser_missing": N_("No one who can vouch for her is named yet."),
        "purpose_unclear": N_("What the money will pay for is not clear yet."),
        "duplicate_open_application": N_("She already has an open request of this kind."),
        "amount_over_cap": N_("The amount is above the programme's cap."),
        "excluded_costs": N_("The programme cannot pay for some of the costs."),
        "currency_not_supported": N_("The programme does not pay in this currency."),
        "an approval needs an amount": N_("Enter the amount to approve."),
        "an amount goes only with an approval": N_("An amount goes only with an approval."),
        "more than was requested": N_("That is more than she asked for."),
        "more than the programme's cap": N_("That is more than the programme's cap."),
        "compliance_hold": N_("Clear the compliance hold first."),
        "already_confirmed": N_("This payment is already confirmed."),
        "not_sent": N_("Only money that was sent can be confirmed."),
        "send_in_progress": N_("This payment is being sent. Wait a moment."),
        "stripe_rail": N_("Stripe payments are sent by Amparo itself."),
        "not_draft": N_("Only a draft can be set up."),
        "already_approved": N_("This payment is already approved."),
        "details_locked": N_("The payment details can no longer be changed."),
        "required": N_("Required."), "invalid": N_("Check this value."),
        "required to approve": N_("Enter the amount to approve."),
        "only with approve": N_("An amount goes only with an approval."),
        "at most the amount requested": N_("That is more than she asked for."),
        "at most the programme's cap": N_("That is more than the programme's cap.")},
    # the admin's programme form: what each rule accepts (shown with "Check this value.")
    "rule": {
        "name": N_("Give the programme a name."),
        "currency": N_("A three-letter ISO currency code, such as EUR."),
        "cap": N_("A positive amount, with no more decimals than the currency has."),
        "finance_single_approval_max": N_("A positive amount, with no more decimals than the "
                                          "currency has."),
        "tranche_above": N_("An amount, or blank for never."),
        "budget": N_("An amount, or blank for no limit."),
        "quorum": N_("A whole number from 1 to the panel's active reviewers."),
        "fast_track_approvals": N_("A whole number from 1 to the panel's active reviewers."),
        "tranche_first_percent": N_("A whole percent from 1 to 100."),
        "report_days": N_("A whole number of days."), "hold_hours": N_("A whole number of hours."),
        "decision_hours": N_("Hours may not shrink as the risk falls: critical, then high, "
                             "medium and low."),
        "kinds": N_("Choose at least one kind of help."),
        "reason": N_("Say why the rules change."), "form": N_("Check the values below."),
        **{f"hours_{level}": N_("A whole number of hours.")
           for level in ("critical", "high", "medium", "low")}},
    "actor": {"system": N_("Amparo (automatic)"), "applicant": N_("The applicant"),
              "stripe": N_("Stripe"), "webhook": N_("Stripe")},
    "why": {"seeded": N_("Set up with Amparo"), "created": N_("Created")},
    "chain": {"the chain's head is missing": N_("The chain's head is missing."),
              "events missing at the end of the chain": N_("Events are missing at the end."),
              "previous hash does not match (removed or reordered)":
                  N_("An event was removed or reordered."),
              "hash does not match (changed)": N_("An event was changed.")},
    "entity": ENTITIES,
    "action": ACTIONS,
}
WORDS["error"].update(REFUSALS)  # the services' refusals, in words (forms/refusals.py)
KINDS = tuple(WORDS)
# The kind of words an answer's codes are, by the answer's field (see `answer`).
ANSWER_KINDS = {"cost_types": "cost", "types": "threat", "perpetrator": "perpetrator",
                "features": "feature", "status": "status", "kind": "kind", "rail": "rail"}


def word(code: Any, kind: str) -> str | None:
    """The English msgid for `code` of `kind`, or None (untranslated fallbacks are the
    caller's: see `words`)."""
    if isinstance(code, Mapping):  # a reconciliation difference: {"code": ..., "error": ...}
        code = _difference_code(code)
    if isinstance(code, bool):
        return N_("yes") if code else N_("no")
    return WORDS.get(kind, {}).get(str(code)) if code is not None else None


def _difference_code(diff: Mapping[str, Any]) -> str:
    code = str(diff.get("code") or "")
    if code == "stripe_unreachable" and (diff.get("error") in NOT_CONFIGURED
                                         or not stripe_configured()):
        return "stripe_not_configured"
    return code


# Stripe's answers when no (valid) key is set: not an outage, a choice of this installation.
NOT_CONFIGURED = ("AuthenticationError", "PermissionError", "StripeNotConfigured")
PLACEHOLDER_KEYS = ("", "sk_test_amparo_dev")  # models/core/settings.py's development default


def stripe_configured() -> bool:
    from models.core.settings import get_settings
    try:
        return get_settings().stripe_api_key not in PLACEHOLDER_KEYS
    except Exception:  # noqa: BLE001 - no settings: not configured either
        return False


def words(code: Any, kind: str, gettext: Any = None) -> str:
    """`code` in words, translated with `gettext` when given. None or "" -> an em dash;
    a list -> its words joined with commas; an unknown code -> its words capitalised."""
    tr = gettext or (lambda s: s)
    if code is None or code == "" or code == []:
        return "—"
    if isinstance(code, (list, tuple, set)):
        return ", ".join(words(c, kind, gettext) for c in code)
    found = word(code, kind)
    if found is not None:
        return tr(found)
    text = str(code).strip()
    if " " in text:  # already words: a msgid is translated, what she typed shown as it is
        return tr(text)
    text = text.replace("_", " ").replace(".", " ")
    return text[:1].upper() + text[1:]
