"""Batches for the manual rails: what finance sends today, and the provider's bulk-upload CSV.

A payment reference (`AMP-7K3Q-9XWD`) is made from the disbursement's id alone: short, no
letters that read alike (Crockford's base 32: no I, L, O, U), the same every time, so finance
can copy it into a bank or mobile-money form and a statement line can be matched by it.

Bulk formats (docs/money.md, "Batches"): Kotani Pay's bulk-payment CSV for mobile money,
Wise's batch template for bank transfers to IBANs, and a plain one for the other rails. Every
cell is protected against spreadsheet formula injection (a cell never starts with = + - @,
a tab or a carriage return).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.core import audit
from models.core.errors import Forbidden, Invalid
from models.money import outcomes
from models.money.batches_payees import Payee, payee_of
from models.money.schemas import major
from models.money.tables import Disbursement
from models.money.workflow import APPROVED, MANUAL_RAILS

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32
TOKEN_RE = re.compile(r"(?=AMP([0-9A-HJKMNP-TV-Z]{8}))")  # overlapping: "AMPLE…AMP…"
FINANCE = "finance"
MAX_BATCH = 1000  # Wise takes up to 1,000 transfers in one file


def payment_reference(disbursement_id: str) -> str:
    """`AMP-XXXX-XXXX`: 40 bits of the id's SHA-256 in Crockford base 32."""
    n = int.from_bytes(hashlib.sha256(disbursement_id.encode()).digest()[:5], "big")
    chars = "".join(ALPHABET[(n >> shift) & 31] for shift in range(35, -1, -5))
    return f"AMP-{chars[:4]}-{chars[4:]}"


def reference_tokens(text: str | None) -> list[str]:
    """Our references found in free text (a bank's "details" column), as `AMP-XXXX-XXXX`.
    Spaces, dashes and case do not matter; O reads as 0 and I, L as 1, as people type them."""
    flat = re.sub(r"[^0-9A-Z]", "", (text or "").upper())
    found = []
    for m in TOKEN_RE.finditer(flat.replace("O", "0").replace("I", "1").replace("L", "1")):
        code = m.group(1)
        found.append(f"AMP-{code[:4]}-{code[4:]}")
    return found


def protect(value: object) -> str:
    """A CSV cell that a spreadsheet never runs as a formula (OWASP: prefix with ')."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_send(session: Session, rail: str, currency: str | None = None) -> list[Disbursement]:
    """Approved money on a manual rail, not on hold, not yet sent: the batch of the day."""
    if rail not in MANUAL_RAILS:
        raise Invalid("choose a manual rail", fields={"rail": "a manual rail"})
    stmt = select(Disbursement).where(Disbursement.status == APPROVED,
                                      Disbursement.rail == rail)
    if currency:
        stmt = stmt.where(Disbursement.currency == currency)
    rows = session.exec(stmt.order_by(col(Disbursement.approved_at), Disbursement.id)
                        .limit(MAX_BATCH)).all()
    return [d for d in rows if not (d.hold_reason and not d.hold_cleared_at)]


@dataclass(frozen=True)
class BulkFormat:
    key: str
    label: str  # shown to finance (translated in the template)
    rails: tuple[str, ...]
    columns: tuple[str, ...]


KOTANI = BulkFormat("kotani_mobile_money", "Kotani Pay bulk payment (mobile money)",
                    ("mobile_money",),
                    ("recipient_name", "recipient_email", "recipient_phone", "amount",
                     "currency", "reference", "description"))
WISE = BulkFormat("wise_bank", "Wise batch payment (bank transfer, IBAN)", ("bank_wire",),
                  ("name", "recipientEmail", "paymentReference", "receiverType",
                   "amountCurrency", "amount", "sourceCurrency", "targetCurrency", "IBAN",
                   "BIC"))
PLAIN = BulkFormat("plain", "Plain list (any manual rail)", MANUAL_RAILS,
                   ("reference", "amount", "currency", "rail", "payee", "destination"))
FORMATS = {f.key: f for f in (KOTANI, WISE, PLAIN)}


def formats_for(rail: str) -> list[BulkFormat]:
    return [f for f in FORMATS.values() if rail in f.rails]


def _row(fmt: BulkFormat, d: Disbursement, payee: Payee) -> list[object]:
    amount = f"{major(d.amount_minor, d.currency)}"
    ref = payment_reference(d.id)
    if fmt is KOTANI:
        # the e-mail stays empty: the applicant's e-mail is not the provider's business;
        # the phone is digits with the country code, no "+" (a "+" cell would be escaped)
        return [payee.name, "", payee.phone_digits, amount, d.currency, ref,
                "Payment " + ref]  # neutral words: a statement line never says why
    if fmt is WISE:
        return [payee.name, "", ref, "PRIVATE", "target", amount, d.currency, d.currency,
                payee.account, payee.bic]
    return [ref, amount, d.currency, d.rail, payee.name, payee.account]


def export_csv(session: Session, *, rail: str, fmt_key: str, user_id: str, role: str,
               currency: str | None = None) -> tuple[str, int]:
    """The bulk-upload CSV of today's batch (text, number of payments); audited."""
    if role != FINANCE:
        raise Forbidden("only finance staff may do this")
    fmt = FORMATS.get(fmt_key)
    if fmt is None or rail not in fmt.rails:
        raise Invalid("this file format is not for this rail", fields={"format": "choose one"})
    rows = to_send(session, rail, currency)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(fmt.columns)
    for d in rows:
        writer.writerow([protect(v) for v in _row(fmt, d, payee_of(session, d))])
    audit.record(session, actor=user_id, action="money.batch_exported", entity="batch",
                 entity_id=rail, data={"format": fmt.key, "count": len(rows),
                                       "ids": [d.id for d in rows][:MAX_BATCH]})
    return buf.getvalue(), len(rows)


def mark_batch_sent(session: Session, *, ids: list[str], rail: str, user_id: str,
                    role: str) -> int:
    """Every listed disbursement of today's batch `sent`, each with its payment reference.
    All or nothing: one that can no longer be sent refuses the whole batch."""
    if role != FINANCE:
        raise Forbidden("only finance staff may do this")
    wanted = {d.id for d in to_send(session, rail)}
    if not ids or any(i not in wanted for i in ids):
        raise Invalid("the batch changed since the page was shown; look at it again",
                      code="batch_changed")
    for disbursement_id in ids:
        outcomes.send_manual(session=session, disbursement_id=disbursement_id,
                             user_id=user_id, role=role,
                             reference=payment_reference(disbursement_id))
    audit.record(session, actor=user_id, action="money.batch_sent", entity="batch",
                 entity_id=rail, data={"count": len(ids)})
    return len(ids)
