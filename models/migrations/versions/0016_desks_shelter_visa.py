"""desks_shelter_visa: the visa officer's reasons (a rejected review, an overridden warning)
and the planned travel date of a visa case

Revision ID: 0016_desks_shelter_visa
Revises: 0015_statements
"""
from alembic import op
import sqlalchemy as sa


revision = '0016_desks_shelter_visa'
down_revision = '0015_statements'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'visa_reason',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('application_id', sa.String(), nullable=False),
        sa.Column('case_id', sa.String(), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('warning', sa.String(length=32), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('created_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['application.id']),
        sa.ForeignKeyConstraint(['case_id'], ['visa_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('visa_reason', schema=None) as batch_op:
        batch_op.create_index('ix_visa_reason_application_id', ['application_id'], unique=False)
        batch_op.create_index('ix_visa_reason_case_id', ['case_id'], unique=False)
    with op.batch_alter_table('visa_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('travel_planned', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('visa_case', schema=None) as batch_op:
        batch_op.drop_column('travel_planned')
    with op.batch_alter_table('visa_reason', schema=None) as batch_op:
        batch_op.drop_index('ix_visa_reason_case_id')
        batch_op.drop_index('ix_visa_reason_application_id')
    op.drop_table('visa_reason')
