"""The follow-up lists as queries: domain.followup's rules over the registrations' own columns and indexes.

Each list is a range of `paid_through` (or `kpj_at` for the first payment) within a kecamatan or desa, so that a
page over a million registrations is an index range scan (ix_registrations_kecamatan_paid_through,
ix_registrations_village_paid_through), keyset-paged on (that column, id). A worker is left out until the next
follow-up date of their latest contact, and for good after "moved" or "died".
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import and_, false, not_, or_
from sqlalchemy.orm import joinedload

from outreach.domain import followup as rules
from outreach.domain.clock import local_day, local_midnight
from outreach.domain.masking import mask_name, mask_phone
from outreach.domain.occupations import TRANSPORT
from outreach.extensions import db
from outreach.inputs import as_int
from outreach.models import Programme, Registration, User

PAGE = 30


@dataclass
class Scope:
    """Whose registrations: a kecamatan (officers and coordinators: their own), a desa, an officer, a programme."""
    kecamatan: str | None = None
    village: str | None = None
    officer_id: int | None = None
    programme_id: int | None = None


def scope_for(user: User, village: str | None = None, officer_id: int | None = None,
              programme_id: int | None = None, kecamatan: str | None = None) -> Scope:
    """A user's scope: officers and coordinators are held to their kecamatan, whatever the filters ask."""
    if not user.has_role("admin"):
        kecamatan = user.kecamatan_code
    if village and kecamatan and not village.startswith(kecamatan + "."):
        village = "-"  # another kecamatan's desa: matches nothing
    return Scope(kecamatan=kecamatan, village=village, officer_id=officer_id, programme_id=programme_id)


def first_payment_days() -> int:
    return current_app.config.get("FOLLOWUP_FIRST_PAYMENT_DAYS", rules.FIRST_PAYMENT_DAYS)


def ending_programmes(today: date) -> dict[int, date]:
    """{programme id: its last paid day} for the programmes ending within PROGRAMME_ENDING_DAYS."""
    found = {}
    for p in db.session.scalars(db.select(Programme)):
        end = rules.programme_end(p.first_month, p.months)
        if today <= end <= today + timedelta(days=rules.PROGRAMME_ENDING_DAYS):
            found[p.id] = end
    return found


def conditions(name: str, today: date, programmes: dict[int, date]):
    """The WHERE of one list (domain.followup.follows, as SQL)."""
    pt = Registration.paid_through
    lapsed = rules.lapsed_before(today)
    if name == "no_first_payment":
        cutoff = local_midnight(today - timedelta(days=first_payment_days() - 1))
        return and_(pt.is_(None), Registration.kpj_at < cutoff)
    if name == "inactive":
        return pt < lapsed
    if name == "in_arrears":
        return and_(pt >= lapsed, pt < today)
    in_programme = or_(false(), *[and_(Registration.programme_id == pid, pt <= end) for pid, end in programmes.items()])
    discount = or_(false(), *[and_(Registration.funding == "self", pt <= end,
                                   Registration.occupation.in_(TRANSPORT) if kind == "transport"
                                   else Registration.occupation.not_in(TRANSPORT))
                              for kind, end in rules.discount_ending_kinds(today).items()])
    protected = pt >= today
    if name == "programme_ending":
        return and_(protected, in_programme)
    if name == "discount_ending":
        return and_(protected, discount, or_(Registration.programme_id.is_(None), not_(in_programme)))
    if name == "ending":
        return and_(protected, pt <= today + timedelta(days=rules.ENDING_DAYS), not_(discount),
                    or_(Registration.programme_id.is_(None), not_(in_programme)))
    raise ValueError(name)


def base(scope: Scope, today: date):
    """Registrations with a KPJ in the scope, due for a contact today."""
    query = db.select(Registration).where(
        Registration.status == "active",
        or_(Registration.next_contact_on.is_(None), Registration.next_contact_on <= today),
        or_(Registration.last_outcome.is_(None), Registration.last_outcome.not_in(rules.CLOSING)))
    if scope.village:  # within the kecamatan (scope_for): the desa's index alone answers
        query = query.where(Registration.village_code == scope.village)
    elif scope.kecamatan:
        query = query.where(Registration.kecamatan_code == scope.kecamatan)
    if scope.officer_id:
        query = query.where(Registration.officer_id == scope.officer_id)
    if scope.programme_id:
        query = query.where(Registration.programme_id == scope.programme_id)
    return query


