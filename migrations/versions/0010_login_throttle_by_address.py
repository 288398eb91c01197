"""login throttle by address

Failed logins were counted per username alone, so five guesses every fifteen minutes from anywhere kept any
account locked, the admin's included. They are now counted per username and client address (the lock) and
per username over every address (address "*", a slowdown for browsers that never logged in to the account).

The rows already there are carried forward as the per-username rows ("*"): they counted failures from every
address. Their failures and times are kept; a lock in force becomes a wait for unknown browsers that ends
when it would have ended.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=45), nullable=False, server_default='*'))
        batch_op.drop_constraint('pk_login_throttle', type_='primary')
        batch_op.create_primary_key('pk_login_throttle', ['username', 'address'])
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.alter_column('address', server_default=None)  # the app names the address of every row


def downgrade():
    # Only the per-username rows mean what the earlier code counted.
    op.execute(sa.text("DELETE FROM login_throttle WHERE address <> '*'"))
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_constraint('pk_login_throttle', type_='primary')
        batch_op.create_primary_key('pk_login_throttle', ['username'])
        batch_op.drop_column('address')
