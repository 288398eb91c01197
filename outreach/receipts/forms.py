"""The receipt's one form: re-issuing it, which voids the QR the worker holds, so it asks why first."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from outreach import labels


def strip(value):
    return value.strip() if isinstance(value, str) else value


class ReissueForm(FlaskForm):
    reason = RadioField(_l("Mengapa tanda terima dibuat baru?"), choices=[SelectChoice(code, words) for code, words in labels.REISSUE_REASONS.items()],
                        validators=[InputRequired(_l("Pilih alasan membuat tanda terima baru."))])
    note = TextAreaField(_l("Keterangan"), filters=[strip], render_kw={"rows": 2, "maxlength": 200},
                         description=_l("Wajib bila alasannya Lainnya. Jangan menulis NIK atau nomor HP."),
                         validators=[Length(max=200, message=_l("Paling banyak 200 karakter."))])
    submit = SubmitField(_l("Ya, buat tanda terima baru"))

    def validate_note(self, field):
        if self.reason.data == "other" and not field.data:
            raise ValidationError(_l("Tulis alasannya."))
