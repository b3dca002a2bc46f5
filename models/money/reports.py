"""Figures for the finance pages and the accountants' CSV: totals, unsent money by age,
money out per week, time from approval to confirmation. Computed from the rows, never stored."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from models.core.base import as_utc, utcnow
from models.money.schemas import major
from models.money.tables import Disbursement
from models.money.workflow import APPROVED, CONFIRMED, SENT

AGE_BUCKETS = ((1, "under 1 day"), (3, "1–3 days"), (7, "3–7 days"), (None, "over 7 days"))
CSV_COLUMNS = ("id", "application_id", "programme_id", "tranche", "amount", "currency",
               "rail", "status", "approvals_required", "created_at", "approved_at", "sent_at",
               "confirmed_at", "stripe_transfer_id", "failure_code", "retry_of")


def age_days(d: Disbursement, now: datetime | None = None) -> float:
    return ((now or utcnow()) - as_utc(d.created_at)).total_seconds() / 86400  # type: ignore[operator]


def totals_by_currency_and_rail(rows: list[Disbursement]) -> list[dict]:
    """Per (currency, rail): money approved-unsent, sent, confirmed (minor units)."""
    sums: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d in rows:
        if d.status in (APPROVED, SENT, CONFIRMED):
            sums[(d.currency, d.rail or "—")][d.status] += d.amount_minor
    return [{"currency": c, "rail": r, **{k: v.get(k, 0) for k in (APPROVED, SENT, CONFIRMED)}}
            for (c, r), v in sorted(sums.items())]


def unsent_by_age(rows: list[Disbursement], now: datetime | None = None) -> list[dict]:
    """Approved but not yet sent, per currency, rail and age since approval."""
    now = now or utcnow()
    order = [lbl for _, lbl in AGE_BUCKETS]
    out: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for d in rows:
        if d.status != APPROVED:
            continue
        days = (now - as_utc(d.approved_at or d.created_at)).total_seconds() / 86400  # type: ignore[operator]
        label = next(lbl for limit, lbl in AGE_BUCKETS if limit is None or days < limit)
        out[(d.currency, d.rail or "", label)][0] += 1
        out[(d.currency, d.rail or "", label)][1] += d.amount_minor
    keys = sorted(out, key=lambda k: (k[0], order.index(k[2]), k[1]))
    return [{"currency": c, "rail": r, "age": a, "count": out[(c, r, a)][0],
             "amount_minor": out[(c, r, a)][1]} for c, r, a in keys]


def weekly_out(rows: list[Disbursement], *, weeks: int = 12,
               now: datetime | None = None) -> dict[str, list[tuple[str, int]]]:
    """Money confirmed per ISO week, per currency, the last `weeks` weeks (minor units)."""
    now = now or utcnow()
    start = (now - timedelta(days=now.weekday())).date() - timedelta(weeks=weeks - 1)
    labels = [(start + timedelta(weeks=i)) for i in range(weeks)]
    out: dict[str, dict] = defaultdict(lambda: {w: 0 for w in labels})
    for d in rows:
        if d.status == CONFIRMED and d.confirmed_at:
            day = as_utc(d.confirmed_at).date()  # type: ignore[union-attr]
            week = day - timedelta(days=day.weekday())
            if week >= start:
                out[d.currency][week] += d.amount_minor
    return {c: [(w.isoformat(), v) for w, v in sorted(weeks_.items())]
            for c, weeks_ in sorted(out.items())}


def approval_to_confirmation_hours(rows: list[Disbursement]) -> list[tuple[str, float]]:
    """Hours from approval to confirmation of each confirmed disbursement, oldest first."""
    pairs = [(d, (as_utc(d.confirmed_at) - as_utc(d.approved_at)).total_seconds() / 3600)  # type: ignore[operator]
             for d in rows if d.status == CONFIRMED and d.approved_at and d.confirmed_at]
    pairs.sort(key=lambda p: as_utc(p[0].confirmed_at))  # type: ignore[arg-type,return-value]
    return [(d.id[:8], round(max(h, 0.0), 1)) for d, h in pairs][-30:]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float
    text: str


def bars(points: list[tuple[str, float]], *, width: int = 640, height: int = 200,
         fmt: str = "{:,.2f}") -> list[Bar]:
    """Bar geometry for an inline SVG chart (rendered on the server, no scripts)."""
    if not points:
        return []
    top = max(v for _, v in points) or 1
    slot = width / len(points)
    bar_width = min(slot * 0.7, 60.0)
    head, base = 18, height - 25  # room for the value above and the label below
    out = []
    for i, (label, value) in enumerate(points):
        h = (base - head) * value / top
        out.append(Bar(x=i * slot + (slot - bar_width) / 2, y=base - h, width=bar_width,
                       height=h, label=label, value=value, text=fmt.format(value)))
    return out


def csv_text(rows: list[Disbursement]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_COLUMNS)
    for d in rows:
        values = {c: getattr(d, c, None) for c in CSV_COLUMNS}
        values["amount"] = major(d.amount_minor, d.currency)
        writer.writerow(["" if values[c] is None else _cell(values[c]) for c in CSV_COLUMNS])
    return buf.getvalue()


def _cell(value: object) -> str:
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    # Spreadsheet formula injection: never start a cell with = + - @.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
