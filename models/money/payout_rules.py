"""Payout details as data: the rails, their fields, where each is offered, and the checks.

Pure (no database): shared by the API's schema, the web forms and the money area.
CONTRACT.md "Payout details": `mobile_money {provider, phone}`, `bank_wire {account_name,
iban | account_number, bic?}`, `money_transfer_agent {pickup_name, pickup_city}`,
`cash_via_partner {partner}`, `vendor_direct {vendor_name, invoice_reference}`,
`stripe_connect {account}`. IBAN and BIC are checked with python-stdnum, phone numbers with
phonenumbers (a mobile number, stored as E.164). Error messages are English msgids: the pages
translate them, the API answers them as they are.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

import phonenumbers
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

RAIL_FIELDS: dict[str, tuple[str, ...]] = {
    "mobile_money": ("provider", "phone"),
    "bank_wire": ("account_name", "iban", "account_number", "bic"),
    "money_transfer_agent": ("pickup_name", "pickup_city"),
    "cash_via_partner": ("partner",),
    "vendor_direct": ("vendor_name", "invoice_reference"),
    "stripe_connect": ("account",),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "mobile_money": ("provider", "phone"), "bank_wire": ("account_name",),
    "money_transfer_agent": ("pickup_name", "pickup_city"), "cash_via_partner": ("partner",),
    "vendor_direct": ("vendor_name", "invoice_reference"), "stripe_connect": ("account",),
}
# Rails on which finance cannot pay without knowing where the money goes.
NEEDS_DESTINATION = frozenset({"mobile_money", "bank_wire", "money_transfer_agent",
                               "vendor_direct", "stripe_connect"})
# Numbers shown as their last digits only; names as initials.
NUMBER_FIELDS = frozenset({"phone", "iban", "account_number", "account", "invoice_reference"})
NAME_FIELDS = frozenset({"account_name", "pickup_name", "vendor_name", "partner", "pickup_city"})

# Mobile-money providers by country (ISO alpha-2): the rail is offered where one is listed.
PROVIDERS: dict[str, tuple[str, ...]] = {
    "KE": ("mpesa", "airtel_money"), "TZ": ("mpesa", "tigo_pesa", "airtel_money"),
    "UG": ("mtn_momo", "airtel_money"), "RW": ("mtn_momo", "airtel_money"),
    "GH": ("mtn_momo", "telecel_cash", "airteltigo_money"), "CD": ("mpesa", "orange_money",
                                                                    "airtel_money"),
    "SN": ("orange_money", "wave"), "CI": ("orange_money", "mtn_momo", "wave"),
    "CM": ("mtn_momo", "orange_money"), "ZM": ("mtn_momo", "airtel_money"),
    "MZ": ("mpesa", "emola"), "ZW": ("ecocash",), "ET": ("telebirr", "mpesa"),
    "SO": ("evc_plus",), "BD": ("bkash", "nagad"), "PK": ("jazzcash", "easypaisa"),
    "PH": ("gcash", "maya"), "GT": ("tigo_money",), "HN": ("tigo_money",),
    "SV": ("tigo_money",), "BO": ("tigo_money",), "CO": ("nequi", "daviplata"),
    "PE": ("yape",),
}
PROVIDER_NAMES: dict[str, str] = {
    "mpesa": "M-Pesa", "airtel_money": "Airtel Money", "tigo_pesa": "Tigo Pesa",
    "mtn_momo": "MTN MoMo", "telecel_cash": "Telecel Cash", "airteltigo_money": "AirtelTigo Money",
    "orange_money": "Orange Money", "wave": "Wave", "emola": "e-Mola", "ecocash": "EcoCash",
    "telebirr": "telebirr", "evc_plus": "EVC Plus", "bkash": "bKash", "nagad": "Nagad",
    "jazzcash": "JazzCash", "easypaisa": "Easypaisa", "gcash": "GCash", "maya": "Maya",
    "tigo_money": "Tigo Money", "nequi": "Nequi", "daviplata": "Daviplata", "yape": "Yape",
}
# Countries where Stripe Connect pays out to a partner organisation's account.
STRIPE_COUNTRIES = frozenset(
    "AT AU BE BG BR CA CH CY CZ DE DK EE ES FI FR GB GR HK HR HU IE IT JP LI LT LU LV MT MX "
    "MY NL NO NZ PL PT RO SE SG SI SK TH US".split())
EVERYWHERE = ("bank_wire", "money_transfer_agent", "cash_via_partner", "vendor_direct")

REQUIRED_MSG = "Please fill this in."
MESSAGES: dict[str, str] = {
    "required": REQUIRED_MSG,
    "unknown_rail": "Please choose one of the ways to be paid.",
    "rail_not_offered": "This way of being paid is not offered in your country. "
                        "Please choose another.",
    "rail_not_in_programme": "This programme does not pay this way. Please choose another.",
    "grant_only": "Payment details are only for grants.",
    "not_for_rail": "This does not belong to the way of being paid you chose.",
    "too_long": "This is too long. Please shorten it.",
    "iban": "This IBAN is not valid. Check each character: it starts with two letters, "
            "e.g. DE89.",
    "bic": "This BIC (SWIFT code) is not valid: 8 or 11 letters and digits, e.g. DEUTDEFF.",
    "account_number": "Write the account number with digits and letters only "
                      "(5 to 34 characters).",
    "iban_or_account": "Give an IBAN or an account number.",
    "phone": "This is not a phone number we can use. Write it with the country code, "
             "e.g. +254 712 345 678.",
    "mobile": "This is not a mobile number. Give the number of the phone that receives "
              "the money.",
    "provider": "Please choose your mobile-money provider from the list.",
    "account": "A Stripe account id starts with acct_.",
    "text": "Remove the control characters.",
}
_ACCOUNT = re.compile(r"^acct_[A-Za-z0-9]{1,64}$")
_ACCOUNT_NUMBER = re.compile(r"^[A-Z0-9]{5,34}$")
MAX_TEXT = 200
MAX_KEYS = 8  # the rail and at most five fields; more is not a payout


class PayoutInvalid(ValueError):
    """{field: message code}; the field is one of the rail's (or `rail`)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid payout details")
        self.errors = errors

    def fields(self, prefix: str = "payout.") -> dict[str, str]:
        return {prefix + k: MESSAGES[v] for k, v in self.errors.items()}


