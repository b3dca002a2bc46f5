"""Words for the audit log (forms/words.py "entity" and "action"): what each kind of record
is, and what each recorded action means, as a person reads it."""
from __future__ import annotations


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return message


ENTITIES: dict[str, str] = {
    "applicant": N_("Applicant"), "application": N_("Case"),
    "disbursement": N_("Disbursement"), "document": N_("Document"),
    "follow_up": N_("Follow-up"), "keyring": N_("Keys"), "network_peer": N_("Partner fund"),
    "network_referral": N_("Referral"), "placement": N_("Placement"),
    "programme": N_("Programme"), "relocation": N_("Relocation"), "shelter": N_("House"),
    "staff_user": N_("Staff member"), "statement": N_("Bank statement"),
    "visa_case": N_("Visa case")}

ACTIONS: dict[str, str] = {
    "applicant.erased": N_("Personal data erased"),
    "application.submitted": N_("Request received"),
    "application.duplicates_flagged": N_("Possible duplicate flagged"),
    "application.followups_scheduled": N_("Follow-ups scheduled"),
    "application.info_requested": N_("Question sent to the applicant"),
    "application.info_answered": N_("The applicant answered"),
    "case.duplicate_overridden": N_("Duplicate flag overridden"),
    "case.ineligible_overridden": N_("Not eligible overridden"),
    "case.note_added": N_("Note added"), "clock.escalated": N_("Clock ran out"),
    "clock.reminded": N_("Reminder sent"), "review.vote": N_("Vote cast"),
    "review.escalated": N_("Review escalated"), "review.stuck": N_("Review cannot decide"),
    "disbursement.created": N_("Payment planned"),
    "disbursement.set_up": N_("Payment set up"),
    "disbursement.approval": N_("Payment approved"),
    "disbursement.released": N_("Payment released"),
    "disbursement.hold": N_("Payment put on hold"),
    "disbursement.hold_cleared": N_("Hold cleared"),
    "disbursement.proof": N_("Proof of payment added"),
    "disbursement.payout_changed": N_("Payout details changed"),
    "disbursement.payout_change_approval": N_("Payout change approved"),
    "disbursement.transfer_after_end": N_("Transfer after the payment ended"),
    "payout.details": N_("Payout details given"),
    "document.uploaded": N_("Document uploaded"), "keys.rotated": N_("Keys rotated"),
    "keys.rotation_requested": N_("Key rotation requested"),
    "money.batch_exported": N_("Payment batch exported"),
    "money.batch_sent": N_("Payment batch sent"), "money.budget": N_("Budget set"),
    "money.statement_imported": N_("Bank statement imported"),
    "money.statement_confirmed": N_("Bank statement confirmed"),
    "network.peer.linked": N_("Partner fund linked"),
    "programme.created": N_("Programme created"),
    "programme.changed": N_("Programme rules changed"),
    "programme.panel_set": N_("Panel set"), "relocation.created": N_("Relocation linked"),
    "shelter.created": N_("House added"), "shelter.matched": N_("Beds held"),
    "shelter.extended": N_("Stay extended"), "shelter.nights_closed": N_("Nights closed"),
    "staff.created": N_("Staff member added"), "staff.enabled": N_("Access enabled"),
    "staff.disabled": N_("Access disabled"), "staff.reset": N_("Password reset"),
    "staff.role_changed": N_("Role changed"),
    "staff.language_changed": N_("Language changed"),
    "visa.item": N_("Checklist item changed"), "visa.item_filed": N_("Document filed"),
    "visa.dossier_approved": N_("Dossier approved"),
    "visa.review_rejected": N_("Visa request not supported"),
    "visa.appointment_moved": N_("Appointment moved"),
    "visa.travel_planned": N_("Travel planned"),
    "visa.warning_overridden": N_("Warning overridden"),
    "staff.recovery_codes_issued": N_("Recovery codes made"),
    "staff.recovery_code_used": N_("Signed in with a recovery code"),
    "review.auto_recused": N_("Recused for a declared conflict"),
    "review.conflict_declared": N_("Conflict declared"),
    "review.conflict_withdrawn": N_("Conflict withdrawn"),
    "panel.shift_added": N_("On-call shift added"), "panel.leave_added": N_("Leave added"),
    "panel.rota_changed": N_("On-call rota changed"),
    "audit.verified": N_("Audit chain verified"), "audit.exported": N_("Case events exported"),
    "case.found_by_receipt": N_("Case found by its receipt")}
