"""Reading a statement CSV from a bank or a mobile-money provider, refusing hostile files.

The whole file is checked before anything is stored, so a refused file changes nothing:
too big (over MAX_BYTES or MAX_LINES), not UTF-8 text, a cell that a spreadsheet would run
as a formula, a line that repeats another, a missing column, an amount that is not one.
Each refusal is an `Invalid` whose message says what to fix, with the line number.

Presets (docs/money.md, "Statements"): the M-Pesa organisation statement for mobile money,
Wise's statement for bank transfers, and a generic CSV whose columns finance names.
Cells of the file are never logged nor kept; only what matching needs leaves this module.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from models.core.errors import Invalid

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
MAX_COLUMNS = 60
MAX_CELL = 1000
NUMBER_RE = re.compile(r"^[+-]?[\d\s.,']+$")


class Refused(Invalid):
    """A statement file Amparo does not import. `template` (an English msgid with
    %(name)s placeholders) and `params` let the page say it in the reader's language."""

    def __init__(self, template: str, code: str, **params: object) -> None:
        super().__init__(template % params, code=code)
        self.template, self.params = template, params


@dataclass(frozen=True)
class Mapping:
    """Which columns hold what (names as in the file's first line, any case)."""

    reference: tuple[str, ...]  # our reference is looked for in these (joined)
    amount: str
    currency: str | None = None
    status: str | None = None  # when given, only lines whose status is in `accepted` count
    accepted: tuple[str, ...] = ()


PRESETS: dict[str, Mapping] = {
    "mobile_money_mpesa": Mapping(reference=("Details", "A/C No."), amount="Withdrawn",
                                  status="Transaction Status", accepted=("completed",)),
    "bank_wise": Mapping(reference=("Payment Reference", "Description"), amount="Amount",
                         currency="Currency"),
}


@dataclass
class Line:
    line_no: int
    text: str  # the reference columns joined (not kept: read for our reference only)
    amount: Decimal
    currency: str | None


@dataclass
class Parsed:
    lines: list[Line] = field(default_factory=list)
    skipped: int = 0  # no amount (money in), or a status that is not a completed payment


def mapping_for(preset: str, *, reference: str = "", amount: str = "",
                currency: str = "") -> Mapping:
    if preset in PRESETS:
        return PRESETS[preset]
    if preset != "generic":
        raise Invalid("choose a statement format", fields={"preset": "unknown format"})
    fields = {}
    if not reference.strip():
        fields["reference_column"] = "name the column that holds the payment reference"
    if not amount.strip():
        fields["amount_column"] = "name the column that holds the amount"
    if fields:
        raise Invalid("name the columns of the file", fields=fields)
    return Mapping(reference=(reference.strip(),), amount=amount.strip(),
                   currency=currency.strip() or None)


