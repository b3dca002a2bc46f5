"""The shared desk server answers and its demo staff can sign in from the login page."""
from __future__ import annotations

import pytest

from tests.desks.conftest import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_every_role_signs_in_from_the_page(desk, page) -> None:  # noqa: ANN001
    for email in ("caseworker@demo.amparo.invalid", "admin@demo.amparo.invalid"):
        sign_in_page(page, desk, email)
        assert page.locator("body").inner_text()
        page.context.clear_cookies()
