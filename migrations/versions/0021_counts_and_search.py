"""registration counts by trigger, trigram search

registration_counts holds the number of registrations per kecamatan and status, back-filled from the rows here
and kept by triggers on registrations (insert, delete, and an update of status or kecamatan) in the changing
transaction. On PostgreSQL: pg_trgm, and GIN trigram indexes for the queue's searches by a piece of a name
(name_key LIKE), of a number (number ILIKE, as SQLAlchemy writes icontains there) and by flag (the flags' JSON text LIKE).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26 17:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

UPSERT = ("INSERT INTO registration_counts (kecamatan_code, status, n) VALUES (NEW.kecamatan_code, NEW.status, 1) "
          "ON CONFLICT (kecamatan_code, status) DO UPDATE SET n = registration_counts.n + 1")
LESS = "UPDATE registration_counts SET n = n - 1 WHERE kecamatan_code = OLD.kecamatan_code AND status = OLD.status"
CHANGED = "OLD.status IS DISTINCT FROM NEW.status OR OLD.kecamatan_code IS DISTINCT FROM NEW.kecamatan_code"


def upgrade():
    op.create_table('registration_counts',
    sa.Column('kecamatan_code', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('n', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('kecamatan_code', 'status', name=op.f('pk_registration_counts'))
    )
    op.execute("INSERT INTO registration_counts (kecamatan_code, status, n) "
               "SELECT kecamatan_code, status, count(*) FROM registrations GROUP BY kecamatan_code, status")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"""CREATE FUNCTION registration_counts_keep() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {LESS}; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {UPSERT}; END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER registration_counts_insert_delete AFTER INSERT OR DELETE ON registrations "
                   "FOR EACH ROW EXECUTE FUNCTION registration_counts_keep()")
        op.execute("CREATE TRIGGER registration_counts_update AFTER UPDATE OF status, kecamatan_code ON "
                   f"registrations FOR EACH ROW WHEN ({CHANGED}) EXECUTE FUNCTION registration_counts_keep()")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_registrations_trgm_name ON registrations USING gin (name_key gin_trgm_ops)")
        op.execute("CREATE INDEX ix_registrations_trgm_number ON registrations USING gin (number gin_trgm_ops)")  # ILIKE
        op.execute("CREATE INDEX ix_registrations_trgm_flags ON registrations USING gin "
                   "((CAST(flags AS VARCHAR)) gin_trgm_ops)")
    else:
        changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
        op.execute(f"CREATE TRIGGER registration_counts_insert AFTER INSERT ON registrations BEGIN {UPSERT}; END")
        op.execute(f"CREATE TRIGGER registration_counts_delete AFTER DELETE ON registrations BEGIN {LESS}; END")
        op.execute("CREATE TRIGGER registration_counts_update AFTER UPDATE OF status, kecamatan_code ON registrations "
                   f"WHEN {changed} BEGIN {LESS}; {UPSERT}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name in ("ix_registrations_trgm_flags", "ix_registrations_trgm_number", "ix_registrations_trgm_name"):
            op.execute(f"DROP INDEX {name}")
        op.execute("DROP TRIGGER registration_counts_update ON registrations")
        op.execute("DROP TRIGGER registration_counts_insert_delete ON registrations")
        op.execute("DROP FUNCTION registration_counts_keep()")
    else:
        for name in ("registration_counts_update", "registration_counts_delete", "registration_counts_insert"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('registration_counts')
