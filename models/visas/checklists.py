"""Visa checklists per destination country, kept as data (DOMAIN.md, "Humanitarian visas").

Each item: a code, the public wording (an English msgid the forms translate), whether it is
required, and who needs it ("all" travellers, or the "defender" only). Countries not listed
use DEFAULT. These are the defaults: an admin's saved version of a destination's list
(models/visas/checklist_data.py) replaces them for new cases.
"""
from __future__ import annotations

from dataclasses import dataclass

PASSPORT_MONTHS = 6  # valid at least this long after the planned arrival


@dataclass(frozen=True)
class ItemSpec:
    code: str
    text: str
    required: bool = True
    who: str = "all"  # all | defender | family
    file: bool = True  # satisfied by a document uploaded or filed


ITEMS = {s.code: s for s in [
    ItemSpec("passport", "Passport valid at least 6 months after arrival"),
    ItemSpec("photos", "Two recent passport photos"),
    ItemSpec("invitation_letter", "Invitation letter: the inviter's ID, address and phone, "
             "where you will stay, the purpose and the dates", who="defender"),
    ItemSpec("proof_of_funds", "Proof of funds or a sponsorship letter", who="defender"),
    ItemSpec("itinerary", "Travel itinerary (booking or reservation)"),
    ItemSpec("insurance", "Medical insurance for the whole stay"),
    ItemSpec("security_plan", "Security plan for the move", who="defender"),
    ItemSpec("sponsor_letter", "Letter from the sponsoring organisation", who="defender"),
    ItemSpec("threat_evidence", "Evidence of a direct, serious and individual threat",
             who="defender"),
    ItemSpec("link_to_country", "Evidence of a link to the destination country",
             who="defender", required=False),
    ItemSpec("ngo_vetting", "Vetting letter from a partner organisation", who="defender"),
    ItemSpec("relationship_proof", "Proof of family relationship (birth or marriage "
             "certificate)", who="family"),
    ItemSpec("urgent_appointment_form", "Urgent appointment request form", who="defender",
             required=False),
]}

_COMMON = ["passport", "photos", "invitation_letter", "proof_of_funds", "itinerary",
           "insurance", "security_plan", "relationship_proof"]


@dataclass(frozen=True)
class Checklist:
    code: str
    items: tuple[str, ...]
    in_person: bool = True  # an appointment at an embassy, possibly in another country
    notes: str = ""


CHECKLISTS = {c.code: c for c in [
    Checklist("DEFAULT", tuple(_COMMON)),
    Checklist("CH", tuple(_COMMON + ["threat_evidence", "link_to_country",
                                     "urgent_appointment_form"]),
              notes="Humanitarian visa: in person at an embassy by appointment; no fee."),
    Checklist("CZ", tuple(_COMMON + ["ngo_vetting"]),
              notes="Civil Society programme: defenders and direct relatives, vetted by NGOs."),
    Checklist("IE", tuple(_COMMON + ["sponsor_letter"]),
              notes="Embassy application with the sponsor's letter and proof of funds."),
    Checklist("DE", tuple(_COMMON + ["sponsor_letter"])),
    Checklist("NL", tuple(_COMMON + ["sponsor_letter"]),
              notes="Shelter City stays of 3 months; the defender travels without family."),
    Checklist("ES", tuple(_COMMON)),
]}


def checklist_for(country: str) -> Checklist:
    return CHECKLISTS.get(country.upper(), CHECKLISTS["DEFAULT"])


def items_for(checklist: Checklist, *, member: int) -> list[ItemSpec]:
    """Member 0 is the defender; family members need their own papers and proof of kinship."""
    wanted = ("all", "defender") if member == 0 else ("all", "family")
    return [ITEMS[code] for code in checklist.items if ITEMS[code].who in wanted]


REFUSAL_REASONS = ("insufficient_funds", "purpose_not_justified", "return_doubted",
                   "documents_incomplete", "security_concern", "no_link_to_country",
                   "quota_reached", "other")

# What people read for each code (English msgids; the pages translate them).
REFUSAL_WORDS = {"insufficient_funds": "Not enough funds shown",
                 "purpose_not_justified": "Purpose not justified",
                 "return_doubted": "Return doubted", "documents_incomplete": "Documents incomplete",
                 "security_concern": "Security concern",
                 "no_link_to_country": "No link to the country",
                 "quota_reached": "Quota reached", "other": "Another reason"}
PROBLEM_WORDS = {"expires_too_soon": "The passport expires too soon"}
