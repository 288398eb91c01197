"""Coordinators move registrations along the workflow: the review page's forms, the API, KPJ numbers, reasons."""
import html
import re
import threading

import pytest

from outreach.extensions import db
from outreach.models import AuditEvent, Registration, RegistrationEvent
from tests.conftest import Auth
from tests.enrollment import field_errors, worker
from tests.review_helpers import api, bulk_rows, current, enroll, login_as, move, submitted


# The workflow through the HTML forms and the API

def test_the_whole_road_to_active_is_recorded(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    assert move(coordinator, number, "verified").status_code == 302
    assert move(coordinator, number, "submitted").status_code == 302
    assert move(coordinator, number, "active", kpj="1234 5678 901").status_code == 302
    r = current(app, number)
    assert (r.status, r.kpj, r.version) == ("active", "12345678901", 4)
    page = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert "Diajukan ke BPJS Ketenagakerjaan → Terdaftar (KPJ terbit)" in page and "KPJ 12345678901" in page
    with app.app_context():
        moves = [e.changes for e in db.session.scalars(db.select(RegistrationEvent).where(
            RegistrationEvent.kind == "transition").order_by(RegistrationEvent.id))]
        assert [(m["from"], m["to"]) for m in moves] == [("pending", "verified"), ("verified", "submitted"), ("submitted", "active")]
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action == "transition")) == 3


def test_return_with_a_note_then_the_officer_corrects_and_it_is_pending_again(app, officer, visit_id, coordinator, client, auth):
    number = enroll(officer, visit_id)
    assert move(coordinator, number, "returned", reason="incomplete").status_code == 422  # a note is required
    assert move(coordinator, number, "returned", reason="incomplete", note="Alamat kurang RT/RW").status_code == 302
    officer_page = client.get(f"/pendaftaran/{number}").get_data(as_text=True)
    assert "Catatan koordinator: Alamat kurang RT/RW" in officer_page
    # the officer's own history names the move and its reason, not a bare "diubah"
    assert re.search(r"Menunggu verifikasi → Perlu perbaikan\s*· Data salah atau tidak lengkap: <q>Alamat kurang RT/RW</q>",
                     officer_page)
    page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    version = page.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    response = client.post(f"/pendaftaran/{number}/ubah", data={**worker(address="Dusun I RT 01 RW 02 No. 5"),
                                                               "version": version, "csrf_token": auth.token(), "submit": "x"})
    assert response.status_code == 302
    r = current(app, number)
    assert r.status == "pending" and r.address == "Dusun I RT 01 RW 02 No. 5"
    history = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert "Perlu perbaikan → Menunggu verifikasi" in history
    assert "Alamat: … → …" in history and "address" not in history  # personal values are kept masked


