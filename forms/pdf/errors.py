"""Errors of the PDF intake. Messages are fixed English sentences: never file content."""
from __future__ import annotations

# Codes a caller may see; the API maps every one of them to a 4xx answer.
CODES: frozenset[str] = frozenset({
    "not_a_pdf", "too_large", "too_many_pages", "unreadable", "timeout",
    "resource_limit", "not_an_amparo_form", "scanned",
})


class PdfRejected(Exception):
    """A PDF that will not be read. ``code`` is stable; ``message`` is safe to show and log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
