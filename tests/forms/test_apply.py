"""The web form through a TestClient: validation, CSRF, double submit, languages, headers."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from tests.forms.conftest import hidden
from tests.forms.helpers import answers


def count_applications() -> int:
    from models.applications.tables import Application
    from models.core.db import new_session
    with new_session() as session:
        return session.exec(select(func.count()).select_from(Application)).one()


def open_form(client, kind: str, lang: str = "en") -> dict:
    page = client.get(f"/apply/{kind}?lang={lang}")
    assert page.status_code == 200
    return {"csrf_token": hidden(page.text, "csrf_token"), "lang": lang,
            "submission": hidden(page.text, "submission")}


class TestPages:
    def test_choose_links_to_forms_and_pdfs(self, client) -> None:
        page = client.get("/apply?lang=es")
        assert page.status_code == 200
        for kind in ("grant", "shelter", "visa"):
            assert f'href="/apply/{kind}?lang=es"' in page.text
            assert f'href="/apply/{kind}/form.pdf?lang=es"' in page.text

    def test_pdf_download(self, client) -> None:
        pdf = client.get("/apply/shelter/form.pdf?lang=fr")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        assert pdf.headers["content-type"] == "application/pdf"

    def test_unknown_kind_404(self, client) -> None:
        assert client.get("/apply/loan").status_code == 404

    @pytest.mark.parametrize("path", ["/apply", "/apply/grant", "/apply/visa", "/status"])
    def test_headers(self, client, path: str) -> None:
        page = client.get(path)
        assert page.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert 'id="quick-exit"' in page.text
        assert "amparo_csrf" in client.cookies


class TestValidation:
    def test_errors_beside_fields_and_linked_summary_values_kept(self, client) -> None:
        data = {**open_form(client, "grant"), **answers("grant")}
        data["applicant.email"], data["applicant.phone"] = "", ""
        data["request.amount"] = "lots"
        before = count_applications()
        page = client.post("/apply/grant", data=data)
        assert page.status_code == 422
        assert 'href="#f-request-amount"' in page.text
        assert 'id="f-request-amount-error"' in page.text
        assert 'aria-invalid="true"' in page.text
        assert "Give an e-mail address or a phone number." in page.text
        assert 'value="Test Person Alpha"' in page.text  # everything typed is kept
        assert 'value="surveillance" checked' in page.text
        assert count_applications() == before  # nothing stored

    def test_errors_in_chosen_language(self, client) -> None:
        data = {**open_form(client, "shelter", "es"), **answers("shelter")}
        data["request.nights"] = ""
        page = client.post("/apply/shelter", data=data)
        assert page.status_code == 422
        assert 'lang="es"' in page.text
        assert "Por favor" in page.text

    def test_shelter_children_rule(self, client) -> None:
        data = {**open_form(client, "shelter"), **answers("shelter")}
        data["request.children"] = "2"
        page = client.post("/apply/shelter", data=data)
        assert 'id="f-request-children-error"' in page.text


class TestSubmit:
    @pytest.mark.parametrize("kind", ["grant", "shelter", "visa"])
    def test_valid_form_shows_receipt(self, client, kind: str) -> None:
        before = count_applications()
        page = client.post(f"/apply/{kind}", data={**open_form(client, kind), **answers(kind)})
        assert page.status_code == 200, page.text
        assert 'id="receipt"' in page.text
        assert count_applications() == before + 1
        assert "Test Person Alpha" not in page.text.split("<title>")[1].split("</title>")[0]

    def test_double_submit_creates_one(self, client_any_db) -> None:
        client = client_any_db
        data = {**open_form(client, "grant"), **answers("grant")}
        before = count_applications()
        first = client.post("/apply/grant", data=data)
        second = client.post("/apply/grant", data=data)
        assert count_applications() == before + 1
        assert hidden(first.text, "receipt") == hidden(second.text, "receipt")

    def test_missing_csrf_refused_and_nothing_stored(self, client) -> None:
        data = {**open_form(client, "grant"), **answers("grant")}
        data["csrf_token"] = "forged.token"
        before = count_applications()
        page = client.post("/apply/grant", data=data)
        assert page.status_code == 403
        assert count_applications() == before
        assert 'value="Test Person Alpha"' in page.text

    def test_language_switch_keeps_values(self, client) -> None:
        data = {**open_form(client, "visa"), **answers("visa"), "switch_lang": "ar"}
        before = count_applications()
        page = client.post("/apply/visa", data=data)
        assert page.status_code == 200
        assert '<html lang="ar" dir="rtl">' in page.text
        assert 'name="lang" value="ar"' in page.text
        assert 'value="Test Person Alpha"' in page.text
        assert count_applications() == before

    def test_saved_step(self, client) -> None:
        receipt_page = client.post("/apply/grant",
                                   data={**open_form(client, "grant"), **answers("grant")})
        form = {"csrf_token": hidden(receipt_page.text, "csrf_token"), "lang": "en",
                "receipt": hidden(receipt_page.text, "receipt")}
        again = client.post("/apply/saved", data=form)
        assert again.status_code == 422 and 'id="receipt"' in again.text
        switched = client.post("/apply/saved", data={**form, "switch_lang": "sw"})
        assert switched.status_code == 200 and '<html lang="sw"' in switched.text
        assert hidden(switched.text, "receipt") == form["receipt"]  # same code, new language
        done = client.post("/apply/saved", data={**form, "saved": "yes"})
        assert done.status_code == 200 and 'id="receipt"' not in done.text
        assert str(done.url).endswith("/apply/done?lang=en")  # redirected: no re-post


class TestLanguages:
    @pytest.mark.parametrize("lang,word", [("es", "Solicitar"), ("fr", "Demander"),
                                           ("pt", "Pedir"), ("ar", "طلب"), ("sw", "Omba")])
    def test_query_and_header(self, client, lang: str, word: str) -> None:
        by_query = client.get(f"/apply?lang={lang}")
        by_header = client.get("/apply", headers={"Accept-Language": f"{lang};q=0.9, en;q=0.5"})
        for page in (by_query, by_header):
            assert f'<html lang="{lang}"' in page.text
            assert word in page.text

    def test_arabic_is_rtl(self, client) -> None:
        assert '<html lang="ar" dir="rtl">' in client.get("/apply/grant?lang=ar").text


def test_parallel_retries_make_one_application(tmp_path) -> None:
    """A flaky connection retrying at once: five POSTs of one form on a real server."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from tests.browser.forms_server import served_app

    with served_app(tmp_path) as base, httpx.Client(base_url=base) as http:
        form = http.get("/apply/shelter")
        data = {"csrf_token": hidden(form.text, "csrf_token"), "lang": "en",
                "submission": hidden(form.text, "submission"), **answers("shelter")}
        before = count_applications()
        with ThreadPoolExecutor(5) as pool:
            pages = list(pool.map(lambda _: http.post("/apply/shelter", data=data), range(5)))
        assert {p.status_code for p in pages} == {200}
        assert len({hidden(p.text, "receipt") for p in pages}) == 1
        assert count_applications() == before + 1
