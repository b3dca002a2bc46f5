"""The transition tables of the three application workflows (DESIGN.md, "Workflows").

Actors: staff roles, "system" (flows and the sweeper), "applicant" (with the receipt).
"""
from __future__ import annotations

from models.core.workflow import APPLICANT, SYSTEM, Workflow, moves

CW, RV, FIN, ADM = "caseworker", "reviewer", "finance", "admin"
SC, VO = "shelter_coordinator", "visa_officer"
STAFF_TRIAGE = [CW, ADM, SYSTEM]

# Shared front of every workflow: intake, triage, risk.
_FRONT = [
    ("submitted", ["eligible", "ineligible", "needs_info"], STAFF_TRIAGE),
    ("needs_info", "submitted", [APPLICANT, CW, ADM]),
    ("needs_info", "withdrawn", [APPLICANT, CW, ADM, SYSTEM]),
    ("eligible", "risk_assessed", [SYSTEM, CW, ADM]),
    ("ineligible", "submitted", [CW, ADM]),  # a caseworker may reopen a wrong triage
    ("ineligible", "eligible", [CW, ADM]),  # override of triage, with a reason (casework)
    # withdrawn on her word, or closed as a duplicate, before any decision (casework)
] + [(s, "withdrawn", [CW, ADM]) for s in ("submitted", "eligible", "risk_assessed")]

GRANT = Workflow(
    name="grant",
    initial="submitted",
    moves=moves(_FRONT + [
        ("risk_assessed", "in_review", [SYSTEM, CW, ADM]),
        ("in_review", "info_requested", [RV, CW, ADM]),
        ("info_requested", "in_review", [APPLICANT, CW, ADM]),
        ("in_review", ["approved", "rejected"], [SYSTEM]),
        ("approved", "disbursing", [SYSTEM, FIN]),
        ("approved", "rejected", [ADM]),
        ("disbursing", "disbursed", [SYSTEM, FIN]),
        ("disbursing", "approved", [SYSTEM, FIN]),  # every attempt failed: try again
        ("disbursed", "follow_up", [SYSTEM]),
        ("follow_up", "closed", [CW, ADM, SYSTEM]),
    ] + [(s, "withdrawn", [CW, ADM]) for s in ("in_review", "info_requested")]),
    terminal=frozenset({"ineligible", "rejected", "closed", "withdrawn"}),
)

SHELTER = Workflow(
    name="shelter",
    initial="submitted",
    moves=moves(_FRONT + [
        ("risk_assessed", "matching", [SYSTEM, SC, ADM]),
        ("matching", "held", [SC, ADM]),
        ("held", "matching", [SYSTEM, SC, ADM]),  # hold expired or released
        ("held", "confirmed", [SC, ADM]),
        ("confirmed", "checked_in", [SC, ADM]),
        ("confirmed", "matching", [SC, ADM]),
        ("checked_in", "checked_out", [SC, ADM]),
        ("checked_out", "follow_up", [SYSTEM, SC]),
        ("follow_up", "closed", [SC, CW, ADM, SYSTEM]),
        ("matching", "closed", [SC, ADM]),
        ("matching", "withdrawn", [SC, CW, ADM]),
    ]),
    terminal=frozenset({"ineligible", "closed", "withdrawn"}),
)

VISA = Workflow(
    name="visa",
    initial="submitted",
    moves=moves(_FRONT + [
        ("risk_assessed", "in_review", [SYSTEM, VO, ADM]),
        ("in_review", "info_requested", [RV, VO, CW, ADM]),
        ("info_requested", "in_review", [APPLICANT, VO, CW, ADM]),
        ("in_review", ["documents", "rejected"], [SYSTEM, VO, ADM]),
        ("documents", "lodged", [VO, ADM]),
        ("lodged", "appointment", [VO, ADM]),
        ("appointment", ["granted", "refused"], [VO, ADM]),
        ("lodged", ["granted", "refused"], [VO, ADM]),
        ("refused", "lodged", [VO, ADM]),  # lodged again elsewhere
        ("refused", "closed", [VO, ADM]),
        ("granted", "travel", [VO, ADM]),
        ("travel", "follow_up", [VO, SYSTEM]),
        ("follow_up", "closed", [VO, CW, ADM, SYSTEM]),
    ] + [(s, "withdrawn", [VO, CW, ADM]) for s in ("in_review", "info_requested",
                                                      "documents")]),
    terminal=frozenset({"ineligible", "rejected", "closed", "withdrawn"}),
)

WORKFLOWS = {"grant": GRANT, "shelter": SHELTER, "visa": VISA}


def workflow_for(kind: str) -> Workflow:
    return WORKFLOWS[kind]
