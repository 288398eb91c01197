"""Forms of the payment pages; what a payment may be is checked by services.payments (domain/payments.py)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField

from outreach import labels


class PaymentForm(FlaskForm):
    first_month = StringField(_l("Bulan pertama yang dibayar (TTTT-BB)"),
                              render_kw={"type": "month", "placeholder": "2026-11", "maxlength": 7})
    months = StringField(_l("Jumlah bulan"), render_kw={"inputmode": "numeric", "maxlength": 2})
    amount = StringField(_l("Jumlah dibayar (Rupiah)"), render_kw={"inputmode": "numeric", "maxlength": 20})
    paid_on = StringField(_l("Tanggal bayar"), render_kw={"type": "date", "maxlength": 10})
    channel = SelectField(_l("Tempat membayar"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Catatan (boleh kosong)"), render_kw={"rows": 2, "maxlength": 500})
    submit = SubmitField(_l("Catat pembayaran"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = list(labels.PAYMENT_CHANNELS.items())

    def values(self) -> dict:
        return {name: self[name].data for name in ("first_month", "months", "amount", "paid_on", "channel")}


class PaymentImportForm(FlaskForm):
    file = FileField(_l("Berkas pembayaran (CSV) dari BPJS Ketenagakerjaan"))
    digest = HiddenField()  # the previewed file's SHA-256: the text waits in the database (kpj_import.keep_upload)
    preview = SubmitField(_l("Periksa dulu"))
    apply = SubmitField(_l("Terapkan semua"))
    cancel = SubmitField(_l("Batal, hapus berkas ini"))


class ProgrammeMonthForm(FlaskForm):
    month = SelectField(_l("Bulan yang dibayar program"), choices=[], validate_choice=False)
    paid_on = StringField(_l("Tanggal bayar"), render_kw={"type": "date", "maxlength": 10})
    submit = SubmitField(_l("Catat bulan ini lunas"))
