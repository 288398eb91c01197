"""Login and password forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from outreach.fields import new_password_fields


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(_l("Isi nama pengguna.")), Length(max=40, message=_l("Nama pengguna terlalu panjang."))],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(_l("Isi kata sandi.")), Length(max=200, message=_l("Kata sandi terlalu panjang."))],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Ingat saya di ponsel ini"))
    submit = SubmitField(_l("Masuk"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Kata sandi sekarang"), validators=[DataRequired(_l("Isi kata sandi sekarang."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password, confirm = new_password_fields()
    submit = SubmitField(_l("Ganti kata sandi"))
