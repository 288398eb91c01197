"""Figures for the coverage dashboard on a large district (issue 13: "coverage counts protected workers").

Builds a scratch PostgreSQL database with the app's migrations, then loads N registrations (default 1,000,000)
and about 6 per registration of payment rows with COPY: spread over Bangka Selatan's desa (uneven, as people
are), a quarter not yet active (pending, verified, submitted, returned, rejected), the active ones with a KPJ —
some awaiting a first payment, an APBD cohort paid August 2025–January 2026 (most lapsed since, some paying on
their own), self-payers paid up to two months behind or ahead — each `paid_through` the last day of the latest
month in their payment rows, as the payment services keep it. Then times GET /dasbor for a coordinator
(Toboali) and an admin (all kecamatan) through the Flask test client, and /healthz in the same run: the median of
each of 5 runs, their spread, the p95 over every request, and the ratio to /healthz; once counting on every
request, once with the counts kept a minute (the default). Ends with EXPLAIN ANALYZE of the page's slowest query
and of the coverage query (the grouped counts).

Run: python bench/dashboard.py --database postgresql://postgres@127.0.0.1:5432/outreach_bench_h3 [--rows N]
     [--requests R]  (the database is created when missing and filled once; a second run reuses it)
"""
import argparse
import io
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.dashboard import cache  # noqa: E402
from outreach.domain.clock import local_today  # noqa: E402
from outreach.domain.occupations import CODES as OCCUPATIONS  # noqa: E402
from outreach.domain.protection import last_day  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import CoverageTarget, Programme, Region, Registration, User  # noqa: E402
from outreach.models.types import utcnow  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

PASSWORD = "bench-password"
RUNS = 5
STATUSES = ["pending"] * 12 + ["verified"] * 5 + ["submitted"] * 5 + ["returned"] * 2 + ["rejected"] * 1 + ["active"] * 75
INCOMES = [1_000_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 5_000_000]
COLUMNS = ("id, number, client_id, status, version, officer_id, nik, nik_last4, full_name, name_key, birth_place, "
           "birth_date, sex, phone, address, village_code, kecamatan_code, occupation, monthly_income, programs, "
           "payment_period, funding, heir_name, heir_relation, consent_at, consent_version, contribution, flags, "
           "is_demo, created_at, updated_at, kpj, kpj_at, paid_through, programme_id, source, employs_others")
N = "\\N"


def shift(month: tuple[int, int], n: int) -> tuple[int, int]:
    i = month[0] * 12 + month[1] - 1 + n
    return i // 12, i % 12 + 1


def ensure_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def worker(rng: random.Random, today: date, now, cohort_id: int) -> tuple[dict, list[tuple[int, int, str]]]:
    """One registration's varying fields and its payment months: [(year, month), channel]."""
    status = rng.choice(STATUSES)
    row = {"status": status, "created_at": now - timedelta(days=rng.randint(0, 600), minutes=rng.randint(0, 900)),
           "funding": "self", "programme_id": None, "income": rng.choice(INCOMES)}
    months = []
    this = (today.year, today.month)
    kind = rng.random()
    if status == "active" and kind < 0.22:  # the APBD cohort, registered in July 2025
        row.update(funding="apbd_kabupaten", programme_id=cohort_id, income=1_000_000,
                   created_at=now.replace(year=2025, month=7, day=rng.randint(1, 31)))
        months = [((2025, 8 + n) if n < 5 else (2026, 1), "budget") for n in range(6)]
        after = rng.random()
        if after > 0.6:  # took over their own contributions: paid up to now or a month behind
            end = shift(this, -rng.randint(0, 1) if after < 0.8 else rng.randint(0, 1))
            m = (2026, 2)
            while m <= end:
                months.append((m, "bank"))
                m = shift(m, 1)
    elif status == "active" and kind > 0.32:  # self-payers, every month since the one after their KPJ; 0.22–0.32:
        end = shift(this, rng.choice([-2, -1, -1, 0, 0, 0, 0, 1, 1, 2]))  # awaiting a first payment
        m = min(shift((row["created_at"].year, row["created_at"].month), 1), end)
        while m <= end:
            months.append((m, rng.choice(["bank", "pos", "minimarket", "jmo", "perisai"])))
            m = shift(m, 1)
    return row, months


