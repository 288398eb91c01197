"""Funding programmes: which are open to a worker, their quotas (held under a row lock when a member is saved),
their members and what they commit against their budget, and the member list's export.

A member is a registration linked to the programme that is neither rejected nor erased. A programme with quotas
per kecamatan is open to those kecamatan only; one without is open to the whole district.
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from outreach import audit
from outreach.domain import programmes as rules
from outreach.domain.clock import local_day
from outreach.extensions import db
from outreach.models import Programme, ProgrammeQuota, Registration
from outreach.models.types import local_date
from outreach.services import exports, tariff

NOT_MEMBERS = ("rejected", "erased")
FULL = _l("Kuota program ini sudah penuh.")


class QuotaFull(Exception):
    """The programme (or its quota in the worker's kecamatan) has no place left."""


def month_of(day: date) -> tuple[int, int]:
    return day.year, day.month


def first_of(programme: Programme) -> tuple[int, int]:
    return month_of(programme.first_month)


def last_of(programme: Programme) -> tuple[int, int]:
    return rules.last_month(first_of(programme), programme.months)


def state_of(programme: Programme, today: date) -> str:
    return rules.state(first_of(programme), programme.months, month_of(today))


def kecamatan_quota(programme: Programme, kecamatan: str) -> int | None:
    return next((q.quota for q in programme.quotas if q.kecamatan_code == kecamatan), None)


def applies_to(programme: Programme, kecamatan: str | None) -> bool:
    return not programme.quotas or kecamatan_quota(programme, kecamatan) is not None


def open_for(kecamatan: str | None, day: date, payer: str | None = None) -> list[Programme]:
    """The programmes a worker of `kecamatan` may join on `day` (of one payer, when given), by name."""
    query = db.select(Programme).options(selectinload(Programme.quotas)).order_by(Programme.name, Programme.id)
    if payer:
        query = query.where(Programme.payer == payer)
    return [p for p in db.session.scalars(query)
            if rules.is_open(first_of(p), p.months, month_of(day)) and (kecamatan is None or applies_to(p, kecamatan))]


def members(programme_id: int, kecamatan: str | None = None):
    query = db.select(Registration).where(Registration.programme_id == programme_id,
                                          Registration.status.not_in(NOT_MEMBERS))
    return query.where(Registration.kecamatan_code == kecamatan) if kecamatan else query


def count(programme_id: int, kecamatan: str | None = None, exclude_id: int | None = None) -> int:
    query = members(programme_id, kecamatan)
    if exclude_id:
        query = query.where(Registration.id != exclude_id)
    return db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))


def counts() -> dict[int, int]:
    """Members per programme, in one query (the programme list)."""
    rows = db.session.execute(db.select(Registration.programme_id, db.func.count(Registration.id))
                              .where(Registration.programme_id.is_not(None), Registration.status.not_in(NOT_MEMBERS))
                              .group_by(Registration.programme_id))
    return dict(rows.all())


def full(programme: Programme, kecamatan: str, exclude_id: int | None = None) -> bool:
    """Whether the programme's quota, in all or in `kecamatan`, has no place left for another member."""
    if programme.quota is not None and count(programme.id, exclude_id=exclude_id) >= programme.quota:
        return True
    local = kecamatan_quota(programme, kecamatan)
    return local is not None and count(programme.id, kecamatan, exclude_id) >= local


def problem(programme_id: int, funding: str, kecamatan: str | None, day: date,
            exclude_id: int | None = None, current: int | None = None) -> str | None:
    """Why a registration of `kecamatan` paid by `funding` cannot join this programme on `day`, or None.
    `current`: the programme the registration is in already (a correction may keep it after it closed)."""
    programme = db.session.get(Programme, programme_id)
    if programme is None or programme.payer != funding:
        return _("Pilih program pembiayaan dari daftar, sesuai pembayar iurannya.")
    if kecamatan and not applies_to(programme, kecamatan):
        return _("Program ini tidak berlaku di kecamatan tempat tinggal pekerja.")
    if programme_id != current and not rules.is_open(first_of(programme), programme.months, month_of(day)):
        return _("Program ini sudah berakhir.")
    if kecamatan and full(programme, kecamatan, exclude_id):
        return str(FULL)
    return None


