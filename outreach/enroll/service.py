"""Checks and saves registrations: one path for the HTML form and the JSON API.

Rules come from outreach.domain; this module words their verdicts in the active language, looks for
duplicates in the database, and numbers and stores registrations safely under concurrent submissions.
"""
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from outreach import audit
from outreach.domain import contribution as rules
from outreach.domain.dates import parse_date
from outreach.domain.eligibility import check_age, name_key
from outreach.domain.masking import mask_nik
from outreach.domain.money import format_rupiah, parse_rupiah
from outreach.domain.nik import parse_nik
from outreach.domain.occupations import CODES as OCCUPATION_CODES
from outreach.domain.occupations import OTHER, TRANSPORT
from outreach.domain.phone import normalise_mobile
from outreach.domain.regions import all_regions
from outreach.enroll.consent import CONSENT_VERSION
from outreach.enroll.labels import FUNDING, HEIR_RELATIONS, NIK_ERRORS, STATUSES
from outreach.extensions import db
from outreach.inputs import MAX_ID
from outreach.models import NumberSequence, Registration, RegistrationEvent, Visit
from outreach.models.region import DISTRICT_REGENCY
from outreach.models.types import utcnow
from outreach.receipts import service as receipts

LOCAL_TZ = ZoneInfo("Asia/Jakarta")  # Bangka Belitung keeps WIB
FIELDS = ("nik", "full_name", "birth_place", "birth_date", "sex", "phone", "address", "village_code",
          "occupation", "occupation_other", "work_location", "monthly_income", "programs", "payment_period",
          "funding", "sponsor_name", "heir_name", "heir_relation", "heir_phone", "guardian_name", "consent",
          "notes")
LIMITS = {"full_name": 120, "birth_place": 80, "address": 250, "occupation_other": 80, "work_location": 120,
          "sponsor_name": 120, "heir_name": 120, "guardian_name": 120, "notes": 1000}
TRUE = {True, "1", "y", "yes", "on", "true"}
# What JSON type each field must have; anything else is a field error, never a crash further down.
NUMBERS = ("monthly_income", "payment_period")  # whole numbers, or their digits as text (the HTML form)
LISTS = ("programs",)
FLAGS = ("consent",)  # a boolean, or the text a checkbox sends
TEXTS = tuple(f for f in FIELDS if f not in NUMBERS + LISTS + FLAGS)


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


@lru_cache(maxsize=1)
def district_villages() -> frozenset[str]:
    return frozenset(r["code"] for r in all_regions()
                     if r["level"] == "village" and r["code"].startswith(DISTRICT_REGENCY + "."))


@dataclass
class Checked:
    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=lambda: defaultdict(list))
    flags: list = field(default_factory=list)
    contribution: rules.Contribution | None = None
    duplicate: Registration | None = None  # the live registration that already holds this NIK

    @property
    def ok(self) -> bool:
        return not self.errors


def is_whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def months_of(raw) -> int | None:
    """A payment period given as a whole number, or its digits as the form sends them ("3")."""
    if is_whole(raw):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 2 else None


def wrong_types(data: dict) -> dict[str, str]:
    """The fields whose JSON type is not the one expected, with the message to show beside each."""
    wrong = {}
    for name in TEXTS:
        if data.get(name) is not None and not isinstance(data[name], str):
            wrong[name] = _("Isian harus berupa teks.")
    for name in NUMBERS:
        if data.get(name) is not None and not (isinstance(data[name], str) or is_whole(data[name])):
            wrong[name] = _("Isian harus berupa bilangan bulat.")
    for name in LISTS:
        if data.get(name) is not None and not (isinstance(data[name], list)
                                                and all(isinstance(v, str) for v in data[name])):
            wrong[name] = _("Isian harus berupa daftar teks.")
    for name in FLAGS:
        if data.get(name) is not None and not isinstance(data[name], bool | str):
            wrong[name] = _("Isian harus berupa true atau false.")
    return wrong


