"""sign-in sessions (user_sessions) and one-click log links (log_links)

Sessions signed in before this revision carry no session id, so everyone signs in once more after the
upgrade; links emailed before it are refused with a message (they named a pairing, not a link record).

Revision ID: adf160dc1912
Revises: d206c40efa0b
Create Date: 2026-12-01 20:36:28.506278

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'adf160dc1912'
down_revision = 'd206c40efa0b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=45), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_ended_at'), ['ended_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_last_seen_at'), ['last_seen_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('log_links',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('sent_with', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_log_links_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_log_links_pairing_id_pairings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_links')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_log_links_meeting_id'))
    )
    with op.batch_alter_table('log_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_links_pairing_id'), ['pairing_id'], unique=False)



def downgrade():
    with op.batch_alter_table('log_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_links_pairing_id'))

    op.drop_table('log_links')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_last_seen_at'))
        batch_op.drop_index(batch_op.f('ix_user_sessions_ended_at'))

    op.drop_table('user_sessions')
