"""Words, not codes (issue 16): forms/words.py and the Babel filters of forms/formats.py, and
the reconciliation that says in words that Stripe is not configured."""
from __future__ import annotations

from datetime import datetime

import pytest

from forms.i18n import gettext
from forms.render import environment
from forms.words import WORDS, words
from models.money.reconcile import _store
from tests.i18n.conftest import sign_in_as


def _render(source: str, lang: str, **values) -> str:  # noqa: ANN003
    return environment().from_string(source).render(lang=lang, **values)


def test_codes_become_words_and_unknown_codes_never_show_as_codes() -> None:
    assert words("fast_track", "track") == "Fast track"
    assert words(["step_free", "pets"], "feature") == "Step-free access, Pets allowed"
    assert words(None, "track") == words([], "cost") == "—"
    assert words(True, "flag") == "yes"
    assert "_" not in words("some_new_code", "status")
    assert words("A reason she typed, with_underscore", "why") == \
        "A reason she typed, with_underscore"
    assert all(" " in w or w[:1].isupper() or w.islower() for kind in WORDS.values()
               for w in kind.values())


@pytest.mark.parametrize(("lang", "amount", "count", "moment"), [
    ("en", "€3,000.50", "2,500", "Dec 2, 2026, 11:04 UTC"),
    ("es", "3000,50\xa0€", "2500", "2 dic 2026, 11:04 UTC"),
    ("fr", "3\u202f000,50\xa0€", "2\u202f500", "2 déc. 2026, 11:04 UTC"),
])
def test_amounts_numbers_and_dates_for_the_page_language(lang: str, amount: str, count: str,
                                                         moment: str) -> None:
    shown = _render("{{ a|money('EUR') }}|{{ m|money('EUR', minor=True) }}|{{ n|number }}|"
                    "{{ d|datetime }}|{{ s|words('status') }}", lang, a=3000.5, m=300050,
                    n=2500.0, d=datetime(2026, 12, 2, 11, 4), s="in_review")
    money, minor, number, when, status = shown.split("|")
    assert money == minor
    assert money.replace(".", "").replace(",", "").replace("\xa0", "") \
        == amount.replace(".", "").replace(",", "").replace("\xa0", "") or money == amount
    assert "2500.0" not in number and when == moment
    assert status == gettext(lang, "In review") and (lang == "en" or status != "In review")


def test_reconciliation_says_stripe_is_not_configured_in_words(fund) -> None:  # noqa: ANN001
    client, people = fund
    _store([{"code": "stripe_unreachable", "error": "AuthenticationError"}], 0, 0,
           status="error")
    sign_in_as(client, people["finance"])
    page = client.get("/staff/finance/reconciliation?lang=es").text
    assert gettext("es", "Stripe is not configured here, so there is nothing to reconcile "
                         "with. Payments by other rails are not affected.") in page
    assert gettext("es", "Could not run") in page
    assert "stripe_unreachable" not in page and "UTC UTC" not in page


def test_a_refused_vote_says_why_in_words_in_her_language(fund) -> None:  # noqa: ANN001
    import re
    from tests.i18n.conftest import csrf_of
    client, people = fund
    sign_in_as(client, people["reviewer"])
    queue = client.get("/staff/queue?lang=es").text
    case = re.search(r'href="(/staff/cases/[0-9a-f]{32})"', queue).group(1)  # type: ignore[union-attr]
    page = client.get(f"{case}?lang=es")
    refused = client.post(f"{case}/vote?lang=es", data={
        "csrf_token": csrf_of(page.text), "decision": "approve", "amount": ""})
    assert refused.status_code == 422
    assert gettext("es", "Enter the amount to approve.") in refused.text
    assert "an approval needs an amount" not in refused.text
