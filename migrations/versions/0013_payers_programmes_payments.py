"""payers, programmes and payments

Who pays, precisely (bpu_rules.md): the payer codes become self, apbd_kabupaten, apbd_provinsi, apbn, apbdes and
sponsor; rows saved as `apbd` (the regency's budget, the only budget the form knew) become `apbd_kabupaten`, and
the API keeps accepting `apbd` as that. Funding programmes (a budget paying for a cohort) with quotas per
kecamatan, and the payment ledger. On registrations: the programme, "employs others", a second occupation,
when the KPJ was recorded (from the history's move to active, else the last update of an active row), and
`paid_through` (no payments yet: NULL), which the payment services keep current.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('payer', sa.String(length=20), nullable=False),
    sa.Column('funder_name', sa.String(length=120), nullable=True),
    sa.Column('basis', sa.String(length=200), nullable=True),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('with_jht', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_programmes_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programmes'))
    )
    op.create_table('programme_quotas',
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=13), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['kecamatan_code'], ['regions.code'], name=op.f('fk_programme_quotas_kecamatan_code_regions')),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_programme_quotas_programme_id_programmes')),
    sa.PrimaryKeyConstraint('programme_id', 'kecamatan_code', name=op.f('pk_programme_quotas'))
    )
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('first_month', sa.Date(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('expected', sa.BigInteger(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=12), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_payments_programme_id_programmes')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_payments_recorded_by_users')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_payments_registration_id_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_registration_month', ['registration_id', 'first_month'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_programme_id'), ['programme_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('funding', existing_type=sa.String(length=10), type_=sa.String(length=20),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('programme_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('employs_others', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('second_occupation', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('kpj_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paid_through', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_registrations_programme_id_programmes'), 'programmes',
                                    ['programme_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_registrations_programme_id'), ['programme_id'], unique=False)
        batch_op.create_index('ix_registrations_kecamatan_paid_through', ['kecamatan_code', 'paid_through'],
                              unique=False)

    op.execute("UPDATE registrations SET funding = 'apbd_kabupaten' WHERE funding = 'apbd'")
    # When the KPJ was recorded: the latest move to active in the history (its JSON read in Python, the same on
    # both databases), else the row's last update.
    bind = op.get_bind()
    events = sa.table('registration_events', sa.column('registration_id'), sa.column('kind'),
                      sa.column('changes', sa.JSON), sa.column('at'))
    when = {}
    for registration_id, changes, at in bind.execute(sa.select(events.c.registration_id, events.c.changes, events.c.at)
                                                     .where(events.c.kind == 'transition')):
        if isinstance(changes, dict) and changes.get('to') == 'active':
            when[registration_id] = max(when.get(registration_id, at), at)
    registrations = sa.table('registrations', sa.column('id'), sa.column('kpj_at'))
    for registration_id, at in when.items():
        bind.execute(registrations.update().where(registrations.c.id == registration_id).values(kpj_at=at))
    op.execute("UPDATE registrations SET kpj_at = updated_at WHERE kpj IS NOT NULL AND kpj_at IS NULL")


def downgrade():
    op.execute("UPDATE registrations SET funding = 'apbd' WHERE funding IN ('apbd_kabupaten', 'apbd_provinsi', 'apbn')")
    op.execute("UPDATE registrations SET funding = 'sponsor' WHERE funding = 'apbdes'")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_kecamatan_paid_through')
        batch_op.drop_index(batch_op.f('ix_registrations_programme_id'))
        batch_op.drop_constraint(batch_op.f('fk_registrations_programme_id_programmes'), type_='foreignkey')
        batch_op.drop_column('paid_through')
        batch_op.drop_column('kpj_at')
        batch_op.drop_column('second_occupation')
        batch_op.drop_column('employs_others')
        batch_op.drop_column('programme_id')
        batch_op.alter_column('funding', existing_type=sa.String(length=20), type_=sa.String(length=10),
                              existing_nullable=False)
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_programme_id'))
        batch_op.drop_index('ix_payments_registration_month')
    op.drop_table('payments')
    op.drop_table('programme_quotas')
    op.drop_table('programmes')
