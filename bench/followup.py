"""Figures for the follow-up lists on a large table (issue: follow-up, "each list page p95 < 150 ms").

Fills a scratch database with N registrations (default 1,000,000) over the district's desa: half active with a
KPJ — some never paid, an APBD-like cohort long lapsed, some in arrears, most paid from this month to a year
ahead, a sponsored programme ending soon — and a fifth with a contact that hides them for a while. Then times
each list page as the app serves it (GET /tindak-lanjut?daftar=…, the six counts included, rendered), for a
coordinator (their kecamatan) and an officer (one desa), and prints the median and p95 of each.
Run: python bench/followup.py [--rows N] [--database URL] [--rounds R]   (default: SQLite in a temporary folder)
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from flask_migrate import upgrade  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.domain import followup as rules  # noqa: E402
from outreach.domain.clock import local_today  # noqa: E402
from outreach.domain.occupations import CODES as OCCUPATIONS  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import Programme, Region, Registration, User  # noqa: E402
from outreach.models.types import utcnow  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

PASSWORD = "bench-password"


def month_end(today: date, months: int) -> date:
    i = today.year * 12 + today.month - 1 + months
    return rules.programme_end(date(i // 12, i % 12 + 1, 1), 1)


def fill(rows: int, officer_id: int, programme_id: int, today: date) -> None:
    villages = [r.code for r in db.session.scalars(db.select(Region).where(Region.level == "village",
                                                                           Region.code.like("19.03.%")))]
    rng, now = random.Random(14), utcnow()
    base = {"officer_id": officer_id, "birth_place": "Toboali", "birth_date": date(1990, 8, 15), "sex": "M",
            "phone": "+6281234567890", "address": "Dusun I", "monthly_income": 1_000_000, "programs": ["JKK", "JKM"],
            "payment_period": 1, "heir_name": "Ahli", "heir_relation": "anak", "consent_version": "2026-12-v2",
            "contribution": {}, "flags": [], "version": 1, "is_demo": False, "source": "app"}
    started = time.perf_counter()
    for start in range(0, rows, 20_000):
        batch = []
        for i in range(start, min(start + 20_000, rows)):
            village, when = rng.choice(villages), now - timedelta(minutes=rows - i)
            row = {**base, "number": f"BS-{2601 + (i // 1_000_000) % 12:04d}-{i % 1_000_000:06d}",
                   "client_id": f"00000000-0000-4000-8000-{i:012d}", "nik": f"1903{i:012d}",
                   "nik_last4": f"{i:04d}"[-4:], "full_name": f"Pekerja {i}", "name_key": f"PEKERJA {i}",
                   "village_code": village, "kecamatan_code": village[:8], "occupation": rng.choice(OCCUPATIONS),
                   "funding": "self", "status": "pending", "consent_at": when, "created_at": when, "updated_at": when}
            if rng.random() < 0.5:
                row.update(status="active", kpj=f"{10_000_000_000 + i}",
                           kpj_at=now - timedelta(days=rng.randint(1, 400)))
                kind = rng.random()
                if kind < 0.1:
                    pass  # never paid
                elif kind < 0.35:  # the cohort: paid by the APBD, long lapsed
                    row.update(paid_through=month_end(today, -rng.randint(3, 12)), funding="apbd_kabupaten",
                               programme_id=programme_id)
                elif kind < 0.45:
                    row.update(paid_through=month_end(today, -rng.randint(1, 2)))
                elif kind < 0.5:  # sponsored, ending within two months
                    row.update(paid_through=month_end(today, 1), funding="sponsor", programme_id=programme_id + 1)
                else:
                    row.update(paid_through=month_end(today, rng.randint(0, 12)))
                if rng.random() < 0.2:
                    row.update(next_contact_on=today + timedelta(days=rng.randint(-5, 30)), last_outcome="no_answer",
                               last_contact_at=now - timedelta(days=rng.randint(1, 20)))
            batch.append(row)
        db.session.execute(db.insert(Registration), batch)
        db.session.commit()
    print(f"filled {rows:,} registrations in {time.perf_counter() - started:.0f} s")


FILL_SQL = """
INSERT INTO registrations (number, client_id, status, version, officer_id, nik, nik_last4, full_name, name_key,
  birth_place, birth_date, sex, phone, address, village_code, kecamatan_code, occupation, monthly_income, programs,
  payment_period, funding, heir_name, heir_relation, consent_at, consent_version, contribution, flags, is_demo,
  created_at, updated_at, kpj, kpj_at, paid_through, programme_id, next_contact_on, last_outcome, last_contact_at,
  source, employs_others)
