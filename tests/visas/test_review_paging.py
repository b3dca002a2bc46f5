"""Issue 15: the visa officer's "new cases for the visa panel" list has pages of its own, with
counts (it once stopped silently at 200 rows)."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.auth import COOKIE, issue_token
from models.core.db import session_scope
from tests.reviews import factories as f


def test_new_cases_for_the_panel_come_in_pages(sqlite_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        for _ in range(23):
            f.application(s, prog=prog, kind="visa", status="in_review")
        officer, _ = f.staff(s, role="visa_officer")
        token, _ = issue_token(officer)
    from api.app import create_app
    with TestClient(create_app()) as client:
        client.cookies.set(COOKIE, token)
        first = client.get("/staff/visas")
        assert "Showing 1–20 of 23" in first.text and "review_page=2" in first.text
        assert first.text.count("/staff/visas/review/") == 20
        second = client.get("/staff/visas?review_page=2")
        assert "Showing 21–23 of 23" in second.text
        assert second.text.count("/staff/visas/review/") == 3
