"""The coordinators' queue: filters, search, counts by status and keyset pages, over what the user may see."""
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import String, cast

from outreach.domain import codes, followup, workflow
from outreach.domain.clock import local_midnight, local_today
from outreach.domain.protection import STATES as PROTECTION_STATES
from outreach.domain.eligibility import name_key
from outreach.domain.nik import normalise_nik
from outreach.domain.numbers import WHOLE as WHOLE_NUMBER, read_start as read_number_start
from outreach.extensions import db
from outreach.inputs import MAX_DATE, MAX_ID, MIN_DATE, as_int
from outreach.models import Registration, RegistrationCount, RegistrationCountChange, User
from outreach.services import counts as kept_counts
from outreach.services.access import visible_to

@dataclass
class Filters:
    status: str | None = None
    kecamatan: str | None = None
    desa: str | None = None
    occupation: str | None = None
    officer: int | None = None
    funding: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    flag: str | None = None
    protection: str | None = None  # domain/protection.STATES, from paid_through (as of today, WIB)
    q: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()
                if v not in (None, "", {}) and k != "extra"}


FLAG_FILTERS = codes.FLAGS
def apply_filters(query, f: Filters, with_status: bool = True):
    if with_status and f.status:
        query = query.where(Registration.status == f.status)
    if f.kecamatan:
        query = query.where(Registration.kecamatan_code == f.kecamatan)
    if f.desa:
        query = query.where(Registration.village_code == f.desa)
    if f.occupation:
        query = query.where(Registration.occupation == f.occupation)
    if f.officer:
        query = query.where(Registration.officer_id == f.officer)
    if f.funding:
        query = query.where(Registration.funding == f.funding)
    if f.date_from:
        query = query.where(Registration.created_at >= local_midnight(f.date_from))
    if f.date_to:
        query = query.where(Registration.created_at < local_midnight(f.date_to + timedelta(days=1)))
    if f.flag in FLAG_FILTERS:
        query = query.where(flag_condition(f.flag))
    if f.protection in PROTECTION_STATES:
        query = query.where(protection_condition(f.protection, local_today()))
    if f.q:
        query = query.where(search_condition(f.q))
    return query


def flag_condition(flag: str):
    """flags is a JSON list; its text form holds each flag in quotes on SQLite and PostgreSQL alike. The pattern
    is written into the SQL (a flag of codes.FLAGS, never what was typed) so that PostgreSQL's planner sees it and
    picks that flag's partial index (migration 0024): its rows and their counts without reading the table."""
    return cast(Registration.flags, String).like(db.literal(f'%"{flag}"%', literal_execute=True))


def protection_condition(state: str, today: date):
    """The rows in a protection state today: followup.bounds() on status, KPJ and paid_through."""
    b = followup.bounds(state, today)
    kpj = db.and_(Registration.status == "active", Registration.kpj.is_not(None))
    if not b.has_kpj:
        return db.not_(kpj)
    conditions = [kpj]
    if b.paid is not None:
        conditions.append(Registration.paid_through.is_not(None) if b.paid else Registration.paid_through.is_(None))
    if b.low is not None:
        conditions.append(Registration.paid_through >= b.low)
    if b.high is not None:
        conditions.append(Registration.paid_through < b.high)
    return db.and_(*conditions)




def search_condition(raw: str):
    """What a coordinator types, read the cheapest way that answers it: a whole registration number, four NIK
    digits or the start of a number are index look-ups; only a name or another piece of a number needs a scan."""
    q = raw.strip()
    if WHOLE_NUMBER.fullmatch(q.upper()):
        return Registration.number == q.upper()
    digits = normalise_nik(q)
    if len(digits) == 4 and digits.isdigit():
        return Registration.nik_last4 == digits
    if start := number_start(q):
        # The start of a number (its letters, then digits) is a range of an index (migration 0024), not a
        # trigram search; nor a name: "BS-2611-00" read "BS" in every name, a trigram index's every row.
        return Registration.number.like(f"{start}%")  # letters, digits and dashes: nothing to escape (also below)
    conditions = [Registration.number.icontains(q, autoescape=True)]
    if key := name_key(q):
        conditions.append(Registration.name_key.contains(key, autoescape=True))
    return db.or_(*conditions)


