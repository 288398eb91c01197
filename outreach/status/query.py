"""What the status page reads, in one query: the receipt, the registration's shown fields (never its NIK, birth
date, phone or address), its desa, its programme, the months paid, and whom the worker can call (the officer;
else the first coordinator of the kecamatan with a number; the kecamatan's name for the office to go to).

Built once, of plain columns: the page is opened from QR codes, by anyone, at any rate. Everything beside the
receipt and its registration is a scalar subquery, not a join: a seven-table join took PostgreSQL longer to
plan (about 1.4 ms) than the page takes to render, ten small subqueries a fifth of that. The plan is kept
between views once psycopg has prepared the statement (find() never rolls back its connection), until another
request ends in a rollback on the same pooled connection.
"""
from sqlalchemy import Integer, Row, String, bindparam, cast, extract, func, select

from outreach.domain import tokens
from outreach.domain.protection import Month, month_of
from outreach.extensions import db
from outreach.models import Payment, Programme, Receipt, Region, Registration, User
from outreach.models.types import local_date

receipt, reg = Receipt.__table__, Registration.__table__
programme, region, users, payment = Programme.__table__, Region.__table__, User.__table__, Payment.__table__


def of(column, *where, order=None):
    """A value of another table for this registration (None when there is none)."""
    found = select(column).where(*where).correlate(reg)
    return (found.order_by(order).limit(1) if order is not None else found).scalar_subquery()


def coordinator(column):
    """The first active coordinator of the kecamatan with a phone number."""
    return of(column, users.c.role == "coordinator", users.c.active, users.c.kecamatan_code == reg.c.kecamatan_code,
              users.c.phone.is_not(None), order=users.c.id)


# The months paid as "month index:months" pairs ("24322:3,24325:1"; domain/protection.py's indexes).
month = cast(extract("year", payment.c.first_month) * 12 + extract("month", payment.c.first_month) - 1, Integer)
paid = of(func.aggregate_strings(cast(month, String) + ":" + cast(payment.c.months, String), ","),
          payment.c.registration_id == reg.c.id)

PAGE = (
    select(receipt.c.replaced_at.is_not(None).label("replaced"),
           *(reg.c[name] for name in ("id", "number", "status", "kpj", "reason", "full_name", "programs", "funding",
                                      "contribution", "payment_period", "monthly_income", "occupation",
                                      "paid_through", "programme_id")),
           local_date(reg.c.created_at).label("created_on"), local_date(reg.c.updated_at).label("updated_on"),
           of(region.c.name, region.c.code == reg.c.village_code).label("village_name"),
           of(region.c.name, region.c.code == reg.c.kecamatan_code).label("kecamatan_name"),
           *(of(programme.c[name], programme.c.id == reg.c.programme_id).label(f"programme_{name}")
             for name in ("name", "funder_name", "first_month", "months")),
           of(users.c.full_name, users.c.id == reg.c.officer_id).label("officer_name"),
           of(users.c.phone, users.c.id == reg.c.officer_id).label("officer_phone"),
           coordinator(users.c.full_name).label("coordinator_name"),
           coordinator(users.c.phone).label("coordinator_phone"),
           paid.label("paid"))
    .select_from(receipt.join(reg, reg.c.id == receipt.c.registration_id))
    .where(receipt.c.token_hash == bindparam("token_hash"))
)


def find(token: str) -> Row | None:
    """The page's row for a status token (None for an unknown one); `replaced`: a re-issued receipt.

    One statement on a connection of its own in autocommit: no BEGIN and COMMIT around it (two of the three
    round trips a transaction would cost), and no ROLLBACK when the connection goes back to the pool, which would
    make psycopg drop the prepared statement (and PostgreSQL plan it again at the next view)."""
    if not tokens.looks_like_token(token):
        return None
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        return conn.execute(PAGE, {"token_hash": tokens.token_hash(token)}).first()


def paid_months(row: Row) -> list[tuple[Month, int]]:
    """The row's payments as (first month, number of months): what the protection reads of the ledger."""
    pairs = (item.split(":") for item in row.paid.split(",")) if row.paid else ()
    return [(month_of(int(index)), int(months)) for index, months in pairs]
