"""issued mentoring records

A new table, issued_records: the faculty mentoring records the office issued, which verification codes
point at; existing rows are unchanged.

Revision ID: 79d95c957279
Revises: dc5c8cb8309f
Create Date: 2026-12-02 04:49:02.773306

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '79d95c957279'
down_revision = 'dc5c8cb8309f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('mentor_name', sa.String(length=200), nullable=False),
    sa.Column('totals', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_records_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentor_id'], ['mentor_profiles.id'], name=op.f('fk_issued_records_mentor_id_mentor_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_issued_records_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_records'))
    )
    with op.batch_alter_table('issued_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_records_mentor_id'), ['mentor_id'], unique=False)



def downgrade():
    with op.batch_alter_table('issued_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_records_mentor_id'))

    op.drop_table('issued_records')
