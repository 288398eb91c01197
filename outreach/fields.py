"""Form fields that more than one blueprint asks for: a new password, typed twice (the officer's own change,
an administrator's reset)."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from outreach.domain.accounts import MIN_PASSWORD


def new_password_fields():
    return (
        PasswordField(_l("Kata sandi baru"), validators=[
            DataRequired(_l("Isi kata sandi baru.")),
            Length(min=MIN_PASSWORD, message=_l("Kata sandi minimal %(n)s karakter.", n=MIN_PASSWORD)),
            Length(max=200, message=_l("Kata sandi terlalu panjang.")),
        ], render_kw={"autocomplete": "new-password"}),
        PasswordField(_l("Ulangi kata sandi baru"), validators=[
            DataRequired(_l("Ulangi kata sandi baru.")),
            EqualTo("new_password", message=_l("Kedua kata sandi tidak sama.")),
        ], render_kw={"autocomplete": "new-password"}),
    )