def number_start(raw: str) -> str | None:
    """The start of a number the search is, not a whole one (domain/numbers.read_start)."""
    return None if WHOLE_NUMBER.fullmatch(raw.strip().upper()) else read_number_start(raw)


def only_by_area(user: User, f: Filters) -> bool:
    """True when the tabs count whole kecamatan (a coordinator's, or an admin's all or one): registration_counts
    answers; any other filter, or an officer's own rows, is counted on the rows."""
    if not (user.has_role("admin") or user.has_role("coordinator")):
        return False
    return not any((f.desa, f.occupation, f.officer, f.funding, f.date_from, f.date_to, f.flag, f.protection,
                    f.q.strip()))


SEARCH_COUNT_CAP = 5000  # a search's tabs count this many rows at most ("5000+"): a wide one (BS-26) matches most


class AtLeast(int):
    """A count stopped at the cap: the tab shows it as a lower bound."""

    def __str__(self) -> str:
        return f"{int(self)}+"


def counts_by_status(user: User, f: Filters) -> dict[str, int]:
    capped = False
    if only_by_area(user, f):
        return kept_by_status(user.kecamatan_code if user.has_role("coordinator") else f.kecamatan)
    if f.q.strip():
        found = apply_filters(visible_to(user), f, with_status=False).with_only_columns(
            Registration.status).limit(SEARCH_COUNT_CAP + 1).subquery()
        query = db.select(found.c.status, db.func.count()).group_by(found.c.status)
    else:
        query = apply_filters(visible_to(user), f, with_status=False).with_only_columns(
            Registration.status, db.func.count()).group_by(Registration.status)
    counts = {status: int(n) for status, n in db.session.execute(query).all()}
    if f.q.strip() and sum(counts.values()) > SEARCH_COUNT_CAP:
        capped = True
    return {status: AtLeast(counts.get(status, 0)) if capped else counts.get(status, 0)
            for status in workflow.STATUSES}


FOLD_AFTER = 2000  # change rows not yet folded (all kecamatan) past which a tab read folds them (services/counts.py)


def kept_by_status(kecamatan: str | None) -> dict[str, int]:
    """A kecamatan's counts (all, for None) from registration_counts plus the changes not yet folded into it
    (migration 0025), summed in one statement: one snapshot, so exact whether a fold has run or not. The
    changes of every kecamatan are read (the table has no index but its key: it is read whole anyway) and
    counted, so that the same statement says when to fold them."""
    kept = db.select(RegistrationCount.kecamatan_code, RegistrationCount.status, RegistrationCount.n,
                     db.literal_column("0").label("change"))
    if kecamatan:
        kept = kept.where(RegistrationCount.kecamatan_code == kecamatan)
    changes = db.select(RegistrationCountChange.kecamatan_code, RegistrationCountChange.status,
                        RegistrationCountChange.n, db.literal_column("1"))
    both = db.union_all(kept, changes).subquery()
    n = db.case((both.c.kecamatan_code == kecamatan, both.c.n), else_=0) if kecamatan else both.c.n
    rows = db.session.execute(db.select(both.c.status, db.func.sum(n), db.func.sum(both.c.change))
                              .group_by(both.c.status)).all()
    if sum(int(change) for _status, _n, change in rows) > FOLD_AFTER:
        kept_counts.fold()  # its own transaction and connection: this read's is left as it is
    counts = {status: int(n) for status, n, _change in rows}
    return {status: counts.get(status, 0) for status in workflow.STATUSES}


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
CURSOR = re.compile(r"(-?\d{1,20})_(\d{1,10})", re.ASCII)
CURSOR_RANGE = tuple(int((datetime.combine(day, time.min, tzinfo=timezone.utc) - EPOCH) / timedelta(microseconds=1))
                     for day in (MIN_DATE, MAX_DATE))


