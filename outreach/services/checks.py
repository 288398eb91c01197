"""Checks a registration's fields: the domain's rules worded in the active language, and duplicates looked up
in the database. One check for the HTML form, the JSON API and the offline outbox's entries."""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import district, labels
from outreach.domain import codes
from outreach.domain import contribution as rules
from outreach.domain.dates import parse_date
from outreach.domain.eligibility import check_age, name_key
from outreach.domain.money import format_rupiah, parse_rupiah
from outreach.domain.nik import parse_nik
from outreach.domain.occupations import CODES as OCCUPATION_CODES
from outreach.domain.occupations import OTHER
from outreach.domain.phone import normalise_mobile
from outreach.domain.regions import district_villages
from outreach.extensions import db
from outreach.inputs import MAX_ID
from outreach.models import Registration
from outreach.services import programmes, tariff

FIELDS = ("nik", "full_name", "birth_place", "birth_date", "sex", "phone", "address", "village_code",
          "occupation", "occupation_other", "second_occupation", "employs_others", "work_location", "monthly_income",
          "programs", "payment_period", "funding", "programme_id", "sponsor_name", "heir_name", "heir_relation", "heir_phone", "guardian_name",
          "guardian_relation", "consent", "consent_method", "notes")
LIMITS = {"full_name": 120, "birth_place": 80, "address": 250, "occupation_other": 80, "work_location": 120,
          "sponsor_name": 120, "heir_name": 120, "guardian_name": 120, "notes": 1000}
TRUE = {True, "1", "y", "yes", "on", "true"}
# What JSON type each field must have; anything else is a field error, never a crash further down.
NUMBERS = ("monthly_income", "payment_period", "programme_id")  # whole numbers, or their digits as text (the form)
LISTS = ("programs",)
FLAGS = ("consent", "employs_others")  # a boolean, or the text a checkbox or a yes/no choice sends
TEXTS = tuple(f for f in FIELDS if f not in NUMBERS + LISTS + FLAGS)


@lru_cache(maxsize=8)
def village_codes(code: str) -> frozenset[str]:
    """The district's desa codes (from the shipped list, like the form's choices)."""
    return frozenset(r["code"] for r in district_villages(code))


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


def months_of(raw, digits: int = 2) -> int | None:
    """A payment period (or an id) given as a whole number, or its digits as the form sends them ("3")."""
    if is_whole(raw):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


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


