"""Keyword-argument factories for money tests (obviously fake data only)."""
from __future__ import annotations

from models.applications.tables import Applicant, Application  # noqa: F401 (re-exported)
from models.core.base import new_id
from models.core.crypto import new_data_key, wrap_data_key
from models.money.payout_store import new_detail
from models.people.service import create_user
from models.people.tables import StaffUser
from models.programmes.service import demo_programme, ensure_programme
from models.programmes.tables import Programme

# The IBAN of the standard's own documentation example: valid, and nobody's account.
FAKE_BANK = {"account_name": "Test Person Alpha", "iban": "DE89370400440532013000"}


def programme(session, **overrides) -> Programme:  # type: ignore[no-untyped-def]
    prog = demo_programme()
    prog.slug = overrides.pop("slug", "emergency")
    for key, value in overrides.items():
        setattr(prog, key, value)
    prog = ensure_programme(session, prog)
    session.flush()
    return prog


def grant(session, *, prog: Programme, amount: int = 300_000, status: str = "approved",
          currency: str | None = None, payout: bool = True) -> Application:  # type: ignore[no-untyped-def]
    """An approved grant; amounts in minor units."""
    applicant = Applicant(country="GT")
    dek = new_data_key()
    applicant.data_key_wrapped = wrap_data_key(dek, applicant.id)
    session.add(applicant)
    app = Application(kind="grant", programme_id=prog.id, applicant_id=applicant.id,
                      status=status, receipt_hash=new_id() + new_id(),
                      currency=currency or prog.currency, amount_minor=amount,
                      decided_amount_minor=amount)
    session.add(app)
    session.flush()
    if payout:  # her bank details (issue 17): approving bank_wire takes them
        session.add(new_detail(application_id=app.id, applicant_id=applicant.id,
                               rail="bank_wire", fields=dict(FAKE_BANK), dek=dek,
                               source="intake"))
        session.flush()
    return app


def staff(session, *, role: str = "finance", n: int = 1) -> list[StaffUser]:  # type: ignore[no-untyped-def]
    users = []
    for _ in range(n):
        user, _pw, _totp = create_user(session, email=f"{role}-{new_id()[:8]}@example.invalid",
                                       role=role, password="test-password-0123")
        users.append(user)
    session.flush()
    return users
