"""suppression_patterns: each year's suppression pattern as decided, under a keyed hash of what it protects

Revision ID: f2a8c4e61b93
Revises: d61c0a9e4b7f
Create Date: 2026-12-02 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2a8c4e61b93'
down_revision = 'd61c0a9e4b7f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('suppression_patterns',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('shown', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_suppression_patterns'))
    )
    with op.batch_alter_table('suppression_patterns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suppression_patterns_decided_at'), ['decided_at'], unique=False)


def downgrade():
    with op.batch_alter_table('suppression_patterns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suppression_patterns_decided_at'))
    op.drop_table('suppression_patterns')
