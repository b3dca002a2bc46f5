"""Demo safe houses for `make run` (obviously fake names and addresses; DOMAIN.md sizes)."""
from __future__ import annotations

from sqlmodel import Session, select

from models.shelter.schemas import ShelterIn
from models.shelter.service import create_shelter
from models.shelter.tables import Shelter

DEMO_HOUSES = [
    {"name": "Demo House Ceiba", "country": "MX", "region": "Demo Region North", "beds": 12,
     "features": ["children", "step_free", "women_only"], "languages": ["es", "en"],
     "max_nights": 180, "address": "Demo Street 1", "contact": "+00 000 1001"},
    {"name": "Demo House Jacaranda", "country": "CO", "region": "Demo Region Andes",
     "beds": 42, "features": ["children", "psychosocial_support"], "languages": ["es"],
     "max_nights": 180, "address": "Demo Street 2", "contact": "+00 000 1002"},
    {"name": "Demo House Tulip", "country": "NL", "region": "Demo Region Coast", "beds": 4,
     "features": ["lgbtiq_safe", "step_free"], "languages": ["en", "fr", "es"],
     "max_nights": 90, "address": "Demo Street 3", "contact": "+00 000 1003"},
]


def ensure_demo_houses(session: Session) -> int:
    """Idempotent: adds the demo houses that are missing; returns how many it added."""
    existing = {house.name for house in session.exec(select(Shelter)).all()}
    added = 0
    for house in DEMO_HOUSES:
        if house["name"] not in existing:
            create_shelter(session=session, data=ShelterIn.model_validate(house),
                           actor_id="system")
            added += 1
    return added
