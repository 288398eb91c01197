"""Forms of the coordinators' pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from outreach import labels


def strip(value):
    return value.strip() if isinstance(value, str) else value


class TransitionForm(FlaskForm):
    """One move's form; build it with transition_form() so the reason list fits the move."""

    to = HiddenField()
    version = HiddenField()
    reason = SelectField(_l("Alasan"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Catatan"), render_kw={"rows": 2, "maxlength": 1000})
    kpj = StringField(_l("Nomor KPJ (11 angka)"), render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})


def transition_form(target: str, **kwargs) -> TransitionForm:
    form = TransitionForm(prefix=target, **kwargs)
    form.reason.choices = [SelectChoice("", _l("— pilih alasan —"))] + [
        SelectChoice(code, label) for code, label in labels.reason_choices(target)]
    return form


class KpjCorrectionForm(FlaskForm):
    """An active registration's KPJ put right; the rules (and messages) are review.correct_kpj's."""

    version = HiddenField()
    kpj = StringField(_l("Nomor KPJ yang benar (11 angka)"),
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})
    reason = TextAreaField(_l("Alasan koreksi"), render_kw={"rows": 2, "maxlength": 500})
    submit = SubmitField(_l("Koreksi nomor KPJ"))


class RevealForm(FlaskForm):
    # Trimmed before the length check: five spaces are not a reason.
    purpose = StringField(_l("Alasan melihat NIK"), filters=[strip], validators=[
        DataRequired(_l("Tulis alasan singkat, mis. mencocokkan dengan KTP.")),
        Length(min=5, max=200, message=_l("Tulis 5 sampai 200 karakter."))])
    submit = SubmitField(_l("Tampilkan NIK"))


class KpjImportForm(FlaskForm):
    file = FileField(_l("Berkas CSV dari BPJS Ketenagakerjaan"))
    digest = HiddenField()  # the previewed file's SHA-256: the file itself waits on the server (review.service)
    preview = SubmitField(_l("Periksa dulu"))
    apply = SubmitField(_l("Terapkan semua"))
    cancel = SubmitField(_l("Batal, hapus berkas ini"))  # the previewed file (with NIKs) leaves the server at once

