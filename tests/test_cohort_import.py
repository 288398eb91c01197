"""A funder's member list as the first campaign: registrations with their KPJ and the programme's payments,
marked imported; NIKs already registered matched, not doubled; every row previewed; all or nothing; CSV or XLSX."""
import io
from datetime import date

import xlsxwriter

from outreach.extensions import db
from outreach.models import AuditEvent, Payment, Receipt, Registration
from tests.followup_helpers import programme
from tests.review_helpers import enroll, move

HEADER = "No;NIK;Nama Lengkap;Tgl Lahir;Desa;No. KPJ;Bulan dibayar;No HP\n"
ROWS = [
    "1;1903011508900001;Ahmad Nelayan;15-08-1990;Toboali;11111111111;6;0812 1111 2222",
    "2;1903015611850002;Sari Petani;16/11/1985;Serdang;22222222222;6;",
    "3;1903020101800003;Umar Pekebun;1980-01-01;19.03.02.2001;33333333333;4;+6281333334444",
]


def csv_file(*rows) -> bytes:
    return (HEADER + "\n".join(rows or ROWS) + "\n").encode("utf-8")


def run(app, tmp_path, content: bytes, programme_id: int, *args, name="kohort.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return app.test_cli_runner().invoke(args=["cohort", "import", str(path), "--programme", str(programme_id), *args])


def registrations(app):
    with app.app_context():
        return {r.nik: (r.status, r.kpj, r.source, r.consent_version, r.paid_through, r.funding, r.programme_id)
                for r in db.session.scalars(db.select(Registration))}


def test_dry_run_previews_every_row_and_changes_nothing(app, users, tmp_path):
    p = programme(app)
    result = run(app, tmp_path, csv_file(), p, "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("new registration") == 3 and "A**** N******" in result.output
    assert "Ahmad" not in result.output and "1903011508900001" not in result.output  # no personal data printed
    assert registrations(app) == {}


def test_the_apbd_cohort_becomes_registrations_with_their_kpj_and_payments(app, users, tmp_path):
    p = programme(app)  # APBD Kabupaten, Aug 2025 - Jan 2026
    result = run(app, tmp_path, csv_file(), p)
    assert result.exit_code == 0, result.output
    assert "imported: 3 new, 0 matched, 0 already there" in result.output
    rows = registrations(app)
    assert rows["1903011508900001"] == ("active", "11111111111", "imported", "funder", date(2026, 1, 31),
                                        "apbd_kabupaten", p)
    assert rows["1903020101800003"][4] == date(2025, 11, 30)  # 4 months paid by the programme
    with app.app_context():
        ahmad = db.session.scalar(db.select(Registration).where(Registration.nik == "1903011508900001"))
        assert ahmad.phone == "+6281211112222" and ahmad.sex == "M" and ahmad.village_code == "19.03.01.1001"
        assert ahmad.number.startswith("BS-") and ahmad.kpj_at is not None
        sari = db.session.scalar(db.select(Registration).where(Registration.nik == "1903015611850002"))
        assert sari.sex == "F" and sari.phone is None and sari.kecamatan_code == "19.03.01"
        payment = db.session.scalar(db.select(Payment).where(Payment.registration_id == ahmad.id))
        # budget-paid: no PP 50/2025 discount, 6 x Rp16.800
        assert (payment.first_month, payment.months, payment.amount, payment.source) == (date(2025, 8, 1), 6,
                                                                                         100_800, "programme")
        assert db.session.scalar(db.select(db.func.count(Receipt.id))) == 3
        assert [e.kind for e in ahmad.events] == ["cohort_imported"]
        assert db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "import_cohort")) == {
            "rows": 3, "programme": p}
    again = run(app, tmp_path, csv_file(), p)  # the same file twice changes nothing
    assert "imported: 0 new, 0 matched, 3 already there" in again.output
    assert len(registrations(app)) == 3
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Payment.id))) == 3


def test_a_nik_already_registered_is_matched_not_doubled(app, users, officer, visit_id, coordinator, tmp_path):
    number = enroll(officer, visit_id, nik="1903011508900001", sex="M", birth_date="1990-08-15",
                    full_name="Ahmad Nelayan")
    move(coordinator, number, "verified")
    p = programme(app)
    result = run(app, tmp_path, csv_file(), p)
    assert "imported: 2 new, 1 matched" in result.output, result.output
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        assert (r.status, r.kpj, r.programme_id, r.paid_through, r.source) == ("active", "11111111111", p,
                                                                               date(2026, 1, 31), "app")
        assert [e.kind for e in r.events][-1] == "cohort_imported" and r.events[-1].changes["from"] == "verified"
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 3


