"""Filled-in answers for each kind of form (obviously fake people)."""
from __future__ import annotations

from datetime import date, timedelta

ARRIVAL = (date.today() + timedelta(days=30)).isoformat()  # intake takes a year ahead at most

COMMON = {
    "applicant.name": "Test Person Alpha",
    "applicant.email": "alpha@example.org",
    "applicant.phone": "+00 000 0000",
    "applicant.country": "GT",
    "threat.description": "Test threat description, fictitious.",
    "threat.types": ["surveillance", "death_threat"],
    "threat.imminent": "on",
    "threat.perpetrator": "state",
    "threat.prior_attacks": "1",
    "dependants": "2",
    "endorser.name": "Test Endorser Beta",
    "endorser.contact": "beta@example.org",
}
REQUESTS = {
    "grant": {"request.amount": "3000", "request.currency": "EUR",
              "request.purpose": "Locks and a safe room (test)."},
    "shelter": {"request.people": "2", "request.children": "1",
                "request.from_date": ARRIVAL, "request.nights": "30"},
    "visa": {"request.destination_country": "ES", "request.passport_valid_until": "2028-01-31",
             "request.family_members": "1", "request.purpose": "Relocation (test)."},
}


def answers(kind: str) -> dict:
    return {**COMMON, **REQUESTS[kind]}
