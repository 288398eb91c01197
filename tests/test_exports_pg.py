"""The queue's CSV export on PostgreSQL (services/exports_pg.py: the database writes the rows of a job's file) is
byte for byte the file csv.writer writes from exports.columns() (the response of an export small enough for one
request): for awkward values in every column, every protection state, several filters. On a scratch PostgreSQL
database of its own, so that both of CI's passes run it."""
import csv
import gzip
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from flask_migrate import upgrade

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Job, JobChunk, Programme, Region, Registration, User
from outreach.services import exports, exports_pg, jobs
from outreach.services.regions import load_regions
from tests.conftest import PASSWORD, make_app
from tests.postgres import scratch_postgres  # noqa: F401 (fixture)
from tests.review_helpers import login_as

AWKWARD = ["=1+2", "+62 812", "-5", "@home", "\tindented", "\rreturn", "a,b", 'say "hi"', "two\nlines",
           "crlf\r\nend", "back\\slash \\n \\\\N \\", "Émile ✓ 漢字", "", " space", "'quoted", "plain"]
PROGRAMMES = ['APBD, "2026"', "=SUM(A1)", "Desa\nSadai"]


@pytest.fixture
def pg_app(scratch_postgres):  # noqa: F811
    app = make_app(scratch_postgres("export").replace("postgresql://", "postgresql+psycopg://", 1))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        # a desa name csv.writer must quote, one a spreadsheet would run
        db.session.get(Region, "19.03.01.1001").name = 'Toboali "Kota", Satu'
        db.session.get(Region, "19.03.01.1002").name = "-Dua"
        for username, role in (("petugas", "officer"), ("admin", "admin")):
            user = User(username=username, full_name=username, role=role,
                        kecamatan_code="19.03.01" if role == "officer" else None)
            user.set_password(PASSWORD)
            db.session.add(user)
        for name in PROGRAMMES:
            db.session.add(Programme(name=name, payer="apbd_kabupaten", first_month=date(2026, 1, 1), months=6,
                                     budget=1))
        db.session.commit()
        fill()
    yield app
    with app.app_context():
        db.engine.dispose()


def fill() -> None:
    """A row per awkward value, in every text column, and the other columns' cases around them."""
    officer = db.session.scalar(db.select(User.id).where(User.username == "petugas"))
    programmes = list(db.session.scalars(db.select(Programme.id).order_by(Programme.id))) + [None]
    today = local_today()
    paid = [None, today + timedelta(days=30), today, today - timedelta(days=40), today - timedelta(days=400)]
    statuses = ["active", "active", "pending", "submitted", "returned", "active", "rejected"]
    lists = [["JKK", "JKM"], [], ["JKK"], ["JKK", "JKM", "JHT"], ["a,b", "=x"], ["-É ✓", "\\n"]]  # JSON escapes
    midnight = datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)  # 00:00 WIB on 2 March
    rows = []
    for i in range(len(AWKWARD) * 3):
        v = AWKWARD[i % len(AWKWARD)]
        status = statuses[i % len(statuses)]
        rows.append({
            "number": f"X-{i:04d}{v[:8]}", "client_id": f"00000000-0000-4000-8000-{i:012d}", "status": status,
            "version": 1, "officer_id": officer, "nik": f"{v[:6]}{i:010d}", "nik_last4": f"{i:04d}",
            "full_name": v or None, "name_key": "K", "birth_place": v, "birth_date": date(1990, 1, 1 + i % 28),
            "sex": ("M", "F", None)[i % 3], "phone": f"+62{v[:10]}{i}",
            "address": f"{v} RT {i}" if i % 2 else v, "village_code": ("19.03.01.1001", "19.03.01.1002",
                                                                       "19.03.02.2001")[i % 3],
            "kecamatan_code": ("19.03.01", "19.03.01", "11.01.01")[i % 3],  # the last: not this district's
            "occupation": v[:30] or "nelayan", "occupation_other": (None, v, "")[i % 3],
            "work_location": (v, None)[i % 2], "monthly_income": (1_000_000, None, 0)[i % 3],
            "programs": lists[i % len(lists)], "payment_period": 1 + i % 12, "funding": v[:20] or "self",
            "sponsor_name": (None, v)[i % 2], "heir_name": v, "heir_relation": v[:20] or None,
            "kpj": f"{i:011d}" if status == "active" else None, "paid_through": paid[i % len(paid)],
            "second_occupation": (None, "petani", v[:30])[i % 3], "employs_others": i % 4 == 0,
            "programme_id": programmes[i % len(programmes)], "consent_at": midnight, "consent_version": "t",
            "contribution": {}, "flags": ["employs_others"] if i % 4 == 0 else [], "is_demo": False,
            "created_at": midnight + timedelta(seconds=(i % 3 - 1)), "updated_at": midnight})
    db.session.execute(db.insert(Registration), rows)
    db.session.commit()


