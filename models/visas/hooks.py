"""Registrations with the applications area: the upload purpose and the next-step providers.

Called explicitly, from the one list of cross-area hooks (models/hooks.py) that the app
installs at start — never as a side effect of importing this module.
"""
from __future__ import annotations

from models.applications.documents import DOCUMENT_HOOKS, register_document_purpose
from models.applications.public import NEXT_STEP_PROVIDERS, register_next_steps
from models.relocation.views import with_relocation
from models.shelter.views import next_steps as shelter_steps
from models.visas.service import on_upload
from models.visas.views import next_steps as visa_steps


def register() -> None:
    """Idempotent: importing this module twice registers the same things once."""
    if DOCUMENT_HOOKS.get("visa_item") is not on_upload:
        register_document_purpose("visa_item", on_upload)
    if not getattr(NEXT_STEP_PROVIDERS.get("visa"), "amparo_relocation", False):
        register_next_steps("visa", with_relocation(visa_steps))
    if not getattr(NEXT_STEP_PROVIDERS.get("shelter"), "amparo_relocation", False):
        register_next_steps("shelter", with_relocation(shelter_steps))

