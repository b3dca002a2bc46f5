"""console: the last state of background jobs (the sweep, a key rotation) for the
operations page, staff recovery codes, reviewers' declared conflicts, the on-call rota (issue 14)

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
    op.create_table('staff_recovery_code',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_hash')
    )
    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_recovery_code_user_id'), ['user_id'],
                              unique=False)
    op.create_table('reviewer_conflict',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('match_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('label_enc', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reviewer_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviewer_conflict_user_id'), ['user_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_reviewer_conflict_match_key'), ['match_key'],
                              unique=False)
    op.create_table('on_call_shift',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('starts', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('ends', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['panel_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('on_call_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_on_call_shift_member_id'), ['member_id'],
                              unique=False)
    op.create_table('on_call_leave',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('member_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['panel_member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('on_call_leave', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_on_call_leave_member_id'), ['member_id'],
                              unique=False)

    op.create_table('visa_checklist_version',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('actor_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('country', 'number', name='uq_visa_checklist_number')
    )
    with op.batch_alter_table('visa_checklist_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visa_checklist_version_country'), ['country'],
                              unique=False)
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payout_rails', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('payout_rails')
    with op.batch_alter_table('visa_checklist_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visa_checklist_version_country'))
    op.drop_table('visa_checklist_version')
    for table in ('on_call_leave', 'on_call_shift'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_member_id'))
        op.drop_table(table)
    with op.batch_alter_table('reviewer_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviewer_conflict_match_key'))
        batch_op.drop_index(batch_op.f('ix_reviewer_conflict_user_id'))
    op.drop_table('reviewer_conflict')
    with op.batch_alter_table('staff_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_recovery_code_user_id'))
    op.drop_table('staff_recovery_code')
    op.drop_table('operation_state')
