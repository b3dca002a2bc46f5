"""audit chain: each event names the key of AMPARO_AUDIT_KEYS that signed it

Events from before keep an empty key id: they were keyed from AMPARO_SECRET_KEY and still
verify with it.

Revision ID: 0008_audit_key_id
Revises: 0007_sealed_house_names
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_audit_key_id'
down_revision = '0007_sealed_house_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('key_id')
