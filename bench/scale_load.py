"""Loads a province-sized scratch PostgreSQL database for bench/scale.py (issue: "fast at a province's scale").

N registrations (default 1,000,000) over the district's desa, made by PostgreSQL itself (generate_series): every
workflow status (half active with a KPJ), occupations, payers, flags on a few, names from common Indonesian
first and family names (so that a rare name is rare and a common one common); every registration its receipt,
whose salt is md5 of its id (bench/scale.py derives the tokens); payment rows for the active ones (default
6,000,000 in all, a month each, up to their paid_through). Idempotent: a second run adds only what is missing.
Run: python bench/scale_load.py --database postgresql://postgres@127.0.0.1:5432/outreach_scale [--rows N]
     [--payments N]
"""
import argparse
import hashlib
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SECRET = "bench-secret-key-for-scale-runs-only"
os.environ.setdefault("SECRET_KEY", SECRET)

from flask_migrate import upgrade  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.domain import tokens  # noqa: E402
from outreach.domain.clock import local_today  # noqa: E402
from outreach.domain.occupations import CODES as OCCUPATIONS  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import Programme, Region, Registration, User  # noqa: E402
from outreach.services import receipts  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

PASSWORD = "bench-password"
USERS = (("bench-admin", "admin", None), ("bench-koord", "coordinator", "19.03.01"),
         *((f"bench-petugas{i}", "officer", "19.03.01") for i in range(16)))
FIRST = ["Siti", "Ahmad", "Nur", "Muhammad", "Dewi", "Budi", "Sri", "Agus", "Rina", "Andi", "Yusuf", "Fitri",
         "Hendra", "Wati", "Rudi", "Lestari", "Joko", "Indah", "Bayu", "Ayu"]
FAMILY = ["Aminah", "Hidayat", "Saputra", "Wijaya", "Lestari", "Pratama", "Susanti", "Nugroho", "Rahman",
          "Setiawan", "Kurniawan", "Handayani", "Simanjuntak", "Zulkarnaen"]  # the last: rare (weighted below)

FILL_SQL = """
INSERT INTO registrations (number, client_id, status, version, officer_id, nik, nik_last4, full_name, name_key,
  birth_place, birth_date, sex, phone, address, village_code, kecamatan_code, occupation, monthly_income, programs,
  payment_period, funding, heir_name, heir_relation, consent_at, consent_version, contribution, flags, is_demo,
  created_at, updated_at, kpj, kpj_at, paid_through, programme_id, source, employs_others)
SELECT 'BS-' || to_char(at AT TIME ZONE 'Asia/Jakarta', 'YYMM') || '-' || lpad(i::text, 7, '0'),
  '00000000-0000-4000-8000-' || lpad(i::text, 12, '0'), st, 1, :officer,
  '1903' || lpad(i::text, 12, '0'), right(lpad(i::text, 4, '0'), 4), nm, upper(nm), 'Toboali',
  DATE '1985-08-15', 'M', '+6281234567890', 'Dusun I', v, left(v, 8), o, 1000000, '["JKK", "JKM"]', 1, fu,
  'Ahli', 'anak', at, '2026-12-v2', '{}', CAST(CASE WHEN f < 0.03 THEN '["employs_others"]' ELSE '[]' END AS json),
  false, at, at,
  CASE WHEN st = 'active' THEN (10000000000 + i)::text END,
  CASE WHEN st = 'active' THEN at + interval '3 days' END,
  CASE WHEN st = 'active' AND k >= 0.1 THEN (date_trunc('month', CAST(:today AS date))
       + (1 + floor(k * 16)::int - 9) * interval '1 month' - interval '1 day')::date END,
  CASE WHEN fu = 'apbd_kabupaten' THEN :programme END, 'app', f < 0.03
FROM (SELECT i, k, f, v, o, at, nm,
             CASE WHEN s < 0.2 THEN 'pending' WHEN s < 0.3 THEN 'verified' WHEN s < 0.4 THEN 'submitted'
                  WHEN s < 0.45 THEN 'returned' WHEN s < 0.5 THEN 'rejected' ELSE 'active' END AS st,
             CASE WHEN p < 0.8 THEN 'self' WHEN p < 0.95 THEN 'apbd_kabupaten' ELSE 'apbdes' END AS fu
      FROM (SELECT i, random() AS s, random() AS k, random() AS f, random() AS p,
                   (CAST(:villages AS text[]))[1 + floor(random() * :nv)::int] AS v,
                   (CAST(:occupations AS text[]))[1 + floor(random() * :no)::int] AS o,
                   now() - (:rows - i) * interval '40 seconds' AS at,
                   (CAST(:first_names AS text[]))[1 + floor(random() * :nf)::int] || ' ' ||
                   CASE WHEN random() < 0.0004 THEN 'Zulkarnaen'
                        ELSE (CAST(:families AS text[]))[1 + floor(random() * (:nfa - 1))::int] END AS nm
            FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS i) AS r) AS g
"""
PAYMENTS_SQL = """
INSERT INTO payments (registration_id, first_month, months, amount, expected, paid_on, channel, source,
                      recorded_at)
SELECT r.id, m::date, 1, 16800, 16800, (m + interval '5 days')::date, 'bank', 'imported', now()
FROM registrations r, LATERAL generate_series(date_trunc('month', r.paid_through) - (:per - 1) * interval '1 month',
                                              date_trunc('month', r.paid_through), interval '1 month') AS m
WHERE r.paid_through IS NOT NULL AND r.id BETWEEN :first AND :last
  AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.registration_id = r.id)
"""


