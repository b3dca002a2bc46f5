"""case_desk: the caseworker's sealed notes on a case (issue 15)

Revision ID: 0011_case_desk
Revises: 0010_payout_details
"""
from alembic import op
import sqlalchemy as sa


revision = '0011_case_desk'
down_revision = '0010_payout_details'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_note",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.String(), nullable=False),
        sa.Column("author_id", sa.String(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("ref_id", sa.String(length=32), nullable=True),
        sa.Column("text_enc", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_note_application_id", "case_note", ["application_id"])


def downgrade() -> None:
    op.drop_index("ix_case_note_application_id", table_name="case_note")
    op.drop_table("case_note")
