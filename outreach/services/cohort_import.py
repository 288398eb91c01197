"""A funder's member list (the 2025 APBD cohort, a sponsor's PKS list) as registrations with their KPJ and the
programme's payments: read and check every row, apply all or none.

The file comes as such lists come: CSV (comma, semicolon, Excel's UTF-16 text) or XLSX, with Indonesian or
English headers (kpj_import.header_key). Each row: NIK, name, birth date, desa, KPJ, months paid by the
programme; optional phone, occupation, kecamatan (to tell two desa of the same name apart). A NIK that already
has a live registration is matched to it, never doubled; a row already applied is left as it is, so importing
the same file twice changes nothing. New rows are `source='imported'`: the funder collected their consent, not
this app, so no automatic message goes to them until an officer records consent at a contact.
"""
import base64
import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from outreach import audit, district
from outreach.domain import contribution, workflow
from outreach.domain import followup as rules
from outreach.domain.dates import parse_date
from outreach.domain.eligibility import name_key
from outreach.domain.masking import mask_name
from outreach.domain.nik import normalise_nik, parse_nik
from outreach.domain.occupations import CODES as OCCUPATIONS
from outreach.domain.occupations import TRANSPORT
from outreach.domain.phone import normalise_mobile
from outreach.extensions import db
from outreach.labels import IMPORTED_CONSENT
from outreach.models import Payment, Programme, Region, Registration, RegistrationEvent, User
from outreach.models.types import utcnow
from outreach.services import kpj_import, receipts, registrations, review
from outreach.services.kpj_import import decode_upload, header_key

MAX_BYTES = 2 * 1024 * 1024
COLUMNS = {
    "nik": ("nik", "noktp", "nomorktp", "nonik", "nomornik", "nomorindukkependudukan"),
    "name": ("nama", "namalengkap", "namapeserta", "name", "fullname"),
    "birth_date": ("tanggallahir", "tgllahir", "tgllhr", "birthdate", "dateofbirth", "dob"),
    "desa": ("desa", "kelurahan", "desakelurahan", "kodedesa", "village", "villagecode"),
    "kpj": ("kpj", "nokpj", "nomorkpj", "nopeserta", "nomorpeserta"),
    "months": ("bulan", "jumlahbulan", "bulandibayar", "lamabulan", "months", "monthspaid"),
    "phone": ("hp", "nohp", "nomorhp", "telepon", "notelepon", "phone"),
    "occupation": ("pekerjaan", "occupation"),
    "kecamatan": ("kecamatan", "district"),
}
REQUIRED = ("nik", "name", "birth_date", "desa", "kpj", "months")


@dataclass
class CohortRow:
    line: int
    values: dict
    nik: str = ""
    name: str = ""
    birth_date: date | None = None
    village: Region | None = None
    kpj: str = ""
    months: int | None = None
    phone: str | None = None
    occupation: str = "lainnya"
    sex: str | None = None
    existing: Registration | None = None
    outcome: str = "new"  # new | matched | already
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)