def check(data: dict, today: date, exclude_id: int | None = None) -> Checked:
    """Validate the raw fields of a registration; `exclude_id` is the registration being edited.

    `today` is the day the registration counts from: today for a new one, the registration's own day
    when correcting one (the age it had then, the contribution months it started with)."""
    c = Checked()
    err, values = c.errors, c.values
    wrong = wrong_types(data)
    data = {name: None if name in wrong else data.get(name) for name in FIELDS}  # checked as if left empty

    def text(name: str, required_message: str | None = None) -> str:
        raw = data.get(name)
        value = " ".join((raw or "").split())  # collapses whitespace (outreach.inputs dropped control characters)
        if name in LIMITS and len(value) > LIMITS[name]:
            err[name].append(_("Paling banyak %(n)s karakter.", n=LIMITS[name]))
        elif required_message and not value:
            err[name].append(required_message)
        values[name] = value or None
        return value

    # Identity: the NIK, and the birth date and sex it carries.
    nik = parse_nik(data.get("nik"))
    err["nik"].extend(NIK_ERRORS[code] for code in nik.errors)
    values["nik"] = nik.digits if nik.valid else None
    text("full_name", _("Isi nama lengkap sesuai KTP."))
    text("birth_place", _("Isi tempat lahir."))
    raw_born = data.get("birth_date")
    born = parse_date(raw_born)
    values["birth_date"] = born
    if not raw_born:
        err["birth_date"].append(_("Isi tanggal lahir."))
    elif born is None:
        err["birth_date"].append(_("Tanggal lahir tidak valid (contoh: 15-08-1990)."))
    elif nik.valid and not nik.matches_birth_date(born):
        err["birth_date"].append(_("Tanggal lahir tidak sesuai dengan NIK."))
    else:
        cfg = current_app.config
        problem, age_flags = check_age(born, today, cfg["BPU_MIN_AGE"], cfg["BPU_ADULT_AGE"], cfg["BPU_MAX_AGE"])
        if problem == "future":
            err["birth_date"].append(_("Tanggal lahir tidak boleh di masa depan."))
        elif problem == "under_min":
            err["birth_date"].append(_("Pekerja harus berusia minimal %(n)s tahun.", n=cfg["BPU_MIN_AGE"]))
        elif problem == "over_max":
            err["birth_date"].append(_("Peserta BPU harus berusia di bawah %(n)s tahun saat mendaftar.", n=cfg["BPU_MAX_AGE"]))
        c.flags.extend(age_flags)
    sex = data.get("sex")
    values["sex"] = sex if sex in ("M", "F") else None
    if values["sex"] is None:
        err["sex"].append(_("Pilih jenis kelamin."))
    elif nik.sex and sex != nik.sex:
        err["sex"].append(_("Jenis kelamin tidak sesuai dengan NIK."))

    # Contact and place.
    phone = text("phone", _("Isi nomor HP (WhatsApp) pekerja."))
    if phone:
        values["phone"] = normalise_mobile(phone)
        if values["phone"] is None:
            err["phone"].append(_("Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."))
    text("address", _("Isi alamat (jalan atau dusun, RT/RW)."))
    village = data.get("village_code")
    values["village_code"] = village if village in district_villages() else None
    if values["village_code"] is None:
        err["village_code"].append(_("Pilih desa di Kabupaten Bangka Selatan."))

    # Work and income.
    occupation = data.get("occupation")
    values["occupation"] = occupation if occupation in OCCUPATION_CODES else None
    if values["occupation"] is None:
        err["occupation"].append(_("Pilih pekerjaan dari daftar."))
    text("occupation_other", _("Tuliskan pekerjaannya.") if occupation == OTHER else None)
    if occupation != OTHER:
        values["occupation_other"] = None
    text("work_location")
    income = parse_rupiah(data.get("monthly_income"))
    values["monthly_income"] = income
    if data.get("monthly_income") is None or data.get("monthly_income") == "":
        err["monthly_income"].append(_("Isi penghasilan sebulan."))
    elif income is None:
        err["monthly_income"].append(_("Tulis penghasilan dalam Rupiah utuh, mis. 1.500.000."))
    elif not rules.MIN_INCOME <= income <= rules.MAX_INCOME:
        locale = str(get_locale())
        err["monthly_income"].append(_("Penghasilan yang dilaporkan antara %(min)s dan %(max)s sebulan.",
                                       min=format_rupiah(rules.MIN_INCOME, locale),
                                       max=format_rupiah(rules.MAX_INCOME, locale)))

    # Programmes, period, funding.
    programs = data.get("programs")
    if not isinstance(programs, list) or not all(isinstance(p, str) for p in programs) \
            or not set(rules.BASIC) <= set(programs) or not set(programs) <= set(rules.PROGRAMS):
        err["programs"].append(_("JKK dan JKM selalu diikutkan; JHT boleh dipilih."))
        values["programs"] = None
    else:
        values["programs"] = [p for p in rules.PROGRAMS if p in programs]
    period = months_of(data.get("payment_period"))
    values["payment_period"] = period if period in rules.PERIODS else None
    if values["payment_period"] is None:
        err["payment_period"].append(_("Pilih masa iuran: 1, 3, 6 atau 12 bulan."))
    funding = data.get("funding")
    values["funding"] = funding if funding in FUNDING else None
    if values["funding"] is None:
        err["funding"].append(_("Pilih siapa yang membayar iuran."))
    text("sponsor_name", _("Isi nama sponsor yang membayar.") if funding == "sponsor" else None)
    if funding != "sponsor":
        values["sponsor_name"] = None

    # Heir, guardian, consent.
    text("heir_name", _("Isi nama ahli waris."))
    relation = data.get("heir_relation")
    values["heir_relation"] = relation if relation in HEIR_RELATIONS else None
    if values["heir_relation"] is None:
        err["heir_relation"].append(_("Pilih hubungan ahli waris dengan pekerja."))
    heir_phone = text("heir_phone")
    if heir_phone:
        values["heir_phone"] = normalise_mobile(heir_phone)
        if values["heir_phone"] is None:
            err["heir_phone"].append(_("Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."))
    text("guardian_name", _("Pekerja di bawah 18 tahun: isi nama orang tua atau wali yang menyetujui.")
         if "minor" in c.flags else None)
    values["consent"] = data.get("consent") in TRUE
    if not values["consent"]:
        err["consent"].append(_("Pekerja harus menyetujui pemakaian datanya sebelum didaftarkan."))
    text("notes")

    if not any(err[f] for f in ("monthly_income", "programs", "payment_period", "funding", "occupation")):
        c.contribution = rules.contribution_for(income, values["programs"], period, today, funding,
                                                transport=occupation in TRANSPORT)
    c.flags.extend(nik.flags)
    find_duplicates(c, exclude_id)
    for name, message in wrong.items():  # the type is the problem: say only that
        err[name] = [message]
    c.errors = {name: messages for name, messages in err.items() if messages}
    return c


