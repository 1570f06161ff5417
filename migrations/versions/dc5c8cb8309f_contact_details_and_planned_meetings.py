"""contact details (people.phone, contact_method, availability) and planned meetings (planned_meetings)

New nullable columns and a new table; nothing existing changes. Planned meetings live apart from
`meetings` so that no figure can count them.

Revision ID: dc5c8cb8309f
Revises: e4b7c2d9a813
Create Date: 2026-12-02 04:37:41.375761

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dc5c8cb8309f'
down_revision = 'e4b7c2d9a813'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('planned_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=True),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('planned', 'cancelled', 'resolved')", name=op.f('ck_planned_meetings_state')),
    sa.CheckConstraint('minutes > 0', name=op.f('ck_planned_meetings_minutes_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['people.id'], name=op.f('fk_planned_meetings_created_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_planned_meetings_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_planned_meetings_pairing_id_pairings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planned_meetings')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_planned_meetings_meeting_id')),
    sa.UniqueConstraint('uid', name=op.f('uq_planned_meetings_uid'))
    )
    with op.batch_alter_table('planned_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planned_meetings_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index('ix_planned_meetings_state_starts', ['state', 'starts_at'], unique=False)

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('contact_method', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('availability', sa.String(length=200), nullable=True))



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('availability')
        batch_op.drop_column('contact_method')
        batch_op.drop_column('phone')

    with op.batch_alter_table('planned_meetings', schema=None) as batch_op:
        batch_op.drop_index('ix_planned_meetings_state_starts')
        batch_op.drop_index(batch_op.f('ix_planned_meetings_pairing_id'))

    op.drop_table('planned_meetings')