def read_table(raw: bytes, filename: str) -> list[dict]:
    """The file's rows as {header: text}; ValueError with a message when it is not a readable table."""
    if filename.lower().endswith(".xlsx") or raw[:2] == b"PK":
        return read_xlsx(raw)
    text = decode_upload(raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:  # rows of empty cells (Excel writes ";;;;" for a formatted empty row) are skipped, as in an XLSX
        return [dict(r) for r in csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
                if any(isinstance(v, str) and v.strip() for k, v in r.items() if k is not None)]
    except csv.Error:
        raise ValueError(_("Berkas tidak dapat dibaca sebagai CSV. Simpan ulang dari Excel sebagai \"CSV UTF-8\" "
                           "atau XLSX lalu coba lagi.")) from None


def read_xlsx(raw: bytes) -> list[dict]:
    from openpyxl import load_workbook  # only when an XLSX comes
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # a damaged or disguised file: openpyxl raises many kinds
        raise ValueError(_("Berkas XLSX tidak dapat dibuka. Simpan ulang dari Excel lalu coba lagi.")) from None
    rows = book.worksheets[0].iter_rows(values_only=True)
    headers = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    out = [{h: cell for h, cell in zip(headers, row) if h} for row in rows if any(c not in (None, "") for c in row)]
    book.close()
    return out


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def columns_of(headers) -> dict[str, str]:
    found = {}
    for name in headers:
        for what, aliases in COLUMNS.items():
            if header_key(name) in aliases:
                found.setdefault(what, name)
    missing = [what for what in REQUIRED if what not in found]
    if missing:
        raise ValueError(_("Kolom yang wajib ada: NIK, nama, tanggal lahir, desa, KPJ, jumlah bulan. Tidak ditemukan: "
                           "%(missing)s.", missing=", ".join(missing)))
    return found


def desa_index() -> dict:
    """Bangka Selatan's desa by code and by name (a name may be two desa: then the kecamatan tells)."""
    by_name, by_code = {}, {}
    for desa in db.session.scalars(db.select(Region).where(Region.level == "village",
                                                           Region.code.startswith(district.current().code + "."))):
        by_code[desa.code] = desa
        by_name.setdefault(header_key(desa.name), []).append(desa)
    kecamatan = {header_key(k.name): k.code for k in Region.kecamatan_of_district()}
    return {"code": by_code, "name": by_name, "kecamatan": kecamatan}


def find_desa(text: str, kecamatan: str, index: dict) -> Region | str:
    if text in index["code"]:
        return index["code"][text]
    found = index["name"].get(header_key(text), [])
    code = index["kecamatan"].get(header_key(kecamatan)) or (kecamatan if kecamatan.startswith(district.current().code) else None)
    if code:
        found = [d for d in found if d.parent_code == code]
    if len(found) == 1:
        return found[0]
    return "ambiguous" if found else "unknown"


def check_row(row: CohortRow, cols: dict, programme: Programme, index: dict, seen: dict, today: date) -> None:
    get = {what: cell_text(row.values.get(header)) for what, header in cols.items()}
    problems = row.problems
    raw_nik = row.values.get(cols["nik"])
    row.nik = normalise_nik(get["nik"])
    nik = parse_nik(row.nik, district.current().code)
    if isinstance(raw_nik, int | float) and not nik.valid:
        problems.append(_("NIK tersimpan sebagai angka di Excel (angka terakhirnya hilang): jadikan kolom NIK teks."))
    elif not nik.valid:
        problems.append(_("NIK tidak valid."))
    row.name = " ".join(get["name"].split())[:120]
    if not row.name:
        problems.append(_("Nama kosong."))
    row.birth_date = parse_date(get["birth_date"])
    if row.birth_date is None:
        problems.append(_("Tanggal lahir tidak terbaca (contoh: 15-08-1990)."))
    elif nik.valid and not nik.matches_birth_date(row.birth_date):
        problems.append(_("Tanggal lahir tidak sesuai dengan NIK."))
    row.sex = nik.sex
    desa = find_desa(get["desa"], get.get("kecamatan", ""), index)
    if isinstance(desa, Region):
        row.village = desa
    else:
        problems.append(_("Desa tidak ditemukan di Bangka Selatan.") if desa == "unknown" else
                        _("Nama desa ini ada di lebih dari satu kecamatan: isi kolom kecamatan."))
    row.kpj = workflow.normalise_kpj(get["kpj"])[:20]
    if not workflow.valid_kpj(row.kpj):
        problems.append(_("Nomor KPJ harus 11 angka."))
    months = get["months"]
    row.months = int(months) if months.isdigit() else None
    if row.months is None or not 1 <= row.months <= programme.months:
        problems.append(_("Jumlah bulan harus 1 sampai %(n)s (lama program).", n=programme.months))
    if get.get("phone"):
        row.phone = normalise_mobile(get["phone"])
        if row.phone is None:
            problems.append(_("Nomor HP bukan nomor seluler Indonesia."))
    occupation = header_key(get.get("occupation", ""))
    row.occupation = next((c for c in OCCUPATIONS if header_key(c) == occupation), "lainnya")
    for key, what in ((row.nik, "nik"), (row.kpj, "kpj")):
        earlier = seen.setdefault(what, {})
        if key and key in earlier:
            problems.append(_("Sama dengan baris %(line)s.", line=earlier[key]))
        elif key:
            earlier[key] = row.line
    if nik.valid:
        row.existing = db.session.scalar(db.select(Registration).where(
            Registration.nik == row.nik, Registration.status.not_in(("rejected", "erased"))))
    if row.existing is not None:
        row.outcome = "matched"
        if row.existing.kpj and row.existing.kpj != row.kpj:
            problems.append(_("NIK ini sudah terdaftar dengan KPJ lain (%(number)s).", number=row.existing.number))
        elif db.session.scalar(db.select(Payment.id).where(Payment.registration_id == row.existing.id,
                                                           Payment.programme_id == programme.id).limit(1)):
            row.outcome = "already"
    if workflow.valid_kpj(row.kpj) and (row.existing is None or row.existing.kpj != row.kpj) \
            and review.kpj_in_use(row.kpj):
        problems.append(review.kpj_taken_message())


def read(raw: bytes, filename: str, programme: Programme, today: date) -> list[CohortRow]:
    """Every row of the file, checked; nothing applied. ValueError when the file itself is unusable."""
    if len(raw) > MAX_BYTES:
        raise ValueError(_("Berkas lebih dari 2 MB: bagi menjadi beberapa berkas."))
    table = read_table(raw, filename)
    if not table:
        raise ValueError(_("Berkas tidak berisi baris data."))
    cols = columns_of(list(table[0].keys()))
    index, seen, rows = desa_index(), {}, []
    for line, values in enumerate(table, start=2):
        row = CohortRow(line=line, values=values)
        check_row(row, cols, programme, index, seen, today)
        rows.append(row)
    return rows


def programme_payment(programme: Programme, months: int, transport: bool, user: User) -> Payment:
    """The programme's months for one member, at the rule's amount for each month (budget-paid: no discount)."""
    programs = ["JKK", "JKM", "JHT"] if programme.with_jht else ["JKK", "JKM"]
    start, amount = programme.first_month, 0
    for n in range(months):
        y, m = contribution.add_months(start.year, start.month, n)
        amount += contribution.contribution_for(contribution.MIN_INCOME, programs, 1, date(y, m, 1),
                                                programme.payer, transport).period_total
    return Payment(first_month=start, months=months, amount=amount, expected=amount, paid_on=start,
                   channel="budget", source="programme", programme_id=programme.id, recorded_by=user.id)


def apply(rows: list[CohortRow], programme: Programme, user: User, today: date) -> dict[str, int]:
    """All rows or none (review.Refused when any row fails, or a KPJ was taken meanwhile)."""
    if not rows or not all(row.ok for row in rows):
        raise review.Refused(422, [_("Perbaiki baris yang bermasalah dulu; tidak ada yang diterapkan.")])
    counts = {"new": 0, "matched": 0, "already": 0}
    try:
        with db.session.begin_nested():
            for row in rows:
                counts[row.outcome] += 1
                if row.outcome == "already":
                    continue
                r = row.existing if row.outcome == "matched" else new_registration(row, programme, user, today)
                join(r, row, programme, user)
            audit.record("import_cohort", user_id=user.id, kecamatan_code=user.kecamatan_code,
                         rows=len(rows), programme=programme.id)
    except IntegrityError:
        raise review.Refused(422, [review.kpj_taken_message(), _("Tidak ada yang diterapkan.")]) from None
    return counts


def new_registration(row: CohortRow, programme: Programme, user: User, today: date) -> Registration:
    now = utcnow()
    programs = ["JKK", "JKM", "JHT"] if programme.with_jht else ["JKK", "JKM"]
    figure = contribution.contribution_for(contribution.MIN_INCOME, programs, 1, programme.first_month,
                                           programme.payer, row.occupation in TRANSPORT)
    r = Registration(client_id=str(uuid.uuid4()), status="active", officer_id=user.id, nik=row.nik,
                     nik_last4=row.nik[-4:], full_name=row.name, name_key=name_key(row.name),
                     birth_date=row.birth_date, sex=row.sex, phone=row.phone, village_code=row.village.code,
                     kecamatan_code=row.village.parent_code, occupation=row.occupation,
                     monthly_income=contribution.MIN_INCOME, programs=programs, payment_period=1,
                     funding=programme.payer, consent_at=now, consent_version=IMPORTED_CONSENT, consent_method=None,
                     contribution=figure.as_dict() | {"start": programme.first_month.isoformat()}, flags=[],
                     source="imported", created_at=now, updated_at=now, number=registrations.next_number(now))
    db.session.add(r)
    db.session.flush()
    receipts.issue(r, user.id)
    return r


def join(r: Registration, row: CohortRow, programme: Programme, user: User) -> None:
    """The programme's payment on the registration, its KPJ if it had none, and the history line."""
    before = r.status
    if not r.kpj:
        r.kpj, r.kpj_at, r.status, r.reason = row.kpj, utcnow(), "active", None
        r.version = (r.version or 1) + 1
    r.programme_id, r.funding = programme.id, programme.payer
    payment = programme_payment(programme, row.months, r.occupation in TRANSPORT, user)
    payment.registration_id = r.id
    db.session.add(payment)
    end = rules.programme_end(programme.first_month, row.months)
    r.paid_through = max(r.paid_through, end) if r.paid_through else end
    db.session.add(RegistrationEvent(registration_id=r.id, user_id=user.id, kind="cohort_imported",
                                     changes={"programme": programme.id, "months": row.months, "from": before}))
    db.session.flush()


# The previewed file waits in the database (import_previews, kind "cohort": any app server may take the
# confirmation) under the admin's id and its digest, as the KPJ import's do; it goes once applied or cancelled,
# or a day old (`flask retention run`). An XLSX is binary: kept as base64 after a line naming its kind.
KIND = "cohort"


def keep_upload(raw: bytes, filename: str, user: User) -> str:
    kind = "xlsx" if filename.lower().endswith(".xlsx") else "csv"
    return kpj_import.keep_upload(kind + "\n" + base64.b64encode(raw).decode("ascii"), user, kind=KIND)


def kept_upload(digest: str | None, user: User) -> tuple[bytes, str] | None:
    """(the file's bytes, a name saying its kind) of a previewed file, or None."""
    text = kpj_import.kept_upload(digest, user, kind=KIND)
    if not text or "\n" not in text:
        return None
    kind, encoded = text.split("\n", 1)
    try:
        return base64.b64decode(encoded, validate=True), "upload." + kind
    except ValueError:
        return None


def drop_upload(digest: str, user: User) -> None:
    kpj_import.drop_upload(digest, user, kind=KIND)