ORDER = (Registration.paid_through, Registration.kpj_at, Registration.id)  # the indexes' order


def counts(scope: Scope, today: date, programmes: dict[int, date] | None = None) -> dict[str, int]:
    """How many workers each list holds today: one round trip, each list's count its own index range scan."""
    programmes = ending_programmes(today) if programmes is None else programmes
    each = [db.select(db.func.count()).select_from(base(scope, today).where(conditions(name, today, programmes))
                                                   .with_only_columns(Registration.id).subquery()).scalar_subquery()
            for name in rules.LISTS]
    return dict(zip(rules.LISTS, db.session.execute(db.select(*each)).one()))


def encode_after(row: Registration) -> str:
    return "~".join([row.paid_through.isoformat() if row.paid_through else "", row.kpj_at.isoformat(), str(row.id)])


def decode_after(raw: str | None):
    """The keyset cursor from ?after= as (paid_through or None, kpj_at, id); None when absent or unreadable."""
    try:
        paid, kpj, ident = (raw or "").split("~")
        kpj_at = datetime.fromisoformat(kpj)
        if kpj_at.tzinfo is None or as_int(ident) is None:  # kpj_at is a UTC column; ids are bounded
            return None
        return date.fromisoformat(paid) if paid else None, kpj_at.astimezone(timezone.utc), int(ident)
    except (ValueError, TypeError, OverflowError):  # OverflowError: a time before the year 1 in UTC
        return None


def page(name: str, scope: Scope, today: date, after: str | None = None, size: int = PAGE,
         programmes: dict[int, date] | None = None):
    """One page of a list, oldest first (the longest unpaid, the soonest ending; the oldest KPJ without a payment):
    (rows, cursor of the next page)."""
    programmes = ending_programmes(today) if programmes is None else programmes
    query = base(scope, today).where(conditions(name, today, programmes))
    cursor = decode_after(after)
    if cursor:
        paid, kpj, ident = cursor
        later = or_(Registration.kpj_at > kpj, and_(Registration.kpj_at == kpj, Registration.id > ident))
        if paid is None:  # the first payment's list: paid_through is NULL throughout
            query = query.where(later)
        else:
            query = query.where(or_(Registration.paid_through > paid, and_(Registration.paid_through == paid, later)))
    rows = db.session.scalars(query.options(joinedload(Registration.village)).order_by(*ORDER).limit(size + 1)).all()
    more = len(rows) > size
    rows = rows[:size]
    return rows, encode_after(rows[-1]) if more and rows else None


@dataclass
class Row:
    """What a list shows of one worker (personal data masked; the phone to call is in the actions)."""
    registration: Registration
    name: str
    phone: str
    standing: object
    due: rules.Due


def describe(rows: list[Registration], today: date) -> list[Row]:
    out = []
    for r in rows:
        due = rules.amount_due(r.monthly_income, r.programs, r.payment_period, r.paid_through, today,
                               r.occupation in TRANSPORT)
        out.append(Row(registration=r, name=mask_name(r.full_name), phone=mask_phone(r.phone),
                       standing=rules.standing(r.paid_through, today), due=due))
    return out


def which_list(r: Registration, today: date) -> str | None:
    """The list one registration is on today (the worker's page says why they are followed up)."""
    if r.status != "active":
        return None
    end = None
    if r.programme_id:
        p = db.session.get(Programme, r.programme_id)
        end = rules.programme_end(p.first_month, p.months) if p else None
    return rules.follows(rules.Situation(kpj_at=local_day(r.kpj_at) if r.kpj_at else None, paid_through=r.paid_through, funding=r.funding,
                                         transport=r.occupation in TRANSPORT, programme_end=end), today,
                         first_payment_days())
