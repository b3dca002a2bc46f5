"""The PDF intake wiring: the API endpoint and the upload on the web form."""
from __future__ import annotations

import pytest

from tests.forms.conftest import hidden
from tests.pdf.corpus import COMMON_VALUES, REQUEST_VALUES, fill, huge, jpeg_renamed

# EmailStr refuses the special-use `.invalid` domain: an ordinary fake domain here.
CONTACTS = {"applicant.email": "alpha@example.org", "endorser.contact": "beta@example.org"}


def filled(kind: str, language: str, drop: tuple[str, ...] = ()) -> bytes:
    values = {**COMMON_VALUES, **REQUEST_VALUES[kind], **CONTACTS}
    return fill(kind, language, {k: v for k, v in values.items() if k not in drop})


def post_pdf(client, data: bytes, name: str = "form.pdf"):
    return client.post("/api/v1/applications/pdf",
                       files={"file": (name, data, "application/pdf")})


class TestApi:
    @pytest.mark.parametrize("kind,language", [("grant", "en"), ("shelter", "ar"),
                                               ("visa", "es")])
    def test_filled_form_makes_an_application(self, client, kind: str, language: str) -> None:
        answer = post_pdf(client, filled(kind, language))
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert set(body) == {"id", "receipt", "status"} and body["status"] == "submitted"

    def test_half_filled_names_what_is_missing(self, client) -> None:
        answer = post_pdf(client, filled("shelter", "fr", drop=("applicant.name",
                                                                "request.nights")))
        assert answer.status_code == 422
        fields = answer.json()["error"]["fields"]
        assert {"applicant.name", "request.nights"} <= set(fields)

    def test_jpeg_renamed_is_refused(self, client) -> None:
        answer = post_pdf(client, jpeg_renamed(), "photo.pdf")
        assert answer.status_code == 415
        assert answer.json()["error"]["code"] == "not_a_pdf"

    def test_truncated_is_refused(self, client) -> None:
        data = filled("grant", "en")
        answer = post_pdf(client, data[: len(data) // 2])
        assert answer.status_code == 422

    def test_60_mb_refused_while_streaming_and_server_answers(self, client) -> None:
        answer = post_pdf(client, huge(60))
        assert answer.status_code == 413
        assert client.get("/api/v1/health").status_code == 200

    def test_no_file(self, client) -> None:
        answer = client.post("/api/v1/applications/pdf", files={"other": ("x", b"x")})
        assert answer.status_code == 422
        assert "file" in answer.json()["error"]["fields"]


class TestWebUpload:
    def _form(self, client, lang: str = "en") -> dict:
        page = client.get(f"/apply?lang={lang}")
        return {"csrf_token": hidden(page.text, "csrf_token"), "lang": lang,
                "submission": hidden(page.text, "submission")}

    def test_complete_form_gives_a_receipt(self, client) -> None:
        page = client.post("/apply/pdf", data=self._form(client),
                           files={"file": ("f.pdf", filled("visa", "en"), "application/pdf")})
        assert page.status_code == 200, page.text
        assert 'id="receipt"' in page.text

    def test_half_filled_opens_the_web_form_to_finish(self, client) -> None:
        page = client.post("/apply/pdf", data=self._form(client, "pt"),
                           files={"file": ("f.pdf", filled("grant", "en",
                                                           drop=("request.purpose",)),
                                           "application/pdf")})
        assert page.status_code == 422
        assert 'action="/apply/grant"' in page.text
        assert 'id="f-request-purpose-error"' in page.text
        assert 'value="Test Person Alpha"' in page.text  # what was read is kept
        assert '<html lang="pt"' in page.text

    def test_not_a_pdf_is_explained(self, client) -> None:
        page = client.post("/apply/pdf", data=self._form(client, "es"),
                           files={"file": ("f.pdf", jpeg_renamed(), "application/pdf")})
        assert page.status_code == 415
        assert "no es un PDF" in page.text

    def test_csrf_required(self, client) -> None:
        data = {**self._form(client), "csrf_token": "nope.nope"}
        page = client.post("/apply/pdf", data=data,
                           files={"file": ("f.pdf", filled("visa", "en"), "application/pdf")})
        assert page.status_code == 403


@pytest.mark.serial  # a page within 2 s while the bomb is parsed
def test_server_keeps_answering_during_a_bomb(tmp_path) -> None:
    """A decompression bomb is parsed in the limited subprocess; the server stays responsive."""
    import threading
    import time

    import httpx

    from tests.browser.forms_server import served_app
    from tests.pdf.corpus import bomb

    answers: list[httpx.Response] = []
    with served_app(tmp_path) as base:
        worker = threading.Thread(target=lambda: answers.append(httpx.post(
            base + "/api/v1/applications/pdf", timeout=60,
            files={"file": ("bomb.pdf", bomb(), "application/pdf")})))
        worker.start()
        time.sleep(1.0)
        started = time.monotonic()
        assert httpx.get(base + "/apply", timeout=5).status_code == 200
        assert time.monotonic() - started < 2.0
        worker.join(60)
    assert answers and answers[0].status_code == 422
    assert answers[0].json()["error"]["code"] in {"resource_limit", "timeout"}
