"""staff_language: the language each staff member reads the pages and e-mails in (issue 16)

Revision ID: 0012_staff_language
Revises: 0011_case_desk
"""
from alembic import op
import sqlalchemy as sa


revision = '0012_staff_language'
down_revision = '0011_case_desk'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("language")