def cursor_of(registration: Registration) -> str:
    """Where the next page starts: the last row's (created_at, id), as `<microseconds since 1970>_<id>`."""
    return f"{(registration.created_at - EPOCH) // timedelta(microseconds=1)}_{registration.id}"


def parse_cursor(raw) -> tuple[datetime, int] | None:
    """A cursor from the URL, or None when it is not one this app wrote (the queue starts over)."""
    match = CURSOR.fullmatch(raw or "")
    if not match:
        return None
    micros, row_id = as_int(match[1], *CURSOR_RANGE), as_int(match[2], 1, MAX_ID)
    if micros is None or row_id is None:
        return None
    return EPOCH + timedelta(microseconds=micros), row_id


def page(user: User, f: Filters, after: tuple[datetime, int] | None, newest_first: bool,
         size: int) -> tuple[list, str | None]:
    """One page of the queue, sorted by date and keyset-paginated on (created_at, id), so page 1,000 costs
    page 1. Registration dates are not in id order (offline captures sync late, demo rows are back-dated),
    and several rows may share a timestamp: the id breaks ties, so no row repeats or goes missing."""
    searched = apply_filters(visible_to(user), f)
    unsearched = apply_filters(visible_to(user), replace(f, q=""))
    if after:
        # A row-value comparison: both databases turn it into one range scan of the (..., created_at, id) index.
        key = db.tuple_(Registration.created_at, Registration.id)
        start = db.tuple_(db.literal(after[0], Registration.created_at.type), db.literal(after[1]))
        after_start = key < start if newest_first else key > start
        searched, unsearched = searched.where(after_start), unsearched.where(after_start)
    order = in_order(Registration.created_at, Registration.id, newest_first)
    if start := number_start(f.q):
        rows = by_number_start(searched, unsearched, start, newest_first, size)
    else:
        rows = fetch(searched.order_by(*order).limit(size + 1))
    return rows[:size], (cursor_of(rows[size - 1]) if len(rows) > size else None)


def in_order(created_at, row_id, newest_first: bool) -> tuple:
    return (created_at.desc(), row_id.desc()) if newest_first else (created_at.asc(), row_id.asc())


def fetch(query) -> list:
    return db.session.scalars(query.options(db.joinedload(Registration.village),
                                            db.joinedload(Registration.officer))).all()


WALK = 2000  # rows of the queue read in date order before the matches of the start of a number are sorted


def by_number_start(searched, unsearched, start: str, newest_first: bool, size: int) -> list:
    """The page of a search by the start of a number. Its matches lie in one range of numbers, and numbers
    follow the dates: walking the dates for them (what the planner picks when they are many) reads every
    later row before an old month's first match (BS-2510-01: 0.9 s over a million). So: the first WALK rows
    of the queue without the search; if they hold a page of matches, that is the page (every other match
    comes after all of them). Else the matches alone, from the number index (migration 0024), sorted."""
    order = in_order(Registration.created_at, Registration.id, newest_first)
    first = unsearched.with_only_columns(Registration.id, Registration.created_at, Registration.number).order_by(
        *order).limit(WALK).subquery()
    ids = db.select(first.c.id).where(first.c.number.like(f"{start}%")).order_by(
        *in_order(first.c.created_at, first.c.id, newest_first)).limit(size + 1)
    rows = fetch(db.select(Registration).where(Registration.id.in_(ids)).order_by(*order))
    if len(rows) > size:
        return rows
    # OFFSET 0: PostgreSQL plans the matches on their own (the number index), not as a walk of the dates
    found = searched.with_only_columns(Registration.id, Registration.created_at).offset(0).subquery()
    ids = db.select(found.c.id).order_by(*in_order(found.c.created_at, found.c.id, newest_first)).limit(size + 1)
    return fetch(db.select(Registration).where(Registration.id.in_(ids)).order_by(*order))
