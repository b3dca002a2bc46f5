"""axe-core in Chromium: no serious or critical violation on any public page, any language,
including a form showing its errors."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe

from forms.i18n import LANGUAGES
from tests.browser.forms_server import served_app

PAGES = ["/apply", "/apply/grant", "/apply/shelter", "/apply/visa", "/status"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_app(tmp_path_factory.mktemp("forms-a11y")) as base:
        yield base


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def blocking(axe: Axe, page) -> list[str]:
    violations = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)" for v in violations
            if v.get("impact") in BLOCKING]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_have_no_serious_violation(page, site: str, axe: Axe, lang: str) -> None:
    problems = {}
    for path in PAGES:
        page.goto(f"{site}{path}?lang={lang}")
        found = blocking(axe, page)
        if found:
            problems[path] = found
    assert not problems, problems


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_form_with_errors_and_receipt(page, site: str, axe: Axe, lang: str) -> None:
    page.goto(f"{site}/apply/shelter?lang={lang}")
    page.fill("#f-request-people", "x")
    page.click("button.primary")
    page.wait_for_selector("#error-summary")
    assert not blocking(axe, page)
    page.goto(f"{site}/status?lang={lang}")
    page.fill("#receipt-input", "nonsense")
    page.click("button.primary")
    page.wait_for_selector(".summary")
    assert not blocking(axe, page)
