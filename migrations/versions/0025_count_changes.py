"""count changes appended, folded later

On PostgreSQL the count trigger of 0021 updated the same registration_counts row for every registration
changed; inside one transaction each update of a row leaves a version that cannot be pruned until commit, so
N changes in one transaction cost O(N²) (20,000 moves of one kecamatan's rows: 14 s, against 3 s without the
trigger; bench/counts.py). Now the trigger appends a -1 row for OLD and a +1 row for NEW to
registration_count_changes, and never touches a row twice: O(N). The queue's tabs read registration_counts
and the changes together, in one statement (exact); services/counts.py folds the changes into
registration_counts now and then, in a short transaction of its own. The triggers (names, WHEN) stay.

SQLite keeps 0021's triggers (it has no versions to chain): the table is made there too, so that the models and
the migrations agree, and stays empty. The counts carry forward as they are; the new table starts empty.
Downgrade: the changes folded back into registration_counts, 0021's function again, the table dropped.
Reviewed by hand.

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-27 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

APPEND = "INSERT INTO registration_count_changes (kecamatan_code, status, n) VALUES"
KEEP_0025 = f"""CREATE OR REPLACE FUNCTION registration_counts_keep() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN {APPEND} (OLD.kecamatan_code, OLD.status, -1), (NEW.kecamatan_code, NEW.status, 1);
  ELSIF TG_OP = 'DELETE' THEN {APPEND} (OLD.kecamatan_code, OLD.status, -1);
  ELSE {APPEND} (NEW.kecamatan_code, NEW.status, 1);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql"""
# 0021's, word for word
UPSERT = ("INSERT INTO registration_counts (kecamatan_code, status, n) VALUES (NEW.kecamatan_code, NEW.status, 1) "
          "ON CONFLICT (kecamatan_code, status) DO UPDATE SET n = registration_counts.n + 1")
LESS = "UPDATE registration_counts SET n = n - 1 WHERE kecamatan_code = OLD.kecamatan_code AND status = OLD.status"
KEEP_0021 = f"""CREATE OR REPLACE FUNCTION registration_counts_keep() RETURNS trigger AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {LESS}; END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {UPSERT}; END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql"""
# services/counts.py's FOLD, as it is today (a migration does not import the app)
FOLD = ("WITH moved AS (DELETE FROM registration_count_changes RETURNING kecamatan_code, status, n) "
        "INSERT INTO registration_counts (kecamatan_code, status, n) SELECT kecamatan_code, status, sum(n) "
        "FROM moved GROUP BY kecamatan_code, status "
        "ON CONFLICT (kecamatan_code, status) DO UPDATE SET n = registration_counts.n + EXCLUDED.n")


def upgrade():
    op.create_table('registration_count_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kecamatan_code', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_count_changes'))
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(KEEP_0025)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Wait for the transactions that appended changes not yet committed, and keep new ones out until the end
        op.execute("LOCK TABLE registration_count_changes IN EXCLUSIVE MODE")
        op.execute(KEEP_0021)
        op.execute(FOLD)
    op.drop_table('registration_count_changes')
