"""KPJ import from the BPJS Ketenagakerjaan branch's CSV: read and check every row, apply all or none.

The previewed file waits in the database until the coordinator confirms (see keep_upload)."""
import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.domain import workflow
from outreach.domain.nik import normalise_nik
from outreach.extensions import db
from outreach.inputs import clean
from outreach.labels import STATUSES
from outreach.models import ImportPreview, Registration, User
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
    problems: list = field(default_factory=list)  # (code, message): the code groups the file's summary

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[str]:
        return [message for _code, message in self.problems]


@dataclass
class KpjFile:
    """A read file: its rows, the columns recognised (what -> the file's own header) and those left aside."""
    rows: list
    columns: dict
    ignored: list

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    def shown(self) -> list:
        """The rows listed on the page: those with problems first, then the first rows (every row is checked,
        and the problems are counted by kind above the list; 30,000 rows of HTML would not reach a phone)."""
        failing = [row for row in self.rows if not row.ok][:SHOWN]
        return failing + [row for row in self.rows[:SHOWN] if row.ok][:SHOWN - len(failing)]

    def problems(self) -> list[tuple[str, list[int]]]:
        """Each kind of problem in words, with the lines that have it, in the order first met."""
        lines = {}
        for row in self.rows:
            for code, _message in row.problems:
                lines.setdefault(code, []).append(row.line)
        return [(str(PROBLEMS[code]), found) for code, found in lines.items()]


SHOWN = 200  # rows listed on the preview page
PROBLEMS = {
    "not_found": _l("Tidak ditemukan di wilayah Anda"),
    "repeated": _l("Pendaftaran yang sama ada di baris lain"),
    "not_submitted": _l("Belum berstatus diajukan ke BPJS Ketenagakerjaan"),
    "kpj_invalid": _l("Nomor KPJ bukan 11 angka"),
    "kpj_taken": _l("Nomor KPJ sudah dipakai"),
}
# The headers the branch's file may carry, compared without case, spaces or punctuation ("No. KPJ" = "no_kpj").
COLUMNS = {
    "number": ("number", "nomor", "nopendaftaran", "nomorpendaftaran", "noregistrasi", "nomorregistrasi",
               "registrationnumber"),
    "nik": ("nik", "noktp", "nomorktp", "nonik", "nomornik", "nomorindukkependudukan"),
    "kpj": ("kpj", "nokpj", "nomorkpj", "nopeserta", "nomorpeserta"),
}
COLUMN_WORDS = {"number": _l("nomor pendaftaran"), "nik": _l("NIK"), "kpj": _l("nomor KPJ")}


def header_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", (name or "").lower())


def recognise_columns(fieldnames) -> dict[str, str]:
    """{"number"|"nik"|"kpj": the file's header} for the headers it knows. Raises ValueError when a column is
    missing or named twice (which of the two would be meant is anyone's guess)."""
    found = {}
    for name in fieldnames:
        for what, aliases in COLUMNS.items():
            if header_key(name) in aliases:
                found.setdefault(what, []).append(name)
    twice = [(what, names) for what, names in found.items() if len(names) > 1]
    if twice:
        what, names = twice[0]
        raise ValueError(_("Ada lebih dari satu kolom %(what)s: %(names)s. Hapus salah satu lalu coba lagi.",
                           what=COLUMN_WORDS[what], names=", ".join(f"\"{n[:40]}\"" for n in names)))
    if "kpj" not in found or not ({"number", "nik"} & set(found)):
        raise ValueError(_("Berkas harus punya kolom nomor KPJ (mis. kpj, no_kpj) dan salah satu dari nomor "
                           "pendaftaran (mis. no_pendaftaran) atau NIK."))
    if "number" in found:  # the registration number is the sharper key: NIK then only rides along
        found.pop("nik", None)
    return {what: names[0] for what, names in found.items()}  # in the file's own words, for the preview


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


