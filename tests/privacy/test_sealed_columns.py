"""Every encrypted column is in the one list (models/sealed.py) that rotation and erasure
use; a vote comment stays readable after a rotation drops the old key (issue 18)."""
from __future__ import annotations

import os

from sqlmodel import SQLModel

import models.registry  # noqa: F401 - every table on the metadata
from models.core.db import session_scope
from models.core.rotation import rotate_all
from models.core.settings import new_keyring_entry, reset_settings
from models.core.crypto import decrypt
from models.reviews.service import cast_vote, comment_aad
from models.sealed import DATA_KEY, KEYRING, TOKEN_KEY
from tests.reviews import factories as f

SEALED_SUFFIXES = ("_enc", "_sealed", "_wrapped")


def test_every_encrypted_looking_column_is_listed() -> None:
    listed = {(m.__tablename__, c) for m, c, *_ in KEYRING}  # type: ignore[attr-defined]
    listed |= {(m.__tablename__, c) for m, c in DATA_KEY + TOKEN_KEY}  # type: ignore[attr-defined]
    found = {(table.name, column.name) for table in SQLModel.metadata.tables.values()
             for column in table.columns if column.name.endswith(SEALED_SUFFIXES)}
    assert found - listed == set(), "sealed columns missing from models/sealed.py"
    assert listed - found == set(), "models/sealed.py names columns that do not exist"


def test_a_vote_comment_survives_rotation_and_the_old_keys_removal(sqlite_url: str) -> None:
    with session_scope() as s:
        prog = f.programme(s)
        _, [reviewer, *_] = f.panel(s, prog=prog, members=3, on_call=0)
        app = f.application(s, prog=prog, amount_minor=300_000)
        result = cast_vote(session=s, application_id=app.id, reviewer=reviewer,
                           decision="approve", amount="3000", comment="Test comment gamma")
        vote_id = result.vote_id
    old = os.environ["AMPARO_ENCRYPTION_KEYS"]
    new = new_keyring_entry("k2")
    try:
        os.environ["AMPARO_ENCRYPTION_KEYS"] = new + "," + old
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = sqlite_url
        assert rotate_all(KEYRING)["vote.comment_enc"] == 1
        os.environ["AMPARO_ENCRYPTION_KEYS"] = new  # the old key dropped
        reset_settings()
        os.environ["AMPARO_DATABASE_URL"] = sqlite_url
        with session_scope(read_only=True) as s:
            from models.reviews.tables import Vote
            vote = s.get(Vote, vote_id)
            assert decrypt(vote.comment_enc, comment_aad(vote_id)) == "Test comment gamma"
    finally:
        os.environ["AMPARO_ENCRYPTION_KEYS"] = old
        reset_settings()
