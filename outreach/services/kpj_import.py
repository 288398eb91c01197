"""KPJ import from the BPJS Ketenagakerjaan branch's CSV: read and check every row, apply all or none.

The previewed file waits on the server until the coordinator confirms (see keep_upload)."""
import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.domain import workflow
from outreach.domain.nik import normalise_nik
from outreach.extensions import db
from outreach.inputs import clean
from outreach.labels import STATUSES
from outreach.models import Registration, User
from outreach.models.types import utcnow
from outreach.services.access import visible_to
from outreach.services import review
from outreach.services.review import Refused, kpj_taken_message

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
            query = visible_to(user).where(Registration.nik == normalise_nik(key) if by_nik
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
        elif kpj in seen_kpj or review.kpj_in_use(kpj):
            row.errors.append(kpj_taken_message())
        seen_kpj.add(kpj)
    return rows


def apply_kpj_import(rows: list[ImportRow], user: User) -> int:
    """All rows or none: any refusal rolls the whole import back."""
    if not rows or not all(row.ok for row in rows):
        raise Refused(422, [_("Perbaiki baris yang bermasalah dulu; tidak ada yang diterapkan.")])
    try:
        with db.session.begin_nested():  # all rows or none
            for row in rows:
                try:
                    review.transition(row.registration, "active", user, row.registration.version, kpj=row.kpj)
                except Refused as refusal:
                    raise Refused(refusal.status, [_("Baris %(line)s: %(message)s", line=row.line, message=m)
                                                   for m in refusal.messages] +
                                  [_("Tidak ada yang diterapkan.")]) from None
            audit.record("import_kpj", user_id=user.id, kecamatan_code=user.kecamatan_code, rows=len(rows))
    except IntegrityError:  # a KPJ taken by someone else between the last check and the write
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


def forget_old_uploads(folder, dry_run: bool = False) -> int:
    """Delete previewed files older than UPLOAD_TTL (also run by `flask retention run`); how many."""
    cutoff, n = (utcnow() - UPLOAD_TTL).timestamp(), 0
    for old in folder.glob("*.csv"):
        try:
            if old.stat().st_mtime < cutoff:
                if not dry_run:
                    old.unlink(missing_ok=True)
                n += 1
        except OSError:
            pass
    return n
