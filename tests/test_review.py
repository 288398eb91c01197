"""Coordinators at work: the queue, the workflow with its audit trail, KPJ numbers, exports, the dashboard."""
import csv
import html
import io
import re
import threading
import tracemalloc
import zipfile
from datetime import date

import pytest

from outreach.extensions import db
from outreach.models import AuditEvent, Registration, RegistrationEvent
from tests.conftest import LEPAR, Auth
from tests.enrollment import field_errors, worker


def enroll(officer, visit_id, **changes) -> str:
    response = officer.register(visit_id, worker(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture(autouse=True)
def kept_files(tmp_path, monkeypatch):
    """Previewed KPJ files wait in a scratch folder, not in the repository's instance folder."""
    from outreach.services import kpj_import
    monkeypatch.setattr(kpj_import, "UPLOAD_DIR", str(tmp_path / "kpj-imports"))
    return tmp_path / "kpj-imports"


@pytest.fixture
def coordinator(app, users):
    client = app.test_client()
    auth = Auth(client)
    auth.login("koord1")
    client.auth = auth
    return client


def api(client, number, **body):
    return client.post(f"/api/v1/registrations/{number}/transition", json=body,
                       headers={"X-CSRFToken": client.auth.token()})


def current(app, number) -> Registration:
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        db.session.expunge(r)
        return r


def move(client, number, to, **fields):
    version = client.get(f"/api/v1/registrations/{number}").get_json()["version"]
    data = {"csrf_token": client.auth.token(), "to": to, f"{to}-version": version}
    data.update({f"{to}-{k}": v for k, v in fields.items()})
    return client.post(f"/tinjau/{number}/status", data=data)


# The workflow through the HTML forms and the API

def test_the_whole_road_to_active_is_recorded(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    assert move(coordinator, number, "verified").status_code == 302
    assert move(coordinator, number, "submitted").status_code == 302
    assert move(coordinator, number, "active", kpj="1234 5678 901").status_code == 302
    r = current(app, number)
    assert (r.status, r.kpj, r.version) == ("active", "12345678901", 4)
    page = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert "Diajukan ke BPJS Ketenagakerjaan → Aktif" in page and "KPJ 12345678901" in page
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
    assert "Perlu perbaikan → Menunggu verifikasi" in history and "<code>address</code>" in history


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


def test_bulk_verify_and_mark_submitted(app, officer, visit_id, coordinator):
    numbers = [enroll(officer, visit_id, nik=f"19030115089{n:05d}", sex="M", full_name=f"Pekerja {n}") for n in (1, 2, 3)]
    page = coordinator.get("/tinjau?status=pending").get_data(as_text=True)
    data = {"csrf_token": coordinator.auth.token(), "to": "verified", "number": numbers[:2]}
    for n in numbers:
        data[f"v-{n}"] = page.split(f'name="v-{n}" value="')[1].split('"')[0]
    coordinator.post("/tinjau/massal", data=data)
    assert [current(app, n).status for n in numbers] == ["verified", "verified", "pending"]
    data["to"] = "submitted"
    data.update({f"v-{n}": 2 for n in numbers[:2]})
    coordinator.post("/tinjau/massal", data=data)
    assert [current(app, n).status for n in numbers] == ["submitted", "submitted", "pending"]


# Queue, detail, NIK reveal, audit

def test_queue_filters_search_and_counts(app, officer, visit_id, coordinator):
    siti = enroll(officer, visit_id)
    budi = enroll(officer, visit_id, nik="1903011508900002", full_name="Budi Santoso", sex="M", occupation="petani",
                  village_code="19.03.01.1002")
    page = coordinator.get("/tinjau").get_data(as_text=True)
    assert siti in page and budi in page and 'data-count="pending">Menunggu verifikasi <strong>2</strong>' in page
    assert "************0001" in page and "1903015508900001" not in page
    assert budi not in coordinator.get("/tinjau?desa=19.03.01.1001").get_data(as_text=True)
    assert siti not in coordinator.get("/tinjau?occupation=petani").get_data(as_text=True)
    assert budi not in coordinator.get("/tinjau?q=0001").get_data(as_text=True)  # last four NIK digits
    assert siti not in coordinator.get("/tinjau?q=budi").get_data(as_text=True)
    for typed in (siti, siti.lower(), f"  {siti} ", siti[-6:]):  # the whole number (any case) or a piece of it
        found = coordinator.get("/tinjau", query_string={"q": typed}).get_data(as_text=True)
        assert siti in found and budi not in found, typed
    for wildcard in ("%", "_", "BS-%"):
        assert siti not in coordinator.get("/tinjau", query_string={"q": wildcard}).get_data(as_text=True)
    today = date.today().isoformat()
    assert siti in coordinator.get(f"/tinjau?from={today}&to={today}").get_data(as_text=True)
    assert siti not in coordinator.get("/tinjau?to=2020-01-01").get_data(as_text=True)
    oldest = coordinator.get("/tinjau?sort=oldest").get_data(as_text=True)
    assert oldest.index(siti) < oldest.index(budi)


def test_queue_flag_filter(app, officer, visit_id, coordinator):
    migrant = enroll(officer, visit_id, nik="3201015508900001")
    local = enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M")
    page = coordinator.get("/tinjau?flag=outside_district").get_data(as_text=True)
    assert migrant in page and local not in page


def test_keyset_pages_do_not_repeat_or_skip(app, officer, visit_id, coordinator, monkeypatch):
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 2)
    numbers = {enroll(officer, visit_id, nik=f"19030115089{n:05d}", sex="M", full_name=f"P {n}") for n in range(1, 6)}
    seen, url = [], "/tinjau"
    while url:
        page = coordinator.get(url).get_data(as_text=True)
        seen += [n for n in numbers if f'data-number="{n}"' in page]
        following = re.search(r'href="([^"]+)">Halaman berikutnya', page)
        url = html.unescape(following.group(1)) if following else None
    assert sorted(seen) == sorted(numbers) and len(seen) == len(numbers)


def test_revealing_the_nik_needs_a_reason_and_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    assert "1903015508900001" not in coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    refused = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(), "purpose": ""})
    assert refused.status_code == 422 and "1903015508900001" not in refused.get_data(as_text=True)
    shown = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                           "purpose": "Cocokkan dengan KTP"})
    assert "1903015508900001" in shown.get_data(as_text=True)
    trail = coordinator.get(f"/audit?number={number}").get_data(as_text=True)
    assert "membuka NIK" in trail and "Cocokkan dengan KTP" in trail and "melihat" in trail


