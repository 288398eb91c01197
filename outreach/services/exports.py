"""Exports of the queue's current filter for BPJS Ketenagakerjaan's collective BPU registration.

Rows are streamed from the database in batches (yield_per), so memory stays flat on a million rows:
CSV goes out as it is written; XLSX is written by xlsxwriter in constant-memory mode to a temporary file
and then streamed. Every export is recorded in the audit trail with its filter before its first byte
(start), and its row count when done (the caller's `done`, which commits).
"""
import csv
import io
from collections import namedtuple
import tempfile

import xlsxwriter
from flask import Response, stream_with_context
from flask_babel import gettext as _

from outreach import audit, district, labels, wording
from outreach.domain import followup
from outreach.domain.clock import local_day, local_now, local_today
from outreach.domain.occupations import OTHER
from outreach.extensions import db
from outreach.models import AuditEvent, Programme, Region, Registration

BATCH = 1000


def columns():
    """(title, the CSV's value, the XLSX's value). The CSV is for machines and keeps codes (README, "Coordinator
    review"); the XLSX is for people and carries words. None: the same value in both."""
    def title(name):
        return str(labels.FIELDS[name])

    said = {}  # (field, code) -> its words: looked up once per file, not once per row

    def word(name):
        def words(r, n):
            key = (name, getattr(r, name))
            if key not in said:
                said[key] = wording.worded(*key)
            return said[key]
        return words
    today = local_today()  # once per file: each row's protection from its own columns, no query per row

    def protection(r, n):
        return followup.standing(r.paid_through, today).state if r.status == "active" and r.kpj else "registered"
    return [
        (title("number"), lambda r, n: r.number, None),
        ("NIK", lambda r, n: r.nik, None),
        (title("full_name"), lambda r, n: r.full_name, None),
        (title("birth_place"), lambda r, n: r.birth_place, None),
        (title("birth_date"), lambda r, n: r.birth_date.isoformat(), None),
        (title("sex"), lambda r, n: "L" if r.sex == "M" else "P", word("sex")),
        (title("phone"), lambda r, n: "0" + r.phone[3:], None),
        (title("address"), lambda r, n: r.address, None),
        (title("village_code"), lambda r, n: n.get(r.village_code, r.village_code), None),
        (title("kecamatan_code"), lambda r, n: n.get(r.kecamatan_code, r.kecamatan_code), None),
        (title("occupation"), lambda r, n: r.occupation,
         lambda r, n: r.occupation_other if r.occupation == OTHER and r.occupation_other else wording.worded("occupation", r.occupation)),
        (title("work_location"), lambda r, n: r.work_location or "", None),
        (title("monthly_income"), lambda r, n: r.monthly_income, None),
        (title("programs"), lambda r, n: " ".join(r.programs), None),
        (_("Masa iuran (bulan)"), lambda r, n: r.payment_period, None),
        (title("funding"), lambda r, n: r.funding, word("funding")),
        (title("sponsor_name"), lambda r, n: r.sponsor_name or "", None),
        (title("heir_name"), lambda r, n: r.heir_name, None),
        (title("heir_relation"), lambda r, n: r.heir_relation, word("heir_relation")),
        (title("status"), lambda r, n: r.status, word("status")),
        ("KPJ", lambda r, n: r.kpj or "", None),
        (title("created_at"), lambda r, n: local_day(r.created_at).isoformat(), None),  # the WIB day
        (title("occupation_other"), lambda r, n: r.occupation_other or "", None),  # last: the CSV's older columns keep their places
        (title("second_occupation"), lambda r, n: r.second_occupation or "", word("second_occupation")),
        (title("employs_others"), lambda r, n: "1" if r.employs_others else "0", word("employs_others")),
        (title("programme_id"), lambda r, n: n.get(("programme", r.programme_id), ""), None),
        (_("Perlindungan"), protection, lambda r, n: str(labels.PROTECTION[protection(r, n)])),
        (_("Terlindungi sampai"), lambda r, n: r.paid_through.isoformat() if r.paid_through else "", None),
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """A cell a spreadsheet will not run as a formula (CSV injection): text starting =, +, -, @ gets a quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def names() -> dict:
    """The words an export looks up once, not per row: region names, programme names."""
    found = dict(db.session.execute(db.select(Region.code, Region.name).where(Region.code.like(district.current().code + "%"))).all())
    return found | {("programme", pid): name for pid, name in db.session.execute(db.select(Programme.id, Programme.name))}


READ = ("id", "number", "nik", "full_name", "birth_place", "birth_date", "sex", "phone", "address", "village_code",
        "kecamatan_code", "occupation", "occupation_other", "work_location", "monthly_income", "programs",
        "payment_period", "funding", "sponsor_name", "heir_name", "heir_relation", "status", "kpj", "created_at",
        "second_occupation", "employs_others", "programme_id", "paid_through")  # what columns() reads, no more


Row = namedtuple("Row", READ)  # attribute reads at C speed (a SQLAlchemy Row resolves each name in Python)


def plain(query):
    """The registrations of an ORM query as plain rows of the columns an export reads (a row reads like the
    object, r.number, without the ORM building and tracking an instance per row, nor decoding the JSON columns it
    does not show: exports run several times faster)."""
    return query.with_only_columns(*(Registration.__table__.c[name] for name in READ))


def rows(query, cols, fmt: str):
    names_ = names()
    getters = [code if fmt == "csv" or words is None else words for _title, code, words in cols]
    for registration in db.session.execute(plain(query).execution_options(yield_per=BATCH)):
        registration = Row._make(registration)
        yield [get(registration, names_) for get in getters]


def start(fmt: str, filters, user) -> int:
    """The export's audit event, before anything is sent (the caller commits it); its id, for the row count."""
    event = audit.record("export", user_id=user.id, kecamatan_code=filters.kecamatan, format=fmt,
                         filter=filters.as_dict(), rows=None)
    db.session.flush()
    return event.id


def record_rows(event_id: int, n: int) -> None:
    # Locked, so read from the primary even when the export's rows came from the replica (outreach/replica.py).
    event = db.session.get(AuditEvent, event_id, with_for_update=True)
    event.details = dict(event.details, rows=n)


def response(query, fmt: str, done) -> Response:
    """The file, streamed; `done(n)` is called with the row count once the last row is written."""
    cols = columns()
    return table([title for title, _code, _words in cols], rows(query, cols, fmt), fmt, "pendaftaran-bpu", done)


def filename(name: str, fmt: str) -> str:
    return f"{name}-{local_now().strftime('%Y%m%d-%H%M')}.{fmt}"  # WIB, the time on the coordinator's wall


def head(titles: list[str]) -> str:
    """A CSV's first line: a BOM (Excel then reads the file as UTF-8), then the titles."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer).writerow(titles)
    return buffer.getvalue()


def table(titles: list[str], values, fmt: str, name: str, done) -> Response:
    """A table (`titles`, then the rows `values` yields) as a streamed CSV or XLSX named `name`-<WIB time>;
    `done(n)` is called with the row count once the last row is written."""
    stamp = local_now().strftime("%Y%m%d-%H%M")  # WIB, the time on the coordinator's wall
    counted = {"n": 0}

    def finish():
        done(counted["n"])

    if fmt == "csv":
        def generate():
            buffer = io.StringIO()
            buffer.write(head(titles))
            writer = csv.writer(buffer)
            for row in values:
                writer.writerow([inert(value) for value in row])
                counted["n"] += 1
                if buffer.tell() > 64 * 1024:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()
            finish()
        return Response(stream_with_context(generate()), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}-{stamp}.csv"', "Cache-Control": "no-store"})

    spool = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False,
                                       "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("BPU")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, titles, bold)
    for i, row in enumerate(values, start=1):
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
        "Content-Disposition": f'attachment; filename="{name}-{stamp}.xlsx"', "Cache-Control": "no-store"})
