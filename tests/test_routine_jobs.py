"""The timers' routine work as jobs (services/routines.py): automatic messages and retention started by an
admin's button or by `--job`, in this process or on RQ with a real Redis, the same code as the commands; messages
through a real HTTP gateway sent exactly once across reruns, a crash and a restart; retention's summary in counts
only; one job of a kind at a time."""
import json
from datetime import timedelta

import pytest
import redis

from outreach import worker
from outreach.extensions import db
from outreach.models import AuditEvent, Job, Message, Registration
from outreach.models.types import utcnow
from outreach.services import jobs, messages
from tests.review_helpers import bulk_rows, login_as
from tests.test_jobs import finished, forget_rq, job_of
from tests.test_messages import gateway, lapsed_worker  # noqa: F401 - the real HTTP gateway's fixture
from tests.test_rate_limits import REDIS, needs_redis
from tests.test_retention import age, statuses


def press(client, page, button):
    """Post the page's button (found on the page, as a browser would), CSRF token included: the job's id."""
    html = client.get(page).get_data(as_text=True)
    assert f'id="{button}"' in html
    action = html.split(f'id="{button}"')[0].rsplit('<form method="post" action="', 1)[1].split('"')[0]
    return job_of(client.post(action, data={"csrf_token": client.auth.token(page)}))


def send_now(client):
    return press(client, "/tindak-lanjut", "send-messages")


def retention_now(client):
    return press(client, "/privasi", "run-retention")


def job(app, job_id) -> Job:
    with app.app_context():
        found = db.session.get(Job, job_id)
        db.session.expunge(found)
        return found


def sent_ids(gateway) -> list[int]:  # noqa: F811 - the fixture's server
    return [json.loads(request["body"])["id"] for request in gateway.received]


def message_states(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Message.state).order_by(Message.id)))


def test_the_admins_button_sends_the_due_messages_once(app, users, gateway):  # noqa: F811
    for i in (1, 2):
        lapsed_worker(app, users, i)
    assert 'id="send-messages"' not in login_as(app, "koord1").get("/tindak-lanjut").get_data(as_text=True)
    admin = login_as(app, "admin1")
    first = send_now(admin)
    page = finished(app, admin, first)
    assert "Pengiriman pesan otomatis" in page and "Selesai" in page
    assert "Terkirim: 2" in page and "Dicoba lagi nanti: 0" in page and "Gagal, tidak dicoba lagi: 0" in page
    assert '<li data-event="lapsed">Tidak aktif: 2</li>' in page and "Pekerja" not in page
    assert len(set(sent_ids(gateway))) == len(gateway.received) == 2
    done = job(app, first)
    assert done.summary == {"queued": dict.fromkeys(messages.EVENTS, 0) | {"lapsed": 2}, "sent": 2, "to_retry": 0,
                            "failed": 0}
    assert (done.user_id, done.progress, done.total) == (users["admin"], 2, 2)
    again = send_now(admin)  # the first is done: a new run, which finds nothing left to send
    assert again != first and "Terkirim: 0" in finished(app, admin, again)
    assert len(gateway.received) == 2 and message_states(app) == ["sent", "sent"]


