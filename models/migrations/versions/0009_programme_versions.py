"""programmes: versions of their rules, the countries they serve; a case's routed version

Every programme gets `version` 1 (its rules as they are) and `countries` (NULL: any);
`programme_version` keeps each version's whole rules with who changed them and why;
`application.programme_version` is the version a case was routed under (NULL before).

Revision ID: 0009_programme_versions
Revises: 0008_audit_key_id
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009_programme_versions'
down_revision = '0008_audit_key_id'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('countries', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
    op.create_table('programme_version',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('programme_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('actor_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('programme_id', 'number')
    )
    with op.batch_alter_table('programme_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_version_programme_id'), ['programme_id'],
                              unique=False)
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('programme_version', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('programme_version')
    with op.batch_alter_table('programme_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_version_programme_id'))
    op.drop_table('programme_version')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('countries')