def own_registrations(officer_id: int, q: str, before: int | None, size: int) -> tuple[list, int | None]:
    """An officer's registrations, newest first, matching a name or number; keyset-paged by id."""
    query = db.select(Registration).where(Registration.officer_id == officer_id)
    if q:
        # % and _ are what the officer typed, not wildcards
        conditions = [Registration.number.icontains(q, autoescape=True)]
        if key := name_key(q):
            conditions.append(Registration.name_key.contains(key, autoescape=True))
        query = query.where(db.or_(*conditions))
    if before:
        query = query.where(Registration.id < before)
    rows = db.session.scalars(query.options(joinedload(Registration.village))
                              .order_by(Registration.id.desc()).limit(size + 1)).all()
    return rows[:size], rows[size - 1].id if len(rows) > size else None


def live(query, exclude_id):
    query = query.where(Registration.status != "rejected")
    return query.where(Registration.id != exclude_id) if exclude_id else query


def find_duplicates(c: Checked, exclude_id: int | None) -> None:
    v = c.values
    if v.get("nik"):
        c.duplicate = db.session.scalar(live(db.select(Registration).where(Registration.nik == v["nik"]), exclude_id))
        if c.duplicate:
            c.errors["nik"].append(duplicate_message(c.duplicate))
    if v.get("full_name") and v.get("birth_date") and v.get("village_code") and v.get("nik"):
        same_person = live(db.select(Registration.id).where(
            Registration.name_key == name_key(v["full_name"]), Registration.birth_date == v["birth_date"],
            Registration.village_code == v["village_code"], Registration.nik != v["nik"]), exclude_id)
        if db.session.scalar(same_person.limit(1)):
            c.flags.append("probable_duplicate")


