"""Forms of the data-subject requests' register."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from outreach import district, labels
from outreach.domain import privacy as rules


def strip(value):
    return value.strip() if isinstance(value, str) else value


def choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in mapping.items()]


class RequestForm(FlaskForm):
    number = StringField(_l("Nomor pendaftaran"), filters=[strip], validators=[DataRequired(_l("Isi nomor pendaftaran."))],
                         render_kw={"autocapitalize": "characters", "autocomplete": "off", "maxlength": 20})
    kind = RadioField(_l("Yang diminta"), choices=choices(labels.REQUEST_KINDS), validate_choice=False)
    identified_by = RadioField(_l("Cara memastikan yang meminta adalah pekerja itu"),
                               choices=choices(labels.IDENTIFICATIONS), validate_choice=False)
    birth_date = StringField(_l("Tanggal lahir pekerja"), description=_l("Bila dicocokkan dengan nomor pendaftaran."),
                             render_kw={"type": "date", "autocomplete": "off"})
    received_at = StringField(_l("Diterima pada (tidak wajib)"), validators=[Optional()],
                              description=_l("Kosongkan bila diterima sekarang. Batas waktu dihitung dari saat ini."),
                              render_kw={"type": "datetime-local"})
    detail = TextAreaField(_l("Apa yang diminta (tidak wajib)"), filters=[strip], validators=[
        Length(max=500, message=_l("Paling banyak %(n)s karakter.", n=500))], render_kw={"rows": 2, "maxlength": 500})
    submit = SubmitField(_l("Catat permintaan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # the example carries this deployment's prefix
        self.number.description = _("Tertulis di tanda terima, mis. %(example)s.", example=district.example_number())

    def validate_kind(self, field):
        if field.data not in rules.REQUEST_KINDS:
            raise ValidationError(_l("Pilih jenis permintaan."))

    def validate_identified_by(self, field):
        if field.data not in rules.IDENTIFICATIONS:
            raise ValidationError(_l("Pilih cara memastikan identitas pekerja."))


class CloseForm(FlaskForm):
    state = RadioField(_l("Hasil"), choices=[SelectChoice("done", _l("Selesai: sudah dijawab atau dikerjakan")),
                                             SelectChoice("refused", _l("Ditolak, dengan alasan"))],
                       validate_choice=False, default="done")
    outcome = TextAreaField(_l("Bagaimana dijawab, atau alasan penolakan"), filters=[strip], validators=[
        DataRequired(_l("Tulis bagaimana permintaan ini dijawab.")),
        Length(min=5, max=500, message=_l("Tulis 5 sampai 500 karakter."))], render_kw={"rows": 2, "maxlength": 500})
    close = SubmitField(_l("Tutup permintaan"))

    def validate_state(self, field):
        if field.data not in ("done", "refused"):
            raise ValidationError(_l("Pilih hasilnya."))


class EraseForm(FlaskForm):
    confirm = StringField(_l("Ketik nomor pendaftaran untuk memastikan"), filters=[strip],
                          validators=[DataRequired(_l("Ketik nomor pendaftarannya."))],
                          render_kw={"autocapitalize": "characters", "autocomplete": "off", "maxlength": 20})
    erase = SubmitField(_l("Hapus data pribadi pekerja ini"))