def test_one_bad_row_and_nothing_is_imported(app, users, tmp_path):
    p = programme(app)
    bad = [ROWS[0], ROWS[1].replace("16/11/1985", "17/11/1985"), ROWS[2].replace("33333333333", "11111111111"),
           "4;1903011508900001;Ahmad Lagi;15-08-1990;Desa Entah;444;9;123"]
    result = run(app, tmp_path, csv_file(*bad), p)
    assert result.exit_code != 0
    out = result.output
    assert "line 3: S*** P*****" in out and "Tanggal lahir tidak sesuai dengan NIK" in out
    assert "line 4:" in out and "Sama dengan baris 2" in out  # the same KPJ twice
    assert "Desa tidak ditemukan" in out and "Nomor KPJ harus 11 angka" in out and "Jumlah bulan harus 1 sampai 6" in out
    assert "Nomor HP bukan nomor seluler" in out and "4 of 4 rows have problems" not in out
    assert "nothing imported" in out and registrations(app) == {}


def test_empty_rows_excel_leaves_in_a_csv_are_skipped_and_a_row_without_a_nik_is_a_problem(app, users, tmp_path):
    p = programme(app)
    blank = ";;;;;;;"  # what Excel writes for a formatted but empty row
    result = run(app, tmp_path, csv_file(*ROWS, blank, blank), p, "--dry-run")
    assert result.exit_code == 0 and "dry run: 3 rows ready" in result.output, result.output
    result = run(app, tmp_path, csv_file(ROWS[0], ";;Tanpa NIK;15-08-1990;Toboali;;6;"), p, "--dry-run")
    assert result.exit_code != 0 and "line 3: T**** N** -: NIK tidak valid" in result.output, result.output


def xlsx(rows, nik_as_number=False) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for c, title in enumerate(["NIK", "Nama", "Tanggal Lahir", "Kelurahan", "Nomor KPJ", "Jumlah Bulan"]):
        sheet.write(0, c, title)
    for r, (nik, name, born, desa, kpj, months) in enumerate(rows, start=1):
        sheet.write_number(r, 0, int(nik)) if nik_as_number else sheet.write_string(r, 0, nik)
        sheet.write(r, 1, name)
        sheet.write_datetime(r, 2, born, book.add_format({"num_format": "dd/mm/yyyy"}))
        sheet.write(r, 3, desa)
        sheet.write_number(r, 4, int(kpj))
        sheet.write_number(r, 5, months)
    book.close()
    return buffer.getvalue()


def test_an_xlsx_list_as_funders_send_it(app, users, tmp_path):
    from datetime import datetime
    p = programme(app)
    rows = [("1903011508900001", "Ahmad Nelayan", datetime(1990, 8, 15), "Toboali", "11111111111", 6)]
    result = run(app, tmp_path, xlsx(rows), p, name="kohort.xlsx")
    assert "imported: 1 new" in result.output, result.output
    # Excel keeps 15 digits of a number: a NIK typed as one loses its last digit (…0002 -> …0000)
    typed = [("1903011608900000", "Budi", datetime(1990, 8, 16), "Toboali", "22222222222", 6)]
    numbers = run(app, tmp_path, xlsx(typed, nik_as_number=True), p, name="angka.xlsx")
    assert numbers.exit_code != 0 and "NIK tersimpan sebagai angka di Excel" in numbers.output


def test_admins_preview_and_apply_in_the_browser(app, users, client, auth):
    p = programme(app)
    auth.login("admin1")
    token = auth.token("/admin/impor-kohort")
    preview = client.post("/admin/impor-kohort", data={
        "csrf_token": token, "programme": str(p), "preview": "x",
        "file": (io.BytesIO(csv_file()), "kohort.csv")}, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and page.count('data-outcome="new"') == 3 and "Ahmad Nelayan" not in page
    digest = page.split('name="digest" type="hidden" value="')[1].split('"')[0]
    assert registrations(app) == {}
    done = client.post("/admin/impor-kohort", data={"csrf_token": token, "programme": str(p), "digest": digest,
                                                    "apply": "x"})
    assert done.status_code == 302 and len(registrations(app)) == 3
    wrong = client.post("/admin/impor-kohort", data={
        "csrf_token": token, "programme": str(p), "preview": "x",
        "file": (io.BytesIO(b"kpj;nama\n1;2\n"), "x.csv")}, content_type="multipart/form-data")
    assert wrong.status_code == 422 and "Kolom yang wajib ada" in wrong.get_data(as_text=True)