def test_reject_needs_a_reason_and_the_worker_sees_it(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    assert move(coordinator, number, "rejected").status_code == 422
    assert move(coordinator, number, "rejected", reason="withdrew").status_code == 422  # and a note
    assert move(coordinator, number, "rejected", reason="withdrew", note="Pekerja membatalkan").status_code == 302
    assert current(app, number).reason == "withdrew"


def test_a_kpj_number_belongs_to_one_registration(app, officer, visit_id, coordinator):
    first, second = submitted(app, officer, visit_id, coordinator, 2)
    assert move(coordinator, first, "active", kpj="12345678901").status_code == 302
    page = move(coordinator, second, "active", kpj="12345678901")
    assert page.status_code == 422 and "Nomor KPJ ini sudah dipakai." in page.get_data(as_text=True)


def test_impossible_moves_are_refused_everywhere(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    version = current(app, number).version
    response = api(coordinator, number, to="active", kpj="12345678901", version=version)
    assert response.status_code == 409 and response.get_json()["registration"]["status"] == "pending"
    assert move(coordinator, number, "active", kpj="12345678901").status_code == 302  # back to the page, with a message
    assert current(app, number).status == "pending"
    assert api(coordinator, number, to="flying").status_code == 409


def test_api_transition_answers(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    body = api(coordinator, number, to="verified", version=1).get_json()
    assert body["status"] == "verified" and body["version"] == 2 and body["nik"] == "************0001"
    assert [h["kind"] for h in body["history"]] == ["created", "transition"]
    assert api(coordinator, number, to="submitted", version=1).status_code == 409  # stale
    bad = api(coordinator, number, to="active", version=2)
    assert bad.status_code == 409  # verified -> active is not a move
    assert api(coordinator, number, to="submitted", version="2").status_code == 422
    officer_answer = officer.client.post(f"/api/v1/registrations/{number}/transition", json={"to": "submitted", "version": 2},
                                         headers={"X-CSRFToken": officer.auth.token()})
    assert officer_answer.status_code == 403


def test_two_coordinators_at_once_one_wins_the_other_is_told(app, officer, visit_id, coordinator, make_user):
    number = enroll(officer, visit_id)
    make_user("koord2", "coordinator")
    other = app.test_client()
    other.auth = Auth(other)
    other.auth.login("koord2")
    seen = current(app, number).version
    assert api(coordinator, number, to="verified", version=seen).status_code == 200
    late = api(other, number, to="returned", note="cek", version=seen)
    assert late.status_code == 409
    assert "baru saja diubah orang lain" in late.get_json()["error"]
    assert late.get_json()["registration"]["status"] == "verified"


def test_concurrent_transitions_exactly_one_succeeds(app, officer, visit_id, users, make_user):
    """Several coordinators press at the same instant with the same version: one move, one event."""
    number = enroll(officer, visit_id)
    clients = []
    for i in range(4):
        make_user(f"kc{i}", "coordinator")
        c = app.test_client()
        c.auth = Auth(c)
        c.auth.login(f"kc{i}")
        clients.append((c, c.auth.token()))
    start, codes = threading.Barrier(len(clients)), []

    def press(c, token):
        start.wait()
        codes.append(c.post(f"/api/v1/registrations/{number}/transition", json={"to": "verified", "version": 1},
                            headers={"X-CSRFToken": token}).status_code)

    threads = [threading.Thread(target=press, args=pair) for pair in clients]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(codes) == [200, 409, 409, 409]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(RegistrationEvent)
                                 .where(RegistrationEvent.kind == "transition")) == 1
    assert current(app, number).version == 2


# One KPJ per registration, held by the database

def test_a_kpj_taken_between_the_check_and_the_write_is_refused_next_to_the_field(app, officer, visit_id, coordinator,
                                                                                  monkeypatch):
    """The friendly check can be raced (two coordinators at once); the unique index still refuses, as a 422."""
    from outreach.services import review as service
    first, second, third = submitted(app, officer, visit_id, coordinator, 3)
    assert move(coordinator, first, "active", kpj="12345678901").status_code == 302
    monkeypatch.setattr(service, "kpj_in_use", lambda *args, **kwargs: False)  # as if both checked at once
    page = move(coordinator, second, "active", kpj="1234 5678 901")
    assert page.status_code == 422
    errors = field_errors(page.get_data(as_text=True))
    assert errors["active-kpj"] == "Nomor KPJ ini sudah dipakai."
    version = current(app, third).version
    answer = api(coordinator, third, to="active", kpj="12345678901", version=version)
    assert answer.status_code == 422 and answer.get_json()["errors"] == {"kpj": ["Nomor KPJ ini sudah dipakai."]}
    assert answer.get_json()["registration"]["status"] == "submitted"
    assert (current(app, second).status, current(app, second).kpj) == ("submitted", None)


def test_two_registrations_activated_with_one_kpj_at_the_same_instant(app, officer, visit_id, coordinator, make_user):
    """On PostgreSQL the second transaction waits on the unique index, then fails: one 200, one 422."""
    first, second = submitted(app, officer, visit_id, coordinator, 2)
    make_user("koord2", "coordinator")
    pairs = [(c, c.auth.token(), n, current(app, n).version) for c, n in
             ((coordinator, first), (login_as(app, "koord2"), second))]
    start, codes = threading.Barrier(2), []

    def press(c, token, number, version):
        start.wait()
        codes.append(c.post(f"/api/v1/registrations/{number}/transition", headers={"X-CSRFToken": token},
                            json={"to": "active", "kpj": "55555555555", "version": version}).status_code)

    threads = [threading.Thread(target=press, args=pair) for pair in pairs]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    assert sorted(codes) == [200, 422]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Registration)
                                 .where(Registration.kpj == "55555555555")) == 1


def test_the_database_refuses_a_second_registration_with_the_same_kpj(app, users):
    from sqlalchemy.exc import IntegrityError
    bulk_rows(app, users["officer"], 2, status="active", kpj=None)
    with app.app_context():
        db.session.execute(db.update(Registration).where(Registration.number == "BT-00000000").values(kpj="12345678901"))
        with pytest.raises(IntegrityError):
            db.session.execute(db.update(Registration).where(Registration.number == "BT-00000001")
                               .values(kpj="12345678901"))
        db.session.rollback()


