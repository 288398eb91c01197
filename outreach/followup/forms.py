"""The contact form, the message buttons and the cohort import. They render and carry the CSRF token; the rules
live in outreach.services.contacts (shared with the API and the phone's outbox)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from outreach import labels


def choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(code, label) for code, label in mapping.items()]


class ContactForm(FlaskForm):
    client_id = HiddenField()
    channel = RadioField(_l("Cara menghubungi"), choices=choices(labels.CHANNELS), default="visit",
                         validate_choice=False)
    outcome = RadioField(_l("Hasil"), choices=choices(labels.OUTCOMES), validate_choice=False)
    will_pay_on = StringField(_l("Akan bayar tanggal"), render_kw={"type": "date"},
                              description=_l("Untuk \"Akan bayar\"."))
    next_on = StringField(_l("Hubungi lagi tanggal"), render_kw={"type": "date"},
                          description=_l("Kosongkan: diisi menurut hasilnya (mis. 3 hari lagi bila tidak menjawab). "
                                         "Sampai tanggal itu pekerja tidak muncul di daftar."))
    note = TextAreaField(_l("Catatan (tidak wajib)"), render_kw={"rows": 2, "maxlength": 1000},
                         description=_l("Tulis \"berhenti\" bila pekerja tidak mau menerima pesan lagi."))
    consent_recorded = BooleanField(_l("Persetujuan dicatat"))
    consent_method = RadioField(_l("Cara persetujuan diberikan"), choices=choices(labels.CONSENT_METHODS),
                                default="read_aloud", validate_choice=False)
    submit = SubmitField(_l("Simpan kontak"))

    def raw(self) -> dict:
        return {"channel": self.channel.data, "outcome": self.outcome.data, "will_pay_on": self.will_pay_on.data,
                "next_on": self.next_on.data, "note": self.note.data,
                "consent_method": self.consent_method.data if self.consent_recorded.data else None}


class MessageForm(FlaskForm):
    """One tap: the contact is logged, then WhatsApp or the SMS app opens with the text."""
    event = HiddenField()
    whatsapp = SubmitField(_l("Kirim lewat WhatsApp"))
    sms = SubmitField(_l("Kirim lewat SMS"))


class CohortForm(FlaskForm):
    programme = SelectField(_l("Program yang membayar"), validate_choice=False)
    file = FileField(_l("Daftar peserta (CSV atau XLSX)"))
    digest = HiddenField()
    preview = SubmitField(_l("Periksa dulu"))
    apply = SubmitField(_l("Terapkan semua"))
    cancel = SubmitField(_l("Batal, hapus berkas ini"))