def test_every_look_at_a_workers_pages_by_others_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    officer.client.get(f"/pendaftaran/{number}")  # the officer's own look is not an event
    coordinator.get(f"/pendaftaran/{number}")
    coordinator.get(f"/pendaftaran/{number}/tanda-terima")
    with app.app_context():
        pages = [e.details.get("page") for e in db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.id))]
    assert pages == ["enroll.registration", "receipts.show"]


def test_audit_screen_is_limited_to_the_kecamatan(app, officer, visit_id, coordinator, make_user):
    number = enroll(officer, visit_id)
    coordinator.get(f"/tinjau/{number}")
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    other = app.test_client()
    Auth(other).login("koord_lepar")
    assert number not in other.get("/audit").get_data(as_text=True)
    admin = app.test_client()
    Auth(admin).login("admin1")
    assert number in admin.get("/audit").get_data(as_text=True)


# KPJ import

def submitted(app, officer, visit_id, coordinator, n) -> list[str]:
    numbers = []
    for i in range(1, n + 1):
        number = enroll(officer, visit_id, nik=f"19030115089{i:05d}", sex="M", full_name=f"Nelayan {i}")
        move(coordinator, number, "verified")
        move(coordinator, number, "submitted")
        numbers.append(number)
    return numbers


def upload(client, text, apply=False, content=None):
    """Preview a file (text or bytes) and, with apply, confirm that preview as the page's button does."""
    raw = content if content is not None else text
    data = {"csrf_token": client.auth.token(), "preview": "x",
            "file": (io.BytesIO(raw if isinstance(raw, bytes) else raw.encode()), "kpj.csv")}
    preview = client.post("/tinjau/kpj", data=data, content_type="multipart/form-data")
    if not apply:
        return preview
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview.get_data(as_text=True))
    assert digest, preview.get_data(as_text=True)[:500]
    return client.post("/tinjau/kpj", data={"csrf_token": client.auth.token(), "digest": digest[1], "apply": "x"})


