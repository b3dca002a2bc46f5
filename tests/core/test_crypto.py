"""Field encryption, blind indexes and receipts."""
from __future__ import annotations

import pytest

from models.core import crypto


class TestKeyring:
    def test_round_trip_and_binding_to_row(self, sqlite_url: str) -> None:
        token = crypto.encrypt("Test Person Alpha", crypto.aad_for("t", "1", "name"))
        assert "Alpha" not in token
        assert crypto.decrypt(token, crypto.aad_for("t", "1", "name")) == "Test Person Alpha"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token, crypto.aad_for("t", "2", "name"))

    def test_each_value_has_its_own_nonce(self, sqlite_url: str) -> None:
        aad = crypto.aad_for("t", "1", "c")
        assert crypto.encrypt("same", aad) != crypto.encrypt("same", aad)


class TestDataKeys:
    def test_shredded_key_makes_fields_unreadable(self, sqlite_url: str) -> None:
        dek = crypto.new_data_key()
        wrapped = crypto.wrap_data_key(dek, "app1")
        sealed = crypto.seal_with(dek, "alpha@example.invalid", "applicant:app1:email")
        assert crypto.open_with(crypto.unwrap_data_key(wrapped, "app1"), sealed,
                                "applicant:app1:email") == "alpha@example.invalid"
        assert crypto.open_with(None, sealed, "applicant:app1:email") is None


class TestBlindIndex:
    def test_normalised_and_purpose_bound(self, sqlite_url: str) -> None:
        a = crypto.blind_index("Alpha@Example.invalid ", "email")
        assert a == crypto.blind_index("alpha@example.invalid", "email")
        assert a != crypto.blind_index("alpha@example.invalid", "phone")
        assert crypto.blind_index("  ", "email") is None


class TestReceipts:
    def test_at_least_80_bits_and_readable(self) -> None:
        code = crypto.new_receipt()
        groups = code.split("-")
        assert len(groups) == 5 and all(len(g) == 4 for g in groups)
        assert not set(code.replace("-", "")) & set("ILOU")
        assert len(crypto.RECEIPT_ALPHABET) ** crypto.RECEIPT_LENGTH >= 2 ** 80

    def test_look_alikes_and_spacing_fold(self, sqlite_url: str) -> None:
        code = "0123-4567-89AB-CDEF-GHJK"
        typed = "o123 4567 89ab cdef ghjk"
        assert crypto.receipt_hash(code) == crypto.receipt_hash(typed)
        assert crypto.receipt_hash("too-short") is None