def duplicate_message(existing: Registration) -> str:
    return _("NIK ini sudah terdaftar: %(number)s (%(status)s).", number=existing.number,
             status=STATUSES[existing.status])


def new_client_id() -> str:
    return str(uuid.uuid4())


def canonical_client_id(raw) -> str | None:
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        return None


def next_number(now: datetime) -> str:
    """BS-YYMM-NNNNNN: district prefix, month, and a counter that the database increments atomically."""
    period = now.astimezone(LOCAL_TZ).strftime("%y%m")
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(NumberSequence).values(period=period, last=0).on_conflict_do_nothing())
    n = db.session.execute(db.update(NumberSequence).where(NumberSequence.period == period)
                           .values(last=NumberSequence.last + 1).returning(NumberSequence.last)).scalar_one()
    return f"BS-{period}-{n:06d}"


STORED = [f for f in FIELDS if f != "consent"]


def store_fields(registration: Registration, c: Checked, today: date) -> None:
    for name in STORED:
        setattr(registration, name, c.values[name])
    registration.name_key = name_key(c.values["full_name"])
    registration.nik_last4 = c.values["nik"][-4:]
    registration.kecamatan_code = c.values["village_code"].rsplit(".", 1)[0]
    registration.contribution = c.contribution.as_dict() | {"start": today.isoformat()}
    registration.flags = sorted(set(c.flags))


class DuplicateNik(Exception):
    def __init__(self, existing: Registration):
        self.existing = existing


class ClientIdTaken(Exception):
    """The client_id is another officer's: nothing of that registration is shown (409)."""


def by_client_id(client_id: str, officer_id: int) -> Registration | None:
    """The officer's own registration saved under this client_id (a retry); ClientIdTaken if another
    officer's, so a replayed id never reveals someone else's registration."""
    known = db.session.scalar(db.select(Registration).where(Registration.client_id == client_id))
    if known is not None and known.officer_id != officer_id:
        raise ClientIdTaken()
    return known


def already_saved(c: Checked, client_id: str, officer_id: int) -> Registration | None:
    """The registration this very submission made a moment ago: a retry racing its original finds it as
    a NIK duplicate, but it is the same form sent twice and gets the same answer as any retry."""
    if c.duplicate is not None and c.duplicate.client_id == client_id:
        return by_client_id(client_id, officer_id)
    return None


def visit_problem(visit_id, officer_id: int, captured_at: datetime | None = None) -> str | None:
    """Why a registration cannot go on this visit (the API's `visit_id`), or None if it can.

    A closed visit still takes what the phone captured while it was open: the outbox may only reach the
    server after the officer closed the visit back in signal."""
    if visit_id is None:
        return None
    visit = db.session.get(Visit, visit_id) if is_whole(visit_id) and 1 <= visit_id <= MAX_ID else None
    if visit is None or visit.officer_id != officer_id:
        return _("Kunjungan tidak ditemukan.")
    if not visit.is_open and (captured_at is None or captured_at > visit.closed_at):
        return _("Kunjungan ini sudah ditutup. Mulai kunjungan baru untuk mendaftarkan pekerja.")
    return None