def test_kpj_import_previews_then_applies_everything(app, officer, visit_id, coordinator):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    text = f"number,kpj\n{a},11111111111\n{b},2222 2222 222\n"
    preview = upload(coordinator, text).get_data(as_text=True)
    assert preview.count('data-ok="yes"') == 2 and "2 dari 2 baris siap." in preview
    assert current(app, a).status == "submitted"  # a preview changes nothing
    response = upload(coordinator, "", apply=True, content=text)
    assert response.status_code == 302
    assert (current(app, a).kpj, current(app, b).kpj) == ("11111111111", "22222222222")


def test_kpj_import_by_nik_with_semicolons(app, officer, visit_id, coordinator):
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    upload(coordinator, "", apply=True, content="nik;kpj\n1903011508900001;33333333333\n")
    assert current(app, a).status == "active"


def test_kpj_import_with_one_bad_row_applies_nothing(app, officer, visit_id, coordinator):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    text = f"number,kpj\n{a},11111111111\n{b},123\nBS-0000-000000,44444444444\n{a},11111111111\n"
    preview = upload(coordinator, text).get_data(as_text=True)
    assert "Nomor KPJ harus 11 angka." in preview and "Tidak ditemukan di wilayah Anda." in preview
    assert "Nomor KPJ ini sudah dipakai." in preview
    page = upload(coordinator, "", apply=True, content=text).get_data(as_text=True)
    assert "tidak ada yang diterapkan" in page
    assert current(app, a).status == "submitted" and current(app, a).kpj is None


def test_kpj_import_rolls_back_when_a_row_changes_under_it(app, officer, visit_id, coordinator, monkeypatch):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    from outreach.services import review as service
    real = service.transition
    calls = {"n": 0}

    def flaky(registration, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise service.Refused(409, ["changed meanwhile"], registration)
        return real(registration, *args, **kwargs)

    monkeypatch.setattr(service, "transition", flaky)
    upload(coordinator, "", apply=True, content=f"number,kpj\n{a},11111111111\n{b},22222222222\n")
    assert (current(app, a).status, current(app, a).kpj) == ("submitted", None)


def test_kpj_import_refuses_a_file_without_the_columns(coordinator, users):
    page = upload(coordinator, "nama,nomor_hp\nx,y\n").get_data(as_text=True)
    assert "Berkas harus punya kolom kpj" in page


# Exports

def test_csv_export_has_a_bom_the_columns_and_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id, full_name="=HYPERLINK(1)")
    response = coordinator.get("/tinjau/ekspor.csv?status=pending")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Nomor pendaftaran", "NIK", "Nama lengkap"]
    assert rows[1][:3] == [number, "1903015508900001", "'=HYPERLINK(1)"]
    assert rows[1][6] == "081234567890" and rows[1][8] == "Toboali"
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.details["rows"] == 1 and event.details["filter"]["status"] == "pending"