def make_users() -> None:
    for username, role, kecamatan in USERS:
        user = db.session.scalar(db.select(User).where(User.username == username))
        if user is None:
            user = User(username=username, full_name=username, role=role, kecamatan_code=kecamatan)
            db.session.add(user)
        user.set_password(PASSWORD)
    if not db.session.scalar(db.select(db.func.count(Programme.id))):
        from datetime import date
        db.session.add(Programme(name="APBD 2025", payer="apbd_kabupaten", first_month=date(2025, 8, 1), months=6,
                                 budget=1_768 * 16_800 * 6))
    db.session.commit()


def fill(rows: int) -> None:
    have = db.session.scalar(db.select(db.func.count()).select_from(Registration))
    if have >= rows:
        renumber()  # a database loaded before numbers were counted per month
        return
    villages = [r.code for r in db.session.scalars(db.select(Region).where(Region.level == "village",
                                                                           Region.code.like("19.03.%")))]
    admin = db.session.scalar(db.select(User.id).where(User.username == "bench-admin"))
    programme = db.session.scalar(db.select(db.func.min(Programme.id)))
    started = time.perf_counter()
    db.session.execute(db.text("SELECT setseed(0.15)"))
    # Row triggers off while loading (registration_counts is rebuilt once below): a bulk load, not the app's writes
    db.session.execute(db.text("SET session_replication_role = replica"))
    for first in range(have, rows, 100_000):
        db.session.execute(db.text(FILL_SQL), {
            "officer": admin, "today": local_today(), "programme": programme, "villages": villages,
            "nv": len(villages), "occupations": list(OCCUPATIONS), "no": len(OCCUPATIONS), "rows": rows,
            "first_names": FIRST, "nf": len(FIRST), "families": FAMILY, "nfa": len(FAMILY),
            "first": first, "last": min(first + 100_000, rows) - 1})
        db.session.commit()
        db.session.execute(db.text("SET session_replication_role = replica"))
    db.session.execute(db.text("SET session_replication_role = DEFAULT"))
    renumber()
    db.session.execute(db.text("DELETE FROM registration_counts"))
    db.session.execute(db.text("DELETE FROM registration_count_changes"))  # in the rebuilt counts already (0025)
    db.session.execute(db.text("INSERT INTO registration_counts (kecamatan_code, status, n) SELECT kecamatan_code, "
                               "status, count(*) FROM registrations GROUP BY kecamatan_code, status"))
    db.session.commit()
    print(f"registrations: {rows - have:,} added in {time.perf_counter() - started:.0f} s")


