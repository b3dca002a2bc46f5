"""The status table of one person's visa case; the defender's case drives the application.

documents → ready (the visa panel approved the dossier) → lodged → appointment →
granted | refused; refused → lodged again (elsewhere); granted → travelled.
"""
from __future__ import annotations

from models.core.workflow import Move, Workflow

VO, ADM = "visa_officer", "admin"
_BY_STAFF = frozenset({VO, ADM})

VISA_CASE = Workflow(
    name="visa_case",
    initial="documents",
    moves=[Move(source, target, _BY_STAFF) for source, target in [
        ("documents", "ready"), ("ready", "documents"), ("ready", "lodged"),
        ("lodged", "appointment"), ("lodged", "granted"), ("lodged", "refused"),
        ("appointment", "granted"), ("appointment", "refused"),
        ("refused", "lodged"), ("granted", "travelled"),
        ("documents", "withdrawn"), ("ready", "withdrawn"), ("refused", "withdrawn"),
    ]],
    terminal=frozenset({"travelled", "withdrawn"}),
)

# The application (VISA table) follows the defender's case (member 0) on these moves.
APPLICATION_STATUS = {"lodged": "lodged", "appointment": "appointment", "granted": "granted",
                      "refused": "refused", "travelled": "travel"}
