"""visas: the visa panel's approvals of a dossier

Revision ID: 0004_visa_panel
Revises: 0003_shelter_visas
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004_visa_panel'
down_revision = '0003_shelter_visas'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('visa_approval',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['visa_case.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'user_id', name='uq_visa_approval_member')
    )
    with op.batch_alter_table('visa_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visa_approval_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_table('visa_approval')
