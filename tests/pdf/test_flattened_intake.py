"""A flattened form and a scan over the API and the web upload page (issue 16.5)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.forms.conftest import _client, hidden
from tests.pdf.corpus import COMMON_VALUES, REQUEST_VALUES, fill
from tests.pdf.test_flattened import flattened, scan_of

# EmailStr refuses the special-use `.invalid` domain: an ordinary fake domain here.
CONTACTS = {"applicant.email": "alpha@example.org", "endorser.contact": "beta@example.org"}


@pytest.fixture
def client(sqlite_url: str) -> Iterator[TestClient]:
    yield from _client()


def post_pdf(client: TestClient, data: bytes, **headers: str):
    return client.post("/api/v1/applications/pdf", headers=headers,
                       files={"file": ("form.pdf", data, "application/pdf")})


def stored(application_id: str) -> dict:
    """The application as an admin sees it (personal fields opened)."""
    from models.applications.tables import Application
    from models.applications.views import load_application_view
    from models.core.db import session_scope

    with session_scope(read_only=True) as session:
        application = session.get(Application, application_id)
        return load_application_view(session=session, application=application, role="admin")


def values(kind: str) -> dict[str, str]:
    return {**COMMON_VALUES, **REQUEST_VALUES[kind], **CONTACTS}


class TestApi:
    @pytest.mark.parametrize("language", ["en", "es"])
    def test_flattened_grant_form_is_stored_exactly(self, client, language: str) -> None:
        answer = post_pdf(client, flattened("grant", language, values("grant")))
        assert answer.status_code == 201, answer.text
        view = stored(answer.json()["id"])
        assert view["kind"] == "grant" and view["language"] == language
        assert {k: view["applicant"].get(k) for k in ("name", "email", "phone", "country",
                                                       "organisation", "pronouns")} == {
            "name": "Test Person Alpha", "email": "alpha@example.org",
            "phone": "+502 5555 0100", "country": "GT", "organisation": "Example Collective",
            "pronouns": "she/her"}
        assert view["threat"] == {"types": ["death_threat", "surveillance"], "imminent": True,
                                  "perpetrator": "state", "prior_attacks": 2,
                                  "description": "Fake threat text for tests.\nSecond line."}
        assert view["dependants"] == 2
        assert view["endorser"] == {"name": "Test Endorser Beta",
                                    "organisation": "Example Network",
                                    "contact": "beta@example.org"}
        assert view["amount"] == 3000 and view["currency"] == "EUR"
        assert view["request"]["purpose"] == "Fake purpose: a safe room."

    def test_a_scan_is_422_scanned_in_her_language_with_the_web_form(self, client) -> None:
        scan = scan_of(fill("grant", "es", values("grant")))
        answer = post_pdf(client, scan, **{"Accept-Language": "es"})
        assert answer.status_code == 422
        error = answer.json()["error"]
        assert error["code"] == "scanned"
        assert "escaneo" in error["message"] and "/apply?lang=es" in error["message"]
        english = post_pdf(client, scan).json()["error"]["message"]
        assert "scan" in english and "/apply?lang=en" in english


class TestWebUpload:
    def _form(self, client: TestClient, lang: str) -> dict:
        page = client.get(f"/apply?lang={lang}")
        return {"csrf_token": hidden(page.text, "csrf_token"), "lang": lang,
                "submission": hidden(page.text, "submission")}

    def test_flattened_form_gives_a_receipt(self, client) -> None:
        page = client.post("/apply/pdf", data=self._form(client, "es"),
                           files={"file": ("f.pdf", flattened("grant", "es", values("grant")),
                                           "application/pdf")})
        assert page.status_code == 200, page.text
        assert 'id="receipt"' in page.text

    @pytest.mark.parametrize("lang,words", [("es", "escaneo"), ("ar", "ممسوحة"),
                                            ("sw", "skani")])
    def test_a_scan_is_explained_in_her_language(self, client, lang: str, words: str) -> None:
        page = client.post("/apply/pdf", data=self._form(client, lang),
                           files={"file": ("f.pdf", scan_of(fill("grant", "en", values("grant"))),
                                           "application/pdf")})
        assert page.status_code == 422
        assert words in page.text
        assert 'id="pdf-file-error"' in page.text
        assert f'href="/apply/grant?lang={lang}"' in page.text  # the web forms, right above
