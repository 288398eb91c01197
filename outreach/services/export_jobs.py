"""Exports too large for one request (more than EXPORT_INLINE_ROWS rows) as jobs (services/jobs.py): the same
columns and values as the streamed export (services/exports.py), written into the job's file in keyset pages,
each page a short query (no cursor held open across the progress commits), then handed over by /tugas/<id>.
The export's audit event is written when the job is created, its row count when the file is complete."""
import csv
import io
import tempfile
from datetime import date

import xlsxwriter

from outreach.extensions import db
from outreach.models import Programme, Registration, User
from outreach.services import exports, exports_pg, jobs, programmes, queue
from outreach.services.access import visible_to

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": "text/csv", "xlsx": XLSX}


def filters_of(params: dict) -> queue.Filters:
    values = dict(params)
    for name in ("date_from", "date_to"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    return queue.Filters(**values)


def queue_query(job) -> tuple:
    user = db.session.get(User, job.user_id)
    return queue.apply_filters(visible_to(user), filters_of(job.params["filter"])).where(
        Registration.status != "erased")


def count_of(query) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(query.order_by(None).subquery()))


def pages(query):
    """The query's registrations by id as plain rows (exports.plain), a page at a time, each page a query of its
    own, read whole."""
    last = 0
    while True:
        page = db.session.execute(exports.plain(query).where(Registration.id > last).order_by(Registration.id)
                                  .limit(exports.BATCH)).all()
        if not page:
            return
        yield from map(exports.Row._make, page)
        last = page[-1].id


def queue_export(job, report) -> dict:
    fmt, event = job.params["format"], job.params["event"]  # read now: report() commits, which expires the job
    query = queue_query(job).order_by(None)
    report(0, count_of(query))
    cols = exports.columns()
    titles = [title for title, _code, _words in cols]
    if fmt == "csv" and exports_pg.usable():  # the database writes the rows, the same bytes, several times faster
        out = jobs.ChunkWriter(job.id, gzip=True)
        out.write(exports.head(titles).encode("utf-8"))
        n = exports_pg.write(out, query, report)
        out.close()
    else:
        getters = [code if fmt == "csv" or words is None else words for _title, code, words in cols]
        names = exports.names()
        values = ([get(r, names) for get in getters] for r in pages(query))
        n = write(job.id, titles, values, fmt, report)
    exports.record_rows(event, n)
    return {"rows": n}


def programme_export(job, report) -> dict:
    programme = db.session.get(Programme, job.params["programme"])
    kecamatan, fmt, event = job.params.get("kecamatan"), job.params["format"], job.params["event"]
    report(0, programmes.count(programme.id, kecamatan))

    def values():
        after = None
        while True:
            page = list(programmes.member_rows(programme, kecamatan, after, exports.BATCH))
            if not page:
                return
            for m in page:
                yield programmes.member_values(m)
            after = page[-1].registration.id
            for m in page:
                db.session.expunge(m.registration)
    n = write(job.id, programmes.member_titles(), values(), fmt, report)
    exports.record_rows(event, n)
    return {"rows": n}


def write(job_id: int, titles: list, values, fmt: str, report) -> int:
    """Write the table into the job's file (CSV: gzip-compressed as it is stored); report every page."""
    out, n = jobs.ChunkWriter(job_id, gzip=fmt == "csv"), 0
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write(exports.head(titles))
        writer = csv.writer(buffer)
        for row in values:
            writer.writerow([exports.inert(value) for value in row])
            n += 1
            if n % exports.BATCH == 0:
                out.write(buffer.getvalue().encode("utf-8"))
                buffer.seek(0)
                buffer.truncate()
                report(n)
        out.write(buffer.getvalue().encode("utf-8"))
        out.close()
        return n
    with tempfile.TemporaryFile() as spool:
        book = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
        sheet = book.add_worksheet("BPU")
        sheet.write_row(0, 0, titles, book.add_format({"bold": True}))
        for n, row in enumerate(values, start=1):
            sheet.write_row(n, 0, row)
            if n % exports.BATCH == 0:
                report(n)
        book.close()
        spool.seek(0)
        while block := spool.read(jobs.CHUNK):
            out.write(block)
        out.close()
    return n
