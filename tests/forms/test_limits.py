"""The defender's form tells her the limits before she sends (issue 16): the programme's cap
and currency, a counter on long fields and a field error (never a silent cut), an amount over
the cap refused on the field, amounts read for her language, one receipt format (dashes)."""
from __future__ import annotations

import re

import pytest
from sqlmodel import select

from forms.formats import number
from forms.i18n import gettext
from forms.web.numbers import OVER_CAP
from forms.web.validate import MESSAGES
from tests.forms.conftest import hidden
from tests.forms.helpers import answers


def _post(client, data: dict, lang: str = "en"):  # noqa: ANN001, ANN202
    form = client.get(f"/apply/grant?lang={lang}")
    body = {"csrf_token": hidden(form.text, "csrf_token"), "lang": lang,
            "submission": hidden(form.text, "submission"), **answers("grant"), **data}
    return client.post("/apply/grant", data=body)


def _amount_minor() -> int:
    from models.applications.tables import Application
    from models.core.db import new_session
    with new_session() as session:
        return session.exec(select(Application.amount_minor)).all()[-1]  # type: ignore[return-value]


@pytest.mark.parametrize(("lang", "shown"), [("en", "€10,000.00"), ("es", "10.000,00\xa0€")])
def test_the_form_says_the_cap_and_counts_long_answers(client, lang: str, shown: str) -> None:
    page = client.get(f"/apply/grant?lang={lang}").text
    cap = gettext(lang, "This programme gives at most %(cap)s for one case.") % {"cap": shown}
    assert cap in page
    area = re.search(r'<textarea id="f-threat-description"[^>]*>', page).group(0)  # type: ignore[union-attr]
    assert 'data-max="4000"' in area and "maxlength" not in area  # no silent cut by a browser
    assert gettext(lang, "At most %(count)s characters.") % {"count": number(4000, lang)} in page
    assert '<script src="/static/counter.js" defer></script>' in page
    assert client.get("/static/counter.js").status_code == 200


@pytest.mark.parametrize(("lang", "typed"), [("en", "3,000.50"), ("es", "3.000,50"),
                                             ("fr", "3 000,50"), ("ar", "٣٠٠٠٫٥٠")])
def test_amounts_are_read_for_her_language(client, lang: str, typed: str) -> None:
    done = _post(client, {"request.amount": typed}, lang)
    assert done.status_code == 200, re.findall(r'class="error"[^>]*>(.*?)</p>', done.text)
    assert 'id="receipt"' in done.text
    assert _amount_minor() == 300050


def test_an_amount_over_the_cap_is_a_field_error(client) -> None:
    page = _post(client, {"request.amount": "99999999"}, "es")
    assert page.status_code == 422
    assert gettext("es", OVER_CAP) in page.text and gettext("es", OVER_CAP) != OVER_CAP
    assert 'value="99999999"' in page.text  # what she typed is kept


def test_a_long_answer_is_refused_on_its_field_and_kept_whole(client) -> None:
    long = "Test text, fictitious. " * 900  # ~20 KB
    page = _post(client, {"threat.description": long})
    assert page.status_code == 422
    assert MESSAGES["string_too_long"] in page.text
    assert long.strip() in page.text  # not cut to 4,000 characters


def test_the_receipt_is_shown_with_dashes_as_the_api_gives_it(client) -> None:
    done = _post(client, {})
    shown = re.search(r'<p class="receipt" id="receipt"[^>]*>(.*?)</p>', done.text).group(1)  # type: ignore[union-attr]
    text = re.sub(r"<[^>]+>", "", shown)
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){4}", text), text
