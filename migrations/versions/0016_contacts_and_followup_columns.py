"""contact log and follow-up columns

The follow-up log (`contacts`: who contacted a worker, when, how, the outcome, the next date; a client id for
the phone's outbox). On registrations: the latest contact's next date, time and outcome (the lists filter on
them without the log), where the registration came from (`source`: app, or imported from a funder's list), and
when the worker asked for no more messages. Existing rows: enrolled in the app, never contacted, not stopped.
Indexes for the follow-up lists of a kecamatan and of a desa: active rows in the lists' order (paid_through, kpj_at,
id), carrying on PostgreSQL the columns the lists filter on (each list's count an index-only scan); a programme's
members of a kecamatan in the same order (the "programme ending" list).

Revision ID: 0016
Revises: 0013 (the lead re-chains it after the other helpers' 0014 and 0015)
Create Date: 2026-11-26 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('captured_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('will_pay_on', sa.Date(), nullable=True),
    sa.Column('next_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('event', sa.String(length=24), nullable=True),
    sa.Column('consent_method', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_contacts_registration_id_registrations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contacts_user_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_contacts_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('client_id', name=op.f('uq_contacts_client_id'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_registration_at', ['registration_id', 'at'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_contact_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_contact_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('source', sa.String(length=12), server_default='app', nullable=False))
        batch_op.add_column(sa.Column('messages_stopped_at', sa.DateTime(timezone=True), nullable=True))
        for scope in ('kecamatan', 'village'):
            batch_op.create_index(f'ix_registrations_followup_{scope}', [f'{scope}_code', 'paid_through', 'kpj_at', 'id'],
                                  unique=False, sqlite_where=sa.text("status = 'active'"),
                                  postgresql_where=sa.text("status = 'active'"),
                                  postgresql_include=['next_contact_on', 'last_outcome', 'funding', 'occupation',
                                                      'programme_id'])
        batch_op.create_index('ix_registrations_followup_programme', ['programme_id', 'kecamatan_code', 'paid_through',
                              'kpj_at', 'id'], unique=False,
                              sqlite_where=sa.text("status = 'active' AND programme_id IS NOT NULL"),
                              postgresql_where=sa.text("status = 'active' AND programme_id IS NOT NULL"),
                              postgresql_include=['next_contact_on', 'last_outcome'])


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_followup_programme')
        batch_op.drop_index('ix_registrations_followup_village')
        batch_op.drop_index('ix_registrations_followup_kecamatan')
        batch_op.drop_column('messages_stopped_at')
        batch_op.drop_column('source')
        batch_op.drop_column('last_outcome')
        batch_op.drop_column('last_contact_at')
        batch_op.drop_column('next_contact_on')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_registration_at')
    op.drop_table('contacts')
