"""Long work as jobs (services/jobs.py): an export over EXPORT_INLINE_ROWS becomes a job with a progress page and
the same file; an import over IMPORT_INLINE_ROWS is applied by a job, all or nothing; a job is claimed once, a
stale one taken again; RQ on a real Redis runs the same code; old jobs and their files are deleted."""
import csv
import gzip
import io
import zipfile
from datetime import timedelta

import pytest
import redis

from outreach.extensions import db
from outreach.models import AuditEvent, Job, JobChunk, Registration
from outreach.models.types import utcnow
from outreach import worker
from outreach.services import jobs
from tests.review_helpers import bulk_rows, login_as
from tests.test_rate_limits import REDIS, needs_redis


@pytest.fixture
def small_limits(app, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 3)
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 1)
    from outreach.services import exports
    monkeypatch.setattr(exports, "BATCH", 2)  # several pages, each reported (and committed) on its own


def job_of(response) -> int:
    assert response.status_code == 302 and "/tugas/" in response.headers["Location"], response.status_code
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def finished(app, client, job_id) -> str:
    jobs.wait(app)
    page = client.get(f"/tugas/{job_id}")
    assert page.status_code == 200 and "Refresh" not in page.headers
    return page.get_data(as_text=True)


def test_a_large_export_is_a_job_with_the_same_file_as_a_small_one(app, users, small_limits):
    bulk_rows(app, users["officer"], 7)
    coord = login_as(app, "koord1")
    job_id = job_of(coord.get("/tinjau/ekspor.csv"))
    page = finished(app, coord, job_id)
    assert "Selesai" in page and f"/tugas/{job_id}/berkas" in page
    plain = coord.get(f"/tugas/{job_id}/berkas")
    rows = list(csv.reader(io.StringIO(plain.get_data().decode("utf-8-sig"))))
    assert len(rows) == 8 and rows[0][:3] == ["Nomor pendaftaran", "NIK", "Nama lengkap"]
    assert sorted(r[0] for r in rows[1:]) == [f"BT-{i:08d}" for i in range(7)]
    zipped = coord.get(f"/tugas/{job_id}/berkas", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    app.config["EXPORT_INLINE_ROWS"] = 100  # the same filter as one response: the same bytes but the file name
    inline = coord.get("/tinjau/ekspor.csv")
    assert inline.get_data() == plain.get_data()
    with app.app_context():
        started = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id))
        assert started.details["rows"] == 7  # recorded when the job started, counted when it finished
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "download")) == 2


def test_an_xlsx_job_is_a_workbook_and_nobody_else_sees_the_job(app, users, small_limits, make_user):
    bulk_rows(app, users["officer"], 5)
    coord = login_as(app, "koord1")
    job_id = job_of(coord.get("/tinjau/ekspor.xlsx"))
    finished(app, coord, job_id)
    data = coord.get(f"/tugas/{job_id}/berkas").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert "xl/worksheets/sheet1.xml" in book.namelist()
    make_user("koord2", "coordinator")
    other = login_as(app, "koord2")
    assert other.get(f"/tugas/{job_id}").status_code == 403
    assert other.get(f"/tugas/{job_id}/berkas").status_code == 403
    assert login_as(app, "admin1").get(f"/tugas/{job_id}/berkas").status_code == 403
    assert coord.get(f"/tugas/{job_id + 100}").status_code == 404
    assert app.test_client().get(f"/tugas/{job_id}").status_code in (302, 401)


def test_a_running_job_shows_its_progress_and_refreshes_itself(app, users):
    with app.app_context():
        job = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="running", progress=2500,
                  total=10000, attempts=1, heartbeat_at=utcnow())
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    page = login_as(app, "koord1").get(f"/tugas/{job_id}")
    assert page.headers["Refresh"] == "2" and 'value="25"' in page.get_data(as_text=True)


