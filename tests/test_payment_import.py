"""The branch's payment file (/bayar/impor): every row previewed, then all applied or none; a file imported twice
adds nothing; "paid until" counted from the worker's paid_through; looked up in batches, not a query a row."""
import html
import io
import re
from datetime import date

from sqlalchemy import event

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import AuditEvent, ImportPreview, Payment, Registration, RegistrationEvent
from tests.conftest import LEPAR
from tests.followup_helpers import paid_worker
from tests.review_helpers import login_as



def kpj(i: int) -> str:
    """paid_worker(i)'s KPJ (its NIK: nik(i))."""
    return str(10_000_000_000 + i)


def upload(client, content, apply=False):
    raw = content if isinstance(content, bytes) else content.encode()
    data = {"csrf_token": client.auth.token(), "preview": "x", "file": (io.BytesIO(raw), "bayar.csv")}
    preview = client.post("/bayar/impor", data=data, content_type="multipart/form-data")
    if not apply:
        return preview
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview.get_data(as_text=True))
    assert digest, text_of(preview)[:3000]
    return client.post("/bayar/impor", data={"csrf_token": client.auth.token(), "digest": digest[1], "apply": "x"})


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def through(app, number) -> date | None:
    with app.app_context():
        return db.session.scalar(db.select(Registration.paid_through).where(Registration.number == number))


def nik(i: int) -> str:
    return f"19030115{i:08d}"


def test_preview_then_confirm_records_every_row_once(app, users):
    a, b = paid_worker(app, users["officer"], 1), paid_worker(app, users["officer"], 2)
    text = ("kpj,nik,bulan_awal,jumlah_bulan,jumlah,tgl_bayar,saluran\n"
            f"{kpj(1)},,2026-01,3,50400,2026-01-10,pos\n"
            f",{nik(2)},2026-02,1,16800,10/02/2026,\n")
    preview = upload(login_as(app, "koord1"), text)
    body = text_of(preview)
    assert preview.status_code == 200 and body.count('data-ok="yes"') == 2 and 'data-ready="2"' in body
    assert count(app, Payment) == 0 and count(app, ImportPreview) == 1  # a preview changes nothing
    coord = login_as(app, "koord1")
    answer = upload(coord, text, apply=True)
    assert answer.status_code == 302
    assert "2 pembayaran dicatat (Rp67.200); 0 sudah tercatat" in text_of(coord.get("/bayar/impor"))
    assert (through(app, a), through(app, b)) == (date(2026, 3, 31), date(2026, 2, 28))
    with app.app_context():
        lines = db.session.scalars(db.select(Payment).order_by(Payment.id)).all()
        assert [(p.channel, p.source, p.recorded_by) for p in lines] == [("pos", "imported", users["coordinator"]),
                                                                       ("bank", "imported", users["coordinator"])]
        assert all(p.expected is not None for p in lines)
        events = db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.kind == "payment")).all()
        assert sorted(e.changes["first_month"] for e in events) == ["2026-01", "2026-02"]
        (audit,) = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "import_payments")).all()
        assert audit.details["rows"] == 2 and audit.details["total"] == 67_200 and audit.details["added"] == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "payment")) == 0  # one line for the file
    assert count(app, ImportPreview) == 0  # the applied file leaves the server


def test_a_file_imported_twice_adds_nothing(app, users):
    paid_worker(app, users["officer"], 3)
    text = f"kpj,first_month,months,amount,paid_on\n{kpj(3)},2026-01,2,33600,2026-01-10\n"
    coord = login_as(app, "koord1")
    assert upload(coord, text, apply=True).status_code == 302
    again = text_of(upload(coord, text))
    assert 'data-ready="0" data-already="1"' in again and "Sudah tercatat" in again
    assert upload(coord, text, apply=True).status_code == 302
    assert count(app, Payment) == 1 and count(app, AuditEvent, AuditEvent.action == "import_payments") == 2


