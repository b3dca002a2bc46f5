"""What the defender sees of her payout with her receipt (issue 17, point 5).

Codes, dates and the last digits of her number only — never a whole number or a name: the
page words them in her language (forms/templates/public/_payout.html). Registered with the
applications area's status as the part "payout" (models/hooks.py).
"""
from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.applications.public import STATUS_PARTS, register_status_part
from models.applications.tables import Applicant, Application
from models.core.base import as_utc
from models.money import payout_repository as repo, repository
from models.money.payout_rules import (
    PROVIDER_NAMES, last_digits, providers_for, rails_offered,
)
from models.money.payout import programme_rails_of
from models.money.payout_store import fields_of
from models.money.workflow import ENDED

NUMBER_OF = {"mobile_money": "phone", "stripe_connect": "account",
             "vendor_direct": "invoice_reference"}


def payout_status(session: Session, application: Application) -> dict[str, Any] | None:
    if application.kind != "grant":
        return None
    applicant = session.get(Applicant, application.applicant_id)
    country = applicant.country if applicant else None
    history = repo.history(session, application.id)
    current = next((d for d in reversed(history) if d.replaced_at is None), None)
    return {
        "offered": list(rails_offered(country, programme_rails_of(session, application))),
        "providers": [{"code": p, "name": PROVIDER_NAMES[p]} for p in providers_for(country)],
        "current": _current(session, current),
        "changed_at": _iso(current.created_at) if current and len(history) > 1 else None,
        **_stage(session, application),
    }


def _current(session: Session, detail: Any) -> dict[str, Any] | None:
    if detail is None:
        return None
    fields = fields_of(session, detail) or {}
    number = fields.get(NUMBER_OF.get(detail.rail, "")) or fields.get("iban") \
        or fields.get("account_number")
    return {"rail": detail.rail, "last_digits": last_digits(number) or None,
            "provider": PROVIDER_NAMES.get(fields.get("provider", ""))}


def _stage(session: Session, application: Application) -> dict[str, Any]:
    """Where her money is: `decision` (not decided yet), or the first live payment's state."""
    live = [d for d in repository.of_application(session, application.id)
            if d.status not in ENDED]
    if not live:
        return {"stage": "decision", "sent_at": None}
    d = next((x for x in live if x.status != "confirmed"), live[-1])
    return {"stage": d.status, "sent_at": _iso(d.sent_at), "rail": d.rail}


def _iso(value: Any) -> str | None:
    return as_utc(value).isoformat() if value is not None else None  # type: ignore[union-attr]


def register() -> None:
    """Idempotent."""
    if STATUS_PARTS.get("payout") is not payout_status:
        register_status_part("payout", payout_status)