def renumber() -> None:
    """Numbers as the app writes them (PREFIX-YYMM-NNNNNN, counted per month: a wide piece such as BS-2611-00
    matches up to 10,000 of a month's rows), and each month's counter where the app would go on from."""
    db.session.execute(db.text(
        "UPDATE registrations r SET number = n.number FROM (SELECT id, left(number, 8) || lpad(row_number() OVER "
        "(PARTITION BY left(number, 8) ORDER BY id)::text, 6, '0') AS number FROM registrations) n "
        "WHERE r.id = n.id AND r.number <> n.number"))
    db.session.execute(db.text(
        "INSERT INTO number_sequences (period, last) SELECT substr(number, 4, 4), max(right(number, 6)::int) "
        "FROM registrations GROUP BY 1 ON CONFLICT (period) DO UPDATE SET last = greatest(number_sequences.last, "
        "excluded.last)"))
    db.session.commit()


def salt_of(registration_id: int) -> str:
    return hashlib.md5(str(registration_id).encode()).hexdigest()


def token_of(key: bytes, registration_id: int) -> str:
    return tokens.derive_token(key, salt_of(registration_id))


def fill_receipts(key: bytes) -> None:
    started, added = time.perf_counter(), 0
    admin = db.session.scalar(db.select(User.id).where(User.username == "bench-admin"))
    ids = db.session.scalars(db.text("SELECT r.id FROM registrations r LEFT JOIN receipts c ON c.registration_id = "
                                     "r.id WHERE c.id IS NULL ORDER BY r.id")).all()
    raw = db.session.connection().connection.driver_connection  # psycopg: COPY
    for start in range(0, len(ids), 200_000):
        buffer = io.StringIO()
        for rid in ids[start:start + 200_000]:
            buffer.write(f"{rid}\t{salt_of(rid)}\t{tokens.token_hash(token_of(key, rid))}\t2026-01-01 00:00:00+00\t"
                         f"{admin}\n")
        with raw.cursor() as cur, cur.copy("COPY receipts (registration_id, salt, token_hash, issued_at, issued_by) "
                                           "FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        raw.commit()
        added += len(ids[start:start + 200_000])
    print(f"receipts: {added:,} added in {time.perf_counter() - started:.0f} s")


def fill_payments(total: int) -> None:
    have = db.session.scalar(db.text("SELECT count(*) FROM payments"))
    paid = db.session.scalar(db.text("SELECT count(*) FROM registrations WHERE paid_through IS NOT NULL"))
    if have >= total or not paid:
        return
    per = max(1, round(total / paid))
    started = time.perf_counter()
    top = db.session.scalar(db.text("SELECT max(id) FROM registrations"))
    for first in range(0, top + 1, 100_000):
        db.session.execute(db.text(PAYMENTS_SQL), {"per": per, "first": first, "last": first + 99_999})
        db.session.commit()
    print(f"payments: {db.session.scalar(db.text('SELECT count(*) FROM payments')):,} rows ({per} months per "
          f"paying worker) in {time.perf_counter() - started:.0f} s")


def app_for(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://", 1),
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True, help="a scratch PostgreSQL database")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=6_000_000)
    options = parser.parse_args()
    app = app_for(options.database)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        db.session.commit()
        make_users()
        fill(options.rows)
        fill_receipts(receipts.receipt_key())
        fill_payments(options.payments)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(db.text("VACUUM ANALYZE"))
        print(f"{db.session.scalar(db.select(db.func.count()).select_from(Registration)):,} registrations ready")


if __name__ == "__main__":
    main()
