"""Payout details checked per rail (issue 17): each rail valid, each field's error named.

Pure rules, no database. Obviously fake values: the IBAN and BIC of the standards' own
examples, phone numbers of zeros.
"""
from __future__ import annotations

import pytest

from models.money.payout_rules import (
    PayoutInvalid, clean, destination_text, masked, masked_fields, normalised_destination,
    rails_offered,
)

IBAN = "DE89 3704 0044 0532 0130 00"
KE_PHONE = "+254 700 000 000"

VALID = [
    ("KE", {"rail": "mobile_money", "provider": "mpesa", "phone": "0700 000 000"},
     {"provider": "mpesa", "phone": "+254700000000"}),
    ("KE", {"rail": "bank_wire", "account_name": "Test Person Alpha", "iban": IBAN,
            "bic": "deutdeff"},
     {"account_name": "Test Person Alpha", "iban": "DE89370400440532013000", "bic": "DEUTDEFF"}),
    ("GT", {"rail": "bank_wire", "account_name": "Test Person Alpha",
            "account_number": "0000-1111-22"},
     {"account_name": "Test Person Alpha", "account_number": "0000111122"}),
    ("GT", {"rail": "money_transfer_agent", "pickup_name": "Test Person Alpha",
            "pickup_city": "Test City"},
     {"pickup_name": "Test Person Alpha", "pickup_city": "Test City"}),
    ("ZZ", {"rail": "cash_via_partner", "partner": "Test Org Beta"}, {"partner": "Test Org Beta"}),
    ("ZZ", {"rail": "vendor_direct", "vendor_name": "Test Landlord", "invoice_reference": "INV-0001"},
     {"vendor_name": "Test Landlord", "invoice_reference": "INV-0001"}),
    ("DE", {"rail": "stripe_connect", "account": "acct_1TestAlpha"}, {"account": "acct_1TestAlpha"}),
]

INVALID = [
    ("KE", {"rail": "mobile_money", "provider": "mpesa", "phone": "12"}, "phone", "phone"),
    ("KE", {"rail": "mobile_money", "provider": "mpesa", "phone": "+254 20 000 0000"}, "phone",
     "mobile"),
    ("KE", {"rail": "mobile_money", "provider": "wave", "phone": KE_PHONE}, "provider", "provider"),
    ("KE", {"rail": "mobile_money", "phone": KE_PHONE}, "provider", "required"),
    ("ZZ", {"rail": "mobile_money", "provider": "mpesa", "phone": KE_PHONE}, "rail",
     "rail_not_offered"),
    ("KE", {"rail": "bank_wire", "account_name": "Test Person Alpha",
            "iban": "DE89 3704 0044 0532 0130 01"}, "iban", "iban"),
    ("KE", {"rail": "bank_wire", "account_name": "Test Person Alpha", "iban": IBAN,
            "bic": "DEUTDE"}, "bic", "bic"),
    ("KE", {"rail": "bank_wire", "account_name": "Test Person Alpha"}, "iban", "iban_or_account"),
    ("KE", {"rail": "bank_wire", "account_name": "Test Person Alpha",
            "account_number": "12"}, "account_number", "account_number"),
    ("KE", {"rail": "bank_wire", "iban": IBAN}, "account_name", "required"),
    ("KE", {"rail": "money_transfer_agent", "pickup_name": "Test Person Alpha"}, "pickup_city",
     "required"),
    ("KE", {"rail": "cash_via_partner"}, "partner", "required"),
    ("KE", {"rail": "vendor_direct", "vendor_name": "Test Landlord"}, "invoice_reference",
     "required"),
    ("DE", {"rail": "stripe_connect", "account": "ba_123"}, "account", "account"),
    ("KE", {"rail": "stripe_connect", "account": "acct_1TestAlpha"}, "rail", "rail_not_offered"),
    ("KE", {"rail": "pigeon"}, "rail", "unknown_rail"),
    ("KE", {}, "rail", "required"),
    ("KE", {"rail": "cash_via_partner", "partner": "x", "iban": IBAN}, "iban", "not_for_rail"),
    ("KE", {"rail": "cash_via_partner", "partner": "x" * 201}, "partner", "too_long"),
    ("KE", {"rail": "cash_via_partner", "partner": "Test\u202eOrg"}, "partner", "text"),
]


class TestEachRail:
    @pytest.mark.parametrize(("country", "raw", "expected"), VALID)
    def test_valid_details_are_normalised(self, country, raw, expected) -> None:  # noqa: ANN001
        rail, fields = clean(raw, country)
        assert rail == raw["rail"] and fields == expected

    @pytest.mark.parametrize(("country", "raw", "field", "code"), INVALID)
    def test_each_error_names_its_field(self, country, raw, field, code) -> None:  # noqa: ANN001
        with pytest.raises(PayoutInvalid) as exc:
            clean(raw, country)
        assert exc.value.errors.get(field) == code, exc.value.errors
        assert f"payout.{field}" in exc.value.fields()

    def test_a_flood_of_keys_is_one_error(self) -> None:
        with pytest.raises(PayoutInvalid) as exc:
            clean({"rail": "cash_via_partner", **{f"k{i}": "x" for i in range(5000)}}, "KE")
        assert exc.value.errors == {"rail": "unknown_rail"}
        with pytest.raises(PayoutInvalid):
            clean(["rail"], "KE")

    def test_only_grants_carry_payout_details(self) -> None:
        with pytest.raises(PayoutInvalid) as exc:
            clean({"rail": "cash_via_partner", "partner": "x"}, "KE", kind="shelter")
        assert exc.value.errors == {"rail": "grant_only"}


class TestOffered:
    def test_mobile_money_where_a_provider_serves(self) -> None:
        assert rails_offered("KE")[0] == "mobile_money"
        assert "mobile_money" not in rails_offered("FR")
        assert "stripe_connect" in rails_offered("FR") and "stripe_connect" not in rails_offered("KE")
        assert {"bank_wire", "money_transfer_agent", "cash_via_partner",
                "vendor_direct"} <= set(rails_offered(None))


class TestShown:
    def test_masked_keeps_last_digits_only(self) -> None:
        assert masked("+254700001234 (M-Pesa)") == "•••• 1234"
        assert masked("DE89370400440532013000 BIC DEUTDEFF — Test Person") == "•••• 3000"
        assert masked("Test Person, Test City") == "T••• P••• T••• C•••"
        assert masked(None) == ""
        shown = masked_fields({"phone": "+254700001234", "provider": "mpesa",
                               "account_name": "Test Person"})
        assert shown == {"phone": "•••• 1234", "provider": "M-Pesa", "account_name": "T••• P•••"}

    def test_the_same_destination_typed_differently_is_one(self) -> None:
        a = clean({"rail": "mobile_money", "provider": "mpesa", "phone": "0700 000 001"}, "KE")
        b = clean({"rail": "mobile_money", "provider": "airtel_money",
                   "phone": "+254-700-000-001"}, "KE")
        assert normalised_destination(*a) == normalised_destination(*b)
        assert normalised_destination("cash_via_partner", {"partner": "x"}) is None

    def test_stripe_destination_is_the_account_alone(self) -> None:
        assert destination_text("stripe_connect", {"account": "acct_1X"}) == "acct_1X"
