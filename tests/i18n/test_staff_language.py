"""Staff in their language (issue 16): a language kept on her account, chosen on /staff/account,
used by every staff page; ?lang= still wins; Arabic right to left; the migration on both
databases."""
from __future__ import annotations

from forms.i18n import gettext
from models.core.db import session_scope
from models.people.tables import StaffUser
from tests.i18n.conftest import csrf_of, sign_in_as


def _choose(client, language: str):  # noqa: ANN001, ANN202
    page = client.get("/staff/account")
    return client.post("/staff/account", data={"csrf_token": csrf_of(page.text),
                                               "language": language}, follow_redirects=False)


def test_her_language_is_kept_on_her_account(fund_any_db) -> None:  # noqa: ANN001
    client, people = fund_any_db
    sign_in_as(client, people["admin"])
    assert 'lang="en"' in client.get("/staff/users", headers={"Accept-Language": "en"}).text
    assert _choose(client, "es").status_code == 303
    with session_scope(read_only=True) as s:
        assert s.get(StaffUser, people["admin"]).language == "es"  # type: ignore[union-attr]
    users = client.get("/staff/users", headers={"Accept-Language": "en"})
    assert 'lang="es"' in users.text
    added = gettext("es", "Add a person")
    assert added != "Add a person" and added in users.text
    assert 'lang="fr"' in client.get("/staff/users?lang=fr").text  # ?lang= still wins
    assert _choose(client, "ar").status_code == 303
    arabic = client.get("/staff/programmes")
    assert 'lang="ar" dir="rtl"' in arabic.text
    assert _choose(client, "").status_code == 303  # back to what her browser asks
    assert 'lang="pt"' in client.get("/staff/", headers={"Accept-Language": "pt"}).text


def test_a_wrong_language_or_a_missing_token_changes_nothing(fund) -> None:  # noqa: ANN001
    client, people = fund
    sign_in_as(client, people["finance"])
    assert _choose(client, "xx").status_code == 422
    assert client.post("/staff/account", data={"language": "es"},
                       follow_redirects=False).status_code in (400, 403)
    with session_scope(read_only=True) as s:
        assert s.get(StaffUser, people["finance"]).language is None  # type: ignore[union-attr]


def test_every_role_finds_the_account_page(fund) -> None:  # noqa: ANN001
    client, people = fund
    for role, user_id in people.items():
        sign_in_as(client, user_id)
        home = client.get("/staff/?lang=sw")
        assert 'href="/staff/account"' in home.text, role
        assert client.get("/staff/account").status_code == 200, role


def test_a_refused_sign_in_says_why_in_her_language(fund) -> None:  # noqa: ANN001
    client, _ = fund
    page = client.get("/staff/login?lang=es&next=/staff/users")
    assert gettext("es", "Staff sign in") in page.text
    assert 'href="?lang=ar&amp;next=/staff/users" lang="ar"' in page.text  # her language, one click
    refused = client.post("/staff/login?lang=es", data={
        "csrf_token": csrf_of(page.text), "email": "nobody.i18n-tests@example.invalid",
        "password": "wrong-password", "otp": "000000"})
    assert refused.status_code == 401
    assert gettext("es", "Wrong e-mail, password or code.") in refused.text
    assert "Wrong e-mail" not in refused.text
