"""Key rotation: re-encrypt, in batches, every keyring value not under the primary key.

Applicant fields are sealed by per-applicant data keys: rotating the keyring re-wraps those
data keys only (the fields themselves need not change). Each area lists its keyring columns.
"""
from __future__ import annotations

from sqlmodel import SQLModel, select

from models.core import crypto
from models.core.db import session_scope

# (table model, column, aad table name, aad column); areas append to this list.
KEYRING_COLUMNS: list[tuple[type[SQLModel], str, str, str]] = []


def register(model: type[SQLModel], column: str, aad_table: str, aad_column: str) -> None:
    KEYRING_COLUMNS.append((model, column, aad_table, aad_column))


def _defaults() -> None:
    from models.applications.tables import Applicant, InfoRequest
    from models.money.tables import Disbursement
    from models.people.tables import StaffUser
    for entry in [(Applicant, "data_key_wrapped", "applicant", "data_key"),
                  (StaffUser, "totp_secret_enc", "staff_user", "totp"),
                  (InfoRequest, "question_enc", "info_request", "question"),
                  (InfoRequest, "answer_enc", "info_request", "answer"),
                  (Disbursement, "destination_enc", "disbursement", "destination"),
                  (Disbursement, "reference_enc", "disbursement", "reference")]:
        if entry not in KEYRING_COLUMNS:
            KEYRING_COLUMNS.append(entry)


def rotate_column(model: type[SQLModel], column: str, aad_table: str, aad_column: str,
                  batch: int) -> int:
    done, last_id = 0, ""
    pk = model.__table__.primary_key.columns.values()[0]  # type: ignore[attr-defined]
    while True:
        with session_scope() as session:
            rows = session.exec(select(model).where(pk > last_id).order_by(pk)
                                .limit(batch).with_for_update()).all()
            for row in rows:
                token = getattr(row, column)
                if crypto.needs_rotation(token):
                    aad = crypto.aad_for(aad_table, row.id, aad_column)  # type: ignore[attr-defined]
                    setattr(row, column, crypto.encrypt_bytes(crypto.decrypt_bytes(token, aad), aad))
                    session.add(row)
                    done += 1
        if len(rows) < batch:
            return done
        last_id = rows[-1].id  # type: ignore[attr-defined]


def rotate_all(batch: int = 500) -> dict[str, int]:
    _defaults()
    return {f"{m.__tablename__}.{c}": rotate_column(m, c, t, a, batch)  # type: ignore[attr-defined]
            for m, c, t, a in KEYRING_COLUMNS}
