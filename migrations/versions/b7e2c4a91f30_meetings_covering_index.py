"""meetings: a covering index for the per-pairing metric aggregates (replaces ix_meetings_pairing_date)

Revision ID: b7e2c4a91f30
Revises: d5a0ac8fe300
Create Date: 2026-11-22 02:45:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7e2c4a91f30'
down_revision = 'd5a0ac8fe300'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(
            'ix_meetings_pairing_counted',
            ['pairing_id', 'date', 'status', 'deleted_at', 'duration_minutes'],
            unique=False,
        )
        batch_op.drop_index('ix_meetings_pairing_date')


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index('ix_meetings_pairing_date', ['pairing_id', 'date'], unique=False)
        batch_op.drop_index('ix_meetings_pairing_counted')