def test_one_bad_row_applies_nothing_and_the_problems_are_listed_by_kind(app, users, make_user):
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    paid_worker(app, users["officer"], 4)
    paid_worker(app, users["officer"], 5, status="submitted", kpj=None, kpj_at=None)
    text = ("kpj;nik;bulan_awal;jumlah_bulan;jumlah;tgl_bayar\n"
            f"{kpj(4)};;2026-01;1;16800;2026-01-10\n"
            f";{nik(5)};2026-01;1;16800;2026-01-10\n"
            f"99999999999;;2026-01;1;16800;2026-01-10\n"
            f"{kpj(4)};;2026-13;1;banyak;2999-01-01\n"
            f"{kpj(4)};;2026-01;1;16800;2026-01-10\n")
    coord = login_as(app, "koord1")
    page = text_of(upload(coord, text))
    assert "Terapkan semua" not in page and 'name="digest"' not in page
    assert "4 baris bermasalah (dari 5)." in page
    assert "Belum punya KPJ (belum terbit): 1 baris (baris 3)" in page
    assert "Tidak ditemukan di wilayah Anda: 1 baris (baris 4)" in page
    assert "Bulan tidak terbaca: 1 baris (baris 5)" in page and "Tanggal bayar di masa depan: 1 baris (baris 5)" in page
    assert "Pembayaran yang sama ada di baris lain: 1 baris (baris 6)" in page
    assert count(app, ImportPreview) == 0  # a file that cannot be applied is not kept
    # Confirming anyway (a crafted post with a made-up digest) applies nothing.
    crafted = coord.post("/bayar/impor", data={"csrf_token": coord.auth.token(), "digest": "a" * 64, "apply": "x"})
    assert crafted.status_code == 422 and count(app, Payment) == 0
    # Another kecamatan's coordinator does not find Toboali's worker.
    assert "Tidak ditemukan di wilayah Anda" in text_of(upload(login_as(app, "koord_lepar"), text))


def test_a_row_whose_nik_is_not_its_kpj_holders_applies_nothing(app, users):
    """The branch's row names KPJ and NIK; here that KPJ is on another worker's registration (a KPJ typed on the
    wrong one, or a wrong line in the file): paying it would show the wrong person protected. No NIK is shown."""
    paid_worker(app, users["officer"], 4)
    holder = paid_worker(app, users["officer"], 5)
    text = ("kpj;nik;bulan_awal;jumlah_bulan;jumlah;tgl_bayar\n"
            f"{kpj(4)};{nik(4)};2026-01;1;16800;2026-01-10\n"  # the same worker: fine
            f"{kpj(5)};{nik(4)};2026-01;1;16800;2026-01-10\n"  # worker 4's NIK on worker 5's KPJ
            f"{kpj(5)};;2026-02;1;16800;2026-02-10\n")  # no NIK: the KPJ alone decides, as before
    page = text_of(upload(login_as(app, "koord1"), text))
    assert "1 baris bermasalah (dari 3)." in page and 'name="digest"' not in page
    assert "NIK di berkas bukan NIK pemegang KPJ itu: 1 baris (baris 3)" in page
    assert f"NIK di berkas bukan NIK pendaftaran {holder}" in page and nik(4) not in page
    assert count(app, Payment) == 0


def test_a_kpj_or_nik_excel_wrote_as_a_number_is_said_so(app, users):
    """Saved from a spreadsheet whose KPJ column was a number: 1,0E+10 has lost its digits, it is not "not found"."""
    paid_worker(app, users["officer"], 4)
    text = ("kpj;nik;bulan_awal;jumlah_bulan;jumlah;tgl_bayar\n"
            "1,0E+10;;2026-01;1;16800;2026-01-10\n"
            ";1.90301E+15;2026-01;1;16800;2026-01-10\n"
            f"{kpj(4)};;2026-01;1;16800;2026-01-10\n")
    page = text_of(upload(login_as(app, "koord1"), text))
    assert "NIK atau KPJ tertulis sebagai angka Excel (mis. 1,0E+10): 2 baris (baris 2, 3)" in page
    assert "Tidak ditemukan di wilayah Anda" not in page and "simpan kolom NIK dan KPJ sebagai teks" in page


