"""payout_details: reserved for its issue's schema (a no-op until then)

Revision ID: 0010_payout_details
Revises: 0009_programme_versions
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0010_payout_details'
down_revision = '0009_programme_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
