"""consent record, erasure, data-subject requests

The consent's method and a guardian's relation (UU PDP Art. 21-25); erasure of a worker's personal data while
the registration's row stays for the counts and the audit trail: the personal columns become nullable, with
when the row was erased and from which status; the retention command acts as no user (audit and history rows
without a user); an erased receipt keeps only its token's hash. And the register of data-subject requests.

Existing rows are carried forward as they are: consent_method stays NULL (those consents predate the question),
nothing is erased. On SQLite the batch context copies the registrations table; its partial unique indexes (live
NIK, KPJ) are reflected with their WHERE and recreated the same.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# (column, type) of the worker's personal data, required until now.
PERSONAL = [('nik', sa.String(length=16)), ('nik_last4', sa.String(length=4)), ('full_name', sa.String(length=120)),
            ('name_key', sa.String(length=120)), ('birth_place', sa.String(length=80)), ('birth_date', sa.Date()),
            ('sex', sa.String(length=1)), ('phone', sa.String(length=16)), ('address', sa.String(length=250)),
            ('monthly_income', sa.Integer()), ('heir_name', sa.String(length=120)),
            ('heir_relation', sa.String(length=20))]


def upgrade():
    op.create_table('privacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kecamatan_code', sa.String(length=13), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('identified_by', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('handled_by', sa.Integer(), nullable=True),
    sa.Column('handled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by'], ['users.id'], name=op.f('fk_privacy_requests_handled_by_users')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_privacy_requests_recorded_by_users')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_privacy_requests_registration_id_registrations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests'))
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_requests_kecamatan_state_due', ['kecamatan_code', 'state', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_registration_id'), ['registration_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guardian_relation', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('consent_method', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('erased_from', sa.String(length=12), nullable=True))
        for name, type_ in PERSONAL:
            batch_op.alter_column(name, existing_type=type_, nullable=True)

    with op.batch_alter_table('registration_events', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.alter_column('salt', existing_type=sa.String(length=32), nullable=True)


def downgrade():
    # An erased row cannot be made whole again: say so rather than fail on a NOT NULL.
    bind = op.get_bind()
    erased = bind.execute(sa.text("SELECT COUNT(*) FROM registrations WHERE status = 'erased'")).scalar()
    systemic = bind.execute(sa.text("SELECT (SELECT COUNT(*) FROM audit_events WHERE user_id IS NULL)"
                                    " + (SELECT COUNT(*) FROM registration_events WHERE user_id IS NULL)")).scalar()
    if erased or systemic:
        raise RuntimeError(f"{erased} erased registrations and {systemic} events of the retention command: "
                           "revision 0010 cannot hold them; downgrade refused")
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.alter_column('salt', existing_type=sa.String(length=32), nullable=False)
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('registration_events', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        for name, type_ in PERSONAL:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.drop_column('erased_from')
        batch_op.drop_column('erased_at')
        batch_op.drop_column('consent_method')
        batch_op.drop_column('guardian_relation')

    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_registration_id'))
        batch_op.drop_index('ix_privacy_requests_kecamatan_state_due')
    op.drop_table('privacy_requests')