def test_paid_until_counts_from_the_month_after_paid_through_or_the_kpj_month(app, users):
    a = paid_worker(app, users["officer"], 6, paid=(date(2026, 1, 1), 2))  # paid through February
    b = paid_worker(app, users["officer"], 7)  # nothing paid; KPJ recorded 5 January 2026
    text = ("kpj,bayar_sampai,jumlah,tanggal_bayar\n"
            f"{kpj(6)},2026-05,50400,2026-03-03\n"
            f"{kpj(7)},2026-03,50400,2026-01-20\n")
    coord = login_as(app, "koord1")
    assert upload(coord, text, apply=True).status_code == 302
    with app.app_context():
        got = {(p.registration_id, p.first_month, p.months) for p in
               db.session.scalars(db.select(Payment).where(Payment.source == "imported"))}
        ids = dict(db.session.execute(db.select(Registration.number, Registration.id)).all())
    assert got == {(ids[a], date(2026, 3, 1), 3), (ids[b], date(2026, 1, 1), 3)}
    assert (through(app, a), through(app, b)) == (date(2026, 5, 31), date(2026, 3, 31))
    # The same file again: each row is the payment already recorded.
    again = text_of(upload(coord, text))
    assert 'data-ready="0" data-already="2"' in again
    # A month already paid through, with another payment: said, not guessed.
    other = text_of(upload(coord, f"kpj,bayar_sampai,jumlah,tanggal_bayar\n{kpj(6)},2026-04,1000,2026-03-03\n"))
    assert "Bulan itu sudah lunas: 1 baris (baris 2)" in other and "berikutnya yang dibayar 2026-06" in other


def test_paid_until_for_two_rows_of_one_worker_follows_on(app, users):
    a = paid_worker(app, users["officer"], 8)
    text = ("kpj,bayar_sampai,jumlah,tanggal_bayar\n"
            f"{kpj(8)},2026-02,33600,2026-01-20\n{kpj(8)},2026-04,33600,2026-03-01\n")
    assert upload(login_as(app, "koord1"), text, apply=True).status_code == 302
    with app.app_context():
        runs = db.session.execute(db.select(Payment.first_month, Payment.months).order_by(Payment.id)).all()
    assert [tuple(r) for r in runs] == [(date(2026, 1, 1), 2), (date(2026, 3, 1), 2)]
    assert through(app, a) == date(2026, 4, 30)


def test_amounts_unlike_the_rule_are_flagged_in_the_summary_not_refused(app, users):
    paid_worker(app, users["officer"], 9)
    text = f"kpj,first_month,months,amount,paid_on\n{kpj(9)},2026-01,1,1000,2026-01-10\n"
    page = text_of(upload(login_as(app, "koord1"), text))
    assert 'data-mismatched="1"' in page and "selisih seluruhnya -Rp" in page and "Terapkan semua" in page
    assert upload(login_as(app, "koord1"), text, apply=True).status_code == 302
    with app.app_context():
        p = db.session.scalar(db.select(Payment))
        event_changes = db.session.scalar(db.select(RegistrationEvent.changes).where(RegistrationEvent.kind == "payment"))
    assert p.amount == 1000 and p.expected > 1000 and event_changes["expected"] == p.expected


def test_excel_utf16_and_utf8_bom_files(app, users):
    a, b = paid_worker(app, users["officer"], 10), paid_worker(app, users["officer"], 11)
    utf16 = f"No. KPJ\tBulan Awal\tJumlah Bulan\tJumlah Iuran\tTgl. Bayar\r\n{kpj(10)}\t01/2026\t1\tRp 16.800\t10-01-2026\r\n"
    assert upload(login_as(app, "koord1"), utf16.encode("utf-16"), apply=True).status_code == 302
    bom = f"NIK;Bulan Awal;Jumlah Bulan;Jumlah;Tanggal Bayar\r\n{nik(11)};2026-01;1;16.800;2026-01-10\r\n"
    assert upload(login_as(app, "koord1"), "\ufeff" + bom, apply=True).status_code == 302
    assert through(app, a) == through(app, b) == date(2026, 1, 31)


def test_garbage_uploads_are_422_never_500(app, users):
    paid_worker(app, users["officer"], 12)
    coord = login_as(app, "koord1")
    for junk in (b"", b"\x00\x01\x02\xff\xfe", "kpj,jumlah\n1,2\n", "kpj,bulan_awal,jumlah_bulan,jumlah,tgl_bayar\n",
                 "nik,nik,bulan_awal,jumlah_bulan,jumlah,tgl_bayar\n1,2,3,4,5,6\n", b"\xff\xd8\xff\xe0JFIF" * 100,
                 "kpj,bulan_awal,jumlah_bulan,jumlah,tgl_bayar\n\"" + "x" * 200_000 + "\n",
                 "kpj,bulan_awal,jumlah_bulan,jumlah,tgl_bayar\n" + "9" * 5000 + ",x,y,z,w\n,,,,\n"):
        answer = upload(coord, junk)  # unreadable: 422; readable with bad rows: the preview, nothing to apply
        assert answer.status_code in (200, 422) and "Terapkan semua" not in text_of(answer), junk[:40]
    assert coord.post("/bayar/impor", data={"apply": "x"}).status_code == 400  # no CSRF token
    assert coord.post("/bayar/impor", data={"csrf_token": coord.auth.token(), "apply": "x"}).status_code == 422
    assert count(app, Payment) == 0


