"""kpj unique, queue by date

One KPJ per registration in the database (a partial unique index: rows without a KPJ do not count), and the
coordinators' queue sorted by date: its indexes end in (created_at, id), the keyset the queue pages on.
Index operations only: on SQLite the batch context alters nothing else and does not copy the table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 02:36:25.119905

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

KPJ_RECORDED = sa.text('kpj IS NOT NULL')


def upgrade():
    # Before the unique index: a KPJ recorded twice (two coordinators at the same instant) would make it fail
    # with a bare IntegrityError. Say which registrations share it, so someone can check with BPJS first.
    shared = op.get_bind().execute(sa.text(
        "SELECT kpj, COUNT(*) FROM registrations WHERE kpj IS NOT NULL GROUP BY kpj HAVING COUNT(*) > 1")).all()
    if shared:
        raise RuntimeError("KPJ numbers recorded on more than one registration; correct them, then upgrade again: "
                           + ", ".join(f"{kpj} ({n}x)" for kpj, n in shared))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('uq_registrations_kpj', ['kpj'], unique=True,
                              sqlite_where=KPJ_RECORDED, postgresql_where=KPJ_RECORDED)
        batch_op.create_index('ix_registrations_created', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_registrations_kecamatan_created', ['kecamatan_code', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_registrations_kecamatan_status_created', ['kecamatan_code', 'status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_registrations_status_created', ['status', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_registrations_village_created', ['village_code', 'created_at', 'id'], unique=False)
        # The id-ordered queue indexes they replace.
        batch_op.drop_index('ix_registrations_kecamatan_id')
        batch_op.drop_index('ix_registrations_kecamatan_status_id')
        batch_op.drop_index('ix_registrations_status_id')
        batch_op.drop_index('ix_registrations_village_id')


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index('ix_registrations_village_id', ['village_code', 'id'], unique=False)
        batch_op.create_index('ix_registrations_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_registrations_kecamatan_status_id', ['kecamatan_code', 'status', 'id'], unique=False)
        batch_op.create_index('ix_registrations_kecamatan_id', ['kecamatan_code', 'id'], unique=False)
        batch_op.drop_index('ix_registrations_village_created')
        batch_op.drop_index('ix_registrations_status_created')
        batch_op.drop_index('ix_registrations_kecamatan_status_created')
        batch_op.drop_index('ix_registrations_kecamatan_created')
        batch_op.drop_index('ix_registrations_created')
        batch_op.drop_index('uq_registrations_kpj')