def test_xlsx_export_is_a_workbook_with_the_rows(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    data = coordinator.get("/tinjau/ekspor.xlsx").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    assert number in sheet + strings and "1903015508900001" in sheet + strings


def test_officers_cannot_export(officer, client):
    assert client.get("/tinjau/ekspor.csv").status_code == 403


def test_export_of_100k_rows_streams_in_flat_memory(app, users):
    """Memory during the export must not grow with the number of rows."""
    with app.app_context():
        base = {"status": "submitted", "officer_id": users["officer"], "birth_place": "Toboali",
                "birth_date": date(1990, 8, 15), "sex": "M", "phone": "+6281234567890", "address": "Dusun I",
                "village_code": "19.03.01.1001", "kecamatan_code": "19.03.01", "occupation": "nelayan",
                "monthly_income": 1_000_000, "programs": ["JKK", "JKM"], "payment_period": 1, "funding": "self",
                "heir_name": "Ahli", "heir_relation": "anak", "consent_version": "t", "contribution": {},
                "flags": [], "version": 1, "is_demo": False}
        from outreach.models.types import utcnow
        now = utcnow()
        for start in range(0, 100_000, 10_000):
            db.session.execute(db.insert(Registration), [
                {**base, "number": f"BX-{i:08d}", "client_id": f"00000000-0000-4000-8000-{i:012d}",
                 "nik": f"19030115{i:08d}", "nik_last4": f"{i:08d}"[-4:], "full_name": f"Pekerja {i}",
                 "name_key": f"PEKERJA {i}", "consent_at": now, "created_at": now, "updated_at": now}
                for i in range(start, start + 10_000)])
        db.session.commit()
    client = app.test_client()
    Auth(client).login("admin1")
    tracemalloc.start()
    response = client.get("/tinjau/ekspor.csv")
    lines, peak_after_10k = 0, None
    for chunk in response.response:
        lines += chunk.count("\n") if isinstance(chunk, str) else chunk.count(b"\n")
        if peak_after_10k is None and lines > 10_000:
            tracemalloc.reset_peak()
            peak_after_10k = tracemalloc.get_traced_memory()[0]
    current_size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    response.close()
    assert lines == 100_001
    # After the first 10k rows, the remaining 90k may not add more than a few MB (one batch and a buffer).
    assert peak - peak_after_10k < 8 * 1024 * 1024, f"memory grew by {(peak - peak_after_10k) / 1e6:.1f} MB"


# Dashboard

def test_dashboard_shows_coverage_against_a_target(app, officer, visit_id, coordinator):
    enroll(officer, visit_id)
    enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M")
    token = coordinator.auth.token("/dasbor")
    response = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001",
                                                 "informal_workers": "8"})
    assert response.status_code == 302
    page = coordinator.get("/dasbor").get_data(as_text=True)
    assert "25.0% (2/8)" in page and "Nelayan" in page and 'x1="21"' in page
    assert 'data-coverage="19.03.01"' in page  # the kecamatan as a whole: the sum of its desa targets
    assert 'data-count="pending"><strong>2</strong>' in page
    refused = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.02.2001",
                                                "informal_workers": "abc"}).get_data(as_text=True)
    assert "Isi angka 1 sampai 1.000.000." in refused


def test_admin_sees_kecamatan_and_drills_into_one(app, officer, visit_id, users):
    enroll(officer, visit_id)
    admin = app.test_client()
    admin.auth = Auth(admin)
    admin.auth.login("admin1")
    overview = admin.get("/dasbor").get_data(as_text=True)
    assert 'data-coverage="19.03.02"' in overview and "Cakupan per kecamatan" in overview
    token = admin.auth.token("/dasbor?kecamatan=19.03.01")
    admin.post("/dasbor?kecamatan=19.03.01", data={"csrf_token": token, "region_code": "19.03.01", "informal_workers": "4"})
    drilled = admin.get("/dasbor?kecamatan=19.03.01").get_data(as_text=True)
    assert "Kecamatan Toboali" in drilled and "25.0% (1/4)" in drilled and 'data-coverage="19.03.01.1001"' in drilled