def test_a_run_that_dies_midway_or_restarts_never_sends_a_message_twice(app, users, gateway, monkeypatch):  # noqa: F811
    for i in (1, 2, 3):
        lapsed_worker(app, users, i)
    real, calls = messages.deliver, []

    def dies_at_the_second(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise RuntimeError("the worker's machine went away")
        return real(*args, **kwargs)
    monkeypatch.setattr(messages, "deliver", dies_at_the_second)
    with app.app_context():
        crashed = jobs.create("send_messages", {}, users["admin"]).id
        db.session.commit()
        with pytest.raises(RuntimeError):
            worker.run(crashed)
    assert len(gateway.received) == 1 and job(app, crashed).state == "failed"
    assert message_states(app) == ["sent", "queued", "queued"]  # the first one's fate was committed at once
    monkeypatch.setattr(messages, "deliver", real)
    with app.app_context():  # or its worker was killed: the job left running, taken again once silent too long
        db.session.execute(db.update(Job).where(Job.id == crashed).values(
            state="running", heartbeat_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
        worker.run(crashed)
    restarted = job(app, crashed)
    assert (restarted.state, restarted.attempts, restarted.summary["sent"]) == ("done", 2, 0)
    assert len(gateway.received) == 1  # the two claimed by the dead run wait for their claim to lapse
    with app.app_context():
        db.session.execute(db.update(Message).where(Message.state == "queued").values(next_attempt_at=utcnow()))
        db.session.commit()
    admin = login_as(app, "admin1")
    assert "Terkirim: 2" in finished(app, admin, send_now(admin))
    assert len(set(sent_ids(gateway))) == len(gateway.received) == 3  # each message once
    assert message_states(app) == ["sent"] * 3


def test_a_missing_setting_fails_the_job_in_words_for_the_admin(app, users, gateway, monkeypatch):  # noqa: F811
    lapsed_worker(app, users, 1)
    admin = login_as(app, "admin1")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", None)
    page = finished(app, admin, send_now(admin))
    assert "Gagal" in page and "Alamat publik aplikasi (PUBLIC_BASE_URL) belum diatur" in page
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://bpu.example.go.id")
    monkeypatch.setitem(app.config, "MESSAGE_GATEWAY_URL", None)
    page = finished(app, admin, send_now(admin))
    assert "Gateway pesan belum diatur (MESSAGE_GATEWAY_URL)" in page
    assert message_states(app) == [] and gateway.received == []
    result = app.test_cli_runner().invoke(args=["messages", "send", "--job"])  # the command says the same
    assert result.exit_code != 0 and "Gateway pesan belum diatur" in result.output


def test_the_retention_button_erases_what_is_due_and_says_counts_only(app, users, make_user):
    officer = users["officer"]
    old_rejected = bulk_rows(app, officer, 2, start=1, status="rejected")
    new_rejected = bulk_rows(app, officer, 1, start=3, status="rejected")
    stale_active = bulk_rows(app, officer, 1, start=4, status="active")
    age(app, old_rejected, 200)
    age(app, new_rejected, 100)
    age(app, stale_active, 365 * 5 + 10)
    assert 'id="run-retention"' not in login_as(app, "koord1").get("/privasi").get_data(as_text=True)
    admin = login_as(app, "admin1")
    job_id = retention_now(admin)
    page = finished(app, admin, job_id)
    assert "Penghapusan data yang lewat masa simpan" in page and "Selesai" in page
    assert "Pendaftaran yang data pribadinya dihapus: 3" in page
    assert '<li data-status="rejected">Ditolak: 2</li>' in page and "Terdaftar (KPJ terbit): 1" in page
    for personal in old_rejected + stale_active + ["Pekerja", "+62"]:
        assert personal not in page
    assert job(app, job_id).summary == {"erased": {"active": 1, "rejected": 2}, "files": 0, "jobs": 0}
    now = statuses(app)
    assert [now[n] for n in old_rejected + stale_active] == ["erased"] * 3 and now[new_rejected[0]] == "rejected"
    with app.app_context():
        trail = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "erase")).all()
        assert len(trail) == 3 and all(e.user_id is None and e.details["why"] == "retention" for e in trail)
        assert db.session.scalar(db.select(Registration).where(Registration.number == stale_active[0])).nik is None
    make_user("admin2", "admin")  # the district's routine work: any admin sees it, nobody else
    assert login_as(app, "admin2").get(f"/tugas/{job_id}").status_code == 200
    assert login_as(app, "koord1").get(f"/tugas/{job_id}").status_code == 403


def test_a_retention_job_erases_all_it_found_or_nothing(app, users, monkeypatch):
    from outreach.services import erasure
    numbers = bulk_rows(app, users["officer"], 3, start=1, status="rejected")
    age(app, numbers, 200)
    real, calls = erasure.erase, []

    def fails_at_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)
    monkeypatch.setattr(erasure, "erase", fails_at_the_third)
    admin = login_as(app, "admin1")
    page = finished(app, admin, retention_now(admin))
    assert "Gagal" in page and set(statuses(app).values()) == {"rejected"}  # the first two were not kept either
    monkeypatch.setattr(erasure, "erase", real)
    assert "Pendaftaran yang data pribadinya dihapus: 3" in finished(app, admin, retention_now(admin))