def read_kpj_csv(text: str, user: User) -> KpjFile:
    """Rows of a registration number or NIK with a KPJ; each checked, nothing applied.

    Raises ValueError with a message for the coordinator when the file is not a usable CSV."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # newline="": a lone CR (old Mac files) ends a line instead of failing as "new-line in unquoted field"
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        fieldnames = [name for name in reader.fieldnames or [] if name is not None]
        records = list(reader)
    except csv.Error as error:
        raise ValueError(csv_problem(error, reader.line_num + 1)) from None  # line_num: the lines finished
    columns = recognise_columns(fieldnames)
    by_nik = "nik" in columns
    key_field, kpj_field = columns["nik" if by_nik else "number"], columns["kpj"]
    keys = [str(record.get(key_field) or "").strip() for record in records]
    kpjs = [workflow.normalise_kpj(str(record.get(kpj_field) or ""))[:20] for record in records]
    found = registrations_by_key(user, keys, by_nik)
    taken = kpjs_in_use(kpjs)
    rows, seen_kpj, seen_registration = [], set(), {}
    for line, (key, kpj) in enumerate(zip(keys, kpjs), start=2):
        row = ImportRow(line=line, key=key[:MAX_KEY], kpj=kpj)
        rows.append(row)
        if key and len(key) <= MAX_KEY:
            row.registration = found.get(normalise_nik(key) if by_nik else key.upper())
        if row.registration is None:
            row.problems.append(("not_found", _("Tidak ditemukan di wilayah Anda.")))
        elif row.registration.id in seen_registration:
            # Applying both would move it to active twice: the second fails, and with it the whole import.
            row.problems.append(("repeated", _("Pendaftaran ini sudah ada di baris %(line)s.",
                                               line=seen_registration[row.registration.id])))
        elif row.registration.status != "submitted":
            row.problems.append(("not_submitted", _(
                "Status %(status)s: KPJ hanya dapat dicatat untuk pendaftaran yang sudah diajukan.",
                status=STATUSES[row.registration.status])))
        if row.registration is not None:
            seen_registration.setdefault(row.registration.id, line)
        if not workflow.valid_kpj(kpj):
            row.problems.append(("kpj_invalid", _("Nomor KPJ harus 11 angka.")))
        elif kpj in seen_kpj or kpj in taken:
            row.problems.append(("kpj_taken", kpj_taken_message()))
        seen_kpj.add(kpj)
    known = set(columns.values())
    return KpjFile(rows, columns, [name[:40] for name in fieldnames if name not in known])


LOOKUP_BATCH = 1000  # keys per IN (...) query: a 30,000-row file is 30 queries, not 60,000


def registrations_by_key(user: User, keys: list[str], by_nik: bool) -> dict[str, Registration]:
    """The registrations `user` may see, by normalised NIK (not rejected) or by number, for all keys at once."""
    wanted = sorted({normalise_nik(k) if by_nik else k.upper() for k in keys if k and len(k) <= MAX_KEY})
    column = Registration.nik if by_nik else Registration.number
    found = {}
    for i in range(0, len(wanted), LOOKUP_BATCH):
        query = visible_to(user).where(column.in_(wanted[i:i + LOOKUP_BATCH]))
        if by_nik:
            query = query.where(Registration.status != "rejected")
        for r in db.session.scalars(query):
            found[r.nik if by_nik else r.number] = r
    return found


def kpjs_in_use(kpjs: list[str]) -> set[str]:
    wanted = sorted({k for k in kpjs if workflow.valid_kpj(k)})
    taken = set()
    for i in range(0, len(wanted), LOOKUP_BATCH):
        taken.update(db.session.scalars(db.select(Registration.kpj).where(Registration.kpj.in_(
            wanted[i:i + LOOKUP_BATCH]))))
    return taken


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
# raise the limit. So the confirmation posts only the file's SHA-256; the text is kept in the database (table
# import_previews: any app server may take the confirmation) under the coordinator's id and that digest, read
# back only by the same coordinator, and deleted once applied or cancelled, or after a day.

KIND = "kpj"
UPLOAD_TTL = timedelta(days=1)
DIGEST = re.compile(r"[0-9a-f]{64}", re.ASCII)
LEGACY_DIR = "kpj-imports"  # under the instance folder, before migration 0019: emptied by `retention run`
LEGACY_COHORT_DIR = "cohort-imports"  # the cohort import's previews, on disk until they moved to import_previews


def keep_upload(text: str, user: User, kind: str = KIND) -> str:
    """Store the previewed text (added and flushed: the caller commits); its digest is the confirmation's key.
    `kind` keeps each import's previews apart (kpj, cohort, payments)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    kept = db.session.scalar(db.select(ImportPreview).where(ImportPreview.user_id == user.id,
                                                            ImportPreview.kind == kind, ImportPreview.digest == digest))
    if kept is None:
        db.session.add(ImportPreview(user_id=user.id, kind=kind, digest=digest, content=text))
    else:
        kept.created_at = utcnow()  # previewed again today: a day from now
    db.session.flush()
    return digest


def kept_upload(digest: str | None, user: User, kind: str = KIND) -> str | None:
    if not digest or not DIGEST.fullmatch(digest):
        return None
    return db.session.scalar(db.select(ImportPreview.content).where(
        ImportPreview.user_id == user.id, ImportPreview.kind == kind, ImportPreview.digest == digest,
        ImportPreview.created_at >= utcnow() - UPLOAD_TTL))


def drop_upload(digest: str, user: User, kind: str = KIND) -> int:
    """Delete a kept preview; how many rows went (0: applied or cancelled already). Applying claims the file this
    way first: a second click or tab waits for the first one's commit, then finds nothing and applies nothing."""
    return db.session.execute(db.delete(ImportPreview).where(
        ImportPreview.user_id == user.id, ImportPreview.kind == kind, ImportPreview.digest == digest)).rowcount


def forget_old_uploads(now, dry_run: bool = False) -> int:
    """Delete previewed files older than UPLOAD_TTL, of every kind (run by `flask retention run`); how many."""
    old = ImportPreview.created_at < now - UPLOAD_TTL
    n = db.session.scalar(db.select(db.func.count(ImportPreview.id)).where(old))
    if not dry_run:
        db.session.execute(db.delete(ImportPreview).where(old))
    return n


def forget_legacy_files(folder: Path, dry_run: bool = False, pattern: str = "*.csv") -> int:
    """Files previewed before they were kept in import_previews lay on disk; none is read any more. How many were
    deleted."""
    files = list(folder.glob(pattern)) if folder.is_dir() else []
    if not dry_run:
        for old in files:
            old.unlink(missing_ok=True)
    return len(files)
