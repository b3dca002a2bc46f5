"""statements: reserved for its issue's schema (a no-op until then)

Revision ID: 0015_statements
Revises: 0014_network
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0015_statements'
down_revision = '0014_network'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
