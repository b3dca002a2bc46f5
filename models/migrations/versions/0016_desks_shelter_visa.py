"""desks_shelter_visa: reserved for its issue's schema (a no-op until then)

Revision ID: 0016_desks_shelter_visa
Revises: 0015_statements
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0016_desks_shelter_visa'
down_revision = '0015_statements'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
