"""The dashboard's form: a region's count of informal workers, the denominator of its coverage."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import ValidationError


class TargetForm(FlaskForm):
    region_code = SelectField(_l("Wilayah"), validate_choice=False)
    informal_workers = StringField(_l("Jumlah pekerja informal"), render_kw={"inputmode": "numeric"})
    submit = SubmitField(_l("Simpan target"))

    def validate_informal_workers(self, field):
        digits = (field.data or "").replace(".", "").replace(",", "").strip()
        if not (digits.isascii() and digits.isdigit() and 1 <= int(digits) <= 1_000_000):
            raise ValidationError(_l("Isi angka 1 sampai 1.000.000."))
        field.data = int(digits)
