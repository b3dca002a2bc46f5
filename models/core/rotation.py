"""Key rotation: re-encrypt, in batches, every keyring value not under the primary key.

Applicant fields are sealed by per-applicant data keys: rotating the keyring re-wraps those
data keys only (the fields themselves need not change). The columns are listed, all in one
place, in models/sealed.py (KEYRING); the caller passes them in.
"""
from __future__ import annotations

from sqlmodel import SQLModel, select

from models.core import crypto
from models.core.db import session_scope

Column = tuple[type[SQLModel], str, str, str]  # model, column, aad table, aad column


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


def rotate_all(columns: list[Column], batch: int = 500) -> dict[str, int]:
    return {f"{m.__tablename__}.{c}": rotate_column(m, c, t, a, batch)  # type: ignore[attr-defined]
            for m, c, t, a in columns}
