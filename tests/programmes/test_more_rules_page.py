"""Issue 14.1, every rule from the programme's page: countries served, follow-up days, costs
never paid, the duplicates window and the waiting clocks — saved as a new version, a bad value
refused with what was typed kept."""
from __future__ import annotations

from models.core.db import session_scope
from models.programmes import repository
from tests.programmes.test_pages import _csrf, _form, login, pages  # noqa: F401 - the fixture


def test_the_other_rules_from_the_page(pages) -> None:  # noqa: ANN001
    client, creds = pages
    login(client, *creds["admin"])
    page = client.get("/staff/programmes/emergency")
    assert 'name="clock_triage"' in page.text and 'name="countries"' in page.text
    data = {**_form(page.text), "reason": "all the rules", "more_rules_shown": "1",
            "countries": "ke, UG", "followup_days": "14 60", "excluded_costs": "weapons",
            "duplicate_window_days": "100", "clock_triage": "12"}
    bad = client.post("/staff/programmes/emergency", data={**data, "clock_triage": "soon"})
    assert bad.status_code == 422 and 'value="soon"' in bad.text
    with session_scope(read_only=True) as s:
        assert repository.by_slug(s, "emergency").version == 1  # type: ignore[union-attr]
    saved = client.post("/staff/programmes/emergency", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text[:500]
    with session_scope(read_only=True) as s:
        prog = repository.by_slug(s, "emergency")
        assert prog.version == 2 and prog.countries == ["KE", "UG"]  # type: ignore[union-attr]
        assert prog.followup_days == [14, 60] and prog.excluded_costs == ["weapons"]  # type: ignore[union-attr]
        assert prog.duplicate_window_days == 100  # type: ignore[union-attr]
        assert prog.clock_hours["triage"] == 12  # type: ignore[union-attr,index]
