"""Column types shared by the models, and a SQL function over them."""
from datetime import datetime, timezone

from sqlalchemy import Date, DateTime
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator

from outreach.domain.clock import TIMEZONE


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on PostgreSQL and SQLite alike.

    SQLite hands back naive datetimes; comparing those with aware ones raises, so every
    value is stored as UTC and read back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class local_date(FunctionElement):
    """The WIB (Asia/Jakarta, UTC+7 all year) calendar date of a UTCDateTime column, computed by the database.

    `date(column)` would give the UTC date on SQLite, and the session time zone's on PostgreSQL: a registration
    at 06:30 WIB would count on the day before.
    """

    type = Date()
    inherit_cache = True


@compiles(local_date)
def _local_date_sqlite(element, compiler, **kw):
    # SQLite keeps UTCDateTime as UTC text; WIB has had no daylight saving since 1964, so +7 hours is exact.
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE '{TIMEZONE}') AS DATE)"
