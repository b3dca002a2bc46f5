"""case_desk: reserved for its issue's schema (a no-op until then)

Revision ID: 0011_case_desk
Revises: 0010_payout_details
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0011_case_desk'
down_revision = '0010_payout_details'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
