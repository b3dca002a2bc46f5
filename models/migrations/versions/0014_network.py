"""network: peers, this instance's keys, nonces, exchanges and referrals (issue 19)

Revision ID: 0014_network
Revises: 0013_waiting_clocks
"""
from alembic import op
import sqlalchemy as sa


revision = '0014_network'
down_revision = '0013_waiting_clocks'
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "network_keys",
        sa.Column("id", sa.String(8), primary_key=True),
        sa.Column("sign_public", sa.String(64), nullable=False),
        sa.Column("box_public", sa.String(64), nullable=False),
        sa.Column("sign_private_enc", sa.Text(), nullable=False),
        sa.Column("box_private_enc", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False))
    op.create_table(
        "network_peer",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("url", sa.String(300), nullable=False),
        sa.Column("sign_public", sa.String(64), nullable=False, unique=True),
        sa.Column("box_public", sa.String(64), nullable=False),
        sa.Column("referral_kinds", sa.JSON(), nullable=False),
        sa.Column("checks_allowed", sa.Boolean(), nullable=False),
        sa.Column("checks_per_day", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("suspended_at", TS, nullable=True))
    op.create_table(
        "network_nonce",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("peer_id", sa.String(32), nullable=False, index=True),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("seen_at", TS, nullable=False, index=True),
        sa.UniqueConstraint("peer_id", "nonce"))
    op.create_table(
        "network_exchange",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("peer_id", sa.String(32), nullable=True, index=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("at", TS, nullable=False, index=True))
    op.create_table(
        "network_referral",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("peer_id", sa.String(32), nullable=False, index=True),
        sa.Column("remote_id", sa.String(32), nullable=True, index=True),
        sa.Column("application_id", sa.String(32), nullable=True, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("payload_enc", sa.Text(), nullable=True),
        sa.Column("receipt_sealed", sa.Text(), nullable=True),
        sa.Column("told_status", sa.String(16), nullable=True),
        sa.Column("created_by", sa.String(32), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True, index=True))


def downgrade() -> None:
    for table in ("network_referral", "network_exchange", "network_nonce", "network_peer",
                  "network_keys"):
        op.drop_table(table)
