"""The application of CONTRACT.md, validated. Shared by the API, the web form and the PDF reader."""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, ValidationError,
                      field_validator, model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

from models.core.dates import PassportExpiry, StayStart
from models.money.payout_rules import MESSAGES as PAYOUT_MESSAGES
from models.money.payout_rules import PayoutInvalid, clean as clean_payout

LANGUAGES = ("en", "es", "fr", "pt", "ar", "sw")
Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Text4000 = Annotated[str, Field(min_length=1, max_length=4000)]
# A light check on purpose: reserved test domains (example.invalid) and unusual but real
# addresses must pass; whether mail arrives is not ours to decide at intake.
Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# Direction overrides and isolates can make a name read differently on a staff page than it
# was typed ("Trojan source"): removed from names. Arabic needs none of them to show right.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _clean_text(value: str) -> str:
    value = value.translate(_BIDI_CONTROLS).strip()
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("remove the control characters")
    return value


def _clean_name(value: str) -> str:
    value = _clean_text(value)
    if not value:
        raise ValueError("give a name")
    return value


Name = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_clean_name)]
OptionalName = Annotated[str, Field(max_length=200), AfterValidator(_clean_text)]


class ThreatType(StrEnum):
    death_threat = "death_threat"
    physical_attack = "physical_attack"
    sexual_violence = "sexual_violence"
    surveillance = "surveillance"
    online_harassment = "online_harassment"
    criminalisation = "criminalisation"
    raid = "raid"
    smear_campaign = "smear_campaign"
    family_threat = "family_threat"
    other = "other"


class Perpetrator(StrEnum):
    state = "state"
    non_state_armed = "non_state_armed"
    corporate = "corporate"
    family_or_community = "family_or_community"
    unknown = "unknown"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, v: Any) -> Any:
        if isinstance(v, str) and "\x00" in v:  # truncates in C libraries, hides text
            raise ValueError("remove the NUL character")
        return v


