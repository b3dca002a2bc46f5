"""Operations flows: a key rotation started from the operations page (issue 14).

The work is models.operations.service.run_rotation; the flow gives it a run in Prefect's UI
(with its state and retries) like every other background job."""
from __future__ import annotations

from prefect import flow, task

from models.operations.service import run_rotation


@task(name="rotate-keyring", retries=2, retry_delay_seconds=30)
def rotate_keyring() -> dict[str, int]:
    return run_rotation()


@flow(name="rotate-keys")
def rotate_keys(ids: list[str] | None = None) -> dict[str, int]:
    """`ids` is ignored (the dispatcher passes a list to every flow): there is one keyring."""
    return rotate_keyring()