# Audit findings, each with the journey that showed it

def bulk_rows(app, officer_id, n, start=0, **overrides) -> list[str]:
    """n registrations written straight to the table (the queue's tests need many, and control of dates)."""
    from outreach.models.types import utcnow
    now = utcnow()
    base = {"status": "pending", "officer_id": officer_id, "birth_place": "Toboali", "birth_date": date(1990, 8, 15),
            "sex": "M", "phone": "+6281234567890", "address": "Dusun I", "village_code": "19.03.01.1001",
            "kecamatan_code": "19.03.01", "occupation": "nelayan", "monthly_income": 1_000_000,
            "programs": ["JKK", "JKM"], "payment_period": 1, "funding": "self", "heir_name": "Ahli",
            "heir_relation": "anak", "consent_version": "t", "contribution": {}, "flags": [], "version": 1,
            "is_demo": False, "consent_at": now, "created_at": now, "updated_at": now}
    rows = [{**base, "number": f"BT-{i:08d}", "client_id": f"00000000-0000-4000-8000-{i:012d}",
             "nik": f"19030115{i:08d}", "nik_last4": f"{i:08d}"[-4:], "full_name": f"Pekerja {i}",
             "name_key": f"PEKERJA {i}", **overrides} for i in range(start, start + n)]
    with app.app_context():
        db.session.execute(db.insert(Registration), rows)
        db.session.commit()
    return [r["number"] for r in rows]


def login_as(app, username):
    client = app.test_client()
    client.auth = Auth(client)
    client.auth.login(username)
    return client


# 1. One KPJ per registration, held by the database

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


def test_a_kpj_import_racing_another_coordinator_applies_nothing_and_names_the_row(app, officer, visit_id,
                                                                                    coordinator, monkeypatch):
    from outreach.services import review as service
    a, b, c = submitted(app, officer, visit_id, coordinator, 3)
    monkeypatch.setattr(service, "kpj_in_use", lambda *args, **kwargs: False)
    assert move(coordinator, c, "active", kpj="22222222222").status_code == 302
    page = upload(coordinator, f"number,kpj\n{a},11111111111\n{b},22222222222\n", apply=True)
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 422 and "Baris 3: Nomor KPJ ini sudah dipakai." in text
    assert "Tidak ada yang diterapkan." in text
    assert (current(app, a).status, current(app, a).kpj) == ("submitted", None)


# 2. Return reasons: chosen by the coordinator, shown as a category to the worker, cleared on correction

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


# 3. Odd query parameters answer 200, not 500

ODD = ["to=9999-12-31", "from=0001-01-01", "from=2199-12-31&to=1900-01-01", "after=99999999999999999999999",
       "after=9223372036854775807_1", "after=-99999999999999999999_5", "after=1_99999999999", "after=1_0",
       "officer=99999999999999999999", "officer=-1", "user=99999999999999999999", "before=99999999999999999999",
       "before=-5", "q=%25_%5C", "q=" + "x" * 500, "kecamatan=" + "9" * 300, "desa=%00", "sort=x", "status=x",
       "flag=x", "number=" + "N" * 300]


@pytest.mark.parametrize("path", ["/tinjau", "/tinjau/ekspor.csv", "/tinjau/ekspor.xlsx", "/audit", "/dasbor"])
@pytest.mark.parametrize("query", ODD)
def test_odd_query_parameters_are_ignored_not_a_crash(app, users, path, query):
    admin = login_as(app, "admin1")
    response = admin.get(f"{path}?{query}")
    response.get_data()
    assert response.status_code == 200, (path, query)


# 4. KPJ CSV files as they come from the branch office

