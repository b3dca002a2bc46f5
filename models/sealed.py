"""Every encrypted column, in one list a reader can open (DESIGN.md, rule 5).

- `KEYRING`: values sealed under the keyring (AMPARO_ENCRYPTION_KEYS), each bound to its row
  and column; `amparo keys rotate` re-encrypts every one still under an older key. A column
  missing here would become unreadable once its old key is dropped (vote comments once were).
- `DATA_KEY`: an applicant's fields, sealed under her own data key; rotation re-wraps the data
  key (`applicant.data_key_wrapped`, in KEYRING) and erasure deletes it (crypto-shredding).
- `TOKEN_KEY`: sealed under a key derived from a one-time token the person holds (the receipt
  shown once after intake); neither rotated nor shredded: it expires with its row.

tests/privacy/test_sealed_columns.py fails when a table has an encrypted-looking column
(`*_enc`, `*_sealed`, `*_wrapped`) that is in none of these lists.
"""
from __future__ import annotations

from sqlmodel import SQLModel

from models.applications.tables import Applicant, Application, Document, InfoRequest, SubmissionReceipt
from models.applications.casework_tables import CaseNote
from models.money.payout_tables import PayoutDetail
from models.money.tables import Disbursement
from models.network.tables import NetworkKeys, Referral
from models.people.tables import StaffUser
from models.reviews.conflicts import ReviewerConflict
from models.reviews.tables import Vote
from models.shelter.tables import Shelter

# (table model, column, aad table name, aad column)
KEYRING: list[tuple[type[SQLModel], str, str, str]] = [
    (Applicant, "data_key_wrapped", "applicant", "data_key"),
    (StaffUser, "totp_secret_enc", "staff_user", "totp"),
    (InfoRequest, "question_enc", "info_request", "question"),
    (InfoRequest, "answer_enc", "info_request", "answer"),
    (Disbursement, "destination_enc", "disbursement", "destination"),
    (Disbursement, "reference_enc", "disbursement", "reference"),
    (Vote, "comment_enc", "vote", "comment"),
    (ReviewerConflict, "label_enc", "reviewer_conflict", "label"),  # a declared conflict
    (Shelter, "name_enc", "shelter", "name"),
    (Shelter, "region_enc", "shelter", "region"),
    (Shelter, "address_enc", "shelter", "address"),
    (Shelter, "contact_enc", "shelter", "contact"),
    (NetworkKeys, "sign_private_enc", "network_keys", "sign_private"),
    (NetworkKeys, "box_private_enc", "network_keys", "box_private"),
    (Referral, "payload_enc", "network_referral", "payload"),
]

DATA_KEY: list[tuple[type[SQLModel], str]] = [
    (Applicant, "name_enc"), (Applicant, "email_enc"), (Applicant, "phone_enc"),
    (Applicant, "organisation_enc"), (Applicant, "pronouns_enc"),
    (Application, "details_enc"), (Document, "filename_enc"), (PayoutDetail, "details_enc"),
    (CaseNote, "text_enc"),  # a caseworker's notes and reasons (issue 15)
]

TOKEN_KEY: list[tuple[type[SQLModel], str]] = [(SubmissionReceipt, "receipt_sealed"),
                                               (Referral, "receipt_sealed")]
