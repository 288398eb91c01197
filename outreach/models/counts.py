"""Counts kept current by the database, so that a page over a million registrations does not count them again.

registration_counts: registrations per kecamatan and status, kept by triggers on `registrations` (migration
0021) in the same transaction as the change: exact, never stale, and read in under a millisecond where
`count(*) GROUP BY status` over a million rows took 150 ms (README, "Performance"). The queue's status tabs read
it when its only filter is the kecamatan (services/queue.py).

On PostgreSQL (migration 0025) the trigger does not update registration_counts: it appends a -1 row for the old
(kecamatan, status) and a +1 row for the new one to registration_count_changes. Updating one counts row for
every change left, inside one transaction, a version per change that could not be pruned until commit: N
changes cost O(N²) (20,000 moves: 14 s against 3 s without the trigger). Appending never touches a row twice:
O(N), and no change waits for another transaction's. The tabs sum both tables in one statement (one snapshot:
exact); services/counts.fold() moves the changes into registration_counts in a short transaction of its own
(after the bulk jobs, the dashboard's refresh, and when a tab read summed more than a threshold of them). The
price now: each change is a row written (and later deleted by a fold), and the tabs read the changes not yet
folded (a few thousand at most, but for the moments after a bulk job). SQLite keeps 0021's triggers, which
update registration_counts directly (no versions to chain there): its registration_count_changes stays empty.

On PostgreSQL, migration 0021 also adds trigram indexes (pg_trgm) for the queue's searches by a piece of a name
or number and by flag; SQLite has no such index type and scans. Migration 0024 adds a "C"-collated index on the
number (the start of a number typed in the queue: an index range) and a partial index per flag. They are named
in POSTGRES_ONLY, so that the comparison of models and migrations (migrations/env.py, tests/test_migrations.py)
leaves them out.
"""
from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach.domain.codes import FLAGS
from outreach.extensions import db

POSTGRES_ONLY = frozenset({"ix_registrations_trgm_name", "ix_registrations_trgm_number",
                           "ix_registrations_trgm_flags", "ix_registrations_number_start",
                           *(f"ix_registrations_flag_{flag}" for flag in FLAGS)})  # migration 0024
# By prefix too: a flag renamed or dropped later leaves its index until a migration drops it; not a model's.
FLAG_INDEX_PREFIX = "ix_registrations_flag_"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (type_ == "index" and (name in POSTGRES_ONLY or (name or "").startswith(FLAG_INDEX_PREFIX)))


class RegistrationCount(db.Model):
    __tablename__ = "registration_counts"

    kecamatan_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    status: Mapped[str] = mapped_column(String(12), primary_key=True)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class RegistrationCountChange(db.Model):
    """A change of registration_counts not yet folded in (PostgreSQL; migration 0025): n is -1 or +1, or a sum."""
    __tablename__ = "registration_count_changes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    n: Mapped[int] = mapped_column(Integer)