def test_one_routine_job_of_a_kind_at_a_time(app, users, make_user):
    other = make_user("admin2", "admin")
    with app.app_context():
        running = Job(kind="retention", user_id=other, params={}, state="running", attempts=1, heartbeat_at=utcnow())
        sending = Job(kind="send_messages", user_id=other, params={}, state="running", attempts=1, progress=1,
                      total=4, heartbeat_at=utcnow())
        db.session.add_all([running, sending])
        db.session.commit()
        running_id, sending_id = running.id, sending.id
    admin = login_as(app, "admin1")
    assert retention_now(admin) == running_id and send_now(admin) == sending_id  # sent to it, none made
    page = admin.get(f"/tugas/{sending_id}")
    assert page.headers["Refresh"] == "2" and "1 dari 4 pesan" in page.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["retention", "run", "--job"])
    assert result.output.splitlines()[-1] == str(running_id)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Job.id))) == 2
        db.session.execute(db.update(Job).where(Job.id == running_id).values(  # its worker died long ago
            heartbeat_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    fresh = retention_now(admin)
    assert fresh not in (running_id, sending_id) and "Selesai" in finished(app, admin, fresh)


def test_the_commands_with_job_run_it_here_and_print_the_summary(app, users, gateway, make_user):  # noqa: F811
    lapsed_worker(app, users, 1)
    (old,) = bulk_rows(app, users["officer"], 1, start=7, status="rejected")
    age(app, [old], 200)
    make_user("admin0", "admin", active=False)
    runner = app.test_cli_runner()
    sent = runner.invoke(args=["messages", "send", "--job"])
    assert sent.exit_code == 0, sent.output
    assert "lapsed 1" in sent.output and "sent 1, to retry 0, failed 0" in sent.output
    erased = runner.invoke(args=["retention", "run", "--job", "--user", "admin1"])
    assert erased.exit_code == 0, erased.output
    assert "erased 1 registrations (rejected: 1)" in erased.output and old not in erased.output
    with app.app_context():
        made = db.session.execute(db.select(Job.kind, Job.state, Job.user_id).order_by(Job.id)).all()
    assert made == [("send_messages", "done", users["admin"]), ("retention", "done", users["admin"])]
    assert len(gateway.received) == 1
    assert runner.invoke(args=["retention", "run", "--job", "--dry-run"]).exit_code != 0
    nobody = runner.invoke(args=["retention", "run", "--job", "--user", "admin0"])
    assert nobody.exit_code != 0 and "an active admin account is needed" in nobody.output


@needs_redis
def test_on_rq_the_command_prints_the_job_id_and_a_worker_sends_once(app, users, gateway, monkeypatch):  # noqa: F811
    from rq import SimpleWorker
    connection = redis.Redis.from_url(REDIS)
    forget_rq(connection)
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", REDIS)
    monkeypatch.setattr(worker, "APP", app)
    lapsed_worker(app, users, 1)
    try:
        result = app.test_cli_runner().invoke(args=["messages", "send", "--job"])
        assert result.exit_code == 0, result.output
        job_id = int(result.output.splitlines()[-1])
        assert job(app, job_id).state == "queued" and gateway.received == []  # waiting for a worker
        admin = login_as(app, "admin1")
        assert send_now(admin) == job_id  # the button finds it under way
        with app.app_context():
            queue = jobs.rq_queue()
            jobs.dispatch(job_id)  # handed over twice (a requeue): still run once
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        done = job(app, job_id)
        assert (done.state, done.attempts, done.summary["sent"]) == ("done", 1, 1)
        assert len(gateway.received) == 1
        assert "Terkirim: 1" in finished(app, admin, job_id)
        retention = retention_now(admin)
        with app.app_context():
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert job(app, retention).summary == {"erased": {}, "files": 0, "jobs": 0}
    finally:
        forget_rq(connection)
