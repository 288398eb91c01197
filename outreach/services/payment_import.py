"""The branch's payment file: every row read and checked (in batches of registrations, not a query a row), then
all rows applied or none. The previewed file waits in the database as the KPJ import's does (kpj_import).

A row names the worker by NIK or KPJ and the months paid either as first month + number of months, or as "paid
until" (YYYY-MM): then the months run from the month after the worker's paid_through, or from the KPJ's month when
nothing was paid yet. A payment already in the ledger (the same file imported twice) is counted, not added.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import audit
from outreach.domain import contribution, payments as rules
from outreach.domain.clock import local_day, local_today
from outreach.domain.nik import normalise_nik, other_person
from outreach.domain.workflow import normalise_kpj
from outreach.extensions import db
from outreach.labels import PAYMENT_ERRORS
from outreach.models import Payment, Registration, RegistrationEvent, User
from outreach.models.types import utcnow
from outreach.services import bulk, tariff
from outreach.services.access import visible_to
from outreach.services.kpj_import import csv_problem, header_key
from outreach.services.payments import event_changes
from outreach.services.review import Refused

KIND = "payments"  # ImportPreview.kind
MAX_IMPORT_BYTES = 9 * 1024 * 1024  # 100,000 rows of ~60 bytes, under MAX_CONTENT_LENGTH (10 MB)
BATCH = 1000  # registrations looked up per query (an IN list of this size suits SQLite and PostgreSQL)
MAX_KEY = 40
EXCEL_NUMBER = re.compile(r"\d+(?:[.,]\d+)?[eE]\+?\d+")  # a long number a spreadsheet wrote in its own notation
SHOWN = 200  # rows listed on the preview page; every row is checked, problems are all counted by kind

PROBLEMS = {
    "not_found": _l("Tidak ditemukan di wilayah Anda"),
    "no_kpj": _l("Belum punya KPJ (belum terbit)"),
    "nik_mismatch": _l("NIK di berkas bukan NIK pemegang KPJ itu"),
    "excel_number": _l("NIK atau KPJ tertulis sebagai angka Excel (mis. 1,0E+10)"),
    "repeated": _l("Pembayaran yang sama ada di baris lain"),
    "covered": _l("Bulan itu sudah lunas"),
    "no_start": _l("Bulan mulai tidak diketahui: isi bulan awal dan jumlah bulan"),
    "month_invalid": _l("Bulan tidak terbaca"),
    "month_too_early": _l("Bulan sebelum Juli 2015"),
    "month_too_late": _l("Bulan lebih dari setahun ke depan"),
    "months_invalid": _l("Jumlah bulan bukan 1 sampai 24"),
    "amount_invalid": _l("Jumlah Rupiah tidak terbaca"),
    "date_invalid": _l("Tanggal bayar tidak terbaca"),
    "date_future": _l("Tanggal bayar di masa depan"),
    "channel_invalid": _l("Tempat membayar tidak dikenal"),
}
# Headers compared without case, spaces or punctuation ("Tgl. Bayar" = "tglbayar").
COLUMNS = {
    "nik": ("nik", "noktp", "nomorktp", "nonik", "nomornik", "nomorindukkependudukan"),
    "kpj": ("kpj", "nokpj", "nomorkpj", "nopeserta", "nomorpeserta"),
    "first_month": ("firstmonth", "bulanawal", "blnawal", "mulaibulan", "bulanmulai", "periodeawal", "daribulan"),
    "months": ("months", "bulan", "jumlahbulan", "jmlbulan", "lamabulan"),
    "until": ("paiduntil", "bayarsampai", "lunassampai", "sampaibulan", "sampai", "periodeakhir"),
    "amount": ("amount", "jumlah", "nominal", "iuran", "jumlahiuran", "totaliuran", "jumlahbayar", "rupiah"),
    "paid_on": ("paidon", "paiddate", "tanggalbayar", "tglbayar", "tanggalpembayaran", "tglpembayaran", "tanggal"),
    "channel": ("channel", "saluran", "kanal", "tempatbayar", "tempatpembayaran", "carabayar"),
}
COLUMN_WORDS = {"nik": _l("NIK"), "kpj": _l("nomor KPJ"), "first_month": _l("bulan awal"),
                "months": _l("jumlah bulan"), "until": _l("bayar sampai"), "amount": _l("jumlah iuran"),
                "paid_on": _l("tanggal bayar"), "channel": _l("tempat bayar")}


@dataclass(slots=True)
class PaymentRow:
    line: int
    key: str  # the NIK or KPJ as written (shown masked when a NIK)
    registration_id: int | None = None
    number: str | None = None
    clean: rules.Clean | None = None
    expected: int | None = None
    already: bool = False  # the same payment is in the ledger: counted, not added
    problems: list = field(default_factory=list)  # (code, message)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def mismatch(self) -> bool:
        return self.clean is not None and self.expected is not None and self.expected != self.clean.amount

    @property
    def errors(self) -> list[str]:
        return [message for _code, message in self.problems]


@dataclass
class PaymentFile:
    rows: list
    columns: dict  # what -> the file's own header
    ignored: list

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    @property
    def failing(self) -> list:
        return [row for row in self.rows if not row.ok]

    @property
    def new(self) -> list:
        return [row for row in self.rows if row.ok and not row.already]

    def problems(self) -> list[tuple[str, list[int]]]:
        lines = {}
        for row in self.rows:
            for code, _message in row.problems:
                lines.setdefault(code, []).append(row.line)
        return [(str(PROBLEMS[code]), found) for code, found in lines.items()]

    def summary(self) -> dict:
        new = self.new
        odd = [row for row in new if row.mismatch]
        return {"rows": len(self.rows), "new": len(new), "already": sum(row.already for row in self.rows),
                "failing": len(self.failing), "total": sum(row.clean.amount for row in new),
                "mismatched": [row.line for row in odd],
                "difference": sum(row.clean.amount - row.expected for row in odd)}

    def shown(self) -> list:
        """The rows listed on the page: those with problems first, then the first rows."""
        failing = self.failing[:SHOWN]
        return failing + [row for row in self.rows[:SHOWN] if row.ok][:SHOWN - len(failing)]


def recognise_columns(fieldnames) -> dict[str, str]:
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
    months = {"first_month", "months"} <= set(found) or "until" in found
    if not ({"nik", "kpj"} & set(found)) or not {"amount", "paid_on"} <= set(found) or not months:
        raise ValueError(_("Berkas harus punya kolom NIK atau nomor KPJ, jumlah iuran (mis. jumlah), tanggal bayar "
                           "(mis. tgl_bayar), dan bulan awal dengan jumlah bulan atau bayar sampai (TTTT-BB)."))
    return {what: names[0] for what, names in found.items()}


last_day_paid = lru_cache(maxsize=4096)(rules.last_day_paid)


@lru_cache(maxsize=4096)
def expected_for(income, programs, funding, transport, first, months, excluded) -> int:
    return rules.expected(income, programs, funding, transport, first, months, excluded)


@dataclass(slots=True)
class Known:
    """What a file's check needs of one registration (a whole row a registration would be ~1 kB at 100,000)."""
    number: str
    active: bool  # active with a KPJ: payments may be recorded
    kpj_month: tuple | None
    income: int | None
    programs: tuple
    occupation: str | None
    funding: str
    through: date | None  # paid_through, as the file moves it
    nik: str | None  # held against a row that names both its KPJ and a NIK


