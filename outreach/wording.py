"""How stored values read for people: a registration field's value (the history, the XLSX export) and an
audit event's details. Codes become their words (outreach/labels.py), dates and Rupiah are written for the
active language, region codes become names, user ids become names. Templates get `field_label`, `worded` and
`audit_details` as filters (init_app)."""
from datetime import date

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from outreach import i18n, labels
from outreach.domain import followup
from outreach.domain.clock import local_today
from outreach.domain.money import format_rupiah
from outreach.domain.protection import Protection, month_index, month_of
from outreach.extensions import db
from outreach.models import Programme, Region, User

EMPTY = "—"
CODED = {"sex": labels.SEXES, "occupation": labels.OCCUPATIONS, "second_occupation": labels.OCCUPATIONS,
         "funding": labels.FUNDING,
         "heir_relation": labels.HEIR_RELATIONS, "status": labels.STATUSES, "payment_period": labels.PERIODS,
         "flag": labels.FLAGS, "protection": labels.PROTECTION}
PLACES = ("village_code", "kecamatan_code", "desa", "kecamatan")
FORM_ORDER = {name: i for i, name in enumerate(labels.FIELDS)}  # the fields in the order the form asks them


def field_label(name: str) -> str:
    return str(labels.FIELDS.get(name, name))


def place_name(code: str) -> str:
    region = db.session.get(Region, code) if isinstance(code, str) else None
    return region.name if region else str(code)


def person_name(user_id) -> str:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user.full_name if user else str(user_id)


def worded(name: str, value) -> str:
    """A field's stored value as a person reads it; a code without words (an old one) is shown as it is."""
    if value is None or value == "" or value == []:
        return EMPTY
    if name in CODED:
        return str(CODED[name].get(value, value))
    if name == "monthly_income" and isinstance(value, int) and not isinstance(value, bool):
        return format_rupiah(value, str(get_locale()))
    if name in ("birth_date", "date_from", "date_to"):
        try:
            return long_date(date.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if name in PLACES:
        return place_name(value)
    if name == "officer":
        return person_name(value)
    if name == "programme_id":
        programme = db.session.get(Programme, value) if isinstance(value, int) else None
        return programme.name if programme else str(value)
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# The pages whose look is audited (the "view" action's endpoint), in words.
PAGES = {
    "review.detail": lambda: _("halaman tinjauan"),
    "enroll.registration": lambda: _("halaman pendaftaran"),
    "enroll.edit": lambda: _("formulir ubah data"),
    "receipts.show": lambda: _("tanda terima"),
    "receipts.png": lambda: _("gambar kode QR"),
    "receipts.reissue": lambda: _("tanda terima baru"),
    "api.get_registration": lambda: _("API"),
    "followup.worker": lambda: _("halaman tindak lanjut"),
}
# The queue's filter (services.queue.Filters) as an export's audit event keeps it.
FILTERS = {
    "status": lambda: _("Status"), "kecamatan": lambda: _("Kecamatan"), "desa": lambda: _("Desa"),
    "occupation": lambda: _("Pekerjaan"), "officer": lambda: _("Petugas"), "funding": lambda: _("Dibayar oleh"),
    "date_from": lambda: _("Dari tanggal"), "date_to": lambda: _("Sampai tanggal"), "flag": lambda: _("Tanda"),
    "q": lambda: _("Pencarian"), "programme": lambda: _("Program pembiayaan"),
    "protection": lambda: _("Perlindungan"),
}


long_date = i18n.long_date  # "d MMMM y"


def protection_text(p: Protection) -> str:
    """A protection (outreach/domain/protection.py) as a person reads it, with its date: never a bare "aktif"."""
    if p.state == "protected":
        return _("Terlindungi sampai %(date)s", date=long_date(p.until))
    if p.state == "awaiting_first_payment":
        return _("Terlindungi mulai %(date)s", date=long_date(p.starts)) if p.starts else _("Belum ada pembayaran")
    if p.state == "in_arrears":
        return ngettext("Menunggak %(num)s bulan", "Menunggak %(num)s bulan", p.unpaid_months)
    if p.state == "inactive":
        return _("Tidak aktif sejak %(date)s", date=long_date(p.since))
    return str(labels.PROTECTION[p.state])


def payment_months(payment) -> str:
    """The months a ledger line covers: "November 2026", "November 2026 – Januari 2027"."""
    first = (payment.first_month.year, payment.first_month.month)
    last = month_of(month_index(first) + max(payment.months, 1) - 1)
    return labels.months_text(first, last)


def standing(r, today: date | None = None) -> Protection | None:
    """A list row's protection from `paid_through` alone (no ledger query); None without a KPJ."""
    if r.status != "active" or not r.kpj:
        return None
    return followup.standing(r.paid_through, today or local_today())



def change(name: str, pair) -> str:
    """A [before, after] pair in words."""
    if isinstance(pair, list | tuple) and len(pair) == 2:
        return f"{worded(name, pair[0])} → {worded(name, pair[1])}"
    return worded(name, pair)


def audit_details(event) -> list[tuple[str, str]]:
    """(label, text) pairs for one audit event's details, in words; a key without words of its own is shown
    under its field label."""
    details, action = dict(event.details or {}), event.action
    out = []
    if action == "view" and "page" in details:
        page = details.pop("page")
        out.append((_("Halaman"), PAGES[page]() if page in PAGES else str(page)))
    if action == "reveal_nik" and "purpose" in details:
        out.append((_("Alasan"), str(details.pop("purpose"))))
    if action == "edit" and "fields" in details:
        fields = sorted(details.pop("fields") or [], key=lambda f: FORM_ORDER.get(f, len(FORM_ORDER)))
        out.append((_("Data yang diubah"), ", ".join(field_label(f) for f in fields)))
    if action == "transition" and "to" in details:
        before, after = details.pop("from", None), details.pop("to")
        out.append((_("Status"), f"{worded('status', before)} → {worded('status', after)}"))
        reason = details.pop("reason", None)
        if reason:
            out.append((_("Alasan"), str(labels.reason_label(after, reason) or reason)))
    if action == "export":
        if "format" in details:
            out.append((_("Format"), str(details.pop("format")).upper()))
        chosen = details.pop("filter", None) or {}
        out.append((_("Saringan"), "; ".join(f"{FILTERS[k]() if k in FILTERS else k}: {worded(k, v)}"
                                             for k, v in chosen.items()) or _("semua pendaftaran")))
    if "rows" in details:
        rows = details.pop("rows")
        out.append((_("Jumlah baris"), str(rows) if rows is not None else _("belum selesai")))
    if action == "correct_kpj" and "kpj" in details:
        out.append((field_label("kpj"), change("kpj", details.pop("kpj"))))
    for key, value in details.items():
        out.append((field_label(key), change(key, value) if isinstance(value, list) else worded(key, value)))
    return out


def init_app(app) -> None:
    app.add_template_filter(field_label, "field_label")
    app.add_template_filter(audit_details, "audit_details")
    app.add_template_global(worded, "worded")
    app.add_template_global(change, "change")
    app.add_template_global(standing, "standing")
    app.add_template_filter(protection_text, "protection_text")
    app.add_template_filter(payment_months, "payment_months")
