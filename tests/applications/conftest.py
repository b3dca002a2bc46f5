from __future__ import annotations

import pytest

from models.programmes.service import demo_programme, ensure_programme


@pytest.fixture
def programme(session):  # noqa: ANN001, ANN201
    p = ensure_programme(session, demo_programme())
    session.commit()
    return p