def test_kpj_import_reads_excel_unicode_text(app, officer, visit_id, coordinator):
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated."""
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    preview = upload(coordinator, f"number\tkpj\r\n{a}\t33333333333\r\n".encode("utf-16"))
    assert preview.status_code == 200 and "1 dari 1 baris siap." in preview.get_data(as_text=True)
    upload(coordinator, f"number\tkpj\r\n{a}\t33333333333\r\n".encode("utf-16"), apply=True)
    assert current(app, a).kpj == "33333333333"


def test_kpj_import_explains_a_field_too_large_for_csv(coordinator, users):
    page = upload(coordinator, "number,kpj\n" + "x" * 200_000 + ",1\n")  # over csv's 128 kB field limit
    assert page.status_code == 422 and "Baris 2: ada kolom yang terlalu panjang" in page.get_data(as_text=True)


def test_kpj_import_survives_a_nul_and_a_lone_carriage_return(app, officer, visit_id, coordinator):
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    preview = upload(coordinator, f"number,kpj\r{a}\x00,44444444444\rBS-\x00X,1\r".encode())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 dari 2 baris siap." in page


def test_kpj_import_flags_the_same_registration_twice(app, officer, visit_id, coordinator):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    page = upload(coordinator, f"number,kpj\n{a},11111111111\n{b},22222222222\n{a},33333333333\n")
    text = page.get_data(as_text=True)
    assert text.count('data-ok="yes"') == 2 and "Pendaftaran ini sudah ada di baris 2." in text


def test_kpj_import_of_a_two_megabyte_file_previews_and_applies(app, officer, visit_id, coordinator, kept_files):
    """More than Flask's 500 kB form-field limit: the file waits on the server, only its digest goes back."""
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    wide = ",".join(["x" * 50_000] * 18)  # many long columns, each under csv's field limit
    header = ",".join(f"c{i}" for i in range(18))
    rows = f"number,kpj,{header}\n{a},11111111111,{wide}\n{b},22222222222,{wide}\n"
    assert 1_500_000 < len(rows) < 2 * 1024 * 1024
    response = upload(coordinator, rows, apply=True)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert (current(app, a).kpj, current(app, b).kpj) == ("11111111111", "22222222222")
    assert not list(kept_files.glob("*.csv"))  # applied: the kept copy is gone


def test_a_kept_kpj_file_is_only_for_the_coordinator_who_sent_it(app, officer, visit_id, coordinator, make_user):
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    preview = upload(coordinator, f"number,kpj\n{a},11111111111\n").get_data(as_text=True)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview)[1]
    make_user("koord2", "coordinator")
    other = login_as(app, "koord2")
    page = other.post("/tinjau/kpj", data={"csrf_token": other.auth.token(), "digest": digest, "apply": "x"})
    assert page.status_code == 422 and "pilih berkasnya sekali lagi" in page.get_data(as_text=True)
    assert current(app, a).status == "submitted"


# 5. The queue sorted by date, keyset-paged on (created_at, id)

@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_queue_pages_by_date_even_when_ids_disagree_and_dates_tie(app, users, coordinator, monkeypatch, sort):
    from datetime import timedelta

    from outreach.models.types import utcnow
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 3)
    now = utcnow()
    # Ids in one order, dates in the other (a late offline sync), and four rows sharing one timestamp.
    numbers = []
    for i, minutes in enumerate([10, 9, 8, 5, 5, 5, 5, 1]):
        numbers += bulk_rows(app, users["officer"], 1, start=i, created_at=now - timedelta(minutes=minutes))
    seen, url = [], f"/tinjau?sort={sort}"
    while url:
        page = coordinator.get(url).get_data(as_text=True)
        seen += re.findall(r'data-number="(BT-\d+)"', page)
        following = re.search(r'href="([^"]+)">Halaman berikutnya', page)
        url = html.unescape(following.group(1)) if following else None
    assert len(seen) == len(set(seen)) == 8
    oldest_first = numbers[:3] + numbers[3:7] + numbers[7:]  # ties: by id
    assert seen == (oldest_first if sort == "oldest" else oldest_first[::-1])