def test_officers_may_not_import(app, users):
    officer = login_as(app, "petugas1")
    assert officer.get("/bayar/impor").status_code == 403
    assert upload(officer, "kpj\n1\n").status_code == 403


def test_a_cancelled_preview_leaves_the_server(app, users):
    paid_worker(app, users["officer"], 13)
    coord = login_as(app, "koord1")
    page = upload(coord, f"kpj,first_month,months,amount,paid_on\n{kpj(13)},2026-01,1,16800,2026-01-10\n")
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page.get_data(as_text=True))[1]
    assert count(app, ImportPreview) == 1
    assert coord.post("/bayar/impor", data={"csrf_token": coord.auth.token(), "digest": digest,
                                             "cancel": "x"}).status_code == 302
    assert count(app, ImportPreview) == 0 and count(app, Payment) == 0


def test_many_rows_are_looked_up_in_batches(app, users):
    """2,500 rows over 2,500 workers: a handful of queries per thousand rows, not one a row."""
    from tests.review_helpers import bulk_rows
    from outreach.models.types import utcnow
    n = 2500
    bulk_rows(app, users["officer"], n, start=100, status="active", kpj_at=utcnow())
    with app.app_context():  # bulk_rows gives no KPJ: one each, as the branch would
        db.session.execute(db.update(Registration), [{"id": rid, "kpj": f"{20_000_000_000 + rid}"} for rid in
                                                     db.session.scalars(db.select(Registration.id))])
        db.session.commit()
        kpjs = db.session.scalars(db.select(Registration.kpj).order_by(Registration.id)).all()
    month = local_today().strftime("%Y-%m")
    text = "kpj,first_month,months,amount,paid_on\n" + "".join(
        f"{k},{month},1,16800,{local_today().isoformat()}\n" for k in kpjs)
    from outreach.services import payment_import
    with app.test_request_context():
        from outreach.models import User
        user = db.session.get(User, users["coordinator"])
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            read = payment_import.read_payment_csv(text, user)
            assert read.ok and len(read.new) == n
            reading = len(statements)
            payment_import.apply_payments(read, user)
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert reading <= 20, reading
    assert count(app, Payment) == n and count(app, RegistrationEvent, RegistrationEvent.kind == "payment") == n
    assert count(app, Registration, Registration.paid_through.is_(None)) == 0


def test_the_command_checks_then_imports_and_a_dry_run_changes_nothing(app, users, tmp_path):
    a = paid_worker(app, users["officer"], 14)
    good = tmp_path / "bayar.csv"
    good.write_text(f"kpj,first_month,months,amount,paid_on\n{kpj(14)},2026-01,1,16800,2026-01-10\n")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["payments", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "1 new payments" in dry.output and count(app, Payment) == 0
    done = runner.invoke(args=["payments", "import", str(good)])
    assert done.exit_code == 0 and "imported: 1 payments" in done.output and through(app, a) == date(2026, 1, 31)
    assert "0 new payments" in runner.invoke(args=["payments", "import", str(good)]).output
    bad = tmp_path / "salah.csv"
    bad.write_text(f"nik,first_month,months,amount,paid_on\n{nik(99)},2026-01,1,16800,2026-01-10\n")
    refused = runner.invoke(args=["payments", "import", str(bad)])
    assert refused.exit_code != 0 and "nothing imported" in refused.output and nik(99) not in refused.output
    assert count(app, Payment) == 1


def test_the_confirmation_sent_twice_applies_the_file_once(app, users):
    paid_worker(app, users["officer"], 3)
    coord = login_as(app, "koord1")
    text = f"kpj,bulan_awal,jumlah_bulan,jumlah,tgl_bayar\n{kpj(3)},2026-01,1,16800,2026-01-10\n"
    preview = upload(coord, text)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview.get_data(as_text=True))[1]
    first = coord.post("/bayar/impor", data={"csrf_token": coord.auth.token(), "digest": digest, "apply": "x"})
    again = coord.post("/bayar/impor", data={"csrf_token": coord.auth.token(), "digest": digest, "apply": "x"})
    assert first.status_code == 302 and again.status_code == 422
    assert "tidak ditemukan lagi" in text_of(again)  # (at the same moment: "sudah diterapkan atau dibatalkan")
    assert count(app, Payment) == 1
