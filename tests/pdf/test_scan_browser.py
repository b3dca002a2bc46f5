"""A scan uploaded on the web page, in Debian's Chromium: the message says it is a scan and
what to do, in her language, beside the web forms (screenshots, phone and desktop)."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.forms_server import served_app
from tests.pdf.corpus import COMMON_VALUES, REQUEST_VALUES, fill
from tests.pdf.test_flattened import scan_of
from tests.support.browser import screenshot_dir

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
WORDS = {"ar": "ممسوحة ضوئيًا", "es": "escaneo"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_app(tmp_path_factory.mktemp("scan-browser")) as base:
        yield base


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("scan") / "form.pdf"
    path.write_bytes(scan_of(fill("grant", "en", {**COMMON_VALUES, **REQUEST_VALUES["grant"]})))
    return str(path)


@pytest.mark.parametrize("lang", ["ar", "es"])
def test_a_scan_is_explained_on_the_upload_page(page, site: str, scan: str, lang: str) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{site}/apply?lang={lang}")
    page.set_input_files("#pdf-file", scan)
    page.click("section.pdf button[type=submit]")
    error = page.wait_for_selector("#pdf-file-error")
    assert WORDS[lang] in error.inner_text()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
    assert page.locator(f'a[href="/apply/grant?lang={lang}"]').count() == 1  # the web form
    page.screenshot(path=str(screenshot_dir() / f"pdf-scan-{lang}-phone.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(screenshot_dir() / f"pdf-scan-{lang}-desktop.png"), full_page=True)
