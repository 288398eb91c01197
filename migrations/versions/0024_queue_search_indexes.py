"""queue search indexes

PostgreSQL only, like 0021's trigram indexes (outreach/models/counts.py, POSTGRES_ONLY); no rows change.
- ix_registrations_number_start: the number in the "C" collation, so that the start of a number typed in the
  queue (number LIKE 'BS-2611-00%', services/queue.py) is a range of this index whatever the database's
  collation; kecamatan, status, date and id included, so that the search's capped count and its matches
  sorted by date read the index alone. The trigram index made every such search read thousands of rows (a
  number's trigrams are common to all).
- ix_registrations_flag_<flag>: one partial index per flag the queue filters on (its rows only, a few per
  cent), keyed like the queue's: a flag's counts per status are an index-only scan instead of a read of every
  flagged row, and its pages an index range. The WHERE is the queue's own condition, word for word.

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-26 21:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

FLAGS = ("outside_district", "old_regency_code", "unknown_kecamatan", "minor", "probable_duplicate",
         "consent_method_unrecorded", "guardian_relation_missing", "employs_others", "programme_missing")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute('CREATE INDEX ix_registrations_number_start ON registrations ((number COLLATE "C")) '
               "INCLUDE (kecamatan_code, status, created_at, id)")
    for flag in FLAGS:
        op.execute(f"CREATE INDEX ix_registrations_flag_{flag} ON registrations (kecamatan_code, status, created_at, "
                   f"id) WHERE CAST(flags AS VARCHAR) LIKE '%\"{flag}\"%'")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for flag in FLAGS:
        op.execute(f"DROP INDEX ix_registrations_flag_{flag}")
    op.execute("DROP INDEX ix_registrations_number_start")
