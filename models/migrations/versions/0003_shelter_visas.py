"""shelter, visas, relocation: houses, nights, holds, placements, visa cases and items

Revision ID: 0003_shelter_visas
Revises: 0001_initial
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0003_shelter_visas'
down_revision = '0001_initial'
branch_labels = None
depends_on = None

TABLES = ['visa_lodging', 'visa_item', 'shelter_placement', 'visa_case', 'shelter_hold',
          'relocation', 'shelter_night', 'shelter']


def upgrade() -> None:
    op.create_table('shelter',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('region', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('features', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('max_nights', sa.Integer(), nullable=False),
    sa.Column('address_enc', sa.Text(), nullable=True),
    sa.Column('contact_enc', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('beds >= 0', name='ck_shelter_beds'),
    sa.CheckConstraint('max_nights >= 1', name='ck_shelter_max_nights'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shelter_country'), ['country'], unique=False)

    op.create_table('shelter_night',
    sa.Column('shelter_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Boolean(), nullable=False),
    sa.CheckConstraint('used <= capacity', name='ck_night_no_overbooking'),
    sa.CheckConstraint('used >= 0', name='ck_night_used_positive'),
    sa.ForeignKeyConstraint(['shelter_id'], ['shelter.id'], ),
    sa.PrimaryKeyConstraint('shelter_id', 'night')
    )

    op.create_table('relocation',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('applicant_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('visa_application_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('shelter_application_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('grant_application_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], ),
    sa.ForeignKeyConstraint(['grant_application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['shelter_application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['visa_application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('grant_application_id'),
    sa.UniqueConstraint('shelter_application_id'),
    sa.UniqueConstraint('visa_application_id')
    )
    with op.batch_alter_table('relocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relocation_applicant_id'), ['applicant_id'], unique=False)

    op.create_table('shelter_hold',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shelter_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('nights', sa.Integer(), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['shelter_id'], ['shelter.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shelter_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shelter_hold_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_hold_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_hold_shelter_id'), ['shelter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_hold_status'), ['status'], unique=False)

    op.create_table('visa_case',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('member', sa.Integer(), nullable=False),
    sa.Column('destination_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('checklist_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('documents_due', sa.Date(), nullable=True),
    sa.Column('embassy_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('lodged_on', sa.Date(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('appointment_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('appointment_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('refusal_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('travel_date', sa.Date(), nullable=True),
    sa.Column('approved_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('application_id', 'member', name='uq_visa_case_member')
    )
    with op.batch_alter_table('visa_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visa_case_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visa_case_appointment_at'), ['appointment_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visa_case_documents_due'), ['documents_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_visa_case_status'), ['status'], unique=False)

    op.create_table('shelter_placement',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('hold_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('application_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('shelter_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('to_date', sa.Date(), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('extended_nights', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], ),
    sa.ForeignKeyConstraint(['hold_id'], ['shelter_hold.id'], ),
    sa.ForeignKeyConstraint(['shelter_id'], ['shelter.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hold_id')
    )
    with op.batch_alter_table('shelter_placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shelter_placement_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_placement_from_date'), ['from_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_placement_shelter_id'), ['shelter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_placement_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_shelter_placement_to_date'), ['to_date'], unique=False)

    op.create_table('visa_item',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('document_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('problem', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['visa_case.id'], ),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'code', name='uq_visa_item_code')
    )
    with op.batch_alter_table('visa_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visa_item_case_id'), ['case_id'], unique=False)

    op.create_table('visa_lodging',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('case_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('embassy_country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('lodged_on', sa.Date(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('refusal_reason', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['visa_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visa_lodging', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visa_lodging_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    for table in TABLES:  # dependants first; their indexes go with them
        op.drop_table(table)