def test_a_job_is_claimed_once_and_a_stale_one_is_taken_again(app, users):
    with app.app_context():
        fresh = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="running", attempts=1,
                    heartbeat_at=utcnow())
        stale = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="running", attempts=1,
                    heartbeat_at=utcnow() - timedelta(hours=2))
        done = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="done", attempts=1)
        db.session.add_all([fresh, stale, done])
        db.session.commit()
        assert not worker.claim(fresh.id)  # its worker is alive: nobody else runs it
        assert worker.claim(stale.id)  # its worker died: run again, from the beginning
        assert not worker.claim(stale.id)
        assert not worker.claim(done.id)
        assert db.session.get(Job, stale.id).attempts == 2


def kpj_file(numbers) -> bytes:
    return ("number,kpj\n" + "".join(f"{n},{30_000_000_000 + i}\n" for i, n in enumerate(numbers))).encode()


def upload(client, raw, digest=None):
    token = client.auth.token("/tinjau/kpj")
    data = {"csrf_token": token}
    if digest:
        data |= {"digest": digest, "apply": "x"}
    else:
        data |= {"file": (io.BytesIO(raw), "kpj.csv"), "preview": "x"}
    return client.post("/tinjau/kpj", data=data, content_type="multipart/form-data")


def test_a_large_kpj_import_is_applied_by_a_job_all_at_once(app, users, small_limits):
    numbers = bulk_rows(app, users["officer"], 4, status="submitted")
    coord = login_as(app, "koord1")
    preview = upload(coord, kpj_file(numbers))
    digest = preview.get_data(as_text=True).split('name="digest" type="hidden" value="')[1].split('"')[0]
    job_id = job_of(upload(coord, None, digest))
    page = finished(app, coord, job_id)
    assert "Diterapkan: 4" in page
    with app.app_context():
        assert set(db.session.scalars(db.select(Registration.status))) == {"active"}


def test_a_kpj_import_job_that_finds_a_row_changed_applies_nothing(app, users, small_limits):
    numbers = bulk_rows(app, users["officer"], 3, status="submitted")
    coord = login_as(app, "koord1")
    preview = upload(coord, kpj_file(numbers))
    digest = preview.get_data(as_text=True).split('name="digest" type="hidden" value="')[1].split('"')[0]
    with app.app_context():  # between the preview and the job: one of them was returned to its officer
        db.session.execute(db.update(Registration).where(Registration.number == numbers[1]).values(status="returned"))
        job = jobs.create("import_kpj", {"digest": digest}, users["coordinator"], total=3)
        db.session.commit()
        worker.run(job.id)
        job_id = job.id
    page = finished(app, coord, job_id)
    assert "Gagal" in page and "Tidak ada yang diterapkan" in page
    assert "Belum berstatus diajukan ke BPJS Ketenagakerjaan: baris 3" in page
    with app.app_context():
        assert db.session.get(Job, job_id).state == "failed"
        assert db.session.scalar(db.select(db.func.count()).select_from(Registration)
                                 .where(Registration.status == "active")) == 0


def forget_rq(connection) -> None:
    """RQ's queues, jobs and workers in the test database (nothing else there: the rate limits' keys stay)."""
    for key in connection.scan_iter("rq:*"):
        connection.delete(key)


@needs_redis
def test_rq_on_redis_runs_the_same_job(app, users, small_limits, monkeypatch):
    from rq import SimpleWorker
    url = REDIS  # TEST_REDIS_URL's database: RQ's keys in it are emptied before and after
    connection = redis.Redis.from_url(url)
    forget_rq(connection)
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", url)
    monkeypatch.setattr(worker, "APP", app)
    bulk_rows(app, users["officer"], 6)
    coord = login_as(app, "koord1")
    job_id = job_of(coord.get("/tinjau/ekspor.csv"))
    with app.app_context():
        assert db.session.get(Job, job_id).state == "queued"  # waiting for a worker, not run by the app
        queue = jobs.rq_queue()
        assert queue.count == 1
        jobs.dispatch(job_id)  # dispatched twice (a retry, requeue): one RQ job, and one run
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        job = db.session.get(Job, job_id)
        assert job.state == "done" and job.attempts == 1 and job.summary == {"rows": 6}
    rows = coord.get(f"/tugas/{job_id}/berkas").get_data().decode("utf-8-sig").splitlines()
    assert len(rows) == 7
    forget_rq(connection)