def check(data: dict, today: date, exclude_id: int | None = None, programme_id: int | None = None) -> Checked:
    """Validate the raw fields of a registration; `exclude_id` is the registration being edited.

    `today` is the day the registration counts from: today for a new one, the registration's own day
    when correcting one (the age it had then, the contribution months it started with).

    How consent was given is asked of new registrations only (a correction does not consent again). The API
    is a contract: an entry queued on a phone by an older page lacks consent_method, guardian_relation and
    programme_id, and is taken with a flag for the coordinator; sent empty (the form's own "nothing chosen"), they
    are required. `programme_id`: the programme a corrected registration is in already (kept after it closed)."""
    c = Checked()
    err, values = c.errors, c.values
    wrong = wrong_types(data)
    data = {name: None if name in wrong else data.get(name) for name in FIELDS}  # checked as if left empty

    def text(name: str, required_message=None) -> str:
        """The field's text, whitespace collapsed; `required_message` (lazy: translated only when the field is
        missing, as most are not) makes it required."""
        raw = data.get(name)
        value = " ".join((raw or "").split())  # collapses whitespace (outreach.inputs dropped control characters)
        if name in LIMITS and len(value) > LIMITS[name]:
            err[name].append(_("Paling banyak %(n)s karakter.", n=LIMITS[name]))
        elif required_message is not None and not value:
            err[name].append(required_message)
        values[name] = value or None
        return value

    # Identity: the NIK, and the birth date and sex it carries.
    here = district.current()
    nik = parse_nik(data.get("nik"), here.code)
    err["nik"].extend(labels.NIK_ERRORS[code] for code in nik.errors)
    values["nik"] = nik.digits if nik.valid else None
    text("full_name", _l("Isi nama lengkap sesuai KTP."))
    text("birth_place", _l("Isi tempat lahir."))
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
            err["birth_date"].append(_("Tidak dapat didaftarkan sebagai peserta BPU (ketentuan BPJS Ketenagakerjaan: "
                                       "belum berusia %(n)s tahun saat mendaftar). Untuk pengecualian, hubungi "
                                       "kantor cabang BPJS Ketenagakerjaan.", n=cfg["BPU_MAX_AGE"]))
        c.flags.extend(age_flags)
    sex = data.get("sex")
    values["sex"] = sex if sex in codes.SEXES else None
    if values["sex"] is None:
        err["sex"].append(_("Pilih jenis kelamin."))
    elif nik.sex and sex != nik.sex:
        err["sex"].append(_("Jenis kelamin tidak sesuai dengan NIK."))

    # Contact and place.
    phone = text("phone", _l("Isi nomor HP (WhatsApp) pekerja."))
    if phone:
        values["phone"] = normalise_mobile(phone)
        if values["phone"] is None:
            err["phone"].append(_("Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."))
    text("address", _l("Isi alamat (jalan atau dusun, RT/RW)."))
    village = data.get("village_code")
    values["village_code"] = village if village in village_codes(here.code) else None
    if values["village_code"] is None:
        err["village_code"].append(_("Pilih desa di %(district)s.", district=here.name))

    # Work and income.
    occupation = data.get("occupation")
    values["occupation"] = occupation if occupation in OCCUPATION_CODES else None
    if values["occupation"] is None:
        err["occupation"].append(_("Pilih pekerjaan dari daftar."))
    text("occupation_other", _l("Tuliskan pekerjaannya.") if occupation == OTHER else None)
    if occupation != OTHER:
        values["occupation_other"] = None
    second = data.get("second_occupation") or None  # up to two occupations (bpu_rules.md)
    values["second_occupation"] = second if second in OCCUPATION_CODES and second != occupation else None
    if second is not None and second not in OCCUPATION_CODES:
        err["second_occupation"].append(_("Pilih pekerjaan kedua dari daftar, atau kosongkan."))
    elif second is not None and second == occupation:
        err["second_occupation"].append(_("Pekerjaan kedua sama dengan pekerjaan utama: pilih yang lain, atau kosongkan."))
    # BPU who employ others must take JHT too (Permenaker 5/2021): recorded, and flagged for the coordinator.
    values["employs_others"] = data.get("employs_others") in TRUE
    if values["employs_others"]:
        c.flags.append("employs_others")
    text("work_location")
    income = parse_rupiah(data.get("monthly_income"))
    values["monthly_income"] = income
    if data.get("monthly_income") is None or data.get("monthly_income") == "":
        err["monthly_income"].append(_("Isi penghasilan sebulan."))
    elif income is None or income < rules.MIN_INCOME:  # any income of Rp0 or more has a bracket
        err["monthly_income"].append(_("Tulis penghasilan dalam Rupiah utuh, mis. 1.500.000."))
    elif income > rules.MAX_INCOME:
        err["monthly_income"].append(_("Penghasilan sebulan paling banyak %(max)s: periksa angkanya.",
                                       max=format_rupiah(rules.MAX_INCOME, str(get_locale()))))

    # Programmes, period, funding.
    programs = data.get("programs")
    if not isinstance(programs, list) or not all(isinstance(p, str) for p in programs) \
            or not set(rules.BASIC) <= set(programs) or not set(programs) <= set(rules.PROGRAMS):
        err["programs"].append(_("JKK dan JKM selalu diikutkan; JHT boleh dipilih."))
        values["programs"] = None
    else:
        values["programs"] = [p for p in rules.PROGRAMS if p in programs]
        if values["employs_others"] and "JHT" not in programs:
            err["programs"].append(_("Pekerja yang mempekerjakan orang lain wajib ikut JHT: centang JHT."))
    period = months_of(data.get("payment_period"))
    values["payment_period"] = period if period in rules.PERIODS else None
    if values["payment_period"] is None:
        err["payment_period"].append(_("Pilih masa iuran: 1, 3, 6 atau 12 bulan."))
    funding = data.get("funding")
    funding = rules.FUNDING_ALIASES.get(funding, funding) if isinstance(funding, str) else funding
    values["funding"] = funding if funding in codes.FUNDING else None
    if values["funding"] is None:
        err["funding"].append(_("Pilih siapa yang membayar iuran."))
    check_programme(c, data.get("programme_id"), today, exclude_id, programme_id)
    text("sponsor_name", _l("Isi nama sponsor yang membayar.")
         if funding == codes.SPONSORED and not values["programme_id"] else None)
    if funding != codes.SPONSORED:
        values["sponsor_name"] = None

    # Heir, guardian, consent.
    text("heir_name", _l("Isi nama ahli waris."))
    relation = data.get("heir_relation")
    values["heir_relation"] = relation if relation in codes.HEIR_RELATIONS else None
    if values["heir_relation"] is None:
        err["heir_relation"].append(_("Pilih hubungan ahli waris dengan pekerja."))
    heir_phone = text("heir_phone")
    if heir_phone:
        values["heir_phone"] = normalise_mobile(heir_phone)
        if values["heir_phone"] is None:
            err["heir_phone"].append(_("Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."))
    text("guardian_name", _l("Pekerja di bawah 18 tahun: isi nama orang tua atau wali yang menyetujui.")
         if "minor" in c.flags else None)
    guardian_relation = data.get("guardian_relation")
    values["guardian_relation"] = guardian_relation if guardian_relation in codes.GUARDIAN_RELATIONS else None
    if "minor" not in c.flags:
        values["guardian_relation"] = None
    elif guardian_relation is None:
        c.flags.append("guardian_relation_missing")
    elif values["guardian_relation"] is None:
        err["guardian_relation"].append(_("Pekerja di bawah 18 tahun: pilih hubungan orang tua atau wali dengan pekerja."))
    values["consent"] = data.get("consent") in TRUE
    if not values["consent"]:
        err["consent"].append(_("Pekerja harus menyetujui pemakaian datanya sebelum didaftarkan."))
    method = data.get("consent_method")
    values["consent_method"] = method if method in codes.CONSENT_METHODS else None
    if exclude_id:
        values["consent_method"] = None  # a correction keeps the consent as it was given
    elif method is None:
        c.flags.append("consent_method_unrecorded")
    elif values["consent_method"] is None:
        err["consent_method"].append(_("Pilih bagaimana pekerja menerima pernyataan ini: dibacakan atau dibaca sendiri."))
    text("notes")

    if not any(err[f] for f in ("monthly_income", "programs", "payment_period", "funding", "occupation")):
        c.contribution = tariff.contribution_for(income, values["programs"], period, today, funding, occupation)
    c.flags.extend(nik.flags)
    find_duplicates(c, exclude_id)
    for name, message in wrong.items():  # the type is the problem: say only that
        err[name] = [message]
    c.errors = {name: messages for name, messages in err.items() if messages}
    return c


