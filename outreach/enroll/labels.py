"""The words for the registration's codes, in the active language."""
from flask_babel import lazy_gettext as _l

OCCUPATIONS = {
    "nelayan": _l("Nelayan"),
    "petani": _l("Petani"),
    "pekebun": _l("Pekebun (lada, karet, sawit)"),
    "peternak": _l("Peternak"),
    "pembudidaya_ikan": _l("Pembudidaya ikan"),
    "buruh_tani": _l("Buruh tani"),
    "buruh_nelayan": _l("Buruh nelayan / ABK"),
    "pedagang": _l("Pedagang"),
    "penambang_timah": _l("Penambang timah rakyat"),
    "pengrajin": _l("Pengrajin"),
    "pengemudi_ojek": _l("Pengemudi ojek"),
    "kurir": _l("Kurir"),
    "lainnya": _l("Lainnya"),
}
SEXES = {"M": _l("Laki-laki"), "F": _l("Perempuan")}
PROGRAMS = {
    "JKK": _l("JKK — Jaminan Kecelakaan Kerja"),
    "JKM": _l("JKM — Jaminan Kematian"),
    "JHT": _l("JHT — Jaminan Hari Tua (tabungan)"),
}
PERIODS = {1: _l("1 bulan"), 3: _l("3 bulan"), 6: _l("6 bulan"), 12: _l("12 bulan")}
FUNDING = {
    "self": _l("Dibayar sendiri (mandiri)"),
    "apbd": _l("Dibayar APBD Kabupaten (pekerja rentan)"),
    "sponsor": _l("Dibayar sponsor lain (CSR, dana desa)"),
}
HEIR_RELATIONS = {
    "pasangan": _l("Suami / istri"),
    "anak": _l("Anak"),
    "orang_tua": _l("Orang tua"),
    "saudara": _l("Saudara kandung"),
    "lainnya": _l("Lainnya"),
}
STATUSES = {
    "pending": _l("Menunggu verifikasi"),
    "verified": _l("Diverifikasi"),
    "submitted": _l("Diajukan ke BPJS Ketenagakerjaan"),
    "active": _l("Aktif"),
    "returned": _l("Perlu perbaikan"),
    "rejected": _l("Ditolak"),
}
FLAGS = {
    "outside_district": _l("NIK dari luar Bangka Selatan (pekerja pendatang)"),
    "old_regency_code": _l("NIK memakai kode kabupaten lama"),
    "unknown_kecamatan": _l("Kode kecamatan pada NIK tidak ada di daftar Kemendagri"),
    "minor": _l("Pekerja berusia 15–17 tahun: persetujuan orang tua/wali dicatat"),
    "probable_duplicate": _l("Mungkin ganda: nama dan tanggal lahir sama di desa yang sama"),
}
NIK_ERRORS = {
    "required": _l("Isi NIK (16 angka pada KTP)."),
    "length": _l("NIK harus 16 angka."),
    "province": _l("Dua angka pertama NIK bukan kode provinsi yang dikenal."),
    "regency": _l("Empat angka pertama NIK bukan kode kabupaten/kota yang dikenal."),
    "kecamatan_zero": _l("Angka ke-5 dan ke-6 NIK (kode kecamatan) tidak boleh 00."),
    "date": _l("Angka ke-7 sampai ke-12 NIK bukan tanggal lahir yang benar."),
    "serial": _l("Empat angka terakhir NIK tidak boleh 0000."),
}


# Why a registration was rejected, in the worker's words, and what they can do next.
REASONS = {
    "duplicate": (_l("Anda sudah punya pendaftaran lain."),
                  _l("Pakai tanda terima pendaftaran Anda yang lain, atau hubungi petugas.")),
    "ineligible_age": (_l("Usia Anda tidak memenuhi syarat peserta BPU."),
                       _l("Hubungi petugas untuk penjelasan.")),
    "invalid_nik": (_l("NIK pada pendaftaran tidak dapat dipastikan."),
                    _l("Bawa KTP asli ke petugas atau kantor desa untuk mendaftar ulang.")),
    "withdrew": (_l("Pendaftaran dibatalkan atas permintaan Anda."),
                 _l("Anda dapat mendaftar lagi kapan saja.")),
    "already_participant": (_l("Anda sudah menjadi peserta BPJS Ketenagakerjaan."),
                            _l("Cek kartu peserta Anda atau aplikasi JMO, atau hubungi kantor BPJS Ketenagakerjaan.")),
    "other": (_l("Pendaftaran tidak dapat diproses."), _l("Hubungi petugas untuk penjelasan.")),
}
AUDIT_ACTIONS = {
    "view": _l("melihat"),
    "reveal_nik": _l("membuka NIK"),
    "edit": _l("mengubah data"),
    "transition": _l("mengubah status"),
    "export": _l("mengekspor"),
    "import_kpj": _l("mengimpor KPJ"),
    "reissue_receipt": _l("membuat tanda terima baru"),
}
