"""The district's time zone and its calendar: what "today" and "midnight" mean for registrations and counts.

Bangka Belitung keeps WIB (UTC+7, no daylight saving since 1964); dates shown, counted or filtered by day are
WIB dates, whatever the server's own zone.
"""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

TIMEZONE = "Asia/Jakarta"
LOCAL_TZ = ZoneInfo(TIMEZONE)


def local_now() -> datetime:
    return datetime.now(LOCAL_TZ)


def local_today() -> date:
    return local_now().date()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def local_day(moment: datetime) -> date:
    """The WIB date of an aware moment (a naive one is taken as UTC, as the database stores it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LOCAL_TZ).date()
