"""Intake benchmark: reading a filled 2-page PDF form, and web form submissions per second.

1. Median time to read one filled 2-page Amparo form: pdfplumber alone (in process), the
   limited path (size and magic checks, the parser subprocess, validation), and the whole
   HTTP path of `POST /api/v1/applications/pdf` on a real server (streamed upload, subprocess,
   validation, the application stored) — same file, same run.
2. Web form submissions per second against a real `amparo serve` (SQLite, dispatcher off so
   the figure is intake alone): N clients each GET the form once (CSRF cookie), then POST
   valid grant applications with fresh submission tokens for a fixed time.

Usage: .venv/bin/python bench/intake.py [--runs 20] [--seconds 10] [--clients 4]
"""
from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from bench.intake_pdf import VALUES, filled_form, median_ms, plain_pdfplumber  # noqa: E402

# The web-form figures use the same fake person with an ordinary example domain.
FORM_VALUES = {**VALUES, "applicant.email": "alpha@example.org"}
WEB_FORM = {
    "applicant.name": "Bench Person Alpha", "applicant.email": "alpha@example.org",
    "applicant.country": "GT", "threat.description": "Fake description for the benchmark.",
    "threat.types": "surveillance", "threat.perpetrator": "unknown",
    "request.amount": "2500", "request.currency": "EUR", "request.purpose": "Fake purpose",
}


def limited_path(data: bytes) -> None:
    from forms.pdf.sandbox import read_pdf_limited
    from models.applications.schemas import ApplicationIn
    parsed = read_pdf_limited(data)
    assert not parsed.missing and not parsed.invalid, (parsed.missing, parsed.invalid)
    ApplicationIn.model_validate(parsed.application)


def start_server(data_dir: Path):  # noqa: ANN201
    env = {"AMPARO_DATA_DIR": str(data_dir), "AMPARO_DISPATCHER": "off",
           "AMPARO_DATABASE_URL": f"sqlite:///{data_dir / 'bench.db'}"}
    os.environ.update(env)
    from models.core.db import session_scope
    from models.core.migrate import upgrade
    from models.core.settings import reset_settings
    from models.programmes.service import demo_programme, ensure_programme
    reset_settings()
    upgrade(env["AMPARO_DATABASE_URL"])
    with session_scope() as session:
        ensure_programme(session, demo_programme())
    from tests.support.server import run_server
    return run_server(env, cwd=ROOT)


def http_pdf_ms(base: str, data: bytes, runs: int) -> float:
    with httpx.Client(base_url=base, timeout=60) as client:
        def post(body: bytes) -> None:
            answer = client.post("/api/v1/applications/pdf",
                                 files={"file": ("form.pdf", body, "application/pdf")})
            assert answer.status_code == 201, answer.text
        return median_ms(post, data, runs)


def _client_loop(base: str, until: float, latencies: list[float], errors: list[int]) -> None:
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/apply/grant")
        found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert found, "no CSRF field on the form"
        token = found.group(1)
        while time.monotonic() < until:
            body = {**WEB_FORM, "csrf_token": token, "lang": "en",
                    "submission": secrets.token_urlsafe(24)}
            start = time.perf_counter()
            answer = client.post("/apply/grant", data=body)
            latencies.append(time.perf_counter() - start)
            if answer.status_code != 200 or 'id="receipt"' not in answer.text:
                errors.append(answer.status_code)


def submissions_per_second(base: str, seconds: float, clients: int) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[int] = []
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=_client_loop, args=(base, until, latencies, errors))
               for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 2 else [0] * 99
    return {"count": len(latencies), "per_s": len(latencies) / elapsed, "errors": len(errors),
            "p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    data = filled_form(FORM_VALUES)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    plumber = median_ms(plain_pdfplumber, data, args.runs)
    limited = median_ms(limited_path, data, args.runs)
    server = start_server(Path(tempfile.mkdtemp(prefix="amparo-bench-")))
    try:
        over_http = http_pdf_ms(server.url, data, min(args.runs, 40))  # the PDF rate limit
        web = submissions_per_second(server.url, args.seconds, args.clients)
    finally:
        server.stop()
    print(f"filled form: {len(data)} bytes, {pages} pages; median of {args.runs} runs")
    print("| path | median ms |\n|---|---|")
    print(f"| pdfplumber alone (in process) | {plumber:.1f} |")
    print(f"| limited path: checks + parser subprocess + validation | {limited:.1f} |")
    print(f"| whole HTTP path: POST /api/v1/applications/pdf → 201 | {over_http:.1f} |")
    print(f"\nweb form: {args.clients} clients × {args.seconds:.0f} s: "
          f"{web['count']} submissions, "
          f"{web['per_s']:.1f}/s, p50 {web['p50_ms']:.0f} ms, p99 {web['p99_ms']:.0f} ms, "
          f"{web['errors']} errors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
