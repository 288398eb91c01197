"""Folding registration_count_changes into registration_counts (PostgreSQL; migration 0025, models/counts.py).

The counts are exact without a fold (the queue's tabs sum both tables in one statement); a fold only keeps the
changes few, so that the tabs read few rows. It runs in a short transaction of its own, on a connection of its
own, never inside the caller's: call it after the caller's commit. It moves only committed changes (a
transaction still open appends rows the fold cannot see; they count once it commits, and the next fold moves
them), and one fold at a time: a second one, meanwhile, skips. Nothing else writes registration_counts, so a
fold waits for no lock; should one be held (by hand, or by a transaction begun before migration 0025), the fold
gives up after LOCK_TIMEOUT rather than hold the caller. SQLite keeps its counts directly: nothing to do.
"""
from sqlalchemy.exc import OperationalError

from outreach.extensions import db

LOCK = 250_250_025  # pg_try_advisory_xact_lock's key: any constant no other lock of this app uses
LOCK_TIMEOUT = "2s"
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout
FOLD = ("WITH moved AS (DELETE FROM registration_count_changes RETURNING kecamatan_code, status, n) "
        "INSERT INTO registration_counts (kecamatan_code, status, n) SELECT kecamatan_code, status, sum(n) "
        "FROM moved GROUP BY kecamatan_code, status "
        "ON CONFLICT (kecamatan_code, status) DO UPDATE SET n = registration_counts.n + EXCLUDED.n")


def fold() -> bool:
    """Move the committed changes into registration_counts; False when another fold runs, when a row lock
    was held past LOCK_TIMEOUT (nothing moved), and on SQLite."""
    if db.engine.dialect.name != "postgresql":
        return False
    try:
        with db.engine.begin() as conn:
            if not conn.execute(db.text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK}).scalar():
                return False
            conn.execute(db.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            conn.execute(db.text(FOLD))
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        return False
    return True
