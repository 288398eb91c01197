"""The coordinators' work on registrations: moving them through the workflow, the queue's filters,
KPJ imports and exports. HTML forms and the JSON API call these same functions."""
import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import String, cast
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.domain import workflow
from outreach.domain.eligibility import name_key
from outreach.domain.nik import normalise_nik
from outreach.enroll.labels import STATUSES
from outreach.enroll.service import LOCAL_TZ
from outreach.extensions import db
from outreach.inputs import MAX_DATE, MAX_ID, MIN_DATE, as_int, clean
from outreach.models import Registration, RegistrationEvent, User
from outreach.models.types import utcnow


class Refused(Exception):
    """The move is not possible: `status` is the HTTP answer (403, 409, 422), `messages` say why, and
    `fields` the same messages by the form field they belong to (reason, note, kpj), to show them there."""

    def __init__(self, status: int, messages: list[str], registration: Registration | None = None,
                 fields: dict | None = None):
        super().__init__(messages)
        self.status, self.messages, self.registration = status, messages, registration
        self.fields = fields or {}


WORKFLOW_MESSAGES = {
    "impossible": lambda target: _("Perubahan status ini tidak dimungkinkan dari status sekarang."),
    "forbidden": lambda target: _("Peran Anda tidak boleh melakukan perubahan status ini."),
    "reason_required": lambda target: (_("Pilih alasan pengembalian.") if target == "returned"
                                       else _("Pilih alasan penolakan.")),
    "note_required": lambda target: _("Tulis catatan: untuk pengembalian, apa yang perlu diperbaiki; untuk penolakan, penjelasannya."),
    "kpj_invalid": lambda target: _("Nomor KPJ harus 11 angka."),
}
FIELD_OF = {"reason_required": "reason", "note_required": "note", "kpj_invalid": "kpj"}


def kpj_taken_message() -> str:
    return _("Nomor KPJ ini sudah dipakai.")


def kpj_in_use(kpj: str, registration_id: int | None = None) -> bool:
    """The friendly early check; the unique index uq_registrations_kpj is what holds under concurrency."""
    query = db.select(Registration.id).where(Registration.kpj == kpj)
    if registration_id is not None:
        query = query.where(Registration.id != registration_id)
    return db.session.scalar(query.limit(1)) is not None


def in_scope(user: User, registration: Registration) -> bool:
    """Coordinators act on their kecamatan, admins everywhere, officers on their own registrations."""
    if user.has_role("admin"):
        return True
    if user.has_role("coordinator"):
        return registration.kecamatan_code == user.kecamatan_code
    return registration.officer_id == user.id


def transition(registration: Registration, target: str, user: User, version: int | None, reason: str | None = None,
               note: str | None = None, kpj: str | None = None, commit: bool = True) -> Registration:
    """Move a registration; raises Refused. Optimistic: `version` must be the one the user saw."""
    if not in_scope(user, registration):
        raise Refused(403, [_("Pendaftaran ini di luar wilayah Anda.")], registration)
    codes = workflow.check(registration.status, target, user.role, reason, note, kpj)
    if "forbidden" in codes:
        raise Refused(403, [WORKFLOW_MESSAGES["forbidden"](target)], registration)
    if version is not None and version != registration.version:
        raise Refused(409, [stale_message(registration)], registration)
    if "impossible" in codes:
        raise Refused(409, [WORKFLOW_MESSAGES["impossible"](target)], registration)
    if codes:
        messages = {code: WORKFLOW_MESSAGES[code](target) for code in codes}
        raise Refused(422, list(messages.values()), registration,
                      {FIELD_OF[code]: [message] for code, message in messages.items() if code in FIELD_OF})
    if target == "active" and kpj_in_use(workflow.normalise_kpj(kpj), registration.id):
        raise Refused(422, [kpj_taken_message()], registration, {"kpj": [kpj_taken_message()]})
    before = registration.status
    values = {"status": target, "version": Registration.version + 1, "updated_at": utcnow(),
              "reason": workflow.reason_after(target, reason)}
    if target == "active":
        values["kpj"] = workflow.normalise_kpj(kpj)
    # The WHERE on version makes the check and the write one step: of two coordinators, one wins.
    try:
        done = db.session.execute(db.update(Registration).where(
            Registration.id == registration.id, Registration.version == registration.version).values(**values))
    except IntegrityError:
        # Only the KPJ can collide here (uq_registrations_kpj): another registration took it since the check.
        db.session.rollback()
        if target != "active":
            raise
        raise Refused(422, [kpj_taken_message()], registration, {"kpj": [kpj_taken_message()]}) from None
    if done.rowcount != 1:
        db.session.rollback()
        db.session.refresh(registration)
        raise Refused(409, [stale_message(registration)], registration)
    changes = {"from": before, "to": target}
    if values["reason"]:
        changes["reason"] = values["reason"]
    if note and note.strip():
        changes["note"] = note.strip()[:1000]
    if target == "active":
        changes["kpj"] = values["kpj"]
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id, kind="transition",
                                     changes=changes))
    audit.record("transition", registration, user_id=user.id, **{k: v for k, v in changes.items() if k != "note"})
    if commit:
        db.session.commit()
        db.session.refresh(registration)
    return registration


