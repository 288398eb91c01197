"""The consent text shown to the worker, and its version, stored with every registration (UU PDP)."""
from flask_babel import lazy_gettext as _l

CONSENT_VERSION = "2026-11-v1"
CONSENT_TEXT = _l(
    "Pekerja menyetujui data pribadinya (NIK, nama, tanggal lahir, alamat, nomor HP, ahli waris) dipakai "
    "oleh Pemerintah Kabupaten Bangka Selatan untuk mendaftarkannya sebagai peserta BPJS Ketenagakerjaan "
    "dan menindaklanjuti pendaftaran itu, dan diteruskan ke BPJS Ketenagakerjaan untuk tujuan yang sama."
)
GUARDIAN_TEXT = _l("Untuk pekerja di bawah 18 tahun: orang tua atau wali yang namanya dicatat ikut menyetujui.")