SELECT 'BS-' || lpad((2601 + (i / 1000000) % 12)::text, 4, '0') || '-' || lpad((i % 1000000)::text, 6, '0'),
  '00000000-0000-4000-8000-' || lpad(i::text, 12, '0'), CASE WHEN a THEN 'active' ELSE 'pending' END, 1, :officer,
  '1903' || lpad(i::text, 12, '0'), right(lpad(i::text, 4, '0'), 4), 'Pekerja ' || i, 'PEKERJA ' || i, 'Toboali',
  DATE '1990-08-15', 'M', '+6281234567890', 'Dusun I', v, left(v, 8), o, 1000000, '["JKK", "JKM"]', 1,
  CASE WHEN a AND k >= 0.1 AND k < 0.35 THEN 'apbd_kabupaten' WHEN a AND k >= 0.45 AND k < 0.5 THEN 'sponsor'
       ELSE 'self' END, 'Ahli', 'anak', at, '2026-12-v2', '{}', '[]', false, at, at,
  CASE WHEN a THEN (10000000000 + i)::text END,
  CASE WHEN a THEN now() - (1 + floor(m * 400)) * interval '1 day' END,
  CASE WHEN a AND k >= 0.1 THEN (date_trunc('month', CAST(:today AS date)) + (1 + CASE
       WHEN k < 0.35 THEN -(3 + floor(m * 10)) WHEN k < 0.45 THEN -(1 + floor(m * 2)) WHEN k < 0.5 THEN 1
       ELSE floor(m * 13) END) * interval '1 month' - interval '1 day')::date END,
  CASE WHEN a AND k >= 0.1 AND k < 0.35 THEN :programme WHEN a AND k >= 0.45 AND k < 0.5 THEN :programme + 1 END,
  CASE WHEN a AND c < 0.2 THEN CAST(:today AS date) + (floor(c * 180)::int - 5) END,
  CASE WHEN a AND c < 0.2 THEN 'no_answer' END,
  CASE WHEN a AND c < 0.2 THEN now() - interval '3 days' END, 'app', false
FROM (SELECT i, random() < 0.5 AS a, random() AS k, random() AS m, random() AS c,
             (CAST(:villages AS text[]))[1 + floor(random() * :nv)::int] AS v, (CAST(:occupations AS text[]))[1 + floor(random() * :no)::int] AS o,
             now() - (:rows - i) * interval '1 minute' AS at
      FROM generate_series(:first, :last) AS i) AS g
"""


def fill_postgres(rows: int, officer_id: int, programme_id: int, today: date) -> None:
    """The same mix, made by PostgreSQL itself (generate_series): a million rows in minutes, not an hour."""
    villages = [r.code for r in db.session.scalars(db.select(Region).where(Region.level == "village",
                                                                           Region.code.like("19.03.%")))]
    started = time.perf_counter()
    db.session.execute(db.text("SELECT setseed(0.14)"))
    for first in range(0, rows, 100_000):
        db.session.execute(db.text(FILL_SQL), {
            "officer": officer_id, "today": today, "programme": programme_id, "villages": villages,
            "nv": len(villages), "occupations": list(OCCUPATIONS), "no": len(OCCUPATIONS), "rows": rows,
            "first": first, "last": min(first + 100_000, rows) - 1})
        db.session.commit()
    print(f"filled {rows:,} registrations in {time.perf_counter() - started:.0f} s")


def timings(client, url: str, rounds: int) -> tuple[float, float, int]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    samples.sort()
    return statistics.median(samples) * 1000, samples[max(0, int(len(samples) * 0.95) - 1)] * 1000, len(samples)


def login(app, username):
    client = app.test_client()
    client.post("/masuk", data={"username": username, "password": PASSWORD})
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database", default=f"sqlite:///{tempfile.mkdtemp()}/followup.db")
    options = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": options.database.replace("postgresql://", "postgresql+psycopg://", 1),
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "LOGIN_RATE_LIMIT": "100000 per minute"})
    today = local_today()
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        db.session.commit()
        for username, role, kecamatan in (("bench-admin", "admin", None), ("bench-koord", "coordinator", "19.03.01"),
                                          ("bench-petugas", "officer", "19.03.01")):
            user = db.session.scalar(db.select(User).where(User.username == username))
            if user is None:  # a scratch database may be reused by a second run
                user = User(username=username, full_name=username, role=role, kecamatan_code=kecamatan)
                db.session.add(user)
            user.set_password(PASSWORD)
        if not db.session.scalar(db.select(db.func.count(Programme.id))):
            db.session.add_all([Programme(name="APBD 2025", payer="apbd_kabupaten", first_month=date(2025, 8, 1),
                                          months=6, budget=1),
                                Programme(name="CSR", payer="sponsor", first_month=month_end(today, -4).replace(day=1),
                                          months=6, budget=1)])
        db.session.commit()
        if db.session.scalar(db.select(db.func.count()).select_from(Registration)) < options.rows:
            admin = db.session.scalar(db.select(User).where(User.username == "bench-admin"))
            first = db.session.scalar(db.select(db.func.min(Programme.id)))
            (fill_postgres if db.engine.dialect.name == "postgresql" else fill)(options.rows, admin.id, first, today)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE registrations"))
        total = db.session.scalar(db.select(db.func.count()).select_from(Registration))
    print(f"{total:,} registrations on {options.database.split(':')[0]}")
    for who, extra in (("bench-koord", ""), ("bench-petugas", "&desa=19.03.01.1001")):
        client = login(app, who)
        print(f"as {who.split('-')[1]} ({'kecamatan Toboali' if not extra else 'desa Toboali'}):")
        for name in rules.LISTS:
            median, p95, n = timings(client, f"/tindak-lanjut?daftar={name}{extra}", options.rounds)
            print(f"  {name:<18} median {median:7.1f} ms   p95 {p95:7.1f} ms   ({n} requests)")
        median, p95, n = timings(client, "/", options.rounds)
        print(f"  {'home (counts)':<18} median {median:7.1f} ms   p95 {p95:7.1f} ms")


if __name__ == "__main__":
    main()