class ApplicantIn(_Strict):
    name: Name
    email: Email | None = None
    phone: Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9 ()\-.]{5,40}$")] | None = None
    country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    organisation: OptionalName | None = None
    pronouns: Annotated[str, Field(max_length=40)] | None = None

    @field_validator("country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()

    @model_validator(mode="after")
    def _reachable(self) -> "ApplicantIn":
        if not self.email and not self.phone:
            raise ValueError("give an e-mail address or a phone number")
        return self


class ThreatIn(_Strict):
    description: Text4000
    types: Annotated[list[ThreatType], Field(min_length=1, max_length=10)]
    imminent: bool = False
    perpetrator: Perpetrator = Perpetrator.unknown
    prior_attacks: Annotated[int, Field(ge=0, le=1000)] = 0


class EndorserIn(_Strict):
    name: Name
    organisation: OptionalName | None = None
    contact: Annotated[str, Field(min_length=3, max_length=200)]


class GrantRequest(_Strict):
    amount: Annotated[Decimal, Field(gt=0, max_digits=12, decimal_places=2)]
    currency: Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
    purpose: Text4000
    cost_types: list[str] = Field(default_factory=list, max_length=11)
    # Other funds asked for the same need, and their answer (optional; issue 18).
    other_funds: Annotated[str, Field(max_length=1000)] | None = None

    @field_validator("currency")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class ShelterRequest(_Strict):
    people: Annotated[int, Field(ge=1, le=20)]
    children: Annotated[int, Field(ge=0, le=19)] = 0
    needs: Annotated[str, Field(max_length=2000)] | None = None
    from_date: StayStart
    nights: Annotated[int, Field(ge=1, le=365)]
    features: list[str] = Field(default_factory=list, max_length=20)
    avoid_region: Annotated[str, Field(max_length=100)] | None = None

    @model_validator(mode="after")
    def _children_fit(self) -> "ShelterRequest":
        if self.children >= self.people:
            raise ValueError("children must be fewer than people (at least one adult)")
        return self


class VisaRequest(_Strict):
    destination_country: Annotated[str, Field(pattern=r"^[A-Za-z]{2}$")]
    passport_valid_until: PassportExpiry | None = None
    family_members: Annotated[int, Field(ge=0, le=20)] = 0
    purpose: Text4000

    @field_validator("destination_country")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


REQUEST_MODELS: dict[str, type[_Strict]] = {
    "grant": GrantRequest, "shelter": ShelterRequest, "visa": VisaRequest}


class ApplicationIn(_Strict):
    kind: Literal["grant", "shelter", "visa"]
    programme: Annotated[str, Field(max_length=64)] | None = None
    language: Literal["en", "es", "fr", "pt", "ar", "sw"] = "en"
    applicant: ApplicantIn
    threat: ThreatIn
    dependants: Annotated[int, Field(ge=0, le=50)] = 0
    endorser: EndorserIn | None = None
    request: dict[str, Any]
    payout: dict[str, Any] | None = None  # CONTRACT.md "Payout details", checked below

    @model_validator(mode="wrap")
    @classmethod
    def _request_for_kind(cls, data: Any, handler: Any) -> "ApplicationIn":
        """Validate `request` by kind and report its errors as `request.<field>` together
        with every other field's, so a form can show them all at once."""
        request_errors, clean = _check_request(data)
        payout_errors = _check_payout(data)
        try:
            result = handler(data)
        except ValidationError as exc:
            if not request_errors and not payout_errors:
                raise
            raise _merged(cls.__name__, exc.errors(), request_errors, payout_errors) from None
        if request_errors or payout_errors:
            raise _merged(cls.__name__, [], request_errors, payout_errors)
        if clean is not None:
            result.request = clean
        return result

    def typed_request(self) -> Any:
        return REQUEST_MODELS[self.kind].model_validate(self.request)


def _check_request(data: Any) -> tuple[list[Any], dict[str, Any] | None]:
    if not isinstance(data, dict) or not isinstance(data.get("request"), dict):
        return [], None
    model = REQUEST_MODELS.get(data.get("kind")) if isinstance(data.get("kind"), str) else None
    if model is None:
        return [], None
    try:
        return [], model.model_validate(data["request"]).model_dump(mode="json")
    except ValidationError as exc:
        return exc.errors(), None


def _check_payout(data: Any) -> list[InitErrorDetails]:
    """Payout details (issue 17): each bad field as `payout.<field>`, in the applicant's
    country (rails offered there, her phone number read in it)."""
    if not isinstance(data, dict) or not data.get("payout"):
        return []
    applicant = data.get("applicant")
    country = applicant.get("country") if isinstance(applicant, dict) else None
    try:
        clean_payout(data["payout"], country if isinstance(country, str) else None,
                     kind=str(data.get("kind")))
    except PayoutInvalid as exc:
        return [InitErrorDetails(type=PydanticCustomError("payout_" + code,
                                                          PAYOUT_MESSAGES[code]),
                                 loc=("payout", field), input=None)
                for field, code in exc.errors.items()]
    return []


def _merged(title: str, errors: list[Any], request_errors: list[Any],
            extra: list[InitErrorDetails] | None = None) -> ValidationError:
    details: list[InitErrorDetails] = []
    for prefix, group in (((), errors), (("request",), request_errors)):
        for err in group:
            detail = InitErrorDetails(type=err["type"], loc=prefix + tuple(err["loc"]),
                                      input=err.get("input"))
            if err.get("ctx"):
                detail["ctx"] = err["ctx"]
            details.append(detail)
    details.extend(extra or [])
    return ValidationError.from_exception_data(title, details)


class SubmitResult(BaseModel):
    id: str
    receipt: str
    status: str


def pydantic_fields(exc: Any) -> dict[str, str]:
    """Field path -> message from a pydantic ValidationError, for the one error shape."""
    fields: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        # the request dict is re-validated inside the model: its paths come nested
        path = ".".join(loc) or "__root__"
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        fields.setdefault(path, msg)
    return fields
