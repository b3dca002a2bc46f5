"""payout_details: the applicant's payout details, changes after approval (issue 17)

`payout_detail` (sealed with the applicant's data key, a blind index of the destination),
`payout_change` and `payout_change_approval` (details changed after approval wait for
finance again), and `disbursement.payout_detail_id` (the details a destination came from).

Revision ID: 0010_payout_details
Revises: 0009_programme_versions
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010_payout_details'
down_revision = '0009_programme_versions'
branch_labels = None
depends_on = None

_ID = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table('payout_detail',
    sa.Column('id', _ID(length=32), nullable=False),
    sa.Column('application_id', _ID(length=32), nullable=False),
    sa.Column('applicant_id', _ID(length=32), nullable=False),
    sa.Column('rail', _ID(length=32), nullable=False),
    sa.Column('details_enc', sa.Text(), nullable=True),
    sa.Column('destination_index', _ID(length=32), nullable=True),
    sa.Column('source', _ID(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payout_detail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_detail_application_id'), ['application_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_payout_detail_applicant_id'), ['applicant_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_payout_detail_destination_index'),
                              ['destination_index'], unique=False)
    op.create_table('payout_change',
    sa.Column('id', _ID(length=32), nullable=False),
    sa.Column('disbursement_id', _ID(length=32), nullable=False),
    sa.Column('old_detail_id', _ID(length=32), nullable=True),
    sa.Column('new_detail_id', _ID(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursement.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('payout_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_change_disbursement_id'),
                              ['disbursement_id'], unique=False)
    op.create_table('payout_change_approval',
    sa.Column('id', _ID(length=32), nullable=False),
    sa.Column('change_id', _ID(length=32), nullable=False),
    sa.Column('user_id', _ID(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['change_id'], ['payout_change.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('change_id', 'user_id')
    )
    with op.batch_alter_table('payout_change_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_change_approval_change_id'), ['change_id'],
                              unique=False)
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payout_detail_id', _ID(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.drop_column('payout_detail_id')
    with op.batch_alter_table('payout_change_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_change_approval_change_id'))
    op.drop_table('payout_change_approval')
    with op.batch_alter_table('payout_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_change_disbursement_id'))
    op.drop_table('payout_change')
    with op.batch_alter_table('payout_detail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_detail_destination_index'))
        batch_op.drop_index(batch_op.f('ix_payout_detail_applicant_id'))
        batch_op.drop_index(batch_op.f('ix_payout_detail_application_id'))
    op.drop_table('payout_detail')