# 6. Reading a registration through the API is audited like its page

def test_api_reads_by_coordinators_are_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    officer.client.get(f"/api/v1/registrations/{number}")  # the officer's own look: not an event
    assert coordinator.get(f"/api/v1/registrations/{number}").status_code == 200
    with app.app_context():
        views = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "view")).all()
        assert [(e.details["page"], e.registration.number) for e in views] == [("api.get_registration", number)]


# 7. The dashboard: coverage over the same desa above and below the line; weeks in WIB

def test_kecamatan_coverage_counts_only_the_desa_that_have_targets(app, officer, visit_id, coordinator):
    enroll(officer, visit_id)
    enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M", village_code="19.03.01.1002")
    token = coordinator.auth.token("/dasbor")
    coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001", "informal_workers": "8"})
    page = coordinator.get("/dasbor").get_data(as_text=True)
    total = page.split('data-coverage="19.03.01"')[1].split("</div>")[0]
    assert "12.5% (1/8)" in total and "1 dari" in total  # Budi's desa has no target: not in either number


def test_target_form_errors_answer_422(coordinator, users):
    token = coordinator.auth.token("/dasbor")
    response = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001",
                                                 "informal_workers": "0"})
    assert response.status_code == 422 and "Isi angka 1 sampai 1.000.000." in response.get_data(as_text=True)


def test_weekly_trend_counts_a_morning_registration_on_its_wib_day(app, users, coordinator):
    """Monday 06:30 WIB is Sunday 23:30 UTC: it belongs to the week that starts that Monday."""
    from datetime import datetime, timedelta, timezone

    from outreach.dashboard.views import WEEKS
    from outreach.domain.clock import LOCAL_TZ
    today = datetime.now(LOCAL_TZ).date()
    monday = today - timedelta(days=today.weekday())
    morning = datetime.combine(monday, datetime.min.time(), tzinfo=LOCAL_TZ).replace(hour=6, minute=30)
    bulk_rows(app, users["officer"], 1, created_at=morning.astimezone(timezone.utc))
    page = coordinator.get("/dasbor").get_data(as_text=True)
    weeks = page.split("Pendaftaran per minggu")[1]
    values = re.findall(r'<span class="bar-value">(\d+)</span>', weeks)
    assert len(values) == WEEKS and values[-1] == "1" and set(values[:-1]) == {"0"}


# 8. The audit screen

def test_audit_next_page_keeps_the_filters_and_people_are_of_the_kecamatan(app, officer, visit_id, coordinator,
                                                                           make_user, monkeypatch):
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 2)
    number = enroll(officer, visit_id)
    make_user("petugas_lepar", kecamatan=LEPAR, full_name="Petugas Lepar")
    for _ in range(3):
        coordinator.get(f"/tinjau/{number}")
    today = date.today().isoformat()
    page = coordinator.get(f"/audit?number={number}&from={today}&to={today}").get_data(as_text=True)
    following = html.unescape(re.search(r'href="([^"]+)">Lebih lama', page).group(1))
    assert f"number={number}" in following and f"from={today}" in following and f"to={today}" in following
    assert "Petugas Lepar" not in page and "Siti Aminah" in page


def test_a_nik_reveal_reason_of_spaces_is_refused(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    refused = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                             "purpose": "      ab     "})
    assert refused.status_code == 422 and "1903015508900001" not in refused.get_data(as_text=True)
    shown = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                           "purpose": "  cek KTP  "})
    assert "1903015508900001" in shown.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "reveal_nik"))
        assert event.details["purpose"] == "cek KTP"


# 9. Demo data walks the workflow

def test_demo_histories_follow_the_workflow_and_fill_the_flag_filters(app, users):
    import random

    from outreach import demo
    from outreach.domain import workflow
    with app.app_context():
        assert demo.seed(users["officer"], users["coordinator"], count=150, rng=random.Random(7)) == 150
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
