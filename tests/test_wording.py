"""No internals on screen: histories, the audit trail and the XLSX export speak in field labels and words; the
CSV (for machines) keeps codes; export file names carry the time in WIB."""
import csv
import html
import io
import re
import zipfile
from datetime import datetime, timedelta

from outreach.domain.clock import local_now
from tests.enrollment import worker
from tests.review_helpers import enroll, move

CODES = ("full_name", "occupation", "heir_relation", "monthly_income", "village_code", "funding", "nelayan",
         "orang_tua", "pasangan", "self", "apbd_kabupaten", "19.03.01.1002", "programme_id")


def corrected(app, officer, visit_id, coordinator, client, auth):
    """A registration returned and corrected by its officer: name, desa, occupation, income, payer, heir."""
    number = enroll(officer, visit_id)
    assert move(coordinator, number, "returned", reason="incomplete", note="Cek data").status_code == 302
    page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    version = re.search(r'id="version" name="version" type="hidden" value="(\d+)"', page)[1]
    with app.app_context():  # the regency's budget pays through a programme (issue 13)
        from outreach.extensions import db
        from outreach.models import Programme
        programme = Programme(name="APBD 2026", payer="apbd_kabupaten", first_month=local_now().date().replace(day=1),
                              months=6, budget=1_000_000)
        db.session.add(programme)
        db.session.commit()
        programme_id = programme.id
    changes = worker(full_name="Siti Aminah Putri", village_code="19.03.01.1002", occupation="petani",
                     monthly_income="1.500.000", funding="apbd", heir_relation="orang_tua",
                     programme_id=str(programme_id))
    response = client.post(f"/pendaftaran/{number}/ubah", data={**changes, "version": version,
                                                               "csrf_token": auth.token(), "submit": "x"})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return number


def test_the_histories_name_fields_and_word_their_values(app, officer, visit_id, coordinator, client, auth):
    number = corrected(app, officer, visit_id, coordinator, client, auth)
    review = html.unescape(coordinator.get(f"/tinjau/{number}").get_data(as_text=True))
    history = review[review.index("Riwayat"):review.index("</section>", review.index("Riwayat"))]
    for line in ("Nama lengkap: S*** A***** → S*** A***** P****", "Desa: Toboali → Teladan",
                 "Pekerjaan: Nelayan → Petani", "Penghasilan sebulan: Rp1.000.000 → Rp1.500.000",
                 "Dibayar oleh: Dibayar sendiri (mandiri) → Dibayar APBD Kabupaten (pekerja rentan)",
                 "Program pembiayaan: — → APBD 2026", "Hubungan ahli waris: Suami / istri → Orang tua"):
        assert line in history, line
    assert not [code for code in CODES if code in history]
    own = html.unescape(client.get(f"/pendaftaran/{number}").get_data(as_text=True))
    own_history = own[own.index("Riwayat"):own.index("</section>", own.index("Riwayat"))]
    assert ("diubah: Nama lengkap, Desa, Pekerjaan, Penghasilan sebulan, Dibayar oleh, Program pembiayaan, "
            "Hubungan ahli waris") in own_history
    assert not [code for code in CODES if code in own_history]


def test_the_audit_trail_reads_in_words(app, officer, visit_id, coordinator, client, auth):
    number = corrected(app, officer, visit_id, coordinator, client, auth)
    coordinator.get(f"/tinjau/{number}")  # a look
    assert move(coordinator, number, "verified").status_code == 302
    coordinator.get("/tinjau/ekspor.csv?status=verified&occupation=petani").get_data()
    trail = html.unescape(coordinator.get("/audit").get_data(as_text=True))
    rows = re.sub(r"<[^>]+>", "", trail[trail.index('class="rows"'):trail.index("</ul>", trail.index('class="rows"'))])
    for words in ("Halaman: halaman tinjauan", "Status: Menunggu verifikasi → Diverifikasi",
                  "Status: Menunggu verifikasi → Perlu perbaikan; Alasan: Data salah atau tidak lengkap",
                  "Data yang diubah: Nama lengkap, Desa, Pekerjaan",
                  "Format: CSV", "Saringan: Status: Diverifikasi; Kecamatan: Toboali; Pekerjaan: Petani",
                  "Jumlah baris: 1"):
        assert words in rows, words
    for internal in ("{", "'", "review.detail", "full_name", "pending", "verified", "19.03.01", "filter", "rows:"):
        assert internal not in rows, internal


def test_the_xlsx_carries_words_and_the_csv_codes(app, officer, visit_id, coordinator):
    enroll(officer, visit_id)
    with zipfile.ZipFile(io.BytesIO(coordinator.get("/tinjau/ekspor.xlsx").get_data())) as book:
        strings = set(re.findall(r"<t[^>]*>([^<]*)</t>", book.read("xl/worksheets/sheet1.xml").decode()))
    for words in ("Perempuan", "Nelayan", "Dibayar sendiri (mandiri)", "Suami / istri", "Menunggu verifikasi",
                  "Pekerjaan lainnya"):
        assert words in strings, words
    assert not strings & {"self", "pasangan", "pending", "nelayan", "P", "F"}
    body = coordinator.get("/tinjau/ekspor.csv").get_data().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(body)))[:2]
    cells = dict(zip(header, row))
    assert (cells["Jenis kelamin"], cells["Pekerjaan"], cells["Dibayar oleh"], cells["Hubungan ahli waris"],
            cells["Status"], cells["Pekerjaan lainnya"]) == ("P", "nelayan", "self", "pasangan", "pending", "")


def test_export_file_names_carry_the_time_in_wib(app, officer, visit_id, coordinator):
    enroll(officer, visit_id)
    for fmt in ("csv", "xlsx"):
        response = coordinator.get(f"/tinjau/ekspor.{fmt}")
        response.get_data()
        stamp = re.search(r'filename="pendaftaran-bpu-(\d{8}-\d{4})\.' + fmt, response.headers["Content-Disposition"])[1]
        wall = local_now().replace(tzinfo=None)
        assert abs(datetime.strptime(stamp, "%Y%m%d-%H%M") - wall) < timedelta(minutes=2), (stamp, wall)
