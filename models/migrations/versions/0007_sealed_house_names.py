"""safe houses: name and region sealed like the address

Existing rows are sealed with the current primary key (AMPARO_ENCRYPTION_KEYS), then the
plain columns are dropped. Downgrade opens them again.

Revision ID: 0007_sealed_house_names
Revises: 0006_staff_sessions
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_sealed_house_names'
down_revision = '0006_staff_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from models.core.crypto import aad_for, encrypt

    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_enc', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('region_enc', sa.Text(), nullable=False, server_default=''))
    bind = op.get_bind()
    for row_id, name, region in bind.execute(sa.text("SELECT id, name, region FROM shelter")).all():
        bind.execute(sa.text("UPDATE shelter SET name_enc = :n, region_enc = :r WHERE id = :id"),
                     {"id": row_id, "n": encrypt(name, aad_for("shelter", row_id, "name")),
                      "r": encrypt(region, aad_for("shelter", row_id, "region"))})
    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.drop_column('name')
        batch_op.drop_column('region')


def downgrade() -> None:
    from models.core.crypto import aad_for, decrypt

    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('region', sa.String(100), nullable=False, server_default=''))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name_enc, region_enc FROM shelter")).all()
    for row_id, name_enc, region_enc in rows:
        bind.execute(sa.text("UPDATE shelter SET name = :n, region = :r WHERE id = :id"),
                     {"id": row_id, "n": decrypt(name_enc, aad_for("shelter", row_id, "name")),
                      "r": decrypt(region_enc, aad_for("shelter", row_id, "region"))})
    with op.batch_alter_table('shelter', schema=None) as batch_op:
        batch_op.drop_column('name_enc')
        batch_op.drop_column('region_enc')