def stale_message(registration: Registration) -> str:
    return _("Pendaftaran ini baru saja diubah orang lain (sekarang: %(status)s). Periksa data terbaru lalu ulangi.",
             status=STATUSES[registration.status])


# The queue

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
    q: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in self.__dict__.items()
                if v not in (None, "", {}) and k != "extra"}


FLAG_FILTERS = ("outside_district", "probable_duplicate", "minor", "old_regency_code", "unknown_kecamatan")


def scoped(user: User):
    query = db.select(Registration)
    if user.has_role("coordinator"):
        query = query.where(Registration.kecamatan_code == user.kecamatan_code)
    elif not user.has_role("admin"):
        query = query.where(Registration.officer_id == user.id)
    return query


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


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
        # flags is a JSON list; its text form holds each flag in quotes on SQLite and PostgreSQL alike
        query = query.where(cast(Registration.flags, String).like(f'%"{f.flag}"%'))
    if f.q:
        query = query.where(search_condition(f.q))
    return query


FULL_NUMBER = re.compile(r"BS-\d{4}-\d{6}", re.ASCII)


def search_condition(raw: str):
    """What a coordinator types, read the cheapest way that answers it: a whole registration number or four
    NIK digits are index look-ups; only a name or a piece of a number needs a scan."""
    q = raw.strip()
    if FULL_NUMBER.fullmatch(q.upper()):
        return Registration.number == q.upper()
    digits = normalise_nik(q)
    if len(digits) == 4 and digits.isdigit():
        return Registration.nik_last4 == digits
    conditions = [Registration.number.icontains(q, autoescape=True)]
    if key := name_key(q):
        conditions.append(Registration.name_key.contains(key, autoescape=True))
    return db.or_(*conditions)


def counts_by_status(user: User, f: Filters) -> dict[str, int]:
    query = apply_filters(scoped(user), f, with_status=False).with_only_columns(
        Registration.status, db.func.count()).group_by(Registration.status)
    counts = dict(db.session.execute(query).all())
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
    query = apply_filters(scoped(user), f)
    key = db.tuple_(Registration.created_at, Registration.id)
    if after:
        # A row-value comparison: both databases turn it into one range scan of the (..., created_at, id) index.
        start = db.tuple_(db.literal(after[0], Registration.created_at.type), db.literal(after[1]))
        query = query.where(key < start if newest_first else key > start)
    if newest_first:
        query = query.order_by(Registration.created_at.desc(), Registration.id.desc())
    else:
        query = query.order_by(Registration.created_at.asc(), Registration.id.asc())
    rows = db.session.scalars(query.limit(size + 1).options(db.joinedload(Registration.village),
                                                            db.joinedload(Registration.officer))).all()
    return rows[:size], (cursor_of(rows[size - 1]) if len(rows) > size else None)


# KPJ import from the BPJS Ketenagakerjaan branch's CSV

@dataclass
class ImportRow:
    line: int
    key: str
    kpj: str
    registration: Registration | None = None
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_KEY = 40  # longer than any registration number or NIK: such a cell is not one, and is not looked up