def parse(content: bytes, mapping: Mapping) -> Parsed:
    rows = _rows(_text(content))
    _check_cells(rows)  # before anything of the file is repeated in a message
    index = _columns([h.strip() for h in rows[0]], mapping)
    out = Parsed()
    seen: dict[tuple[str, ...], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        key = tuple(c.strip() for c in row)
        if key in seen:
            raise Refused("Line %(line)s repeats line %(first)s: remove the duplicate or "
                          "export the statement again.", "duplicate_line", line=number,
                          first=seen[key])
        seen[key] = number
        line = _line(number, row, index, mapping)
        if line is None:
            out.skipped += 1
        else:
            out.lines.append(line)
    return out


def _wrong_encoding() -> Refused:
    return Refused("The file is not in UTF-8. Export it again as \"CSV UTF-8\" (or save it "
                   "with the UTF-8 encoding).", "wrong_encoding")


def _text(content: bytes) -> str:
    if not content:
        raise Refused("The file is empty.", "empty_statement")
    if len(content) > MAX_BYTES:
        raise Refused("The file is larger than %(mb)s MB: export a shorter period.",
                      "statement_too_large", mb=MAX_BYTES // (1024 * 1024))
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 ("Unicode text" in Excel)
        raise _wrong_encoding()
    if b"\x00" in content:
        raise Refused("This is not a CSV text file (it has binary content). Export the "
                      "statement as CSV.", "not_text")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _wrong_encoding() from None


def _rows(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_LINES + 1:
                raise Refused("The file has more than %(lines)s lines: export a shorter "
                              "period.", "statement_too_large", lines=MAX_LINES)
    except csv.Error:
        raise Refused("The file could not be read as CSV.", "not_csv") from None
    rows = [r for r in rows if r] or [[]]
    if len(rows) < 2 or not any(h.strip() for h in rows[0]):
        raise Refused("The file has no lines under its column names.", "empty_statement")
    return rows


def _columns(header: list[str], mapping: Mapping) -> dict[str, int | list[int]]:
    lower = [h.lower() for h in header]

    def find(name: str) -> int:
        if name.lower() not in lower:
            shown = ", ".join(h[:40] for h in header[:MAX_COLUMNS]) or "none"
            raise Refused("The file has no column \"%(name)s\". Its columns are: "
                          "%(columns)s.", "wrong_columns", name=name[:40], columns=shown)
        return lower.index(name.lower())

    index: dict[str, int | list[int]] = {"amount": find(mapping.amount)}
    index["reference"] = [find(n) for n in mapping.reference if n.lower() in lower] or \
        [find(mapping.reference[0])]
    if mapping.currency:
        index["currency"] = find(mapping.currency)
    if mapping.status:
        index["status"] = find(mapping.status)
    return index


def _check_cells(rows: list[list[str]]) -> None:
    for number, row in enumerate(rows, start=1):
        if len(row) > MAX_COLUMNS:
            raise Refused("Line %(line)s has more than %(max)s columns.", "wrong_columns",
                          line=number, max=MAX_COLUMNS)
        for cell in row:
            if len(cell) > MAX_CELL:
                raise Refused("Line %(line)s has a cell longer than %(max)s characters.",
                              "cell_too_long", line=number, max=MAX_CELL)
            if _formula(cell):
                raise Refused("Line %(line)s has a cell that starts like a spreadsheet "
                              "formula (=, +, -, @). Amparo does not import such files: "
                              "export the statement again from the bank or provider.",
                              "formula_cell", line=number)


def _formula(cell: str) -> bool:
    text = cell.lstrip(" ")
    if not text:
        return False
    if text[0] in "=@\t\r" or text.startswith(("\"=", "'=")):
        return True
    return text[0] in "+-" and not NUMBER_RE.match(text)


def _line(number: int, row: list[str], index: dict, mapping: Mapping) -> Line | None:
    def cell(i: int) -> str:
        return row[i].strip() if i < len(row) else ""

    if mapping.status and cell(index["status"]).lower() not in mapping.accepted:
        return None
    raw = cell(index["amount"])
    if not raw:
        return None
    amount = parse_amount(raw)
    if amount is None:
        raise Refused("Line %(line)s: the amount \"%(amount)s\" is not a number.",
                      "bad_amount", line=number, amount=raw[:20])
    currency = cell(index["currency"]).upper()[:3] if "currency" in index else None
    text = " ".join(cell(i) for i in index["reference"])
    return Line(line_no=number, text=text, amount=abs(amount), currency=currency or None)


def parse_amount(raw: str) -> Decimal | None:
    """ "2,500.00", "2.500,00", "-2 500", "(2500.00)", "EUR 2500" → a Decimal, else None."""
    text = raw.strip()
    negative = text.startswith("(") and text.endswith(")")
    text = re.sub(r"[^\d.,\-]", "", text.strip("()"))
    if not re.search(r"\d", text):
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "")
        text = text.replace(",", ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = f"{head.replace(',', '')}.{tail}" if len(tail) != 3 else text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return -value if negative else value