class Checker:
    """The state a file is checked against: the registrations met so far (with their paid_through as the file
    moves it), the ledger's payments of those, and the payments already met in the file."""

    def __init__(self, user: User, today: date):
        self.user, self.today, self.excluded = user, today, tariff.excluded()
        self.transport = tariff.transport_codes()
        self.by_nik, self.by_kpj, self.info = {}, {}, {}
        self.ledger, self.ends, self.seen, self.checked = set(), set(), {}, {}
        self.programs = {}  # one tuple per distinct programme set, shared by the registrations

    def load(self, niks: set, kpjs: set) -> None:
        """Registrations (and their ledger) for the keys not met before, a batch of each at a time."""
        t = Registration.__table__.c  # plain rows, without the ORM's per-row work
        cols = (t.id, t.number, t.nik, t.kpj, t.status, t.kpj_at, t.paid_through, t.monthly_income, t.programs,
                t.occupation, t.funding)
        area = visible_to(self.user).whereclause  # the one rule of who sees what, on these columns
        ids = []
        for keys, column, index in ((sorted(niks - self.by_nik.keys()), t.nik, self.by_nik),
                                    (sorted(kpjs - self.by_kpj.keys()), t.kpj, self.by_kpj)):
            for i in range(0, len(keys), BATCH):
                chunk = keys[i:i + BATCH]
                for index_key in chunk:
                    index[index_key] = None
                query = db.select(*cols).where(column.in_(chunk))
                if area is not None:
                    query = query.where(area)
                if column is t.nik:
                    query = query.where(t.status != "rejected")
                for r in db.session.connection().execute(query):
                    index[r.nik if column is t.nik else r.kpj] = r.id
                    if r.id not in self.info:
                        programs = tuple(sorted(r.programs or ()))
                        self.info[r.id] = Known(r.number, r.status == "active" and bool(r.kpj),
                                                (local_day(r.kpj_at).year, local_day(r.kpj_at).month)
                                                if r.kpj_at else None, r.monthly_income,
                                                self.programs.setdefault(programs, programs), r.occupation,
                                                r.funding, r.paid_through, r.nik)
                        ids.append(r.id)
        for i in range(0, len(ids), BATCH):
            p_ = Payment.__table__.c
            for p in db.session.connection().execute(db.select(p_.registration_id, p_.first_month, p_.months,
                                                               p_.amount, p_.paid_on)
                                                     .where(p_.registration_id.in_(ids[i:i + BATCH]))):
                self.ledger.add(tuple(p))
                self.ends.add(self.end_key(p.registration_id, (p.first_month.year, p.first_month.month), p.months,
                                           p.amount, p.paid_on))

    def read(self, values: dict) -> tuple:
        """rules.check, once for each distinct payment (a branch's file repeats dates, amounts and months)."""
        key = tuple(values.get(k) for k in ("first_month", "months", "amount", "paid_on", "channel"))
        if key not in self.checked:
            self.checked[key] = rules.check(values, self.today)
        return self.checked[key]

    @staticmethod
    def end_key(rid, first, months, amount, paid_on) -> tuple:
        return rid, contribution.add_months(first[0], first[1], months - 1), amount, paid_on

    def check(self, row: PaymentRow, cells: dict, by_nik: bool) -> None:
        rid = (self.by_nik if by_nik else self.by_kpj).get(row.key)
        info = self.info.get(rid)
        if info is None:
            row.problems.append(("not_found", _("Tidak ditemukan di wilayah Anda.")))
            return
        row.registration_id, row.number = rid, info.number
        if not by_nik and other_person(cells.get("nik"), info.nik):  # the KPJ is on someone else here, or the
            # file's line is wrong: paying it would show the wrong worker protected
            row.problems.append(("nik_mismatch", _(
                "NIK di berkas bukan NIK pendaftaran %(number)s, pemegang KPJ ini di aplikasi: periksa nomor KPJ-nya "
                "(Koreksi nomor KPJ) atau baris berkasnya.", number=info.number)))
            return
        if not info.active:
            row.problems.append(("no_kpj", _("Belum punya KPJ: pembayaran dicatat setelah KPJ terbit.")))
            return
        values = {"amount": cells.get("amount"), "paid_on": cells.get("paid_on"),
                  "channel": cells.get("channel") or "bank"}
        if cells.get("until") and not cells.get("first_month"):
            until = rules.parse_month(cells["until"])
            if until is None:
                row.problems.append(("month_invalid", str(PAYMENT_ERRORS["month_invalid"])))
                return
            through = info.through
            start = contribution.add_months(through.year, through.month, 1) if through else info.kpj_month
            if start is None:
                row.problems.append(("no_start", _("Bulan mulai tidak diketahui; isi bulan awal dan jumlah bulan.")))
                return
            months = rules.months_between(start, until)
            if months < 1:
                amount, paid_on = rules.parse_amount(values["amount"]), rules.parse_day(values["paid_on"])
                if self.end_key(rid, until, 1, amount, paid_on) in self.ends:
                    row.already = True
                else:
                    row.problems.append(("covered", _(
                        "Bayar sampai %(until)s tidak menambah bulan: bulan berikutnya yang dibayar %(start)s.",
                        until=contribution.month_text(until), start=contribution.month_text(start))))
                return
            values |= {"first_month": contribution.month_text(start), "months": str(months)}
        else:
            values |= {"first_month": cells.get("first_month"), "months": cells.get("months")}
        clean, codes = self.read(values)
        if codes:
            row.problems.extend((code, str(PAYMENT_ERRORS[code])) for code in codes.values())
            return
        row.clean = clean
        same = (rid, date(*clean.first_month, 1), clean.months, clean.amount, clean.paid_on)
        if same in self.seen:
            row.problems.append(("repeated", _("Pembayaran yang sama ada di baris %(line)s.", line=self.seen[same])))
            return
        self.seen[same] = row.line
        if same in self.ledger:
            row.already = True
            return
        funding = info.funding if clean.channel == "budget" else contribution.SELF
        row.expected = expected_for(info.income, info.programs, funding, info.occupation in self.transport,
                                    clean.first_month, clean.months, self.excluded)
        end = last_day_paid(clean.first_month, clean.months)
        if info.through is None or info.through < end:
            info.through = end


