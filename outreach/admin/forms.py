"""Forms of the administrator's user pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from outreach.domain.accounts import ROLES_WITH_KECAMATAN, normalise_username, valid_username
from outreach.domain.phone import normalise_mobile
from outreach.fields import new_password_fields

ROLE_CHOICES = [
    SelectChoice("officer", _l("Petugas lapangan")),
    SelectChoice("coordinator", _l("Koordinator")),
    SelectChoice("admin", _l("Administrator")),
]


class UserForm(FlaskForm):
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(_l("Isi nama lengkap.")), Length(max=120, message=_l("Paling banyak 120 karakter."))])
    phone = StringField(_l("Nomor HP"), validators=[Optional(), Length(max=20, message=_l("Paling banyak 20 karakter."))],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    role = SelectField(_l("Peran"), choices=ROLE_CHOICES, validate_choice=False)  # WTForms' own message is English
    kecamatan_code = SelectField(_l("Kecamatan tugas"), choices=[], validate_choice=False)
    active = BooleanField(_l("Akun aktif"), default=True)
    submit = SubmitField(_l("Simpan"))

    def validate_role(self, field):
        if field.data not in {choice.value for choice in ROLE_CHOICES}:
            raise ValidationError(_l("Pilih peran dari daftar."))

    def validate_phone(self, field):
        if field.data and field.data.strip() and normalise_mobile(field.data) is None:
            raise ValidationError(_l("Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."))

    def validate_kecamatan_code(self, field):
        valid = {choice.value for choice in self.kecamatan_code.choices if choice.value}
        if field.data and field.data not in valid:
            raise ValidationError(_l("Pilih kecamatan dari daftar."))
        if self.role.data in ROLES_WITH_KECAMATAN and not field.data:
            raise ValidationError(_l("Petugas dan koordinator harus punya kecamatan tugas."))


class NewUserForm(UserForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Isi nama pengguna."))],
                           description=_l("3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung."),
                           render_kw={"autocapitalize": "none", "spellcheck": "false"})
    new_password, confirm = new_password_fields()

    def validate_username(self, field):
        field.data = normalise_username(field.data)
        if not valid_username(field.data):
            raise ValidationError(_l("Gunakan 3–40 huruf kecil, angka, titik, garis bawah atau tanda hubung."))


class ResetPasswordForm(FlaskForm):
    new_password, confirm = new_password_fields()
    submit = SubmitField(_l("Atur ulang kata sandi"))