# Return reasons: chosen by the coordinator, shown as a category to the worker, cleared on correction

def status_page(app, number) -> str:
    from outreach.services import receipts
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        token = receipts.token_of(receipts.current(r))
    return app.test_client().get(f"/s/{token}").get_data(as_text=True)


def test_returning_needs_a_reason_the_worker_reads_the_category_not_the_note(app, officer, visit_id, coordinator,
                                                                            client, auth):
    number = enroll(officer, visit_id)
    refused = move(coordinator, number, "returned", note="NIK di KTP 1903015508900001, HP 0812-3456-7890")
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True))["returned-reason"] == "Pilih alasan pengembalian."
    assert move(coordinator, number, "returned", reason="nik_mismatch",
                note="NIK di KTP 1903015508900001, HP 0812-3456-7890").status_code == 302
    assert current(app, number).reason == "nik_mismatch"
    review = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert review.count("NIK atau nama tidak cocok dengan KTP") == 2  # beside the status, and in the timeline
    page = status_page(app, number)
    assert 'data-status="returned"' in page and 'data-reason="nik_mismatch"' in page
    assert "NIK atau nama pada pendaftaran belum cocok dengan KTP." in page
    assert "Tunjukkan KTP asli kepada petugas" in page
    assert "1903015508900001" not in page and "3456" not in page and "NIK di KTP" not in page
    # The officer corrects it: back to pending, and the return reason goes with the return.
    edit_page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    version = edit_page.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    client.post(f"/pendaftaran/{number}/ubah", data={**worker(address="Dusun I RT 01 RW 02 No. 5"),
                                                     "version": version, "csrf_token": auth.token(), "submit": "x"})
    assert (current(app, number).status, current(app, number).reason) == ("pending", None)
    assert "data-reason" not in status_page(app, number)


def test_the_api_returns_with_a_reason_code(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    missing = api(coordinator, number, to="returned", note="Foto KTP buram", version=1)
    assert missing.status_code == 422 and missing.get_json()["errors"] == {"reason": ["Pilih alasan pengembalian."]}
    wrong = api(coordinator, number, to="returned", reason="duplicate", note="Foto KTP buram", version=1)
    assert wrong.status_code == 422  # a rejection reason is not a return reason
    body = api(coordinator, number, to="returned", reason="ktp_needed", note="Foto KTP buram", version=1).get_json()
    assert body["status"] == "returned" and body["reason"] == "ktp_needed"
    assert body["history"][-1]["changes"]["reason"] == "ktp_needed"


@pytest.mark.parametrize("status, reason, category, next_step", [
    ("returned", "incomplete", "salah atau belum lengkap", "Petugas akan menghubungi Anda untuk melengkapinya"),
    ("returned", "ktp_needed", "perlu melihat KTP", "Siapkan KTP dan Kartu Keluarga"),
    ("returned", "income_program", "Penghasilan, program", "untuk memastikannya"),
    ("returned", None, "Pendaftaran Anda perlu diperbaiki.", "Petugas akan menghubungi Anda."),  # before reasons
    ("rejected", "withdrew", "dibatalkan atas permintaan Anda", "mendaftar lagi"),
])
def test_the_status_page_says_why_and_what_to_do_next(app, officer, visit_id, status, reason, category, next_step):
    number = enroll(officer, visit_id)
    with app.app_context():
        db.session.execute(db.update(Registration).where(Registration.number == number)
                           .values(status=status, reason=reason))
        db.session.commit()
    page = html.unescape(status_page(app, number))
    assert category in page and next_step in page


# Demo data walks the workflow

def test_demo_histories_follow_the_workflow_and_fill_the_flag_filters(app, users):
    import random

    from outreach import demo
    from outreach.domain import workflow
    with app.app_context():
        assert demo.seed({"19.03.01": (users["officer"], users["coordinator"])}, count=150, rng=random.Random(7)) == 150
        rows = db.session.scalars(db.select(Registration)).all()
        for r in rows:
            status, moves = "pending", [e for e in r.events if e.kind == "transition"]
            for e in moves:
                assert e.changes["from"] == status and (status, e.changes["to"]) in workflow.TRANSITIONS
                status = e.changes["to"]
            assert status == r.status and r.is_demo
            assert r.reason == (moves[-1].changes.get("reason") if r.status in ("returned", "rejected") else None)
            assert [e.at for e in r.events] == sorted(e.at for e in r.events)
        flags = {f for r in rows for f in r.flags}
    assert {"outside_district", "minor", "probable_duplicate"} <= flags
