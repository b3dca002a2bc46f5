"""console: the last state of background jobs (the sweep, a key rotation) for the
operations page (issue 14)

Revision ID: 0017_console
Revises: 0016_desks_shelter_visa
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0017_console'
down_revision = '0016_desks_shelter_visa'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('operation_state',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('operation_state')
