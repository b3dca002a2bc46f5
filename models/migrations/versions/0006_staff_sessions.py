"""one head again; staff sessions that end at once; growing delays for wrong attempts

Merges the two heads (0002_applications_submission and 0005_notice_claim). Adds
`staff_user.session_version` (every token and page session carries it: logout, reset and
disabling bump it), `staff_user.totp_last_step` (a TOTP code is accepted once) and
`rate_counter.blocked_until` (wrong logins and unknown receipts wait longer each time).

Revision ID: 0006_staff_sessions
Revises: 0002_applications_submission, 0005_notice_claim
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_staff_sessions'
down_revision = ('0002_applications_submission', '0005_notice_claim')
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('blocked_until', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rate_counter', schema=None) as batch_op:
        batch_op.drop_column('blocked_until')
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('session_version')
