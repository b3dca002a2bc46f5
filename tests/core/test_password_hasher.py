"""The product hashes staff passwords with argon2id at full cost. The test process swaps in a
cheap hasher (tests/conftest.py: cheap_password_hashes); the dummy hash the product made at
import, with its own hasher, shows what the product uses."""
from __future__ import annotations

from argon2 import Type, extract_parameters


def test_the_product_hashes_with_argon2id_at_full_cost() -> None:
    import models.people.service as people

    params = extract_parameters(people._DUMMY_HASH)
    assert params.type is Type.ID
    assert params.time_cost >= 3 and params.memory_cost >= 64 * 1024
