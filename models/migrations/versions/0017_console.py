"""console: reserved for its issue's schema (a no-op until then)

Revision ID: 0017_console
Revises: 0016_desks_shelter_visa
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0017_console'
down_revision = '0016_desks_shelter_visa'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
