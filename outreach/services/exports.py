"""Exports of the queue's current filter for BPJS Ketenagakerjaan's collective BPU registration.

Rows are streamed from the database in batches (yield_per), so memory stays flat on a million rows:
CSV goes out as it is written; XLSX is written by xlsxwriter in constant-memory mode to a temporary file
and then streamed. Every export is recorded in the audit trail with its filter before its first byte
(start), and its row count when done (the caller's `done`, which commits).
"""
import csv
import io
import tempfile

import xlsxwriter
from flask import Response, stream_with_context
from flask_babel import gettext as _

from outreach import audit
from outreach import labels
from outreach.domain.regions import DISTRICT_CODE
from outreach.extensions import db
from outreach.models import AuditEvent, Region
from outreach.models.types import utcnow

BATCH = 1000


def columns():
    return [
        (_("Nomor pendaftaran"), lambda r, n: r.number),
        ("NIK", lambda r, n: r.nik),
        (_("Nama lengkap"), lambda r, n: r.full_name),
        (_("Tempat lahir"), lambda r, n: r.birth_place),
        (_("Tanggal lahir"), lambda r, n: r.birth_date.isoformat()),
        (_("Jenis kelamin"), lambda r, n: "L" if r.sex == "M" else "P"),
        (_("Nomor HP"), lambda r, n: "0" + r.phone[3:]),
        (_("Alamat"), lambda r, n: r.address),
        (_("Desa"), lambda r, n: n.get(r.village_code, r.village_code)),
        (_("Kecamatan"), lambda r, n: n.get(r.kecamatan_code, r.kecamatan_code)),
        (_("Pekerjaan"), lambda r, n: r.occupation_other if r.occupation == "lainnya" else str(labels.OCCUPATIONS[r.occupation])),
        (_("Lokasi kerja"), lambda r, n: r.work_location or ""),
        (_("Penghasilan sebulan"), lambda r, n: r.monthly_income),
        (_("Program"), lambda r, n: " ".join(r.programs)),
        (_("Masa iuran (bulan)"), lambda r, n: r.payment_period),
        (_("Dibayar oleh"), lambda r, n: r.funding),
        (_("Nama sponsor"), lambda r, n: r.sponsor_name or ""),
        (_("Nama ahli waris"), lambda r, n: r.heir_name),
        (_("Hubungan ahli waris"), lambda r, n: r.heir_relation),
        (_("Status"), lambda r, n: r.status),
        ("KPJ", lambda r, n: r.kpj or ""),
        (_("Tanggal daftar"), lambda r, n: r.created_at.date().isoformat()),
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): text starting =, +, -, @ gets a quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def rows(query, cols):
    names = dict(db.session.execute(db.select(Region.code, Region.name).where(Region.code.like(DISTRICT_CODE + "%"))).all())
    for registration in db.session.scalars(query.execution_options(yield_per=BATCH)):
        yield [get(registration, names) for _title, get in cols]


def start(fmt: str, filters, user) -> int:
    """The export's audit event, before anything is sent (the caller commits it); its id, for the row count."""
    event = audit.record("export", user_id=user.id, kecamatan_code=filters.kecamatan, format=fmt,
                         filter=filters.as_dict(), rows=None)
    db.session.flush()
    return event.id


def record_rows(event_id: int, n: int) -> None:
    event = db.session.get(AuditEvent, event_id)
    event.details = dict(event.details, rows=n)


def response(query, fmt: str, done) -> Response:
    """The file, streamed; `done(n)` is called with the row count once the last row is written."""
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    cols = columns()
    counted = {"n": 0}

    def finish():
        done(counted["n"])

    if fmt == "csv":
        def generate():
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            buffer.write("\ufeff")  # BOM: Excel then reads the file as UTF-8
            writer.writerow([title for title, _get in cols])
            for row in rows(query, cols):
                writer.writerow([inert(value) for value in row])
                counted["n"] += 1
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
            finish()
        return Response(stream_with_context(generate()), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="pendaftaran-bpu-{stamp}.csv"',
            "Cache-Control": "no-store"})

    spool = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False,
                                       "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("BPU")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [title for title, _get in cols], bold)
    for i, row in enumerate(rows(query, cols), start=1):
        sheet.write_row(i, 0, row)
        counted["n"] += 1
    book.close()
    finish()
    spool.seek(0)

    def chunks():
        with spool:
            while block := spool.read(64 * 1024):
                yield block
    return Response(chunks(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="pendaftaran-bpu-{stamp}.xlsx"', "Cache-Control": "no-store"})
