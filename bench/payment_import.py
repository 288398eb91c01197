"""Figures for the branch's payment file import (issue 13): a file of N rows previewed (read + every row checked)
and applied (read again + written in bulk + committed), as /bayar/impor does for a coordinator's confirmation.

Fills a scratch database with N active registrations with a KPJ (default 100,000), writes a payment CSV of N rows
(half by KPJ with first month + months, a quarter by NIK, a quarter "paid until"; one in twenty amounts unlike the
rule), then, for each of --runs runs, empties the ledger and times preview and apply. Prints medians and spread,
and the ratio against a trivial baseline measured in the same run: the same text read with the csv module alone.
Peak Python memory of preview and apply is measured once more under tracemalloc (it slows them down, so not
during the timed runs); the process's peak RSS is printed at the end.
Run: python bench/payment_import.py [--rows N] [--runs R] [--database-url URL]   (default: SQLite, temporary)
"""
import argparse
import csv
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from flask_migrate import upgrade  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.domain import payments as rules  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import AuditEvent, Payment, Registration, RegistrationEvent, User  # noqa: E402
from outreach.models.types import utcnow  # noqa: E402
from outreach.services import payment_import  # noqa: E402
from outreach.services.kpj_import import decode_upload  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

KPJ_AT = datetime(2026, 1, 5, 3, tzinfo=timezone.utc)


def fill(rows: int, officer_id: int) -> None:
    now, started = utcnow(), time.perf_counter()
    base = {"officer_id": officer_id, "birth_place": "Toboali", "birth_date": date(1990, 8, 15), "sex": "M",
            "phone": "+6281234567890", "address": "Dusun I", "monthly_income": 1_000_000, "programs": ["JKK", "JKM"],
            "payment_period": 1, "heir_name": "Ahli", "heir_relation": "anak", "consent_version": "2026-12-v2",
            "contribution": {}, "flags": [], "version": 1, "is_demo": False, "source": "app", "funding": "self",
            "status": "active", "kpj_at": KPJ_AT, "occupation": "nelayan", "village_code": "19.03.01.1001",
            "kecamatan_code": "19.03.01", "consent_at": now, "created_at": now, "updated_at": now}
    for start in range(0, rows, 20_000):
        db.session.execute(db.insert(Registration), [
            {**base, "number": f"BP-{i:08d}", "client_id": f"00000000-0000-4000-9000-{i:012d}",
             "nik": f"1903{i:012d}", "nik_last4": f"{i:04d}"[-4:], "full_name": f"Pekerja {i}",
             "name_key": f"PEKERJA {i}", "kpj": f"{30_000_000_000 + i}"} for i in range(start, min(start + 20_000, rows))])
        db.session.commit()
    print(f"filled {rows:,} registrations in {time.perf_counter() - started:.0f} s")


def payment_file(rows: int) -> str:
    rng, out = random.Random(13), io.StringIO()
    out.write("nik,kpj,bulan_awal,jumlah_bulan,bayar_sampai,jumlah,tgl_bayar,saluran\n")
    for i in range(rows):
        months, kind, first = rng.randint(1, 3), rng.random(), (2026, rng.randint(1, 6))
        nik, kpj = (f"1903{i:012d}", "") if kind < 0.25 else ("", f"{30_000_000_000 + i}")
        if kind > 0.75:  # paid until: from the KPJ month (January 2026), nothing paid yet
            first = (2026, 1)
        amount = rules.expected(1_000_000, ["JKK", "JKM"], "self", False, first, months)
        amount = amount if rng.random() > 0.05 else 10_000
        if kind > 0.75:
            out.write(f"{nik},{kpj},,,2026-{months:02d},{amount},2026-01-20,\n")
        else:
            out.write(f"{nik},{kpj},2026-{first[1]:02d},{months},,{amount},2026-01-20,"
                      f"{rng.choice(('bank', 'pos', 'jmo', ''))}\n")
    return out.getvalue()


def empty_ledger() -> None:
    db.session.execute(db.delete(Payment))
    db.session.execute(db.delete(RegistrationEvent).where(RegistrationEvent.kind == "payment"))
    db.session.execute(db.delete(AuditEvent).where(AuditEvent.action == "import_payments"))
    db.session.execute(db.update(Registration).values(paid_through=None))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # each run on tables without the last run's dead rows
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("payments", "registration_events", "registrations"):
                conn.execute(db.text(f"VACUUM ANALYZE {table}"))


def one_run(raw: bytes, user: User) -> tuple[float, float, float, dict]:
    start = time.perf_counter()
    list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))  # the baseline: the csv module alone
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    read = payment_import.read_payment_csv(decode_upload(raw), user)
    preview = time.perf_counter() - start
    db.session.rollback()
    start = time.perf_counter()
    read = payment_import.read_payment_csv(decode_upload(raw), user)  # the confirmation reads the file again
    summary = payment_import.apply_payments(read, user)
    db.session.commit()
    apply = time.perf_counter() - start
    return baseline, preview, apply, summary


def spread(samples: list[float]) -> str:
    return f"median {statistics.median(samples):6.2f} s  (min {min(samples):.2f}, max {max(samples):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=f"sqlite:///{tempfile.mkdtemp()}/payments.db")
    options = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": options.database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        user = db.session.scalar(db.select(User).where(User.username == "bench-koord"))
        if user is None:  # a scratch database may be reused by a second run
            user = User(username="bench-koord", full_name="Bench", role="coordinator", kecamatan_code="19.03.01")
            user.set_password("bench-password")
            db.session.add(user)
        db.session.commit()
        have = db.session.scalar(db.select(db.func.count()).select_from(Registration)
                                 .where(Registration.number.like("BP-%")))
        if have < options.rows:
            db.session.execute(db.delete(Registration).where(Registration.number.like("BP-%")))
            fill(options.rows, user.id)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(db.text("VACUUM ANALYZE registrations"))
    raw = payment_file(options.rows).encode("utf-8")
    print(f"{options.rows:,} registrations and a payment file of {options.rows:,} rows ({len(raw) / 1e6:.1f} MB) "
          f"on {options.database_url.split(':')[0]}")
    baselines, previews, applies = [], [], []
    for run in range(options.runs):
        with app.test_request_context():
            empty_ledger()
            user = db.session.scalar(db.select(User).where(User.username == "bench-koord"))
            baseline, preview, apply, summary = one_run(raw, user)
        baselines.append(baseline), previews.append(preview), applies.append(apply)
        print(f"run {run + 1}: csv alone {baseline:.2f} s, preview {preview:.2f} s, apply {apply:.2f} s "
              f"({summary['new']:,} added, {len(summary['mismatched']):,} flagged)")
    base = statistics.median(baselines)
    print(f"baseline (csv module)  {spread(baselines)}")
    print(f"preview (read+check)   {spread(previews)}   = {statistics.median(previews) / base:5.1f} x baseline")
    print(f"apply (read+write)     {spread(applies)}   = {statistics.median(applies) / base:5.1f} x baseline")
    with app.test_request_context():
        empty_ledger()
        user = db.session.scalar(db.select(User).where(User.username == "bench-koord"))
        tracemalloc.start()
        read = payment_import.read_payment_csv(decode_upload(raw), user)
        preview_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        payment_import.apply_payments(read, user)
        db.session.commit()
        apply_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(f"peak Python memory: preview {preview_peak / 1e6:.0f} MB, apply {apply_peak / 1e6:.0f} MB "
          f"(tracemalloc); process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
