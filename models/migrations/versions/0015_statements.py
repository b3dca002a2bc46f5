"""statements: manual-rail statements finance uploads and the lines matched from them

Revision ID: 0015_statements
Revises: 0014_network
"""
from alembic import op
import sqlalchemy as sa


revision = '0015_statements'
down_revision = '0014_network'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'money_statement',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('rail', sa.String(length=32), nullable=False),
        sa.Column('preset', sa.String(length=32), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('line_count', sa.Integer(), nullable=False),
        sa.Column('uploaded_by', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_by', sa.String(length=32), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('confirmed_count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('content_hash'),
    )
    with op.batch_alter_table('money_statement', schema=None) as batch_op:
        batch_op.create_index('ix_money_statement_created_at', ['created_at'], unique=False)
    op.create_table(
        'money_statement_line',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('statement_id', sa.String(), nullable=False),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('reference', sa.String(length=16), nullable=True),
        sa.Column('amount_minor', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=True),
        sa.Column('disbursement_id', sa.String(length=32), nullable=True),
        sa.Column('outcome', sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(['statement_id'], ['money_statement.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('statement_id', 'line_no'),
    )
    with op.batch_alter_table('money_statement_line', schema=None) as batch_op:
        batch_op.create_index('ix_money_statement_line_statement_id', ['statement_id'],
                              unique=False)
        batch_op.create_index('ix_money_statement_line_disbursement_id', ['disbursement_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('money_statement_line', schema=None) as batch_op:
        batch_op.drop_index('ix_money_statement_line_disbursement_id')
        batch_op.drop_index('ix_money_statement_line_statement_id')
    op.drop_table('money_statement_line')
    with op.batch_alter_table('money_statement', schema=None) as batch_op:
        batch_op.drop_index('ix_money_statement_created_at')
    op.drop_table('money_statement')
