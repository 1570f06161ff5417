"""data_version: the version of the data the figures come from, for figures served again while it stands

Revision ID: b3d9a7e15c20
Revises: c4f1e8a2b907
Create Date: 2026-12-02 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3d9a7e15c20'
down_revision = 'c4f1e8a2b907'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('number', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )


def downgrade():
    op.drop_table('data_version')
