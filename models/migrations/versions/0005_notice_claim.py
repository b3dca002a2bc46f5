"""notices: a claim while the e-mail is on its way (sent outside the database transaction)

Revision ID: 0005_notice_claim
Revises: 0004_money_ledger, 0004_visa_panel
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_notice_claim'
down_revision = ('0004_money_ledger', '0004_visa_panel')
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