def job_file(app, client, path: str) -> tuple[bytes, int]:
    """The job's file (written by the database) and the rows its job counted."""
    app.config["EXPORT_INLINE_ROWS"] = 0
    response = client.get(path)
    assert response.status_code == 302 and "/tugas/" in response.headers["Location"]
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    jobs.wait(app)
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job.state == "done" and job.progress == job.total
        rows = job.summary["rows"]
    return client.get(f"/tugas/{job_id}/berkas").get_data(), rows


def inline_file(app, client, path: str) -> bytes:
    app.config["EXPORT_INLINE_ROWS"] = 1_000_000
    return client.get(path).get_data()


@pytest.mark.parametrize("query", ["", "?status=active", "?protection=in_arrears", "?flag=employs_others",
                                   "?q=x-001", "?kecamatan=19.03.01&date_from=2026-03-02&date_to=2026-03-02"])
def test_the_database_writes_the_same_bytes_as_csv_writer(pg_app, query):
    admin = login_as(pg_app, "admin")
    by_database, counted = job_file(pg_app, admin, "/tinjau/ekspor.csv" + query)
    by_python = inline_file(pg_app, admin, "/tinjau/ekspor.csv" + query)
    assert by_database == by_python
    rows = list(csv.reader(io.StringIO(by_database.decode("utf-8-sig"), newline="")))
    assert len(rows) - 1 == counted > 0 and all(len(r) == len(rows[0]) == 28 for r in rows)


def test_the_file_holds_each_awkward_value_as_it_was(pg_app):
    admin = login_as(pg_app, "admin")
    data, _n = job_file(pg_app, admin, "/tinjau/ekspor.csv")
    assert data.startswith("\ufeff".encode()) and data.count(b"\r\n") >= len(AWKWARD) * 3 + 1
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(AWKWARD) * 3 + 1
    names = [r[2] for r in rows[1:len(AWKWARD) + 1]]
    assert names == [exports.inert(v) for v in AWKWARD]  # formulas behind a quote, the rest untouched
    assert {r[8] for r in rows[1:]} == {"'-Dua", 'Toboali "Kota", Satu', "Tanjung Labu"}
    assert {r[9] for r in rows[1:]} == {"Toboali", "11.01.01"}  # no word (not this district's): the code
    assert {r[25] for r in rows[1:]} == {"", "'=SUM(A1)", 'APBD, "2026"', "Desa\nSadai"}
    assert {r[26] for r in rows[1:]} == {"registered", "awaiting_first_payment", "protected", "in_arrears",
                                         "inactive"}
    assert {r[21] for r in rows[1:]} == {"2026-03-01", "2026-03-02"}  # the WIB day


def test_progress_is_reported_as_the_rows_arrive(pg_app, monkeypatch):
    monkeypatch.setattr(exports_pg, "BLOCK", 1)
    monkeypatch.setattr(exports_pg, "REPORT_ROWS", 10)
    seen = []
    with pg_app.app_context():
        job = jobs.create("export_queue", {"filter": {}, "format": "csv", "event": 0},
                          db.session.scalar(db.select(User.id).where(User.username == "admin")))
        db.session.commit()
        out = jobs.ChunkWriter(job.id, gzip=True)
        n = exports_pg.write(out, db.select(Registration), seen.append)
        out.close()
        db.session.commit()
        data = gzip.decompress(b"".join(db.session.scalars(
            db.select(JobChunk.data).where(JobChunk.job_id == job.id).order_by(JobChunk.seq))))
    assert n == len(AWKWARD) * 3 == len(list(csv.reader(io.StringIO(data.decode(), newline=""))))
    assert seen == sorted(seen) and len(seen) >= 3 and seen[-1] < n
