"""saml_request_uses: SAML sign-in requests already answered, so an answer is used once on every instance

Revision ID: d61c0a9e4b7f
Revises: b3d9a7e15c20
Create Date: 2026-12-02 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd61c0a9e4b7f'
down_revision = 'b3d9a7e15c20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saml_request_uses',
    sa.Column('request_id', sa.String(length=100), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_saml_request_uses'))
    )
    with op.batch_alter_table('saml_request_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saml_request_uses_used_at'), ['used_at'], unique=False)


def downgrade():
    with op.batch_alter_table('saml_request_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saml_request_uses_used_at'))
    op.drop_table('saml_request_uses')
