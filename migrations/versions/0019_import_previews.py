"""import previews

A previewed KPJ file waits in the database until the coordinator applies or cancels it (or a day passes), not
in one app server's instance folder: with several app servers, the confirmation may reach another one. Files
previewed before this revision are not carried over (the coordinator previews again); `retention run` deletes
what is left of them in instance/kpj-imports.

Revision ID: 0019
Revises: 0013
Create Date: 2026-11-26 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_previews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_previews_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_previews')),
    sa.UniqueConstraint('user_id', 'kind', 'digest', name=op.f('uq_import_previews_user_id'))
    )
    with op.batch_alter_table('import_previews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_previews_created_at'), ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('import_previews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_previews_created_at'))

    op.drop_table('import_previews')
