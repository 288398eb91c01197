"""coverage index

The dashboard counts a scope's registrations per desa, status, occupation, payer and protection in one grouped
read (outreach/dashboard/views.py, tally). This index holds every column that read needs, kecamatan first, so
that PostgreSQL answers it with an index-only scan (a coordinator's kecamatan: a range of it) instead of reading
the whole table: bench/dashboard.py, README "Dashboard". No rows change.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-26 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

COLUMNS = ["kecamatan_code", "village_code", "status", "erased_from", "occupation", "funding", "paid_through"]


def upgrade():
    op.create_index("ix_registrations_coverage", "registrations", COLUMNS)


def downgrade():
    op.drop_index("ix_registrations_coverage", table_name="registrations")
