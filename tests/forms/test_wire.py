"""Light on the wire (issue 16): every public page, in every language, arrives compressed and
at most 14 KB (headers and compressed body: one round trip on a slow link), with its security
headers kept."""
from __future__ import annotations

import pytest

from forms.i18n import LANGUAGES

WIRE_BUDGET = 14 * 1024
PUBLIC = ("/apply", "/apply/grant", "/apply/shelter", "/apply/visa", "/status")


def on_the_wire(client, path: str) -> tuple[int, dict[str, str]]:
    """Bytes as sent: the status line, the headers and the body before decompression."""
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
        body = sum(len(chunk) for chunk in response.iter_raw())
        head = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        assert response.status_code == 200, path
        return head + body + len("HTTP/1.1 200 OK\r\n\r\n"), dict(response.headers)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_is_at_most_14_kb_compressed(client, lang: str) -> None:
    weights = {}
    for path in PUBLIC:
        weight, headers = on_the_wire(client, f"{path}?lang={lang}")
        assert headers.get("content-encoding") == "gzip", path
        assert "default-src 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
        assert headers["content-language"] == lang
        weights[path] = weight
    heaviest = max(weights, key=weights.get)  # type: ignore[arg-type]
    assert weights[heaviest] <= WIRE_BUDGET, f"{lang} {heaviest}: {weights[heaviest]} bytes"


def test_small_answers_and_clients_without_gzip_are_sent_plain(client) -> None:
    plain = client.get("/apply/grant", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert "<form" in plain.text
    health = client.get("/api/v1/health", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in health.headers  # a few bytes: not worth compressing


def test_a_pdf_is_sent_as_it_is(client) -> None:
    pdf = client.get("/apply/grant/form.pdf?lang=en", headers={"Accept-Encoding": "gzip"})
    assert pdf.status_code == 200 and "content-encoding" not in pdf.headers
