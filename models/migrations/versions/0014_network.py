"""network: reserved for its issue's schema (a no-op until then)

Revision ID: 0014_network
Revises: 0013_waiting_clocks
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0014_network'
down_revision = '0013_waiting_clocks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