def test_retention_deletes_finished_jobs_and_their_files(app, users):
    with app.app_context():
        old = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="done", attempts=1,
                  finished_at=utcnow() - timedelta(days=2), filename="x.csv")
        new = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="done", attempts=1,
                  finished_at=utcnow(), filename="y.csv")
        db.session.add_all([old, new])
        db.session.flush()
        db.session.add_all([JobChunk(job_id=old.id, seq=0, data=b"x"), JobChunk(job_id=new.id, seq=0, data=b"y")])
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "deleted 1 finished jobs" in result.output
    with app.app_context():
        assert db.session.scalars(db.select(Job.filename)).all() == ["y.csv"]
        assert db.session.scalar(db.select(db.func.count()).select_from(JobChunk)) == 1


def test_the_worker_command_needs_redis(app, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", None)
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "JOBS_REDIS_URL" in result.output


def test_a_large_cohort_is_applied_by_a_job(app, users, small_limits):
    from tests.followup_helpers import programme
    from tests.test_cohort_import import csv_file, registrations
    p = programme(app)
    admin = login_as(app, "admin1")
    token = admin.auth.token("/admin/impor-kohort")
    preview = admin.post("/admin/impor-kohort", data={
        "csrf_token": token, "programme": str(p), "preview": "x",
        "file": (io.BytesIO(csv_file()), "kohort.csv")}, content_type="multipart/form-data")
    digest = preview.get_data(as_text=True).split('name="digest" type="hidden" value="')[1].split('"')[0]
    job_id = job_of(admin.post("/admin/impor-kohort", data={"csrf_token": token, "programme": str(p),
                                                             "digest": digest, "apply": "x"}))
    page = finished(app, admin, job_id)
    assert "Baru: 3" in page and len(registrations(app)) == 3


def test_a_large_programme_member_list_is_a_job(app, users, small_limits):
    from tests.followup_helpers import programme
    p = programme(app)
    bulk_rows(app, users["officer"], 5, status="active", programme_id=p, funding="apbd_kabupaten")
    admin = login_as(app, "admin1")
    job_id = job_of(admin.get(f"/program/{p}/anggota.csv"))
    finished(app, admin, job_id)
    rows = admin.get(f"/tugas/{job_id}/berkas").get_data().decode("utf-8-sig").splitlines()
    assert len(rows) == 6 and rows[0].startswith("Nomor pendaftaran")


def test_a_long_payment_file_is_checked_then_applied_by_jobs(app, users, monkeypatch):
    from tests.followup_helpers import paid_worker
    from tests.test_payment_import import kpj, upload
    from outreach.models import Payment
    monkeypatch.setitem(app.config, "PAYMENT_INLINE_ROWS", 1)
    for i in (1, 2):
        paid_worker(app, users["officer"], i)
    text = ("kpj,bulan_awal,jumlah_bulan,jumlah,tgl_bayar\n"
            f"{kpj(1)},2026-01,3,50400,2026-01-10\n{kpj(2)},2026-02,1,99,2026-02-10\n")
    coord = login_as(app, "koord1")
    check = job_of(upload(coord, text))
    page = finished(app, coord, check)
    assert "Baru: 2" in page and "Jumlah berbeda dari aturan (tetap dicatat): 1" in page and 'id="apply"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 0  # checked, nothing written
    digest = page.split('name="digest" value="')[1].split('"')[0]
    apply = job_of(coord.post("/bayar/impor", data={"csrf_token": coord.auth.token(), "digest": digest,
                                                    "apply": "x"}))
    page = finished(app, coord, apply)
    assert "Baru: 2" in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 2
    bad = job_of(upload(coord, text.replace("2026-02,1", "2026-13,1")))
    page = finished(app, coord, bad)
    assert "Baris bermasalah: 1" in page and 'id="apply"' not in page and "baris 3" in page
