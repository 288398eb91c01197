"""Exports of the queue's current filter: CSV with a BOM, XLSX, streamed, audited, not for officers."""
import csv
import io
import tracemalloc
import zipfile
from datetime import date

from outreach.extensions import db
from outreach.models import AuditEvent, Registration
from tests.conftest import Auth
from tests.review_helpers import enroll


def test_csv_export_has_a_bom_the_columns_and_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id, full_name="=HYPERLINK(1)")
    response = coordinator.get("/tinjau/ekspor.csv?status=pending")
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Nomor pendaftaran", "NIK", "Nama lengkap"]
    assert rows[1][:3] == [number, "1903015508900001", "'=HYPERLINK(1)"]
    assert rows[1][6] == "081234567890" and rows[1][8] == "Toboali"
    # issue 13's fields come last, so that the older columns keep their places
    assert rows[0][-5:] == ["Pekerjaan kedua", "Mempekerjakan orang lain", "Program pembiayaan", "Perlindungan",
                            "Terlindungi sampai"]
    assert rows[1][-5:] == ["", "0", "", "registered", ""]
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


def test_export_of_100k_rows_streams_in_flat_memory(app, users, monkeypatch):
    """Memory during the export must not grow with the number of rows (streamed in the response here; past
    EXPORT_INLINE_ROWS the same rows go through a job: tests/test_jobs.py)."""
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1_000_000)
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


def test_an_export_is_recorded_before_its_first_byte_and_counted_when_done(app, officer, visit_id, coordinator):
    """A download cut short still leaves its audit event (who, which filter); the row count follows at the end."""
    enroll(officer, visit_id)
    response = coordinator.get("/tinjau/ekspor.csv?status=pending", buffered=False)
    first = next(iter(response.response))  # the client holds the first bytes, and stops reading
    assert first.startswith("\ufeff".encode()) or first.startswith(b"\xef\xbb\xbf")
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export"))
        assert event is not None and event.details["filter"]["status"] == "pending"
        assert event.details["rows"] is None  # not done yet
    response.close()
