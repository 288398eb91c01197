"""Dates as officers type them when the phone has no date picker."""
import re
from datetime import date, datetime

DMY = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})", re.ASCII)
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def parse_date(raw: str | None) -> date | None:
    """ISO YYYY-MM-DD (the date input and the API) or Indonesian DD-MM-YYYY / DD/MM/YYYY; None if neither."""
    text = (raw or "").strip()
    try:
        if m := ISO.fullmatch(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := DMY.fullmatch(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


LOCAL_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})", re.ASCII)


def parse_local_moment(raw: str | None) -> datetime | None:
    """A date and time as a datetime-local input sends it (YYYY-MM-DDTHH:MM), naive; None if not one."""
    m = LOCAL_MOMENT.fullmatch((raw or "").strip())
    try:
        return datetime(*(int(g) for g in m.groups())) if m else None
    except ValueError:
        return None
