"""Issue 15 through the ASGI app: each role's desk, search and paging of the staff lists,
the receipt look-up by POST, HTML errors under /staff (JSON under /api), the login keeping
the e-mail typed."""
from __future__ import annotations

import os
import re
from datetime import timedelta
from types import SimpleNamespace

import pyotp
import pytest
from fastapi.testclient import TestClient

from models.applications.tables import Applicant
from models.money.tables import Disbursement
from models.visas.tables import VisaCase
from models.core import crypto
from models.core.db import session_scope
from models.core.settings import reset_settings
from tests.conftest import _use_database
from tests.reviews import factories as f


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]


def _count(html: str, key: str) -> int:
    found = re.search(rf'id="desk-{key}".*?data-count="(\d+)"', html, re.S)
    assert found, key
    return int(found.group(1))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """60 grants in triage (5 of them from country BO), 3 in review, staff of each role, each
    signed in once on a client of her own (a code works once: no second sign-in per person)."""
    _use_database(f"sqlite:///{tmp_path_factory.mktemp('desks') / 'amparo.db'}")
    with session_scope() as s:
        prog = f.programme(s)
        people = {}
        for role in ("caseworker", "admin", "finance", "visa_officer", "shelter_coordinator"):
            user, secret = f.staff(s, role=role)
            people[role] = (user.email, secret)
        receipt = "7KQ2M9XD4PRT8HWBZ3NC"
        first = None
        for i in range(60):
            app = f.application(s, prog=prog, status="submitted", due_in=None, priority=3)
            if i < 5:
                s.get(Applicant, app.applicant_id).country = "BO"  # type: ignore[union-attr]
            if i == 0:
                app.receipt_hash = crypto.receipt_hash(receipt)  # type: ignore[assignment]
                first = app.id
        for _ in range(3):
            late = f.application(s, prog=prog, status="in_review", due_in=timedelta(hours=-2))
            s.add(Disbursement(application_id=late.id, programme_id=prog.id, amount_minor=100,
                               currency="EUR", status="draft"))
        for country in ("GT", "BO", "BO"):
            place = f.application(s, prog=prog, kind="shelter", status="matching", due_in=None)
            s.get(Applicant, place.applicant_id).country = country  # type: ignore[union-attr]
        for country in ("DE", "DE", "ES"):
            visa = f.application(s, prog=prog, kind="visa", status="documents", due_in=None)
            s.add(VisaCase(application_id=visa.id, destination_country=country,
                           checklist_code="x", status="documents"))
    from api.app import create_app
    app = create_app()
    clients = {role: TestClient(app) for role in people}
    for role, client in clients.items():
        login(client, *people[role])
    try:
        yield SimpleNamespace(app=app, clients=clients, people=people, receipt=receipt,
                              first=first)
    finally:
        os.environ.pop("AMPARO_DATABASE_URL", None)
        reset_settings()


def login(client: TestClient, email: str, secret: str) -> None:
    page = client.get("/staff/login")
    resp = client.post("/staff/login", data={
        "csrf_token": _csrf(page.text), "email": email, "password": f.PASSWORD,
        "otp": pyotp.TOTP(secret).now(), "next": "/staff/"}, follow_redirects=False)
    assert resp.status_code == 303, resp.text


