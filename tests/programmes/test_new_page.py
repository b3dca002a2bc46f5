"""Issue 14.1: an admin creates a programme from a page (version 1, audited), every mistake
named with what she typed kept, and the address (slug) unique."""
from __future__ import annotations

import pytest

from models.core.db import session_scope
from models.programmes import repository
from tests.programmes.test_pages import _csrf, login, pages  # noqa: F401 - the fixture


def _form(html: str, **changes) -> dict:  # noqa: ANN003
    data = {"csrf_token": _csrf(html), "name": "Test Relocation Fund", "slug": "test-relocation",
            "currency": "KES", "cap": "150000", "kinds": ["grant", "visa"], "quorum": "3",
            "fast_track_approvals": "2", "countries": "ke, UG", "followup_days": "14, 60",
            "excluded_costs": "weapons"}
    data.update(changes)
    return data


def test_admin_creates_a_programme(pages) -> None:  # noqa: ANN001
    client, creds = pages
    login(client, *creds["caseworker"])
    assert client.get("/staff/programmes/new").status_code == 403
    client.cookies.clear()
    login(client, *creds["admin"])
    listing = client.get("/staff/programmes")
    assert 'href="/staff/programmes/new"' in listing.text
    page = client.get("/staff/programmes/new")
    r = client.post("/staff/programmes/new", data=_form(page.text), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/programmes/test-reloc")
    assert "Created" in client.get(r.headers["location"]).text
    with session_scope(read_only=True) as s:
        prog = repository.by_slug(s, "test-relocation")
        assert prog is not None and prog.version == 1 and prog.currency == "KES"
        assert prog.countries == ["KE", "UG"] and prog.followup_days == [14, 60]
        assert prog.kinds == ["grant", "visa"] and prog.excluded_costs == ["weapons"]
    again = client.post("/staff/programmes/new", data=_form(page.text))
    assert again.status_code == 409 and "This address is taken" in again.text


@pytest.mark.parametrize("changes, field", [
    ({"slug": "Not A Slug!"}, "slug"), ({"currency": "XYZ"}, "currency"),
    ({"cap": "lots"}, "cap"), ({"kinds": []}, "kinds"), ({"countries": "Narnia"}, "countries"),
    ({"followup_days": "soon"}, "followup_days"), ({"quorum": "0"}, "quorum"),
])
def test_mistakes_are_named_and_kept(pages, changes: dict, field: str) -> None:  # noqa: ANN001
    client, creds = pages
    login(client, *creds["admin"])
    page = client.get("/staff/programmes/new")
    r = client.post("/staff/programmes/new", data=_form(page.text, **changes))
    assert r.status_code == 422, r.text[:300]
    assert f'id="{field}-error"' in r.text or (field == "kinds" and "Choose at least one" in r.text)
    assert 'value="Test Relocation Fund"' in r.text  # kept
    with session_scope(read_only=True) as s:
        assert repository.by_slug(s, "test-relocation") is None