def registration_day(registration: Registration) -> date:
    """The day a registration counts from: its age check and its first contribution month."""
    start = (registration.contribution or {}).get("start")
    try:
        return date.fromisoformat(start)
    except (TypeError, ValueError):
        return registration.created_at.astimezone(LOCAL_TZ).date()


def parse_captured_at(raw, now: datetime) -> datetime | None:
    """The device's capture time (ISO 8601); None when absent, unreadable, or implausible (a phone clock
    ahead of the server by more than a day, or before this app existed)."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=LOCAL_TZ)
    if not datetime(2024, 1, 1, tzinfo=LOCAL_TZ) <= when <= now + timedelta(days=1):
        return None
    return when


def create(c: Checked, officer_id: int, visit_id: int | None, client_id: str, today: date,
           captured_at: datetime | None = None) -> tuple[Registration, bool]:
    """Save a checked registration; (registration, created). A known client_id returns its registration;
    another officer's raises ClientIdTaken."""
    known = by_client_id(client_id, officer_id)
    if known:
        return known, False
    now = utcnow()
    registration = Registration(client_id=client_id, status="pending", officer_id=officer_id, visit_id=visit_id,
                                consent_at=now, consent_version=CONSENT_VERSION, created_at=now, updated_at=now,
                                captured_at=captured_at)
    store_fields(registration, c, today)
    try:
        registration.number = next_number(now)
        db.session.add(registration)
        db.session.flush()
        db.session.add(RegistrationEvent(registration_id=registration.id, user_id=officer_id, kind="created", at=now))
        receipts.issue(registration, officer_id)
        db.session.commit()
    except IntegrityError:
        # A retry raced its original (same client_id), or another officer enrolled this NIK a moment ago.
        db.session.rollback()
        known = by_client_id(client_id, officer_id)
        if known:
            return known, False
        existing = db.session.scalar(live(db.select(Registration).where(Registration.nik == c.values["nik"]), None))
        if existing:
            raise DuplicateNik(existing) from None
        raise
    return registration, True


def shown(name: str, value):
    """How a value appears in the edit history: the NIK masked, dates as ISO text."""
    if name == "nik":
        return mask_nik(value)
    return value.isoformat() if isinstance(value, date) else value


class Stale(Exception):
    """The registration changed since the officer opened the edit form."""


def update(registration: Registration, c: Checked, user, version: int | None) -> dict:
    """Apply an officer's correction; records each changed field's before and after. A `returned`
    registration goes back to `pending` through the workflow."""
    from outreach.review.service import transition  # the workflow lives there; imported late to avoid a cycle

    if version is not None and version != registration.version:
        raise Stale()
    start = registration_day(registration)
    before = {name: getattr(registration, name) for name in STORED}
    c.contribution = rules.contribution_for(c.values["monthly_income"], c.values["programs"],
                                            c.values["payment_period"], start, c.values["funding"],
                                            transport=c.values["occupation"] in TRANSPORT)
    store_fields(registration, c, start)
    changes = {name: [shown(name, before[name]), shown(name, c.values[name])]
               for name in STORED if before[name] != c.values[name]}
    if changes:
        # The WHERE on version makes the check and the write one step, as transition() does: a coordinator's
        # move that landed since the officer opened the form wins, and this edit is refused, not merged.
        seen = registration.version
        claimed = db.session.execute(db.update(Registration).where(
            Registration.id == registration.id, Registration.version == seen).values(
            version=seen + 1, updated_at=utcnow())).rowcount
        if claimed != 1:
            db.session.rollback()
            raise Stale()
        db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id, kind="edited",
                                         changes=changes))
        audit.record("edit", registration, user_id=user.id, fields=sorted(changes))
    try:
        if registration.status == "returned":  # corrected: back to the coordinators' queue
            db.session.flush()
            transition(registration, "pending", user, registration.version, commit=False)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DuplicateNik(db.session.scalar(live(db.select(Registration).where(
            Registration.nik == c.values["nik"]), registration.id))) from None
    return changes
