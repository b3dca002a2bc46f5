"""Keyword-argument factories for rows the tests need, with obviously fake data."""
from __future__ import annotations

from sqlmodel import Session

from models.applications.tables import Applicant, Application
from models.core import crypto
from models.programmes.service import demo_programme, ensure_programme


def make_application(session: Session, *, kind: str = "grant", status: str = "submitted",
                     amount_minor: int | None = 300_000, **fields) -> Application:  # noqa: ANN003
    programme = ensure_programme(session, demo_programme())
    applicant = Applicant(country="ZZ")
    applicant.data_key_wrapped = crypto.wrap_data_key(crypto.new_data_key(), applicant.id)
    session.add(applicant)
    app = Application(kind=kind, programme_id=programme.id, applicant_id=applicant.id,
                      status=status, receipt_hash=crypto.new_receipt(),
                      currency=programme.currency, amount_minor=amount_minor, **fields)
    session.add(app)
    session.flush()
    return app
