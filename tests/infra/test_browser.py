"""Debian Chromium through Playwright: open a local page and take a screenshot."""

import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.browser import screenshot_dir

PAGE = """<!doctype html><html lang="es"><head><meta charset="utf-8">
<title>Amparo prueba</title></head><body><h1>Solicitud de protección</h1>
<form><label for="alias">Alias</label><input id="alias" name="alias"></form></body></html>"""


@pytest.fixture
def local_site(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_local_page_and_screenshot(page, local_site: str, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMPARO_SCREENSHOT_DIR", str(tmp_path / "shots"))
    page.goto(local_site)
    assert page.title() == "Amparo prueba"
    page.fill("#alias", "Defensora-Prueba")
    assert page.input_value("#alias") == "Defensora-Prueba"
    target = screenshot_dir() / "infra-local-page.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_data_url(page) -> None:
    page.goto("data:text/html,<p id=x>hola</p>")
    assert page.inner_text("#x") == "hola"
