"""Staff e-mails in the reader's language (issue 16): the subject and every sentence of a
notice, from the language kept on her account; English when she chose none."""
from __future__ import annotations

import pytest

from flows.notify import MAIL, SUBJECTS, compose
from forms import i18n
from models.core import wording
from models.core.notices import Notice
from models.people.tables import StaffUser


@pytest.fixture(autouse=True)
def translator():  # noqa: ANN201
    wording.use(i18n.gettext)  # as api/app.py and api/cli.py do when a process starts
    yield


@pytest.mark.parametrize("lang", [lang for lang in i18n.LANGUAGES if lang != "en"])
def test_a_notice_is_written_in_her_language(lang: str) -> None:
    her = StaffUser(email="reviewer.mail-tests@example.invalid", password_hash="x",
                    totp_secret_enc="x", role="reviewer", language=lang)
    mail = compose(Notice(kind="panel_review", recipient_id="u", application_id="a1",
                          dedupe_key="k"), her)
    subject = i18n.gettext(lang, SUBJECTS["panel_review"])
    assert subject != SUBJECTS["panel_review"]
    assert mail["Subject"] == subject
    body = mail.get_content()
    assert i18n.gettext(lang, MAIL["open"]) in body and MAIL["open"] not in body
    assert i18n.gettext(lang, MAIL["no_details"]) in body


def test_without_a_choice_the_mail_is_in_english() -> None:
    her = StaffUser(email="finance.mail-tests@example.invalid", password_hash="x",
                    totp_secret_enc="x", role="finance")
    mail = compose(Notice(kind="review_stuck", recipient_id="u", dedupe_key="k"), her)
    assert mail["Subject"] == SUBJECTS["review_stuck"]
    assert MAIL["no_details"] in mail.get_content()


def test_every_sentence_of_the_mail_is_translated() -> None:
    for lang in i18n.LANGUAGES[1:]:
        for text in [*SUBJECTS.values(), *MAIL.values()]:
            assert i18n.gettext(lang, text) != text, (lang, text)