def decode_upload(raw: bytes) -> str:
    """The file's text: UTF-16 when it starts with a UTF-16 byte-order mark (Excel's "Unicode Text", which is
    tab-separated), else UTF-8 with or without BOM; bytes that are neither become U+FFFD. Control characters
    (a NUL, which PostgreSQL refuses in a query) are dropped like in any other input (outreach.inputs)."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8-sig", errors="replace")
    return clean(text)


def csv_problem(error: csv.Error, line: int) -> str:
    if "field larger than field limit" in str(error):
        return _("Baris %(line)s: ada kolom yang terlalu panjang; ini bukan berkas KPJ yang benar.", line=line)
    return _("Berkas tidak dapat dibaca sebagai CSV (sekitar baris %(line)s). Simpan ulang dari Excel sebagai "
             "\"CSV UTF-8\" lalu coba lagi.", line=line)


def read_kpj_csv(text: str, user: User) -> list[ImportRow]:
    """Rows of `nik` or `number` (registration number) with `kpj`; each checked, nothing applied.

    Raises ValueError with a message for the coordinator when the file is not a usable CSV."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": a lone CR (old Mac files) ends a line instead of failing as "new-line in unquoted field"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        fieldnames = reader.fieldnames or []
        records = list(reader)
    except csv.Error as error:
        raise ValueError(csv_problem(error, reader.line_num + 1)) from None  # line_num: the lines finished
    fields = {name.strip().lower(): name for name in fieldnames}
    key_field = fields.get("number") or fields.get("nomor") or fields.get("nik")
    kpj_field = fields.get("kpj")
    if not key_field or not kpj_field:
        raise ValueError(_("Berkas harus punya kolom kpj dan salah satu dari number atau nik."))
    by_nik = key_field == fields.get("nik")
    rows, seen_kpj, seen_registration = [], set(), {}
    for line, record in enumerate(records, start=2):
        key = str(record.get(key_field) or "").strip()
        kpj = workflow.normalise_kpj(str(record.get(kpj_field) or ""))[:20]
        row = ImportRow(line=line, key=key[:MAX_KEY], kpj=kpj)
        rows.append(row)
        if key and len(key) <= MAX_KEY:
            query = scoped(user).where(Registration.nik == normalise_nik(key) if by_nik
                                       else Registration.number == key.upper())
            if by_nik:
                query = query.where(Registration.status != "rejected")
            row.registration = db.session.scalar(query)
        if row.registration is None:
            row.errors.append(_("Tidak ditemukan di wilayah Anda."))
        elif row.registration.id in seen_registration:
            # Applying both would move it to active twice: the second fails, and with it the whole import.
            row.errors.append(_("Pendaftaran ini sudah ada di baris %(line)s.", line=seen_registration[row.registration.id]))
        elif row.registration.status != "submitted":
            row.errors.append(_("Status %(status)s: hanya pendaftaran yang sudah diajukan yang bisa diaktifkan.",
                                status=STATUSES[row.registration.status]))
        if row.registration is not None:
            seen_registration.setdefault(row.registration.id, line)
        if not workflow.valid_kpj(kpj):
            row.errors.append(_("Nomor KPJ harus 11 angka."))
        elif kpj in seen_kpj or kpj_in_use(kpj):
            row.errors.append(kpj_taken_message())
        seen_kpj.add(kpj)
    return rows


def apply_kpj_import(rows: list[ImportRow], user: User) -> int:
    """All rows or none: any refusal rolls the whole import back."""
    if not rows or not all(row.ok for row in rows):
        raise Refused(422, [_("Perbaiki baris yang bermasalah dulu; tidak ada yang diterapkan.")])
    try:
        for row in rows:
            try:
                transition(row.registration, "active", user, row.registration.version, kpj=row.kpj, commit=False)
            except Refused as refusal:
                raise Refused(refusal.status, [_("Baris %(line)s: %(message)s", line=row.line, message=m)
                                               for m in refusal.messages] +
                              [_("Tidak ada yang diterapkan.")]) from None
        audit.record("import_kpj", user_id=user.id, kecamatan_code=user.kecamatan_code, rows=len(rows))
        db.session.commit()
    except Refused:
        db.session.rollback()
        raise
    except IntegrityError:  # a KPJ taken by someone else between the last check and the commit
        db.session.rollback()
        raise Refused(422, [kpj_taken_message(), _("Tidak ada yang diterapkan.")]) from None
    return len(rows)


# The previewed file waits on the server until the coordinator confirms. Sending it back through the page
# (a hidden field) would carry up to 2 MB of NIKs through the browser twice, and a form field that large is
# refused by Flask (MAX_FORM_MEMORY_SIZE, 500 kB) while CSRF protection reads the form, before any view could
# raise the limit. So the confirmation posts only the file's SHA-256; the file is kept in the instance folder
# under the coordinator's id and that digest, read back only by the same coordinator, and deleted once applied
# or after a day.

UPLOAD_DIR = "kpj-imports"  # under the instance folder
UPLOAD_TTL = timedelta(days=1)
DIGEST = re.compile(r"[0-9a-f]{64}", re.ASCII)


def upload_path(user: User, digest: str) -> Path:
    return Path(current_app.instance_path) / UPLOAD_DIR / f"{user.id}-{digest}.csv"


def keep_upload(text: str, user: User) -> str:
    """Store the previewed text; its digest is the confirmation's key."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = upload_path(user, digest)
    path.parent.mkdir(parents=True, exist_ok=True)
    forget_old_uploads(path.parent)
    path.write_text(text, encoding="utf-8")
    return digest


def kept_upload(digest: str | None, user: User) -> str | None:
    if not digest or not DIGEST.fullmatch(digest):
        return None
    path = upload_path(user, digest)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def drop_upload(digest: str, user: User) -> None:
    upload_path(user, digest).unlink(missing_ok=True)


def forget_old_uploads(folder) -> None:
    cutoff = (utcnow() - UPLOAD_TTL).timestamp()
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        except OSError:
            pass