def fill(url: str, rows: int, officers: dict[str, int], cohort_id: int, today: date) -> None:
    """COPY the registrations and their payments in batches: minutes for a million and six million rows."""
    villages = [r.code for r in db.session.scalars(db.select(Region).where(Region.level == "village",
                                                                           Region.code.like("19.03.%")))]
    rng, now = random.Random(13), utcnow()
    weights = [rng.lognormvariate(0, 0.7) for _ in villages]  # desa are not the same size
    cumulative = [sum(weights[:n + 1]) for n in range(len(weights))]
    first_id = (db.session.scalar(db.select(db.func.max(Registration.id))) or 0) + 1
    started, payments = time.perf_counter(), 0
    with psycopg.connect(url) as conn:
        for start in range(0, rows, 50_000):
            regs, pays = io.StringIO(), io.StringIO()
            for i in range(start, min(start + 50_000, rows)):
                rid = first_id + i
                v, months = worker(rng, today, now, cohort_id)
                village = rng.choices(villages, cum_weights=cumulative)[0]
                active = v["status"] == "active"
                paid_through = last_day(months[-1][0]).isoformat() if months else N
                at = v["created_at"].astimezone(timezone.utc).isoformat()
                kpj_at = (v["created_at"] + timedelta(days=rng.randint(5, 20))).isoformat() if active else N
                regs.write("\t".join(map(str, (
                    rid, f"BS-{i:09d}", f"00000000-0000-4000-8000-{i:012d}", v["status"], 1, officers[village[:8]],
                    f"1903{i:012d}", f"{i:04d}"[-4:], f"Pekerja {i}", f"PEKERJA {i}", "Toboali", "1990-08-15",
                    "MF"[i % 2], "+6281234567890", "Dusun I", village, village[:8], rng.choice(OCCUPATIONS),
                    v["income"], '["JKK", "JKM"]', 1, v["funding"], "Ahli", "anak", at, "2026-12-v2", "{}", "[]",
                    "f", at, at, f"{10_000_000_000 + i}" if active else N, kpj_at, paid_through,
                    v["programme_id"] or N, "app", "f"))) + "\n")
                for (y, m), channel in months:
                    programme = cohort_id if channel == "budget" else N
                    pays.write(f"{rid}\t{y:04d}-{m:02d}-01\t1\t16800\t16800\t{y:04d}-{m:02d}-05\t{channel}\t"
                               f"{'programme' if channel == 'budget' else 'imported'}\t{programme}\t{at}\n")
                payments += len(months)
            with conn.cursor() as cur:
                with cur.copy(f"COPY registrations ({COLUMNS}) FROM STDIN") as copy:
                    copy.write(regs.getvalue())
                with cur.copy("COPY payments (registration_id, first_month, months, amount, expected, paid_on, "
                              "channel, source, programme_id, recorded_at) FROM STDIN") as copy:
                    copy.write(pays.getvalue())
            conn.commit()
            print(f"  {start + 50_000:>9,} registrations, {payments:,} payments, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
        conn.execute("SELECT setval(pg_get_serial_sequence('registrations', 'id'), (SELECT max(id) FROM registrations))")
        conn.commit()


def set_up(app, rows: int, url: str, today: date) -> None:
    """Migrations, regions, users (an officer per kecamatan), the two programmes, a target per desa, the rows."""
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        if not db.session.scalar(db.select(db.func.count()).select_from(Region)):
            load_regions()
        kecamatan = [k.code for k in Region.kecamatan_of_district()]
        for username, role, where in [("bench-admin", "admin", None), ("bench-koord", "coordinator", "19.03.01")] + \
                [(f"bench-petugas-{k}", "officer", k) for k in kecamatan]:
            user = db.session.scalar(db.select(User).where(User.username == username))
            if user is None:  # a scratch database may be reused by a second run
                user = User(username=username, full_name=username, role=role, kecamatan_code=where)
                db.session.add(user)
            user.set_password(PASSWORD)
        if not db.session.scalar(db.select(db.func.count(Programme.id))):
            db.session.add_all([Programme(name="APBD 2025", payer="apbd_kabupaten", first_month=date(2025, 8, 1),
                                          months=6, budget=rows * 17 * 1008, quota=rows // 5),
                                Programme(name="CSR", payer="sponsor", first_month=date(today.year, 1, 1),
                                          months=12, budget=40_320_000, quota=200)])
        db.session.commit()
        admin = db.session.scalar(db.select(User.id).where(User.username == "bench-admin"))
        for code in db.session.scalars(db.select(Region.code).where(Region.level == "village",
                                                                    Region.code.like("19.03.%"))):
            if db.session.get(CoverageTarget, code) is None:
                db.session.add(CoverageTarget(region_code=code, informal_workers=30_000, updated_by=admin))
        db.session.commit()
        if db.session.scalar(db.select(db.func.count()).select_from(Registration)) < rows:
            officers = {k: db.session.scalar(db.select(User.id).where(User.username == f"bench-petugas-{k}"))
                        for k in kecamatan}
            cohort = db.session.scalar(db.select(Programme.id).where(Programme.name == "APBD 2025"))
            fill(url, rows, officers, cohort, today)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(db.text("VACUUM ANALYZE registrations"))
            conn.execute(db.text("VACUUM ANALYZE payments"))
        total = db.session.scalar(db.select(db.func.count()).select_from(Registration))
        paid = db.session.scalar(db.text("SELECT count(*) FROM payments"))
        protected = db.session.scalar(db.select(db.func.count()).where(Registration.status == "active",
                                                                       Registration.paid_through >= today))
        print(f"{total:,} registrations, {paid:,} payment rows, {protected:,} protected today ({today})")


def login(app, username):
    client = app.test_client()
    client.post("/masuk", data={"username": username, "password": PASSWORD})
    return client


def measure(clients: dict, requests: int) -> dict[str, list[list[float]]]:
    """RUNS runs; in each, every URL `requests` times, interleaved so that they share the machine's moments."""
    samples = {name: [] for name in clients}
    for _ in range(RUNS):
        run = {name: [] for name in clients}
        for _ in range(requests):
            for name, (client, url) in clients.items():
                start = time.perf_counter()
                response = client.get(url)
                response.get_data()
                run[name].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (name, response.status_code)
        for name in clients:
            samples[name].append(run[name])
    return samples


def report(samples: dict[str, list[list[float]]]) -> None:
    health = statistics.median(statistics.median(r) for r in samples["/healthz"])
    print(f"{'':<22} {'median':>9} {'spread of run medians':>24} {'p95':>9} {'× /healthz':>11}")
    for name, runs in samples.items():
        medians = [statistics.median(r) for r in runs]
        every = sorted(x for r in runs for x in r)
        p95 = every[max(0, int(len(every) * 0.95) - 1)]
        median = statistics.median(medians)
        print(f"{name:<22} {median:7.1f} ms {min(medians):9.1f}–{max(medians):.1f} ms {'':>5} {p95:7.1f} ms"
              f" {median / health:9.0f}×")


def explain(app, client) -> None:
    """The statements one dashboard request runs, slowest first, and EXPLAIN ANALYZE of the two that matter."""
    seen = []

    def before(conn, cursor, statement, parameters, context, many):
        conn.info["t"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, many):
        seen.append(((time.perf_counter() - conn.info["t"]) * 1000, statement, parameters))
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", before)
        event.listen(db.engine, "after_cursor_execute", after)
        try:
            client.get("/dasbor").get_data()
        finally:
            event.remove(db.engine, "before_cursor_execute", before)
            event.remove(db.engine, "after_cursor_execute", after)
        seen.sort(key=lambda s: -s[0])
        print(f"\n{len(seen)} statements in one request; the slowest:")
        for ms, statement, _p in seen[:6]:
            print(f"  {ms:7.1f} ms  {' '.join(statement.split())[:110]}")
        coverage = next(s for s in seen if "GROUP BY registrations.village_code" in s[1])
        for title, (_ms, statement, parameters) in (("slowest", seen[0]), ("coverage per desa", coverage)):
            raw = db.session.connection().connection.dbapi_connection
            with raw.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print(f"\nEXPLAIN ANALYZE, {title}:\n" + "\n".join(r[0] for r in cur.fetchall()))
            raw.rollback()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/outreach_bench_h3")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=10, help="requests per URL in each of the 5 runs")
    parser.add_argument("--no-explain", action="store_true")
    options = parser.parse_args()
    ensure_database(options.database)
    app = create_app({"SQLALCHEMY_DATABASE_URI": options.database.replace("postgresql://", "postgresql+psycopg://", 1),
                      "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "LOGIN_RATE_LIMIT": "100000 per minute"})
    today = local_today()
    set_up(app, options.rows, options.database, today)
    clients = {"/dasbor coordinator": (login(app, "bench-koord"), "/dasbor"),
               "/dasbor admin": (login(app, "bench-admin"), "/dasbor"),
               "/dasbor admin, desa": (login(app, "bench-admin"), "/dasbor?kecamatan=19.03.01"),
               "/healthz": (app.test_client(), "/healthz")}
    for client, url in clients.values():  # the first request loads templates and fills PostgreSQL's buffers
        client.get(url)
    for seconds, title in ((0, "counted on every request (DASHBOARD_CACHE_SECONDS=0)"),
                           (60, "counts kept a minute per scope (the default, 60)")):
        app.config["DASHBOARD_CACHE_SECONDS"] = seconds
        with app.app_context():
            cache.clear()
        print(f"\n{title}, {RUNS} runs of {options.requests} requests per URL:")
        report(measure(clients, options.requests))
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    if not options.no_explain:
        explain(app, clients["/dasbor admin"][0])


if __name__ == "__main__":
    main()