def claim(programme_id: int, kecamatan: str, exclude_id: int | None = None) -> None:
    """Hold the programme's row (SELECT … FOR UPDATE on PostgreSQL) until the caller commits, and check its quota
    again under the lock: of two officers taking the last place at once, one gets QuotaFull."""
    if db.engine.dialect.name == "sqlite":  # no row locks: a write takes the database's, which serializes writers
        db.session.execute(db.update(Programme).where(Programme.id == programme_id).values(id=Programme.id))
    programme = db.session.scalar(db.select(Programme).where(Programme.id == programme_id).with_for_update())
    if programme is not None and full(programme, kecamatan, exclude_id):
        raise QuotaFull()


@dataclass
class Member:
    registration: Registration
    first: tuple[int, int]
    months: int
    amount: int


def joined(registration: Registration) -> tuple[int, int]:
    """The member's own first contribution month: their registration's day (its `start`), else its creation."""
    start = (registration.contribution or {}).get("start")
    try:
        return month_of(date.fromisoformat(start))
    except (TypeError, ValueError):
        return month_of(local_day(registration.created_at))


def cost(programme: Programme, registration: Registration) -> Member:
    first, _n = rules.member_months(first_of(programme), programme.months, joined(registration))
    months, amount = rules.member_cost(registration.monthly_income, programme.with_jht, programme.payer,
                                       first_of(programme), programme.months, joined(registration),
                                       tariff.is_transport(registration.occupation), tariff.excluded())
    return Member(registration, first, months, amount)


def member_rows(programme: Programme, kecamatan: str | None = None, after: int | None = None,
                size: int | None = None):
    """The members with their months and amounts, by registration id (keyset: `after`), `size` at most."""
    query = members(programme.id, kecamatan).options(joinedload(Registration.village)).order_by(Registration.id)
    if after:
        query = query.where(Registration.id > after)
    if size:
        query = query.limit(size)
    for registration in db.session.scalars(query.execution_options(yield_per=exports.BATCH)):
        yield cost(programme, registration)


@dataclass
class Summary:
    members: int
    member_months: int
    committed: int
    by_kecamatan: dict  # code -> members

    def left(self, budget: int) -> int:
        return budget - self.committed


def summary(programme: Programme, kecamatan: str | None = None) -> Summary:
    total = Summary(0, 0, 0, {})
    for m in member_rows(programme, kecamatan):
        total.members += 1
        total.member_months += m.months
        total.committed += m.amount
        code = m.registration.kecamatan_code
        total.by_kecamatan[code] = total.by_kecamatan.get(code, 0) + 1
    return total


@dataclass
class Use:
    """What a programme uses of its budget and places, within a scope (a coordinator's kecamatan)."""
    programme: Programme
    members: int
    committed: int
    quota: int | None  # the places in the scope: a kecamatan's own quota (None without one), else the programme's


def joined_month():
    """The member's own first contribution month as 'YYYY-MM', in SQL (joined()'s twin): the registration's
    `start`, else its WIB creation day."""
    start = Registration.contribution["start"].as_string()
    created = db.cast(local_date(Registration.created_at), db.String)
    return db.func.substr(db.func.coalesce(start, created), 1, 7)


