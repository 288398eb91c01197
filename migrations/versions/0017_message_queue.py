"""message queue

Automatic messages to workers (`flask messages send`): one row per worker, event and what it is about, held
unique so that no message is queued twice; its state (queued, sent, failed), attempts, last error and when to
try again.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 15:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=24), nullable=False),
    sa.Column('ref', sa.String(length=24), nullable=False),
    sa.Column('to', sa.String(length=16), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_messages_registration_id_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('ix_messages_state_next_attempt', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('uq_messages_registration_event_ref', ['registration_id', 'event', 'ref'], unique=True)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index('uq_messages_registration_event_ref')
        batch_op.drop_index('ix_messages_state_next_attempt')
    op.drop_table('messages')
