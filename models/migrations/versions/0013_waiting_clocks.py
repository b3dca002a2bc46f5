"""waiting_clocks: a clock on every waiting state; the programme's clocks and duplicate window

`waiting_clock` keeps, per case-state, when the wait began, when the reminder went and when
it was escalated (so each is sent once). `programme.clock_hours` holds the programme's
durations per clock (empty: the defaults of models/clocks/rules.py);
`programme.duplicate_window_days` how far back duplicates are looked for.

Revision ID: 0013_waiting_clocks
Revises: 0012_staff_language
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013_waiting_clocks'
down_revision = '0012_staff_language'
branch_labels = None
depends_on = None

_ID = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        'waiting_clock',
        sa.Column('id', _ID(length=32), nullable=False),
        sa.Column('subject', _ID(length=16), nullable=False),
        sa.Column('subject_id', _ID(length=32), nullable=False),
        sa.Column('application_id', _ID(length=32), nullable=False),
        sa.Column('state', _ID(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subject', 'subject_id', 'state', 'started_at'),
    )
    with op.batch_alter_table('waiting_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waiting_clock_subject_id'), ['subject_id'])
        batch_op.create_index(batch_op.f('ix_waiting_clock_application_id'), ['application_id'])
        batch_op.create_index(batch_op.f('ix_waiting_clock_escalated_at'), ['escalated_at'])
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_hours', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
        batch_op.add_column(sa.Column('duplicate_window_days', sa.Integer(), nullable=False,
                                      server_default='365'))


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('duplicate_window_days')
        batch_op.drop_column('clock_hours')
    with op.batch_alter_table('waiting_clock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waiting_clock_escalated_at'))
        batch_op.drop_index(batch_op.f('ix_waiting_clock_application_id'))
        batch_op.drop_index(batch_op.f('ix_waiting_clock_subject_id'))
    op.drop_table('waiting_clock')
