"""Funding programmes: recorded by admins (the browser and the command line), seen by admins and the coordinators
of their kecamatan with their members and what they commit against the budget, and their member list exported
for the funder's accountability and the branch's invoice."""
import csv
import io
import zipfile
from datetime import date

import pytest

from outreach.extensions import db
from outreach.models import AuditEvent, Programme, ProgrammeQuota, Registration
from tests.conftest import LEPAR, TOBOALI, Auth
from tests.enrollment import api_worker

BUDI = {"nik": "1903011203850002", "full_name": "Budi Santoso", "birth_date": "1985-03-12", "sex": "M"}
FORM = {"name": "Pekerja rentan APBD 2025", "payer": "apbd_kabupaten", "funder_name": "Pemkab Bangka Selatan",
        "basis": "SK Bupati 188.45/123/2025", "first_month": "2025-08", "months": "6", "with_jht": "0",
        "budget": "178.214.400", "quota": "1768"}


@pytest.fixture
def cohort(app, officer, users):
    """The district's APBD cohort (August 2025 – January 2026, Toboali and Lepar), with two members of Toboali:
    Siti registered in July 2025 (all six months) and Budi in November 2025 (three)."""
    with app.app_context():
        p = Programme(name="APBD 2025", payer="apbd_kabupaten", first_month=date(2025, 8, 1), months=6,
                      budget=500_000, quota=100, quotas=[ProgrammeQuota(kecamatan_code=TOBOALI, quota=50),
                                                         ProgrammeQuota(kecamatan_code=LEPAR, quota=50)])
        db.session.add(p)
        db.session.commit()
        programme_id = p.id
    numbers = []
    for person, day in (({}, "2025-07-20"), (BUDI, "2025-11-03")):
        body = officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme_id, **person)).get_json()
        with app.app_context():
            r = db.session.scalar(db.select(Registration).where(Registration.number == body["number"]))
            r.contribution = dict(r.contribution, start=day)
            r.kpj = "12345678901" if not person else None
            db.session.commit()
        numbers.append(body["number"])
    return programme_id, numbers


@pytest.fixture(autouse=True)
def the_cohort_was_open(monkeypatch):
    from outreach.api import views as api
    monkeypatch.setattr(api, "local_today", lambda: date(2025, 11, 3))


def as_user(app, username):
    client = app.test_client()
    Auth(client).login(username)
    return client


def test_an_admin_records_a_programme_with_quotas_per_kecamatan(app, users):
    admin = as_user(app, "admin1")
    token = Auth(admin).token()
    response = admin.post("/program/baru", data={**FORM, "quota_19_03_01": "300", "quota_19_03_02": "",
                                                  "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        p = db.session.scalar(db.select(Programme))
        assert (p.payer, p.first_month, p.months, p.budget, p.quota, p.with_jht) == (
            "apbd_kabupaten", date(2025, 8, 1), 6, 178_214_400, 1768, False)
        assert [(q.kecamatan_code, q.quota) for q in p.quotas] == [(TOBOALI, 300)]
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "programme"))
        assert event.details["programme"] == p.id
    listing = admin.get("/program").get_data(as_text=True)
    assert "Pekerja rentan APBD 2025" in listing and "Sudah berakhir" in listing


@pytest.mark.parametrize("changes, field, message", [
    ({"name": ""}, "name", "Isi nama program."),
    ({"payer": "self"}, "payer", "Pilih pembayar iuran dari daftar."),
    ({"first_month": "Agustus"}, "first_month", "Tulis bulan sebagai tahun-bulan, mis. 2025-08."),
    ({"months": "0"}, "months", "Jumlah bulan: 1 sampai 60."),
    ({"budget": "dua ratus juta"}, "budget", "Tulis anggaran dalam Rupiah utuh, mis. 178.214.400."),
    ({"quota": "banyak"}, "quota", "Tulis kuota sebagai bilangan bulat, atau kosongkan."),
    ({"quota_19_03_01": "-1"}, "quota_19_03_01", "Tulis kuota sebagai bilangan bulat, atau kosongkan."),
])
def test_the_programme_form_answers_next_to_each_field(app, users, changes, field, message):
    from tests.enrollment import field_errors
    admin = as_user(app, "admin1")
    response = admin.post("/program/baru", data={**FORM, **changes, "csrf_token": Auth(admin).token()})
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)).get(field) == message
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Programme.id))) == 0


def test_the_programme_page_shows_members_months_and_the_committed_amount(app, cohort):
    programme_id, (siti, budi) = cohort
    page = as_user(app, "admin1").get(f"/program/{programme_id}").get_data(as_text=True)
    # APBD-paid: never discounted; Siti six months, Budi from November: three (9 × 16.800)
    assert f'data-member="{siti}"' in page and f'data-member="{budi}"' in page
    assert 'data-member-months="6" data-member-amount="100800"' in page
    assert 'data-member-months="3" data-member-amount="50400"' in page
    assert 'data-committed="151200"' in page and 'data-left="348800"' in page and 'data-members="2"' in page
    assert "1903015508900001" not in page and "************0001" in page  # NIKs masked in the list


