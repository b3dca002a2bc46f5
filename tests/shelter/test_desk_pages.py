"""The coordinator's case page and a house's calendar through the ASGI app (issue 15): her
needs in her words, her contact (coordinators only), the fit in words mentioning step-free
access, the calendar as a grid; roles refused, CSRF, bad input kept."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from models.core.db import session_scope
from models.people.service import create_user
from models.shelter.casework import calendar_weeks, readable
from models.shelter.matching import House, Need, evaluate, rank, suggested_features
from tests.shelter.factories import make_application, make_shelter
from tests.shelter.pages_client import PASSWORD, csrf_of, login

NEEDS = "Ground floor, one child uses a wheelchair"


@pytest.fixture
def site(sqlite_url: str):  # noqa: ANN201
    with session_scope() as s:
        secrets = {role: create_user(s, email=f"{role}@example.com", role=role,
                                     password=PASSWORD)[2]
                   for role in ("shelter_coordinator", "caseworker", "admin")}
        stairs = make_shelter(s, name="Test House Stairs", beds=4, features=["children"],
                              languages=["en"])
        flat = make_shelter(s, name="Test House Flat", beds=6,
                            features=["children", "step_free"], languages=["fr"])
        app = make_application(s, phone="+00 000 0303",
                               request={"people": 2, "children": 1, "needs": NEEDS})
        ids = {"case": app.id, "stairs": stairs.id, "flat": flat.id}
    from api.app import create_app
    with TestClient(create_app()) as client:
        yield client, ids, secrets


def test_the_case_page_reads_her_words_and_contact(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "shelter_coordinator@example.com", secrets["shelter_coordinator"])
    html = client.get(f"/staff/shelters/cases/{ids['case']}").text
    assert NEEDS in html and "+00 000 0303" in html and "Test Person Alpha" in html
    assert "score" not in html.lower() and "Best fit" in html
    assert "Step-free access: her needs mention a wheelchair" in html
    assert "No step-free access, though her needs mention" in html
    # the step-free house first, though the other speaks her language
    assert html.index("Test House Flat") < html.index("Test House Stairs")
    spanish = client.get(f"/staff/shelters/cases/{ids['case']}?lang=es").text
    assert "Sus necesidades, como ella las escribió" in spanish and "La más adecuada" in spanish
    assert "acceso sin escalones" in spanish.lower() and "step_free" not in spanish


def test_other_roles_never_see_her_contact(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "caseworker@example.com", secrets["caseworker"])
    for url in (f"/staff/shelters/cases/{ids['case']}", f"/staff/shelters/{ids['flat']}"):
        r = client.get(url)
        assert r.status_code == 403 and "+00 000 0303" not in r.text and NEEDS not in r.text


def test_admin_is_refused_too(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "admin@example.com", secrets["admin"])
    r = client.get(f"/staff/shelters/cases/{ids['case']}")
    assert r.status_code == 403 and "+00 000 0303" not in r.text


def test_hold_needs_csrf_and_bad_input_keeps_what_was_typed(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "shelter_coordinator@example.com", secrets["shelter_coordinator"])
    page = client.get(f"/staff/shelters/cases/{ids['case']}").text
    form = {"shelter_id": ids["flat"], "from_date": (date.today() + timedelta(days=10))
            .isoformat(), "nights": "3", "beds": "1"}
    r = client.post(f"/staff/shelters/cases/{ids['case']}/hold", data=form)
    assert r.status_code == 403
    r = client.post(f"/staff/shelters/cases/{ids['case']}/hold",
                    data={**form, "nights": "4", "csrf_token": csrf_of(page)})
    assert r.status_code == 422 and 'value="4"' in r.text and 'value="1"' in r.text
    assert 'aria-invalid="true"' in r.text
    r = client.post(f"/staff/shelters/cases/{ids['case']}/hold",
                    data={**form, "beds": "2", "csrf_token": csrf_of(page)},
                    follow_redirects=False)
    assert r.status_code == 303


def test_the_calendar_is_a_grid_of_nights(site) -> None:  # noqa: ANN001
    client, ids, secrets = site
    login(client, "shelter_coordinator@example.com", secrets["shelter_coordinator"])
    html = client.get(f"/staff/shelters/{ids['flat']}").text
    assert '<table class="nights"' in html and "0/6 taken" not in html
    assert html.count('class="night ') >= 28 and "6 free" in html
    assert ">Mon<" in html and ">Sun<" in html


def test_calendar_weeks_start_on_monday() -> None:
    start = date(2026, 12, 2)  # a Wednesday
    nights = [{"night": (start + timedelta(days=i)).isoformat(), "capacity": 2, "used": i % 3,
               "free": 2 - i % 3, "closed": i == 5} for i in range(28)]
    weeks = calendar_weeks(nights)
    assert all(len(w) == 7 for w in weeks) and weeks[0][:2] == [None, None]
    cells = [c for w in weeks for c in w if c]
    assert len(cells) == 28 and cells[5]["state"] == "closed" and cells[2]["state"] == "full"


def test_her_words_rank_without_refusing() -> None:
    assert suggested_features(NEEDS) == {"step_free"}
    assert suggested_features("Uplifting news, upstairs neighbours") == frozenset()
    assert suggested_features("Necesito una silla de ruedas") == {"step_free"}
    need = Need(people=2, children=1, from_date=date(2027, 1, 1), nights=3,
                features=frozenset({"children"}), wanted=frozenset({"step_free"}))
    flat = House("a", "Flat", "MX", "R1", 4, 90, frozenset({"children", "step_free"}))
    stairs = House("b", "Stairs", "MX", "R2", 4, 90, frozenset({"children"}),
                   frozenset({"en"}))
    ranked = rank([stairs, flat], need, {"a": 4, "b": 4})
    assert [m.name for m in ranked] == ["Flat", "Stairs"] and all(m.ok for m in ranked)
    words = readable(ranked, {"a": flat, "b": stairs}, need)
    assert words[0]["fit"] == "Best fit"
    assert any("Step-free" in line[0] for good, line in words[0]["lines"] if good)
    assert any("No step-free" in line[0] for good, line in words[1]["lines"] if not good)
    assert evaluate(stairs, need, 4).ok  # a suggestion never refuses a house
