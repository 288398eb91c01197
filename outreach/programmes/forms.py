"""The funding programme form: what an admin records from the SK Bupati or the sponsor's PKS."""
import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from outreach import labels
from outreach.domain.contribution import FUNDING, SELF
from outreach.domain.money import parse_rupiah

MAX_MONTHS = 60  # five years: longer than any budget year a programme is decided for
MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})[-/.](\d{4})", re.ASCII)


def parse_month(text: str | None) -> date | None:
    """"2025-08" (what a month input sends), "08-2025" or "8/2025" as the month's first day; None otherwise."""
    match = MONTH.fullmatch((text or "").strip())
    if not match:
        return None
    year, month = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
    return date(year, month, 1) if 1 <= month <= 12 and 2000 <= year <= 2199 else None


def places(text: str | None) -> int | None:
    """A number of members: whole, 0 or more; None when empty or not one."""
    text = (text or "").strip().replace(".", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 7 else None


class ProgrammeForm(FlaskForm):
    name = StringField(_l("Nama program"), description=_l("Mis. \"Pekerja rentan APBD 2026\"."),
                       validators=[DataRequired(_l("Isi nama program.")), Length(max=120, message=_l("Paling banyak %(n)s karakter.", n=120))])
    payer = SelectField(_l("Pembayar iuran"), validate_choice=False,
                        choices=[SelectChoice("", _l("— pilih —"))] + [SelectChoice(c, labels.FUNDING[c]) for c in FUNDING if c != SELF])
    funder_name = StringField(_l("Nama penyandang dana (tidak wajib)"), description=_l("Mis. Pemerintah Kabupaten Bangka Selatan, PT Timah Tbk, Desa Rias."),
                              validators=[Optional(), Length(max=120, message=_l("Paling banyak %(n)s karakter.", n=120))])
    basis = StringField(_l("Dasar hukum (tidak wajib)"), description=_l("Nomor SK Bupati, perjanjian kerja sama (PKS), atau keputusan kepala desa."),
                        validators=[Optional(), Length(max=200, message=_l("Paling banyak %(n)s karakter.", n=200))])
    first_month = StringField(_l("Bulan pertama yang dibayar"), description=_l("Tahun dan bulan, mis. 2025-08."),
                              render_kw={"type": "month", "placeholder": "2025-08"})
    months = StringField(_l("Jumlah bulan"), render_kw={"inputmode": "numeric", "maxlength": 2})
    with_jht = RadioField(_l("Program yang dibayar"), validate_choice=False, default="0",
                          choices=[SelectChoice("0", labels.PROGRAMME_UNITS[False]), SelectChoice("1", labels.PROGRAMME_UNITS[True])])
    budget = StringField(_l("Anggaran (Rupiah)"), description=_l("Mis. 178.214.400."), render_kw={"inputmode": "numeric", "maxlength": 20})
    quota = StringField(_l("Kuota peserta seluruhnya (tidak wajib)"), description=_l("Kosongkan bila tidak dibatasi."),
                        render_kw={"inputmode": "numeric", "maxlength": 8})
    submit = SubmitField(_l("Simpan program"))

    def validate_payer(self, field):
        if field.data not in FUNDING or field.data == SELF:
            raise ValidationError(_l("Pilih pembayar iuran dari daftar."))

    def validate_first_month(self, field):
        if parse_month(field.data) is None:
            raise ValidationError(_l("Tulis bulan sebagai tahun-bulan, mis. 2025-08."))

    def validate_months(self, field):
        n = places(field.data)
        if n is None or not 1 <= n <= MAX_MONTHS:
            raise ValidationError(_l("Jumlah bulan: 1 sampai %(n)s.", n=MAX_MONTHS))

    def validate_budget(self, field):
        amount = parse_rupiah(field.data)
        if amount is None or amount < 0 or amount >= 10**15:
            raise ValidationError(_l("Tulis anggaran dalam Rupiah utuh, mis. 178.214.400."))

    def validate_quota(self, field):
        if (field.data or "").strip() and places(field.data) is None:
            raise ValidationError(_l("Tulis kuota sebagai bilangan bulat, atau kosongkan."))

    def values(self) -> dict:
        """The checked values, as the Programme's columns."""
        return {"name": " ".join(self.name.data.split()), "payer": self.payer.data,
                "funder_name": " ".join((self.funder_name.data or "").split()) or None,
                "basis": " ".join((self.basis.data or "").split()) or None,
                "first_month": parse_month(self.first_month.data), "months": places(self.months.data),
                "with_jht": self.with_jht.data == "1", "budget": parse_rupiah(self.budget.data),
                "quota": places(self.quota.data)}


def quota_field(code: str) -> str:
    return "quota_" + code.replace(".", "_")


def programme_form(kecamatan, **kwargs) -> ProgrammeForm:
    """The form with one quota field per kecamatan of the district (empty: not limited there)."""
    class Form(ProgrammeForm):
        pass
    for region in kecamatan:
        setattr(Form, quota_field(region.code), StringField(region.name, render_kw={"inputmode": "numeric", "maxlength": 8}))
    form = Form(**kwargs)
    form.kecamatan = kecamatan
    return form


def kecamatan_quotas(form: ProgrammeForm) -> tuple[dict[str, int], bool]:
    """The quotas typed per kecamatan (code -> places), and whether they all read as numbers (errors set)."""
    quotas, ok = {}, True
    for region in form.kecamatan:
        f = form[quota_field(region.code)]
        if not (f.data or "").strip():
            continue
        n = places(f.data)
        if n is None:
            f.errors = [_l("Tulis kuota sebagai bilangan bulat, atau kosongkan.")]
            ok = False
        else:
            quotas[region.code] = n
    return quotas, ok
