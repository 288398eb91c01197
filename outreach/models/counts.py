"""Counts kept current by the database, so that a page over a million registrations does not count them again.

registration_counts: registrations per kecamatan and status, kept by triggers on `registrations` (migration
0021) in the same transaction as the change, on SQLite and PostgreSQL alike: exact, never stale, and read in
under a millisecond where `count(*) GROUP BY status` over a million rows took 150 ms (README, "Performance").
The queue's status tabs read it when its only filter is the kecamatan (services/queue.py). The price: a change of
status holds its (kecamatan, status) rows until its transaction commits, so a large KPJ import applied in one
transaction makes other moves in those kecamatan wait until it ends (seconds; a job, never a page).

On PostgreSQL, migration 0021 also adds trigram indexes (pg_trgm) for the queue's searches by a piece of a name
or number and by flag; SQLite has no such index type and scans. Migration 0024 adds a "C"-collated index on the
number (the start of a number typed in the queue: an index range) and a partial index per flag. They are named
in POSTGRES_ONLY, so that the comparison of models and migrations (migrations/env.py, tests/test_migrations.py)
leaves them out.
"""
from sqlalchemy import BigInteger, String
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