def rails_offered(country: str | None,
                  programme_rails: tuple[str, ...] | list[str] | None = None) -> tuple[str, ...]:
    """The rails offered to a defender in `country` by her programme (None: every rail her
    country has), in the order a form shows them."""
    country = (country or "").upper()
    rails: list[str] = ["mobile_money"] if country in PROVIDERS else []
    rails += EVERYWHERE
    if country in STRIPE_COUNTRIES:
        rails.append("stripe_connect")
    if programme_rails is not None:
        rails = [rail for rail in rails if rail in programme_rails]
    return tuple(rails)


def providers_for(country: str | None) -> tuple[str, ...]:
    return PROVIDERS.get((country or "").upper(), ())


def clean(raw: Any, country: str | None, *, kind: str = "grant",
          programme_rails: tuple[str, ...] | list[str] | None = None) -> tuple[str, dict[str, str]]:
    """(rail, fields) checked and normalised, or PayoutInvalid naming every bad field."""
    if not isinstance(raw, dict) or len(raw) > MAX_KEYS:  # hostile input: one error, not many
        raise PayoutInvalid({"rail": "unknown_rail"})
    if kind != "grant":
        raise PayoutInvalid({"rail": "grant_only"})
    rail = str(raw.get("rail") or "").strip()
    if rail not in RAIL_FIELDS:
        raise PayoutInvalid({"rail": "required" if not rail else "unknown_rail"})
    errors: dict[str, str] = {}
    if rail not in rails_offered(country):
        errors["rail"] = "rail_not_offered"
    elif rail not in rails_offered(country, programme_rails):
        errors["rail"] = "rail_not_in_programme"
    values = _texts(raw, rail, errors)
    for name in REQUIRED[rail]:
        if not values.get(name) and name not in errors:
            errors[name] = "required"
    _check_rail(rail, values, country, errors)
    if errors:
        raise PayoutInvalid(errors)
    return rail, {k: v for k, v in values.items() if v}