def uses(scope, kecamatan: str | None = None) -> list[Use]:
    """Every programme's members and committed amount among the registrations of `scope` (a select of
    Registration, e.g. access.visible_to(user)), by name. One grouped query: members who share an income, a
    kind of work and a first month cost the same, so the amount is worked out once per group, never per member
    (a cohort of 100,000 is a few hundred groups)."""
    month = joined_month()
    query = scope.where(Registration.programme_id.is_not(None), Registration.status.not_in(NOT_MEMBERS)) \
        .with_only_columns(Registration.programme_id, Registration.monthly_income, Registration.occupation, month,
                           db.func.count()) \
        .group_by(Registration.programme_id, Registration.monthly_income, Registration.occupation, month)
    groups = db.session.execute(query).all()
    listed = db.session.scalars(db.select(Programme).options(selectinload(Programme.quotas))
                                .order_by(Programme.name, Programme.id)).all()
    found = {p.id: Use(p, 0, 0, kecamatan_quota(p, kecamatan) if kecamatan else p.quota) for p in listed}
    excluded = tariff.excluded()
    for programme_id, income, occupation, joined_text, n in groups:
        use = found[programme_id]
        p = use.programme
        try:
            joined_at = (int(joined_text[:4]), int(joined_text[5:7]))
        except (TypeError, ValueError):  # no date at all: counted from the programme's first month
            joined_at = first_of(p)
        _months, amount = rules.member_cost(income, p.with_jht, p.payer, first_of(p), p.months, joined_at,
                                            tariff.is_transport(occupation), excluded)
        use.members += n
        use.committed += n * amount
    return list(found.values())


def save(programme: Programme | None, values: dict, quotas: dict[str, int], user_id: int | None) -> Programme:
    """Create or change a programme from checked values (name, payer, funder_name, basis, first_month, months,
    with_jht, budget, quota) and its quotas per kecamatan (code -> places; empty: the whole district)."""
    created = programme is None
    if created:
        programme = Programme(created_by=user_id)
        db.session.add(programme)
    for name, value in values.items():
        setattr(programme, name, value)
    programme.quotas = [q for q in programme.quotas if q.kecamatan_code in quotas]
    kept = {q.kecamatan_code: q for q in programme.quotas}
    for code, places in quotas.items():
        if code in kept:
            kept[code].quota = places
        else:
            programme.quotas.append(ProgrammeQuota(kecamatan_code=code, quota=places))
    db.session.flush()
    if user_id is not None:  # a command's set-up is not a user's change
        audit.record("programme", user_id=user_id, programme=programme.id, name=programme.name,
                     created=created)
    return programme


def too_small(programme: Programme | None, quota: int | None, quotas: dict[str, int]) -> dict[str, int]:
    """The quotas (None: the total) set below the members a programme already has: name -> members."""
    if programme is None or programme.id is None:
        return {}
    small = {}
    if quota is not None and (n := count(programme.id)) > quota:
        small[None] = n
    for code, places in quotas.items():
        if (n := count(programme.id, code)) > places:
            small[code] = n
    if quotas:  # a kecamatan left without a quota would leave its members outside the programme
        for code, n in members_by_kecamatan(programme.id).items():
            if code not in quotas:
                small[code] = n
    return small


def members_by_kecamatan(programme_id: int) -> dict[str, int]:
    rows = db.session.execute(db.select(Registration.kecamatan_code, db.func.count(Registration.id))
                              .where(Registration.programme_id == programme_id,
                                     Registration.status.not_in(NOT_MEMBERS))
                              .group_by(Registration.kecamatan_code))
    return dict(rows.all())


def start_export(programme: Programme, kecamatan: str | None, fmt: str, user) -> int:
    """The member list's audit event, before anything is sent (the caller commits it); its id, for the row count."""
    event = audit.record("export", user_id=user.id, kecamatan_code=kecamatan, format=fmt, rows=None,
                         filter={"programme": programme.name} | ({"kecamatan": kecamatan} if kecamatan else {}))
    db.session.flush()
    return event.id


def member_titles() -> list[str]:
    return [_("Nomor pendaftaran"), _("Nama lengkap"), "NIK", "KPJ", _("Desa"), _("Bulan pertama"),
            _("Jumlah bulan"), _("Jumlah (Rupiah)")]


def member_values(m: Member) -> list:
    r = m.registration
    return [r.number, r.full_name, r.nik, r.kpj or "", r.village.name, f"{m.first[0]:04d}-{m.first[1]:02d}",
            m.months, m.amount]


def export(programme: Programme, kecamatan: str | None, fmt: str, done):
    """The member list for the funder's accountability and the branch's invoice (CSV or XLSX), streamed;
    `done(n)` gets the row count (exports.table)."""
    values = (member_values(m) for m in member_rows(programme, kecamatan))
    return exports.table(member_titles(), values, fmt, f"program-{programme.id}", done)
