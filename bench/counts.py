"""What the count trigger (registration_counts, migrations 0021 and 0025) costs a large transaction on PostgreSQL.

For N = 2,000 / 8,000 / 20,000 rows (--rows), N per-row status changes (submitted -> active, in the kecamatan with
the most submitted rows, one UPDATE per row as the ORM writes a KPJ import's) in one transaction, rolled back:
seconds with the trigger, and with it disabled (ALTER TABLE ... DISABLE TRIGGER inside the same transaction,
rolled back with it), and their ratio; medians of --repeat runs (default 3) with their range. At 0025 also
the fold of the 2N change rows those leave into registration_counts (services/counts.py), in ms, in a
transaction rolled back too. Nothing is committed. Use a scratch copy of the province-sized database
(bench/scale_load.py), e.g.
    createdb -T outreach_scale hc_scale
Run: python bench/counts.py --database postgresql://postgres@127.0.0.1:5432/hc_scale [--rows 2000 8000 20000]
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TRIGGER = "registration_counts_update"
MOVE = "UPDATE registrations SET status = 'active' WHERE id = %s"


def spread(values, scale: float = 1) -> str:
    values = [v * scale for v in values]
    return f"{statistics.median(values):6.2f} ({min(values):.2f}–{max(values):.2f})"


def moves(conn, ids, with_trigger: bool) -> float:
    """Seconds for one row change per id, in a transaction that is then rolled back."""
    with conn.transaction(force_rollback=True):
        if not with_trigger:
            conn.execute(f"ALTER TABLE registrations DISABLE TRIGGER {TRIGGER}")
        started = time.perf_counter()
        with conn.cursor() as cur:
            cur.executemany(MOVE, [(i,) for i in ids])
        return time.perf_counter() - started


def fold(conn, kecamatan: str, n: int) -> float | None:
    """Seconds to fold the 2n change rows that n moves leave (0025's table) into registration_counts, rolled
    back; None before 0025."""
    if conn.execute("SELECT to_regclass('registration_count_changes')").fetchone()[0] is None:
        return None
    from outreach.services.counts import FOLD  # the statement the app runs
    with conn.transaction(force_rollback=True):
        conn.execute("INSERT INTO registration_count_changes (kecamatan_code, status, n) SELECT %s, "
                     "CASE WHEN i %% 2 = 0 THEN 'submitted' ELSE 'active' END, CASE WHEN i %% 2 = 0 THEN -1 ELSE 1 END "
                     "FROM generate_series(1, %s) AS i", (kecamatan, 2 * n))
        started = time.perf_counter()
        conn.execute(FOLD)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="postgresql://… (a scratch copy: see above)")
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 8000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    url = args.database.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        kecamatan, available = conn.execute(
            "SELECT kecamatan_code, count(*) FROM registrations WHERE status = 'submitted' "
            "GROUP BY kecamatan_code ORDER BY count(*) DESC LIMIT 1").fetchone()
        conn.commit()
        print(f"revision {version}; {kecamatan}: {available:,} submitted rows; medians of {args.repeat} (range)")
        print(f"{'changes':>8}  {'trigger s':>22}  {'disabled s':>22}  {'ratio':>22}  {'fold ms':>22}")
        for n in args.rows:
            if n > available:
                print(f"{n:>8}  skipped: only {available:,} submitted rows in {kecamatan}")
                continue
            ids = [r[0] for r in conn.execute("SELECT id FROM registrations WHERE kecamatan_code = %s AND "
                                              "status = 'submitted' ORDER BY id LIMIT %s", (kecamatan, n))]
            conn.commit()
            on, off, folds = [], [], []
            for _ in range(args.repeat):  # interleaved, so that a slow moment of the machine hits both
                on.append(moves(conn, ids, True))
                off.append(moves(conn, ids, False))
                if (seconds := fold(conn, kecamatan, n)) is not None:
                    folds.append(seconds)
            ratios = [a / b for a, b in zip(on, off)]
            print(f"{n:>8,}  {spread(on):>22}  {spread(off):>22}  {spread(ratios):>22}  "
                  f"{spread(folds, 1000) if folds else '-':>22}")


if __name__ == "__main__":
    main()