def _texts(raw: dict, rail: str, errors: dict[str, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in raw.items():
        if key == "rail" or value in (None, ""):
            continue
        if key not in RAIL_FIELDS[rail]:
            errors[str(key)[:40]] = "not_for_rail"
            continue
        text = unicodedata.normalize("NFC", str(value)).strip()
        if len(text) > MAX_TEXT:
            errors[key] = "too_long"
        elif any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
            errors[key] = "text"
        else:
            values[key] = text
    return values


def _check_rail(rail: str, v: dict[str, str], country: str | None,
                errors: dict[str, str]) -> None:
    if rail == "mobile_money":
        if v.get("provider") and v["provider"] not in providers_for(country):
            errors.setdefault("provider", "provider")
        if v.get("phone"):
            _phone(v, country, errors)
    elif rail == "bank_wire":
        _bank(v, errors)
    elif rail == "stripe_connect" and v.get("account") and not _ACCOUNT.match(v["account"]):
        errors.setdefault("account", "account")


def _phone(v: dict[str, str], country: str | None, errors: dict[str, str]) -> None:
    try:
        number = phonenumbers.parse(v["phone"], (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        errors.setdefault("phone", "phone")
        return
    if not phonenumbers.is_valid_number(number):
        errors.setdefault("phone", "phone")
        return
    kinds = (phonenumbers.PhoneNumberType.MOBILE,
             phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if phonenumbers.number_type(number) not in kinds:
        errors.setdefault("phone", "mobile")
        return
    v["phone"] = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _bank(v: dict[str, str], errors: dict[str, str]) -> None:
    if v.get("iban"):
        try:
            v["iban"] = stdnum_iban.validate(v["iban"])
        except StdnumError:
            errors.setdefault("iban", "iban")
    if v.get("account_number"):
        compact = re.sub(r"[\s\-.]", "", v["account_number"]).upper()
        if _ACCOUNT_NUMBER.match(compact):
            v["account_number"] = compact
        else:
            errors.setdefault("account_number", "account_number")
    if not v.get("iban") and not v.get("account_number") and "iban" not in errors:
        errors.setdefault("iban", "iban_or_account")
    if v.get("bic"):
        try:
            v["bic"] = stdnum_bic.validate(v["bic"])
        except StdnumError:
            errors.setdefault("bic", "bic")


# --- what finance and the defender see ---------------------------------------------------

def destination_text(rail: str, f: dict[str, str]) -> str | None:
    """The one-line destination stored on a disbursement (Stripe: the acct_ id alone)."""
    if rail == "mobile_money":
        return f"{f['phone']} ({PROVIDER_NAMES.get(f['provider'], f['provider'])})"
    if rail == "bank_wire":
        number = f.get("iban") or f.get("account_number", "")
        bic = f" BIC {f['bic']}" if f.get("bic") else ""
        return f"{number}{bic} — {f['account_name']}"
    if rail == "money_transfer_agent":
        return f"{f['pickup_name']}, {f['pickup_city']}"
    if rail == "cash_via_partner":
        return f["partner"]
    if rail == "vendor_direct":
        return f"{f['vendor_name']}, invoice {f['invoice_reference']}"
    return f.get("account")


def normalised_destination(rail: str, f: dict[str, str]) -> str | None:
    """What the blind index is made of: the same destination typed differently is equal."""
    if rail == "mobile_money":
        return f.get("phone")
    if rail == "bank_wire":
        return f.get("iban") or f.get("account_number")
    if rail == "money_transfer_agent":
        return _fold(f.get("pickup_name")) + "|" + _fold(f.get("pickup_city"))
    if rail == "vendor_direct":
        return _fold(f.get("vendor_name")) + "|" + _fold(f.get("invoice_reference"))
    if rail == "stripe_connect":
        return f.get("account")
    return None  # a partner organisation is shared by many on purpose


def _fold(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def last_digits(text: str | None, n: int = 4) -> str:
    chars = [c for c in (text or "") if c.isalnum()]
    return "".join(chars[-n:])


def masked(destination: str | None, n: int = 4) -> str:
    """`•••• 5678`: the last characters of the destination's first number (phone, IBAN,
    account, invoice) only; a destination without a number (a name and a city): initials."""
    numbers = [t for t in re.findall(r"[\w+\-]+", destination or "")
               if any(c.isdigit() for c in t)]
    if numbers:
        return f"•••• {last_digits(numbers[0], n)}"
    return _initials(destination or "")


def _initials(text: str) -> str:
    return " ".join(w[0] + "•••" for w in text.split() if w)


def masked_fields(f: dict[str, str] | None) -> dict[str, str]:
    """Numbers to their last digits, names to initials; provider and BIC as they are."""
    out: dict[str, str] = {}
    for key, value in (f or {}).items():
        if key in NUMBER_FIELDS:
            out[key] = masked(value)
        elif key in NAME_FIELDS:
            out[key] = _initials(value)
        elif key == "provider":
            out[key] = PROVIDER_NAMES.get(value, value)
        else:
            out[key] = value
    return out
