"""waiting_clocks: reserved for its issue's schema (a no-op until then)

Revision ID: 0013_waiting_clocks
Revises: 0012_staff_language
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0013_waiting_clocks'
down_revision = '0012_staff_language'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
