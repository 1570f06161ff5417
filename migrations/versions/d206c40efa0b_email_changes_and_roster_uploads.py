"""people: when the email last changed and from what; roster uploads waiting for confirmation in the database

Revision ID: d206c40efa0b
Revises: b7e2c4a91f30
Create Date: 2026-12-01 20:35:18.000439

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd206c40efa0b'
down_revision = 'b7e2c4a91f30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('roster_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_roster_uploads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_uploads')),
    sa.UniqueConstraint('token', name=op.f('uq_roster_uploads_token'))
    )
    with op.batch_alter_table('roster_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_uploads_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_uploads_user_id'), ['user_id'], unique=False)

    op.create_table('roster_upload_files',
    sa.Column('upload_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['upload_id'], ['roster_uploads.id'], name=op.f('fk_roster_upload_files_upload_id_roster_uploads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('upload_id', 'position', name=op.f('pk_roster_upload_files'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_changed_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('email_changed_at')
        batch_op.drop_column('previous_email')

    op.drop_table('roster_upload_files')
    with op.batch_alter_table('roster_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_uploads_user_id'))
        batch_op.drop_index(batch_op.f('ix_roster_uploads_created_at'))

    op.drop_table('roster_uploads')