class TestDesks:
    def test_caseworker_desk_counts_triage_most_urgent_first(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["caseworker"], world.people, world
        home = client.get("/staff/")
        assert home.status_code == 200
        assert _count(home.text, "triage") == 60
        assert "The 10 most urgent of 60." in home.text
        assert re.search(r"\d+ (d|h|min)[^<]* left", home.text)  # the triage clock (models/clocks)
        assert "Welcome" not in home.text

    def test_admin_desk_people_programmes_audit_and_stalled_work(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["admin"], world.people, world
        home = client.get("/staff/")
        assert _count(home.text, "people") == 5
        assert _count(home.text, "programmes") == 1
        assert _count(home.text, "overdue") == 3  # decisions past their clock
        for href in ("/staff/programmes", "/staff/users", "/staff/audit", "/staff/visas"):
            assert f'href="{href}"' in home.text  # the admin's menu: every page she may open

    @pytest.mark.parametrize("role", ["finance", "visa_officer", "shelter_coordinator"])
    def test_other_desks_answer(self, world, role: str) -> None:  # noqa: ANN001
        client = world.clients[role]
        home = client.get("/staff/")
        assert home.status_code == 200 and 'class="desk-section"' in home.text


class TestCaseList:
    def test_counts_and_page_two(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["caseworker"], world.people, world
        first = client.get("/staff/cases?status=submitted")
        assert "Showing 1–50 of 60" in first.text
        assert 'href="/staff/cases?status=submitted&amp;page=2"' in first.text
        second = client.get("/staff/cases?status=submitted&page=2")
        assert "Showing 51–60 of 60" in second.text
        assert second.text.count('href="/staff/cases/') == 10
        everything = client.get("/staff/cases")
        assert "of 69" in everything.text

    def test_search_by_country_id_and_date(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["caseworker"], world.people, world
        assert "Showing 1–5 of 5" in client.get("/staff/cases?country=bo&kind=grant").text
        assert "Showing 1–7 of 7" in client.get("/staff/cases?country=bo").text
        by_id = client.get(f"/staff/cases?q={ids.first[:10]}")
        assert "Showing 1–1 of 1" in by_id.text and ids.first in by_id.text
        assert "Nothing found." in client.get("/staff/cases?until=2001-01-01").text
        assert "of 69" in client.get("/staff/cases?since=2001-01-01&page=x").text

    def test_receipt_by_post_leads_to_the_case_and_stays_out_of_urls(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["caseworker"], world.people, world
        token = _csrf(client.get("/staff/cases").text)
        found = client.post("/staff/cases/receipt", data={
            "csrf_token": token, "receipt": "7kq2-m9xd-4prt-8hwb-z3nc"}, follow_redirects=False)
        assert found.status_code == 303
        assert found.headers["location"] == f"/staff/cases/{ids.first}"
        admin = world.clients["admin"]
        audit = admin.get(f"/staff/audit?entity_id={ids.first}&action=case.found_by_receipt")
        assert "Showing 1–1 of 1" in audit.text
        wrong = client.post("/staff/cases/receipt", data={
            "csrf_token": token, "receipt": "AAAAAAAAAAAAAAAAAAAA"})
        assert wrong.status_code == 404 and "No case you may see has this receipt" in wrong.text
        assert "AAAAAAAAAAAAAAAAAAAA" not in wrong.text

    def test_receipt_look_up_is_for_case_roles(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["finance"], world.people, world
        token = _csrf(client.get("/staff/").text)
        resp = client.post("/staff/cases/receipt", data={"csrf_token": token, "receipt": "x"})
        assert resp.status_code == 403


class TestAdminLists:
    def test_users_search_and_audit_paging(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["admin"], world.people, world
        found = client.get("/staff/users?role=finance")
        assert "Showing 1–1 of 1" in found.text and people["finance"][0] in found.text
        assert people["caseworker"][0] not in found.text
        assert "of 5" in client.get("/staff/users?q=example.invalid").text
        audit = client.get("/staff/audit?per_page=2")
        assert "Showing 1–2 of" in audit.text and "page=2" in audit.text
        assert "Nothing found." in client.get("/staff/audit?action=no.such.action").text


class TestOthersLists:
    def test_finance_list_pages(self, world) -> None:  # noqa: ANN001
        client = world.clients["finance"]
        first = client.get("/staff/finance?per_page=2")
        assert "Showing 1–2 of 3" in first.text and "per_page=2&amp;page=2" in first.text
        assert "Showing 3–3 of 3" in client.get("/staff/finance?per_page=2&page=2").text
        home = client.get("/staff/")
        assert _count(home.text, "approve") == 3


    def test_visa_list_pages_and_searches(self, world) -> None:  # noqa: ANN001
        client = world.clients["visa_officer"]
        first = client.get("/staff/visas?per_page=2")
        assert "Showing 1–2 of 3" in first.text
        assert "Showing 3–3 of 3" in client.get("/staff/visas?per_page=2&page=2").text
        assert "Showing 1–2 of 2" in client.get("/staff/visas?country=de").text


    def test_shelter_queue_pages_and_searches(self, world) -> None:  # noqa: ANN001
        client = world.clients["shelter_coordinator"]
        assert "Showing 1–1 of 3" in client.get("/staff/shelters?per_page=1").text
        assert "Showing 1–2 of 2" in client.get("/staff/shelters?country=BO").text


class TestErrorsAndLogin:
    def test_unknown_staff_page_is_a_page(self, world) -> None:  # noqa: ANN001
        signed_out = TestClient(world.app).get("/staff/nope")
        assert signed_out.status_code == 404
        assert signed_out.headers["content-type"].startswith("text/html")
        assert "Page not found" in signed_out.text
        signed_in = world.clients["caseworker"].get("/staff/nope/deeper")
        assert signed_in.status_code == 404 and 'href="/staff/cases"' in signed_in.text

    def test_api_keeps_json(self, world) -> None:  # noqa: ANN001
        resp = TestClient(world.app).get("/api/v1/nope")
        assert resp.status_code == 404
        assert resp.json()["error"]["code"] == "not_found"

    def test_a_failure_is_a_page_for_staff_and_json_for_the_api(self, world) -> None:  # noqa: ANN001
        def boom() -> None:
            raise RuntimeError("fictional failure")
        world.app.add_api_route("/staff/boom-test", boom)
        world.app.add_api_route("/api/v1/boom-test", boom)
        client = TestClient(world.app, raise_server_exceptions=False)
        page = client.get("/staff/boom-test")
        assert page.status_code == 500 and "Something went wrong on our side" in page.text
        assert "fictional failure" not in page.text
        api = client.get("/api/v1/boom-test")
        assert api.status_code == 500 and api.json()["error"]["code"] == "internal"

    def test_expired_staff_form_is_a_page(self, world) -> None:  # noqa: ANN001
        client, people, ids = world.clients["caseworker"], world.people, world
        resp = client.post("/staff/cases/receipt", data={"receipt": "x"})
        assert resp.status_code == 403 and "The form had expired" in resp.text

    def test_failed_login_keeps_the_email(self, world) -> None:  # noqa: ANN001
        client, people = TestClient(world.app), world.people
        token = _csrf(client.get("/staff/login").text)
        bad = client.post("/staff/login", data={"csrf_token": token, "email": people["admin"][0],
                                                "password": "wrong password!!", "otp": "000000"})
        assert bad.status_code == 401
        assert f'value="{people["admin"][0]}"' in bad.text
        assert "wrong password!!" not in bad.text
