"""The coordinators' work on registrations: moving them through the workflow, the queue's filters,
KPJ imports and exports. HTML forms and the JSON API call these same functions."""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import String, cast

from outreach import audit
from outreach.domain import workflow
from outreach.domain.eligibility import name_key
from outreach.domain.nik import normalise_nik
from outreach.enroll.labels import STATUSES
from outreach.enroll.service import LOCAL_TZ
from outreach.extensions import db
from outreach.models import Registration, RegistrationEvent, User
from outreach.models.types import utcnow


class Refused(Exception):
    """The move is not possible: `status` is the HTTP answer (403, 409, 422), `messages` say why."""

    def __init__(self, status: int, messages: list[str], registration: Registration | None = None):
        super().__init__(messages)
        self.status, self.messages, self.registration = status, messages, registration


WORKFLOW_MESSAGES = {
    "impossible": lambda: _("Perubahan status ini tidak dimungkinkan dari status sekarang."),
    "forbidden": lambda: _("Peran Anda tidak boleh melakukan perubahan status ini."),
    "reason_required": lambda: _("Pilih alasan penolakan."),
    "note_required": lambda: _("Tulis catatan: untuk pengembalian, apa yang perlu diperbaiki; untuk penolakan, penjelasannya."),
    "kpj_invalid": lambda: _("Nomor KPJ harus 11 angka."),
}


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
        raise Refused(403, [WORKFLOW_MESSAGES["forbidden"]()], registration)
    if version is not None and version != registration.version:
        raise Refused(409, [stale_message(registration)], registration)
    if "impossible" in codes:
        raise Refused(409, [WORKFLOW_MESSAGES["impossible"]()], registration)
    if codes:
        raise Refused(422, [WORKFLOW_MESSAGES[c]() for c in codes], registration)
    if target == "active" and db.session.scalar(db.select(Registration.id).where(
            Registration.kpj == workflow.normalise_kpj(kpj), Registration.id != registration.id)):
        raise Refused(422, [_("Nomor KPJ ini sudah dipakai.")], registration)
    before = registration.status
    values = {"status": target, "version": Registration.version + 1, "updated_at": utcnow()}
    if target == "rejected":
        values["reason"] = reason
    if target == "active":
        values["kpj"] = workflow.normalise_kpj(kpj)
    # The WHERE on version makes the check and the write one step: of two coordinators, one wins.
    done = db.session.execute(db.update(Registration).where(
        Registration.id == registration.id, Registration.version == registration.version).values(**values))
    if done.rowcount != 1:
        db.session.rollback()
        db.session.refresh(registration)
        raise Refused(409, [stale_message(registration)], registration)
    changes = {"from": before, "to": target}
    if reason:
        changes["reason"] = reason
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
        q = f.q.strip()
        conditions = [Registration.number.ilike(f"%{q}%")]
        digits = normalise_nik(q)
        if len(digits) == 4 and digits.isdigit():
            conditions.append(Registration.nik_last4 == digits)
        if key := name_key(q):
            conditions.append(Registration.name_key.contains(key))
        query = query.where(db.or_(*conditions))
    return query


def counts_by_status(user: User, f: Filters) -> dict[str, int]:
    query = apply_filters(scoped(user), f, with_status=False).with_only_columns(
        Registration.status, db.func.count()).group_by(Registration.status)
    counts = dict(db.session.execute(query).all())
    return {status: counts.get(status, 0) for status in workflow.STATUSES}


def page(user: User, f: Filters, after: int | None, newest_first: bool, size: int) -> tuple[list, int | None]:
    """One page of the queue, keyset-paginated on id (ids grow with time), so page 1,000 costs page 1."""
    query = apply_filters(scoped(user), f)
    if after:
        query = query.where(Registration.id < after if newest_first else Registration.id > after)
    query = query.order_by(Registration.id.desc() if newest_first else Registration.id.asc()).limit(size + 1)
    rows = db.session.scalars(query.options(db.joinedload(Registration.village),
                                            db.joinedload(Registration.officer))).all()
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


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


def read_kpj_csv(text: str, user: User) -> list[ImportRow]:
    """Rows of `nik` or `number` (registration number) with `kpj`; each checked, nothing applied."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = {name.strip().lower(): name for name in (reader.fieldnames or [])}
    key_field = fields.get("number") or fields.get("nomor") or fields.get("nik")
    kpj_field = fields.get("kpj")
    if not key_field or not kpj_field:
        raise ValueError(_("Berkas harus punya kolom kpj dan salah satu dari number atau nik."))
    by_nik = key_field == fields.get("nik")
    rows, seen_kpj = [], set()
    for line, record in enumerate(reader, start=2):
        key = (record.get(key_field) or "").strip()
        kpj = workflow.normalise_kpj(record.get(kpj_field))
        row = ImportRow(line=line, key=key, kpj=kpj)
        rows.append(row)
        query = scoped(user).where(Registration.nik == normalise_nik(key) if by_nik else Registration.number == key.upper())
        if by_nik:
            query = query.where(Registration.status != "rejected")
        row.registration = db.session.scalar(query)
        if row.registration is None:
            row.errors.append(_("Tidak ditemukan di wilayah Anda."))
        elif row.registration.status != "submitted":
            row.errors.append(_("Status %(status)s: hanya pendaftaran yang sudah diajukan yang bisa diaktifkan.",
                                status=STATUSES[row.registration.status]))
        if not workflow.valid_kpj(kpj):
            row.errors.append(_("Nomor KPJ harus 11 angka."))
        elif kpj in seen_kpj or db.session.scalar(db.select(Registration.id).where(Registration.kpj == kpj)):
            row.errors.append(_("Nomor KPJ ini sudah dipakai."))
        seen_kpj.add(kpj)
    return rows


def apply_kpj_import(rows: list[ImportRow], user: User) -> int:
    """All rows or none: any refusal rolls the whole import back."""
    if not rows or not all(row.ok for row in rows):
        raise Refused(422, [_("Perbaiki baris yang bermasalah dulu; tidak ada yang diterapkan.")])
    try:
        for row in rows:
            transition(row.registration, "active", user, row.registration.version, kpj=row.kpj, commit=False)
        audit.record("import_kpj", user_id=user.id, kecamatan_code=user.kecamatan_code, rows=len(rows))
        db.session.commit()
    except Refused:
        db.session.rollback()
        raise
    return len(rows)
