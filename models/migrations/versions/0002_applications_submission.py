"""applications: sealed receipts for double submits

Revision ID: 0002_applications_submission
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0002_applications_submission'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('submission_receipt',
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('receipt_sealed', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('application_id')
    )
    with op.batch_alter_table('submission_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_receipt_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submission_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_receipt_created_at'))
    op.drop_table('submission_receipt')
