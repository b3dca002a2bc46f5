"""Obviously fake application data for the applications tests."""
from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from models.applications.schemas import ApplicationIn

BASE: dict[str, Any] = {
    "kind": "grant",
    "programme": "emergency",
    "language": "en",
    "applicant": {"name": "Test Person Alpha", "email": "alpha@example.invalid",
                  "phone": "+00 000 0000", "country": "ZZ", "organisation": "Test Org Alpha"},
    "threat": {"description": "Test threat description alpha", "types": ["surveillance"],
               "imminent": False, "perpetrator": "corporate", "prior_attacks": 0},
    "dependants": 0,
    "endorser": {"name": "Test Endorser Beta", "organisation": "Test Org Beta",
                 "contact": "beta@example.invalid"},
    "request": {"amount": 3000, "currency": "EUR", "purpose": "Test purpose: secure doors",
                "cost_types": ["security"]},
}
SHELTER_REQUEST = {"people": 2, "children": 1, "from_date": (date.today() + timedelta(days=40)).isoformat(), "nights": 30}
VISA_REQUEST = {"destination_country": "NL", "purpose": "Test visa purpose"}


def payload(**overrides: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict) and key != "request":
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    if data["kind"] == "shelter" and "request" not in overrides:
        data["request"] = dict(SHELTER_REQUEST)
    if data["kind"] == "visa" and "request" not in overrides:
        data["request"] = dict(VISA_REQUEST)
    return data


def application_in(**overrides: Any) -> ApplicationIn:
    return ApplicationIn.model_validate(payload(**overrides))


CRITICAL = {"threat": {"types": ["death_threat", "surveillance"], "imminent": True,
                       "perpetrator": "state", "prior_attacks": 2}}