def test_a_coordinator_sees_their_kecamatans_members_only(app, cohort, make_user):
    programme_id, (siti, _budi) = cohort
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    lepar = as_user(app, "koord_lepar").get(f"/program/{programme_id}").get_data(as_text=True)
    assert siti not in lepar and 'data-members-here="0"' in lepar and 'data-members="2"' in lepar
    toboali = as_user(app, "koord1").get(f"/program/{programme_id}").get_data(as_text=True)
    assert siti in toboali and 'data-members-here="2"' in toboali
    with app.app_context():  # a programme of Toboali alone is not Lepar's to see
        db.session.get(Programme, programme_id).quotas = [ProgrammeQuota(kecamatan_code=TOBOALI, quota=50)]
        db.session.commit()
    assert as_user(app, "koord_lepar").get(f"/program/{programme_id}").status_code == 403
    assert "APBD 2025" not in as_user(app, "koord_lepar").get("/program").get_data(as_text=True)


def test_the_member_list_exports_for_the_funder_audited_first(app, cohort):
    programme_id, (siti, budi) = cohort
    admin = as_user(app, "admin1")
    response = admin.get(f"/program/{programme_id}/anggota.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Nomor pendaftaran", "Nama lengkap", "NIK", "KPJ", "Desa", "Bulan pertama", "Jumlah bulan",
                       "Jumlah (Rupiah)"]
    assert rows[1][:4] == [siti, "Siti Aminah", "1903015508900001", "12345678901"]
    assert rows[1][5:] == ["2025-08", "6", "100800"] and rows[2][5:] == ["2025-11", "3", "50400"]
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.details["filter"] == {"programme": "APBD 2025"} and event.details["rows"] == 2
    with zipfile.ZipFile(io.BytesIO(admin.get(f"/program/{programme_id}/anggota.xlsx").data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
    assert budi in sheet + strings and "<v>50400</v>" in sheet


def test_a_programme_with_members_keeps_its_payer_and_room_for_them(app, cohort):
    programme_id, _numbers = cohort
    admin = as_user(app, "admin1")
    data = {**FORM, "quota": "1", "quota_19_03_01": "1", "payer": "apbn", "csrf_token": Auth(admin).token()}
    page = admin.post(f"/program/{programme_id}/ubah", data=data).get_data(as_text=True)
    assert "Program ini sudah punya anggota: pembayarnya tidak dapat diganti." in page
    assert page.count("Lebih kecil dari jumlah anggota sekarang (2).") == 2
    data.update(payer="apbd_kabupaten", quota="", quota_19_03_01="", quota_19_03_02="5")  # Toboali's members left out
    page = admin.post(f"/program/{programme_id}/ubah", data=data).get_data(as_text=True)
    assert page.count("Lebih kecil dari jumlah anggota sekarang (2).") == 1
    data.update(quota_19_03_01="2", quota_19_03_02="", months="12")
    assert admin.post(f"/program/{programme_id}/ubah", data=data).status_code == 302
    with app.app_context():
        p = db.session.get(Programme, programme_id)
        assert (p.quota, p.months, [(q.kecamatan_code, q.quota) for q in p.quotas]) == (None, 12, [(TOBOALI, 2)])


def test_programmes_from_the_command_line(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["programmes", "create", "CSR PT Timah 2026", "--payer", "sponsor", "--first-month",
                                 "2026-10", "--months", "12", "--budget", "20.160.000", "--basis", "PKS 12/2026",
                                 "--quota", "100", "--kecamatan-quota", "190301=60", "--funder", "PT Timah Tbk"])
    assert result.exit_code == 0, result.output
    programme_id = int(result.output.strip().splitlines()[-1])  # the id alone, on the last line
    with app.app_context():
        p = db.session.get(Programme, programme_id)
        assert (p.name, p.payer, p.first_month, p.months, p.budget, p.quota, p.basis, p.funder_name) == (
            "CSR PT Timah 2026", "sponsor", date(2026, 10, 1), 12, 20_160_000, 100, "PKS 12/2026", "PT Timah Tbk")
        assert [(q.kecamatan_code, q.quota) for q in p.quotas] == [(TOBOALI, 60)]
    old = runner.invoke(args=["programmes", "create", "APBD 2025", "--payer", "apbd", "--first-month", "2025-08",
                              "--months", "6", "--budget", "178214400"])
    assert old.exit_code == 0, old.output
    listing = runner.invoke(args=["programmes", "list"]).output
    assert "apbd_kabupaten  2025-08..2026-01" in listing and "CSR PT Timah 2026" in listing and "0/100" in listing
    for bad in (["--first-month", "08/2025"], ["--months", "0"], ["--budget", "banyak"], ["--payer", "self"],
                ["--quota", "10000000000"], ["--kecamatan-quota", "19.03.01=10000000000"]):  # beyond the column
        args = {"--payer": "apbn", "--first-month": "2026-01", "--months": "6", "--budget": "1000"}
        args.update(dict(zip(bad[::2], bad[1::2])))
        failed = runner.invoke(args=["programmes", "create", "X"] + [v for kv in args.items() for v in kv])
        assert failed.exit_code != 0, bad
    for long in (["N" * 121], ["X", "--basis", "B" * 201], ["X", "--funder", "F" * 121]):
        args = ["--payer", "apbn", "--first-month", "2026-01", "--months", "6", "--budget", "1000"]
        assert runner.invoke(args=["programmes", "create", *long, *args]).exit_code == 2, long[-1][:1]