def check_programme(c: Checked, raw, today: date, exclude_id: int | None, current: int | None) -> None:
    """A payer other than the worker pays through a programme an admin recorded, open to the worker's kecamatan
    and with a place left. Not sent at all (an older page's entry): taken, and flagged for the coordinator."""
    values, funding = c.values, c.values["funding"]
    values["programme_id"] = None
    if funding in (None, rules.SELF):
        return
    if raw is None:
        c.flags.append("programme_missing")
        return
    programme_id = months_of(raw, digits=9)
    if raw == "" or programme_id is None or not 1 <= programme_id <= MAX_ID:
        c.errors["programme_id"].append(_("Pilih program pembiayaan yang membayar iuran pekerja ini."))
        return
    kecamatan = values["village_code"].rsplit(".", 1)[0] if values.get("village_code") else None
    problem = programmes.problem(programme_id, funding, kecamatan, today, exclude_id, current)
    if problem:
        c.errors["programme_id"].append(problem)
    else:
        values["programme_id"] = programme_id


# What a registration would duplicate among the live ones (all but rejected: one per NIK, by the unique index
# uq_registrations_live_nik): the one holding its NIK, first, then at most one of the same name, birth date and desa
# under another NIK (a probable duplicate). One look-up for both, built once (building a statement costs about as
# much CPU as running it, and every registration runs it), with 'rejected' written out so that PostgreSQL plans it
# once and still uses that partial index. A value not given (NULL) matches nothing; :exclude is the registration
# being corrected (ids start at 1: 0 excludes none).
HOLDS_NIK = (Registration.nik == db.bindparam("nik")).label("holds_nik")
DUPLICATES = db.select(Registration.id, HOLDS_NIK).where(
    Registration.status != db.literal_column("'rejected'"), Registration.id != db.bindparam("exclude"),
    db.or_(Registration.nik == db.bindparam("nik"),
           db.and_(Registration.name_key == db.bindparam("name_key"), Registration.birth_date == db.bindparam("born"),
                   Registration.village_code == db.bindparam("village"), Registration.nik != db.bindparam("nik")))
).order_by(HOLDS_NIK.desc()).limit(2)


def duplicates(nik: str, exclude_id: int | None = None, full_name: str | None = None, born: date | None = None,
               village: str | None = None) -> tuple[Registration | None, bool]:
    """The live registration holding `nik` (loaded whole only when there is one), and whether another has the
    same name, birth date and desa; `exclude_id` is the registration being corrected."""
    rows = db.session.execute(DUPLICATES, {"nik": nik, "exclude": exclude_id or 0, "born": born, "village": village,
                                           "name_key": name_key(full_name) if full_name else None}).all()
    holder = rows[0].id if rows and rows[0].holds_nik else None
    return db.session.get(Registration, holder) if holder else None, any(not row.holds_nik for row in rows)


def nik_holder(nik: str, exclude_id: int | None = None) -> Registration | None:
    """The live registration holding `nik`, other than `exclude_id` (a unique index refused a save)."""
    return duplicates(nik, exclude_id)[0]


def find_duplicates(c: Checked, exclude_id: int | None) -> None:
    v = c.values
    if not v.get("nik"):
        return
    c.duplicate, same_person = duplicates(v["nik"], exclude_id, v["full_name"], v["birth_date"], v["village_code"])
    if c.duplicate:
        c.errors["nik"].append(duplicate_message(c.duplicate))
    if same_person:
        c.flags.append("probable_duplicate")


def duplicate_message(existing: Registration) -> str:
    return _("NIK ini sudah terdaftar: %(number)s (%(status)s).", number=existing.number,
             status=labels.STATUSES[existing.status])
