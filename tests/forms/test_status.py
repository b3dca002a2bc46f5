"""The status pages: receipt by POST, questions answered, documents sent, wrong codes."""
from __future__ import annotations

import io

import pytest

from tests.forms.conftest import hidden
from tests.forms.helpers import answers

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


def apply(client, kind: str = "grant") -> str:
    page = client.get(f"/apply/{kind}")
    data = {"csrf_token": hidden(page.text, "csrf_token"), "lang": "en",
            "submission": hidden(page.text, "submission"), **answers(kind)}
    return hidden(client.post(f"/apply/{kind}", data=data).text, "receipt")


def ask_question(receipt: str) -> None:
    from models.applications.info import application_by_receipt, request_info
    from models.core.db import session_scope
    with session_scope() as session:
        application = application_by_receipt(session, receipt)
        request_info(session=session, application=application, staff=None,
                     question="code:endorser_missing")


def csrf(client) -> str:
    return hidden(client.get("/status").text, "csrf_token")


def show(client, receipt: str, lang: str = "en"):
    return client.post("/status", data={"csrf_token": csrf(client), "lang": lang,
                                        "receipt": receipt})


class TestStatus:
    def test_receipt_shows_status_in_language(self, client) -> None:
        receipt = apply(client)
        page = show(client, receipt.lower().replace("-", " "), "fr")
        assert page.status_code == 200
        assert "Reçue : nous examinons votre demande" in page.text
        assert receipt not in client.get("/status").text

    def test_receipt_only_by_post(self, client) -> None:
        assert client.get("/status?receipt=AAAA").status_code == 200
        assert "Your application" not in client.get("/status?receipt=AAAA").text

    def test_wrong_receipts_get_the_same_page(self, client) -> None:
        apply(client)
        malformed = show(client, "nonsense")
        unknown = show(client, "7KQ2-M9XD-4PRT-8HWB-Z3NC")
        assert malformed.status_code == unknown.status_code == 404

        def body(r):  # the same page, but for the per-request CSRF value
            return r.text.replace(hidden(r.text, "csrf_token"), "")
        assert body(malformed) == body(unknown)
        assert 'href="/status?lang=es"' in malformed.text  # the switch leads to a GET page

    def test_guessing_is_rate_limited(self, client) -> None:
        receipt = apply(client)
        codes = [show(client, f"7KQ2-M9XD-4PRT-8HWB-Z3N{i}").status_code for i in range(12)]
        assert codes[:10] == [404] * 10 and codes[-1] == 429
        blocked = show(client, "7KQ2-M9XD-4PRT-8HWB-Z3NX")
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
        # a right receipt is always answered: a defender on a shared address (an office, a
        # Tor exit) is never locked out by someone else's wrong codes (issue 12)
        assert show(client, receipt).status_code == 200


class TestAnswers:
    def test_answer_and_upload(self, client) -> None:
        receipt = apply(client)
        ask_question(receipt)
        page = show(client, receipt, "es")
        assert "¿Quién puede dar referencias de usted?" in page.text
        request_id = hidden(page.text, "request_id")
        form = {"csrf_token": hidden(page.text, "csrf_token"), "lang": "es", "receipt": receipt}
        sent = client.post("/status/upload", data={**form, "purpose": f"info_answer:{request_id}"},
                           files={"file": ("letter.png", io.BytesIO(PNG), "image/png")})
        assert sent.status_code == 200 and "Recibimos su documento" in sent.text
        bad = client.post("/status/upload", data={**form, "purpose": f"info_answer:{request_id}"},
                          files={"file": ("x.png", io.BytesIO(b"GIF89a" + bytes(10)), "image/png")})
        assert bad.status_code == 422
        empty = client.post("/status/answer", data={**form, "request_id": request_id,
                                                    "answer": "  "})
        assert empty.status_code == 422
        done = client.post("/status/answer", data={**form, "request_id": request_id,
                                                   "answer": "Test Endorser Beta, by e-mail."})
        assert done.status_code == 200 and "Su respuesta fue enviada" in done.text
        assert 'name="request_id"' not in done.text  # no open question left

    @pytest.mark.parametrize("path", ["/status/answer", "/status/upload"])
    def test_csrf_required(self, client, path: str) -> None:
        receipt = apply(client)
        page = client.post(path, data={"csrf_token": "x.y", "receipt": receipt})
        assert page.status_code == 403
