"""The visit and registration forms. They render and carry the CSRF token; the rules live in
outreach.services.checks, shared with the JSON API, so no field validators here."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from outreach.domain.contribution import MAX_INCOME, MIN_INCOME, bracket_base, brackets
from outreach.domain.money import format_rupiah, parse_rupiah
from outreach import labels


def income_choices(locale: str) -> list[SelectChoice]:
    """The 33 income brackets of PP 44/2015 Lampiran II (data/bpu_rules.md: offer these rather than a free
    amount), each shown as its range in Rupiah and carrying its base, the income that is stored. The first has
    no floor (an income under Rp1.000.000 pays on the minimum base), the last no ceiling: both say so."""
    rows = brackets()
    choices = [SelectChoice("", _l("— pilih —"))]
    for i, (low, base, _label) in enumerate(rows):
        if i == 0:
            text = _("kurang dari %(next)s (dasar %(base)s)", next=format_rupiah(rows[1][0], locale),
                     base=format_rupiah(base, locale))
        elif i + 1 < len(rows):  # as the regulation writes them: up to a thousand below the next bracket
            text = f"{format_rupiah(low, locale)} – {format_rupiah(rows[i + 1][0] - 1_000, locale)}"
        else:
            text = _("%(low)s ke atas", low=format_rupiah(low, locale))
        choices.append(SelectChoice(str(base), text))
    return choices


def bracket_value(raw) -> str | None:
    """The option of the bracket an amount falls in (what the select shows as chosen), if it is one."""
    income = parse_rupiah(raw)
    if income is None or not MIN_INCOME <= income <= MAX_INCOME:
        return None
    return str(bracket_base(income))


def select(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(str(code), label) for code, label in mapping.items()]


class VisitForm(FlaskForm):
    village_code = SelectField(_l("Desa / kelurahan"), validate_choice=False,
                               validators=[DataRequired(_l("Pilih desa yang dikunjungi."))])
    note = TextAreaField(_l("Catatan (tidak wajib)"), validators=[Optional(), Length(max=500, message=_l("Paling banyak %(n)s karakter.", n=500))],
                         render_kw={"rows": 2})
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    submit = SubmitField(_l("Mulai kunjungan"))

    def validate_village_code(self, field):
        if field.data not in {c.value for c in self.village_code.choices}:
            raise ValidationError(_l("Pilih desa di kecamatan tugas Anda."))


class CloseVisitForm(FlaskForm):
    submit = SubmitField(_l("Tutup kunjungan"))


class RegistrationForm(FlaskForm):
    client_id = HiddenField()
    version = HiddenField()  # on edits: the version the officer started from
    nik = StringField(_l("NIK"), description=_l("16 angka pada KTP; spasi dan titik boleh."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24, "spellcheck": "false"})
    full_name = StringField(_l("Nama lengkap (sesuai KTP)"), render_kw={"autocomplete": "off", "autocapitalize": "words", "maxlength": 120})
    birth_place = StringField(_l("Tempat lahir"), render_kw={"autocomplete": "off", "maxlength": 80})
    birth_date = StringField(_l("Tanggal lahir"), description=_l("Jika tidak ada kalender, ketik HH-BB-TTTT, mis. 15-08-1990."),
                             render_kw={"type": "date", "autocomplete": "off", "placeholder": "15-08-1990"})
    sex = RadioField(_l("Jenis kelamin"), choices=select(labels.SEXES), validate_choice=False)
    phone = StringField(_l("Nomor HP / WhatsApp"), render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off", "maxlength": 20})
    address = TextAreaField(_l("Alamat (jalan atau dusun, RT/RW)"), render_kw={"rows": 2, "maxlength": 250})
    village_code = SelectField(_l("Desa / kelurahan tempat tinggal"), validate_choice=False)
    occupation = SelectField(_l("Pekerjaan"), choices=select(labels.OCCUPATIONS), validate_choice=False)
    occupation_other = StringField(_l("Pekerjaan lainnya"), description=_l("Diisi bila memilih \"Lainnya\"."), render_kw={"maxlength": 80})
    second_occupation = SelectField(_l("Pekerjaan kedua (tidak wajib)"), validate_choice=False,
                                    choices=[SelectChoice("", _l("— tidak ada —"))] + select(labels.OCCUPATIONS))
    employs_others = RadioField(_l("Mempekerjakan orang lain?"), choices=[SelectChoice("no", _l("Tidak")), SelectChoice("yes", _l("Ya"))],
                                validate_choice=False, default="no",
                                description=_l("Bila ya, JHT wajib diikutkan dan koordinator memeriksanya."))
    work_location = StringField(_l("Lokasi kerja (tidak wajib)"), description=_l("Mis. nama pelabuhan, kebun atau pasar."), render_kw={"maxlength": 120})
    # choices (the 33 brackets) are set per request, in the active language's number format
    monthly_income = SelectField(_l("Penghasilan sebulan (Rupiah)"), validate_choice=False,
                                 description=_l("Pilih rentang penghasilan pekerja; iuran dihitung dari dasar upah rentang itu."))
    programs = SelectMultipleField(_l("Program"), choices=select(labels.PROGRAMS), validate_choice=False)
    payment_period = RadioField(_l("Masa iuran dibayar di muka"), choices=select(labels.PERIODS), validate_choice=False, default="1")
    funding = RadioField(_l("Iuran dibayar oleh"), choices=select(labels.FUNDING), validate_choice=False, default="self")
    # choices (the open programmes of the officer's kecamatan) are set per request
    programme_id = SelectField(_l("Program pembiayaan"), validate_choice=False,
                               description=_l("Bila iuran tidak dibayar sendiri: program yang membayarnya (dicatat admin)."))
    sponsor_name = StringField(_l("Nama sponsor"), description=_l("Diisi bila iuran dibayar sponsor lain tanpa program pembiayaan."), render_kw={"maxlength": 120})
    heir_name = StringField(_l("Nama ahli waris"), render_kw={"autocomplete": "off", "maxlength": 120})
    heir_relation = SelectField(_l("Hubungan dengan pekerja"), choices=[SelectChoice("", _l("— pilih —"))] + select(labels.HEIR_RELATIONS), validate_choice=False)
    heir_phone = StringField(_l("Nomor HP ahli waris (tidak wajib)"), render_kw={"type": "tel", "inputmode": "tel", "autocomplete": "off", "maxlength": 20})
    guardian_name = StringField(_l("Nama orang tua / wali"), description=_l("Wajib bila pekerja berusia di bawah 18 tahun."), render_kw={"maxlength": 120})
    guardian_relation = SelectField(_l("Hubungan orang tua / wali dengan pekerja"), choices=[SelectChoice("", _l("— pilih —"))] + select(labels.GUARDIAN_RELATIONS), validate_choice=False,
                                    description=_l("Wajib bila pekerja berusia di bawah 18 tahun."))
    # No default: the view ticks "read aloud" on a new form, so a post without it is refused, never assumed.
    consent_method = RadioField(_l("Cara pekerja menerima pernyataan ini"), choices=select(labels.CONSENT_METHODS), validate_choice=False)
    consent = BooleanField(_l("Pekerja sudah membaca atau dibacakan pernyataan di atas dan menyetujuinya"))
    # On a correction of a returned registration: the officer's word that nothing needed changing.
    no_change_needed = BooleanField(_l("Sudah dicek bersama pekerja: tidak ada yang perlu diubah"))
    notes = TextAreaField(_l("Catatan untuk koordinator (tidak wajib)"), render_kw={"rows": 2, "maxlength": 1000})
    preview = SubmitField(_l("Hitung iuran"))
    submit = SubmitField(_l("Simpan pendaftaran"))

    def raw(self) -> dict:
        """The submitted values under the API's field names, for outreach.services.checks.check()."""
        data = {name: self[name].data for name in (
            "nik", "full_name", "birth_place", "birth_date", "sex", "phone", "address", "village_code", "occupation",
            "occupation_other", "work_location", "monthly_income", "payment_period", "funding", "sponsor_name",
            "heir_name", "heir_relation", "heir_phone", "guardian_name", "consent", "notes", "employs_others")}
        data["second_occupation"] = self.second_occupation.data or None
        data["programme_id"] = self.programme_id.data or ""  # "" is "nothing chosen": required for a payer
        # Sent as "" when nothing is chosen: required, unlike a key an older phone page never sent (the API).
        data["guardian_relation"] = self.guardian_relation.data or ""
        data["consent_method"] = self.consent_method.data or ""
        # JKK and JKM are always in: the form shows them ticked and fixed, only JHT is a choice.
        data["programs"] = ["JKK", "JKM"] + (["JHT"] if "JHT" in (self.programs.data or []) else [])
        return data

    def show_errors(self, errors: dict) -> None:
        for name, messages in errors.items():
            self[name].errors = list(messages)