def read_payment_csv(text: str, user: User, today: date | None = None) -> PaymentFile:
    """Every row checked, nothing applied. Raises ValueError with words for the coordinator when the file is not
    a usable CSV or lacks a column."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        fieldnames = [name for name in next(reader, []) if name is not None]
    except csv.Error as error:
        raise ValueError(csv_problem(error, 1)) from None
    columns = recognise_columns(fieldnames)
    where = {what: fieldnames.index(header) for what, header in columns.items()}
    checker, rows, batch = Checker(user, today or local_today()), [], []

    def flush_batch():
        niks = {key for _row, _cells, by_nik, key in batch if by_nik}
        checker.load(niks, {key for _row, _cells, by_nik, key in batch if not by_nik})
        for row, cells, by_nik, _key in batch:
            checker.check(row, cells, by_nik)
        batch.clear()

    try:
        for record in reader:
            if not "".join(record).strip():
                continue  # a blank line (Excel adds them at the end)
            cells = {what: record[i].strip()[:60] if i < len(record) else "" for what, i in where.items()}
            kpj = normalise_kpj(cells.get("kpj", ""))[:20]
            by_nik = not kpj
            key = normalise_nik(cells.get("nik", ""))[:MAX_KEY] if by_nik else kpj
            row = PaymentRow(line=reader.line_num, key=key)
            rows.append(row)
            if EXCEL_NUMBER.fullmatch(cells.get("kpj" if kpj else "nik", "")):  # 1,0E+10: its digits are lost
                row.problems.append(("excel_number", str(PROBLEMS["excel_number"]) + ": " + _(
                    "simpan kolom NIK dan KPJ sebagai teks di Excel, lalu simpan lagi sebagai CSV.")))
                continue
            batch.append((row, cells, by_nik, key))
            if len(batch) >= BATCH:
                flush_batch()
    except csv.Error as error:
        raise ValueError(csv_problem(error, reader.line_num + 1)) from None
    flush_batch()
    known = set(columns.values())
    return PaymentFile(rows, columns, [name[:40] for name in fieldnames if name not in known])


def apply_payments(read: PaymentFile, user: User) -> dict:
    """All rows or none: the new payments inserted, their history lines, paid_through moved forward, one audit
    line for the file. Written in bulk (a file holds up to 100,000 rows); the caller commits."""
    if not read.ok:
        raise Refused(422, [_("Perbaiki baris yang bermasalah dulu; tidak ada yang diterapkan.")])
    now, new = utcnow(), read.new
    payments, events, ends = [], [], {}
    for row in new:
        c = row.clean
        payments.append({"registration_id": row.registration_id, "first_month": date(*c.first_month, 1),
                         "months": c.months, "amount": c.amount, "expected": row.expected, "paid_on": c.paid_on,
                         "channel": c.channel, "source": "imported", "programme_id": None, "recorded_by": user.id,
                         "recorded_at": now, "note": None})
        events.append({"registration_id": row.registration_id, "user_id": user.id, "kind": "payment", "at": now,
                       "changes": event_changes(c, "imported", row.expected, row.mismatch)})
        end = last_day_paid(c.first_month, c.months)
        ends[row.registration_id] = max(end, ends.get(row.registration_id, end))
    bulk.insert(Payment.__table__, payments)
    bulk.insert(RegistrationEvent.__table__, events)
    bulk.move_forward(Registration.__table__, "paid_through", ends)
    summary = read.summary()
    audit.record("import_payments", user_id=user.id, kecamatan_code=user.kecamatan_code, rows=summary["rows"],
                 added=summary["new"], already=summary["already"], total=summary["total"],
                 mismatched=len(summary["mismatched"]))
    db.session.flush()
    db.session.expire_all()  # registrations loaded earlier in this session see the new paid_through
    return summary
