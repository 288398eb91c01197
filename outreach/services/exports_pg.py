"""The queue's CSV export on PostgreSQL, its rows written by the database: the same bytes as exports.columns()
through csv.writer (tests/test_exports_pg.py holds the two to it), several times faster (bench/scale.py).

One COPY (SELECT <the columns' values>) TO STDOUT WITH CSV streams the file, on a connection of its own (the job's
session commits the progress meanwhile). COPY quotes as csv.writer does (a comma, a quote, a line break) but for
two things, made equal here: it quotes an empty string (so an empty value is sent as NULL, written as nothing),
and it ends a row with \\n, not \\r\\n (each row comes in a message of its own: its \\n is replaced).
"""
import json

from sqlalchemy import Integer, String, Text, cast, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY

from outreach.domain.clock import local_today
from outreach.domain.protection import STATES
from outreach.extensions import db
from outreach.models import Registration
from outreach.models.types import local_date
from outreach.services import exports, queue

BLOCK = 256 * 1024
REPORT_ROWS = 20_000  # progress (and the job's heartbeat) every so many rows: one commit each
FORMULA_CODES = [ord(c) for c in exports.FORMULA_STARTS]


def usable() -> bool:
    return db.engine.dialect.name == "postgresql"


def cell(value):
    """A text value as exports.inert leaves it: a formula's first character behind a '; empty as NULL."""
    v = type_coerce(value, String)  # String: + is ||
    return db.case((db.func.ascii(v).in_(FORMULA_CODES), "'" + v), else_=db.func.nullif(v, ""))


def day(value):
    """date.isoformat() (the COPY's connection has DateStyle ISO); NULL as nothing."""
    return cast(value, String)


def lookup(pairs: dict, key_type, name: str):
    """Words looked up once in Python, as a table to join."""
    return db.func.unnest(db.bindparam(f"{name}_keys", list(pairs), type_=ARRAY(key_type)),
                          db.bindparam(f"{name}_words", list(pairs.values()), type_=ARRAY(String))).table_valued(
        db.column("key", key_type), db.column("word", String)).render_derived(name)


def protection():
    """followup.standing()'s state, as the queue's protection filter reads it from the row (queue.py)."""
    today = local_today()
    return db.case(*((queue.protection_condition(state, today), state) for state in STATES if state != "registered"),
                   else_="registered")


def rows(query, programs: dict):
    """The export's rows (query: the registrations, filtered) by id, each column's value as exports.columns()
    gives it to csv.writer, in its order: a change there is a change here, or tests/test_exports_pg.py fails.
    `programs`: each JSON text of the column's, its words."""
    names = exports.names()
    regions = {k: v for k, v in names.items() if isinstance(k, str)}
    village, kecamatan = lookup(regions, String, "village"), lookup(regions, String, "kecamatan")
    programme = lookup({k[1]: v for k, v in names.items() if isinstance(k, tuple)}, Integer, "programme")
    listed = lookup(programs, Text, "listed")
    r = Registration
    values = (cell(r.number), cell(r.nik), cell(r.full_name), cell(r.birth_place), day(r.birth_date),
              db.case((r.sex == "M", "L"), else_="P"), cell(db.func.concat("0", db.func.substr(r.phone, 4))),
              cell(r.address), cell(db.func.coalesce(village.c.word, r.village_code)),
              cell(db.func.coalesce(kecamatan.c.word, r.kecamatan_code)), cell(r.occupation), cell(r.work_location),
              r.monthly_income, cell(listed.c.word), r.payment_period, cell(r.funding), cell(r.sponsor_name),
              cell(r.heir_name), cell(r.heir_relation), cell(r.status), cell(r.kpj), day(local_date(r.created_at)),
              cell(r.occupation_other), cell(r.second_occupation), db.case((r.employs_others, "1"), else_="0"),
              cell(programme.c.word), protection(), day(r.paid_through))
    return (query.with_only_columns(*values)
            .outerjoin(village, village.c.key == r.village_code)
            .outerjoin(kecamatan, kecamatan.c.key == r.kecamatan_code)
            .outerjoin(programme, programme.c.key == r.programme_id)
            .outerjoin(listed, listed.c.key == cast(r.programs, Text))
            .order_by(r.id))


def write(out, query, report) -> int:
    """Stream the rows into `out` (jobs.ChunkWriter), reporting progress; the row count."""
    n, reported, buffer = 0, 0, bytearray()
    # One snapshot for the rows and the few texts of their programs, read first and put into words here (a JSON
    # function per row would cost more than the rest of the row)
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        texts = conn.scalars(query.with_only_columns(cast(Registration.programs, Text)).distinct().order_by(None))
        statement = rows(query, {t: " ".join(json.loads(t)) for t in texts}).compile(
            dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
        conn.execute(db.text("SET LOCAL DateStyle = ISO"))
        copy_out = f"COPY ({statement}) TO STDOUT (FORMAT csv, ENCODING 'UTF8')"
        with conn.connection.driver_connection.cursor() as cursor, cursor.copy(copy_out, statement.params) as copy:
            for row in copy:  # one CopyData message per row, its \n last (the protocol docs, "Copy-out mode")
                buffer += row[:-1]
                buffer += b"\r\n"
                n += 1
                if len(buffer) >= BLOCK:
                    out.write(bytes(buffer))
                    buffer.clear()
                    if n - reported >= REPORT_ROWS:
                        report(n)
                        reported = n
    out.write(bytes(buffer))
    return n
