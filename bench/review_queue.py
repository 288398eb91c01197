"""Figures for the coordinators' queue on a large table (issue: coordinator review, "fast on a million rows").

Fills a scratch database with N registrations (default 1,000,000) spread over the district's desa and the
workflow's statuses, occupations, funding and flags, then prints the median time of: the first page (newest
and oldest first), a page deep in the keyset, a filtered page (status + desa; occupation; funding; a flag),
a name search, a registration-number search, a last-four-NIK search, and the counts per status (all, and
with the occupation filter) — each as a coordinator (one kecamatan) and as an admin (all).
Run: python bench/review_queue.py [--rows N] [--database URL]   (default: SQLite in a temporary folder)
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from flask_migrate import upgrade  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import Region, Registration, User  # noqa: E402
from outreach.models.types import utcnow  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402
from outreach.domain.occupations import CODES as OCCUPATIONS  # noqa: E402
from outreach.services import queue as service  # noqa: E402

STATUSES = ["pending"] * 5 + ["verified", "submitted", "active", "active", "returned", "rejected"]
FUNDING = ["self"] * 6 + ["apbd"] * 3 + ["sponsor"]



def bench_number(i: int) -> str:
    """Numbers in the real BS-YYMM-NNNNNN shape (the search reads them so), a million to a month."""
    return f"BS-{2601 + (i // 1_000_000) % 12:04d}-{i % 1_000_000:06d}"

def fill(rows: int, officer_id: int) -> None:
    villages = [r.code for r in db.session.scalars(db.select(Region).where(Region.level == "village",
                                                                           Region.code.like("19.03.%")))]
    rng, now = random.Random(1), utcnow()
    base = {"officer_id": officer_id, "birth_place": "Toboali", "birth_date": date(1990, 8, 15), "sex": "M",
            "phone": "+6281234567890", "address": "Dusun I", "occupation": "nelayan", "monthly_income": 1_000_000,
            "programs": ["JKK", "JKM"], "payment_period": 1, "funding": "self", "heir_name": "Ahli",
            "heir_relation": "anak", "consent_version": "bench", "contribution": {}, "flags": [], "version": 1,
            "is_demo": False}
    started = time.perf_counter()
    for start in range(0, rows, 20_000):
        batch = []
        for i in range(start, min(start + 20_000, rows)):
            village = rng.choice(villages)
            when = now - timedelta(minutes=(rows - i) + (rng.randint(0, 3000) if rng.random() < 0.05 else 0))
            batch.append({**base, "number": bench_number(i), "client_id": f"00000000-0000-4000-8000-{i:012d}",
                          "occupation": rng.choice(OCCUPATIONS), "funding": rng.choice(FUNDING),
                          "flags": ["minor"] if rng.random() < 0.03 else [],
                          # offline captures synced late: dates out of id order now and then
                          "status": rng.choice(STATUSES), "nik": f"1903{i:012d}", "nik_last4": f"{i:04d}"[-4:],
                          "full_name": f"Pekerja {i}", "name_key": f"PEKERJA {i}", "village_code": village,
                          "kecamatan_code": village[:8], "consent_at": when, "created_at": when, "updated_at": when})
        db.session.execute(db.insert(Registration), batch)
        db.session.commit()
    print(f"filled {rows:,} registrations in {time.perf_counter() - started:.0f} s")


def median_ms(call, rounds=15) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", default=f"sqlite:///{tempfile.mkdtemp()}/queue.db")
    options = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": options.database.replace("postgresql://", "postgresql+psycopg://", 1)})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        db.session.commit()
        def user(username, **fields):  # a scratch database may be reused by a second run
            found = db.session.scalar(db.select(User).where(User.username == username))
            return found or User(username=username, password_hash="x", **fields)
        admin = user("bench-admin", full_name="Admin", role="admin")
        coordinator = user("bench-koord", full_name="Koord", role="coordinator", kecamatan_code="19.03.01")
        db.session.add_all([admin, coordinator])
        db.session.commit()
        if db.session.scalar(db.select(db.func.count()).select_from(Registration)) < options.rows:
            fill(options.rows, admin.id)
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would after a bulk load: statistics, and the visibility map that lets the counts
            # per status read the (kecamatan_code, status, ...) index alone.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE registrations"))
        deep_row = db.session.scalar(db.select(Registration).order_by(Registration.created_at, Registration.id)
                                     .offset(options.rows // 10).limit(1))
        deep = service.parse_cursor(service.cursor_of(deep_row))
        desa = "19.03.01.1001"
        for who in (coordinator, admin):
            print(f"as {who.role}:")
            kecamatan = who.kecamatan_code
            cases = {
                "first page (50)": service.Filters(kecamatan=kecamatan),
                "first page, oldest first": "oldest",
                "page 90% deep (keyset)": None,
                "pending in one desa": service.Filters(status="pending", desa=desa),
                "occupation filter": service.Filters(kecamatan=kecamatan, occupation="kurir"),
                "funding filter": service.Filters(kecamatan=kecamatan, funding="sponsor"),
                "flag filter (minor)": service.Filters(kecamatan=kecamatan, flag="minor"),
                "search by name": service.Filters(kecamatan=kecamatan, q="Pekerja 4242"),
                "search by number": service.Filters(kecamatan=kecamatan, q=bench_number(4242)),
                "search by part of a number": service.Filters(kecamatan=kecamatan, q="004242"),
                "search by last 4 NIK": service.Filters(kecamatan=kecamatan, q="4242"),
            }
            for label, f in cases.items():
                if f is None:
                    ms = median_ms(lambda: service.page(who, service.Filters(kecamatan=kecamatan), deep, False, 50))
                elif f == "oldest":
                    ms = median_ms(lambda: service.page(who, service.Filters(kecamatan=kecamatan), None, False, 50))
                else:
                    ms = median_ms(lambda f=f: service.page(who, f, None, True, 50), 5 if f.q else 15)
                print(f"  {label:<26} {ms:8.1f} ms")
            for label, f in (("counts per status", service.Filters(kecamatan=kecamatan)),
                             ("counts, occupation filter", service.Filters(kecamatan=kecamatan, occupation="kurir"))):
                print(f"  {label:<26} {median_ms(lambda f=f: service.counts_by_status(who, f), 5):8.1f} ms")


if __name__ == "__main__":
    main()
