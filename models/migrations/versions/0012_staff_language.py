"""staff_language: reserved for its issue's schema (a no-op until then)

Revision ID: 0012_staff_language
Revises: 0011_case_desk
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0012_staff_language'
down_revision = '0011_case_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
