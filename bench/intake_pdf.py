"""Median time to read a filled 2-page Amparo PDF form: the whole limited path (subprocess
included) next to pdfplumber alone in this process, on the same file in the same run.

Usage: .venv/bin/python bench/intake_pdf.py [RUNS]   (default 20)
"""
from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from forms.pdf.generate import build_form  # noqa: E402
from forms.pdf.reader import parse_pdf  # noqa: E402
from forms.pdf.sandbox import read_pdf_limited  # noqa: E402

VALUES = {
    "applicant.name": "Bench Person Alpha", "applicant.email": "alpha@example.invalid",
    "applicant.country": "GT", "threat.description": "Fake description for the benchmark.",
    "threat.types.surveillance": "/Yes", "threat.perpetrator": "/unknown",
    "request.amount": "2500", "request.currency": "EUR", "request.purpose": "Fake purpose",
}


def filled_form(values: dict[str, str] | None = None) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_form("grant", "en"))))
    writer.update_page_form_field_values(None, values or VALUES, auto_regenerate=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain_pdfplumber(data: bytes) -> None:
    """pdfplumber alone: open, read every page's text and the form fields' values."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
        pdf.doc.catalog.get("AcroForm")


def median_ms(fn: Callable[[bytes], object], data: bytes, runs: int) -> float:
    fn(data)  # warm up: imports, font and form caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str]) -> int:
    runs = int(argv[1]) if len(argv) > 1 else 20
    data = filled_form()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    rows = [
        ("pdfplumber alone, in process", median_ms(plain_pdfplumber, data, runs)),
        ("parse_pdf, in process (no limits)", median_ms(parse_pdf, data, runs)),
        ("read_pdf_limited (subprocess)", median_ms(read_pdf_limited, data, runs)),
    ]
    base = rows[0][1]
    print(f"filled grant form: {pages} pages, {len(data) / 1024:.0f} KB, {runs} runs, median")
    print(f"{'path':<36} {'ms':>8} {'x pdfplumber':>13}")
    for name, ms in rows:
        print(f"{name:<36} {ms:>8.1f} {ms / base:>13.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
