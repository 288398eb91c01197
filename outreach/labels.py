"""The words for the codes people read (statuses, flags, reasons, payers, occupations...), in the active
language, and the consent text. The codes themselves are domain data (outreach/domain/); a test checks that
every code has its words here. Registered once by the factory as the templates' `labels`."""

from flask_babel import LazyString, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from outreach import district, i18n
from outreach.domain.contribution import parse_month, schedule
from outreach.domain.money import format_rupiah

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
    "pengemudi_ojek": _l("Pengemudi ojek (online, pangkalan)"),
    "sopir": _l("Sopir (angkot, bus, truk, pikap, mobil)"),
    "kurir": _l("Kurir paket / logistik"),
    "pengemudi_perahu": _l("Motoris perahu antarpulau (penumpang, barang)"),
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
    "apbd_kabupaten": _l("Dibayar APBD Kabupaten (pekerja rentan)"),
    "apbd_provinsi": _l("Dibayar APBD Provinsi"),
    "apbn": _l("Dibayar APBN (pemerintah pusat)"),
    "apbdes": _l("Dibayar APBDes (dana desa)"),
    "sponsor": _l("Dibayar sponsor lain (CSR perusahaan, lainnya)"),
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
    "active": _l("Terdaftar (KPJ terbit)"),
    "returned": _l("Perlu perbaikan"),
    "rejected": _l("Ditolak"),
    "erased": _l("Data dihapus"),
}
ERASED_NAME = _l("(data pribadi sudah dihapus)")
FLAGS = {
    # Lazy like the others, with the deployment's name filled in when shown.
    "outside_district": LazyString(lambda: _("NIK dari luar %(district)s (pekerja pendatang)",
                                             district=district.current().name)),
    "old_regency_code": _l("NIK memakai kode kabupaten lama"),
    "unknown_kecamatan": _l("Kode kecamatan pada NIK tidak ada di daftar Kemendagri"),
    "minor": _l("Pekerja berusia 15–17 tahun: persetujuan orang tua/wali dicatat"),
    "probable_duplicate": _l("Mungkin ganda: nama dan tanggal lahir sama di desa yang sama"),
    "consent_method_unrecorded": _l("Cara persetujuan tidak dicatat (dikirim dari halaman lama di ponsel): tanyakan petugas"),
    "guardian_relation_missing": _l("Hubungan orang tua/wali tidak dicatat (dikirim dari halaman lama di ponsel): tanyakan petugas"),
    "employs_others": _l("Mempekerjakan orang lain: JKK, JKM dan JHT wajib (BPU pemberi kerja); pastikan dengan kantor cabang"),
    "programme_missing": _l("Dibayar pihak lain tanpa program pembiayaan (dikirim dari halaman lama di ponsel): tanyakan petugas"),
}
# Funding programmes (outreach/domain/programmes.py).
PROGRAMME_STATES = {"upcoming": _l("Belum mulai"), "running": _l("Berjalan"), "ended": _l("Sudah berakhir")}
PROGRAMME_UNITS = {False: _l("JKK + JKM"), True: _l("JKK + JKM + JHT")}
CONSENT_METHODS = {
    "read_aloud": _l("Dibacakan oleh petugas"),
    "read_by_worker": _l("Dibaca sendiri oleh pekerja"),
}
GUARDIAN_RELATIONS = {
    "ayah": _l("Ayah"),
    "ibu": _l("Ibu"),
    "kakek_nenek": _l("Kakek / nenek"),
    "saudara": _l("Saudara kandung dewasa"),
    "wali_lain": _l("Wali lain"),
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
# A registration's fields as people name them: the history, the audit trail and the exports' column titles.
FIELDS = {
    "number": _l("Nomor pendaftaran"),
    "nik": _l("NIK"),
    "full_name": _l("Nama lengkap"),
    "birth_place": _l("Tempat lahir"),
    "birth_date": _l("Tanggal lahir"),
    "sex": _l("Jenis kelamin"),
    "phone": _l("Nomor HP"),
    "address": _l("Alamat"),
    "village_code": _l("Desa"),
    "kecamatan_code": _l("Kecamatan"),
    "occupation": _l("Pekerjaan"),
    "occupation_other": _l("Pekerjaan lainnya"),
    "second_occupation": _l("Pekerjaan kedua"),
    "employs_others": _l("Mempekerjakan orang lain"),
    "work_location": _l("Lokasi kerja"),
    "monthly_income": _l("Penghasilan sebulan"),
    "programs": _l("Program"),
    "payment_period": _l("Masa iuran"),
    "funding": _l("Dibayar oleh"),
    "programme_id": _l("Program pembiayaan"),
    "sponsor_name": _l("Nama sponsor"),
    "heir_name": _l("Nama ahli waris"),
    "heir_relation": _l("Hubungan ahli waris"),
    "heir_phone": _l("Nomor HP ahli waris"),
    "guardian_name": _l("Nama orang tua / wali"),
    "consent": _l("Persetujuan"),
    "notes": _l("Catatan petugas"),
    "status": _l("Status"),
    "reason": _l("Alasan"),
    "kpj": _l("Nomor KPJ"),
    "created_at": _l("Tanggal daftar"),
}
REISSUE_REASONS = {
    "lost": _l("Tanda terima hilang"),
    "damaged": _l("Tanda terima rusak atau kode QR tidak terbaca"),
    "exposed": _l("Kode QR atau tautannya sampai ke orang lain"),
    "other": _l("Lainnya"),
}
AUDIT_ACTIONS = {
    "view": _l("melihat"),
    "reveal_nik": _l("membuka NIK"),
    "edit": _l("mengubah data"),
    "transition": _l("mengubah status"),
    "export": _l("mengekspor"),
    "import_kpj": _l("mengimpor KPJ"),
    "reissue_receipt": _l("membuat tanda terima baru"),
    "nik_match": _l("mengetik NIK yang sudah terdaftar"),
    "correct_kpj": _l("mengoreksi KPJ"),
    "refused": _l("ditolak aksesnya"),
    "privacy_request": _l("mencatat permintaan data pribadi"),
    "privacy_close": _l("menyelesaikan permintaan data pribadi"),
    "access_export": _l("mengekspor data pribadi untuk pekerja"),
    "erase": _l("menghapus data pribadi"),
    "programme": _l("mencatat program pembiayaan"),
    "contact": _l("mencatat kontak tindak lanjut"),
    "import_cohort": _l("mengimpor daftar peserta program"),
    "payment": _l("mencatat pembayaran iuran"),
    "import_payments": _l("mengimpor berkas pembayaran"),
    "download": _l("mengunduh berkas hasil ekspor"),
}
# The data-subject requests' register (outreach/domain/privacy.py).
REQUEST_KINDS = {
    "access": _l("Melihat / minta salinan data"),
    "correction": _l("Memperbaiki data"),
    "withdrawal": _l("Menarik persetujuan"),
    "deletion": _l("Menghapus data"),
}
IDENTIFICATIONS = {
    "number_birth_date": _l("Nomor pendaftaran dan tanggal lahir cocok"),
    "in_person": _l("Datang langsung, KTP sudah dilihat"),
}
REQUEST_STATES = {"open": _l("Terbuka"), "done": _l("Selesai"), "refused": _l("Ditolak")}
ROLES = {"officer": _l("Petugas lapangan"), "coordinator": _l("Koordinator"), "admin": _l("Administrator"),
         "system": _l("Sistem (masa simpan)")}
EVENT_KINDS = {"created": _l("Didaftarkan"), "edited": _l("Diubah petugas"), "transition": _l("Status berubah"),
               "receipt_reissued": _l("Tanda terima baru dibuat"), "erased": _l("Data pribadi dihapus"),
               "contact": _l("Dihubungi"), "cohort_imported": _l("Diimpor dari daftar peserta program"),
               "payment": _l("Iuran dibayar")}
ERASURE_WHY = {"request": _l("atas permintaan pekerja"), "retention": _l("masa simpan berakhir")}

# Why a registration was rejected, in the worker's words, and what they can do next.
REJECTIONS = {
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
# Why a registration went back to its officer: (the coordinator's choice, the worker's plain-language
# category, what the worker should do next).
RETURNS = {
    "incomplete": (_l("Data salah atau tidak lengkap"),
                   _l("Sebagian data pendaftaran Anda salah atau belum lengkap."),
                   _l("Petugas akan menghubungi Anda untuk melengkapinya. Siapkan KTP Anda.")),
    "nik_mismatch": (_l("NIK atau nama tidak cocok dengan KTP"),
                     _l("NIK atau nama pada pendaftaran belum cocok dengan KTP."),
                     _l("Tunjukkan KTP asli kepada petugas agar data dapat dicocokkan.")),
    "ktp_needed": (_l("Perlu melihat KTP atau Kartu Keluarga"),
                   _l("Petugas perlu melihat KTP (atau Kartu Keluarga) Anda."),
                   _l("Siapkan KTP dan Kartu Keluarga saat petugas datang, atau bawa ke kantor desa.")),
    "income_program": (_l("Penghasilan, program, atau pembayar iuran perlu dicek"),
                       _l("Penghasilan, program, atau pihak yang membayar iuran perlu dipastikan."),
                       _l("Petugas akan menghubungi Anda untuk memastikannya bersama Anda.")),
    "branch_fix": (_l("Kantor cabang BPJS Ketenagakerjaan meminta perbaikan"),
                   _l("Kantor BPJS Ketenagakerjaan meminta sebagian data pendaftaran Anda diperbaiki."),
                   _l("Petugas akan menghubungi Anda untuk memperbaikinya. Siapkan KTP Anda.")),
    "other": (_l("Lainnya"),
              _l("Pendaftaran Anda perlu diperbaiki."),
              _l("Petugas akan menghubungi Anda. Siapkan KTP Anda.")),
}

# The consent the worker gives (UU PDP Art. 20-22), by version: each registration stores the version it was
# given under, and shows that text ever after. A new wording is a new version; older ones stay here.
CONSENT_VERSION = "2026-12-v2"
# The texts name the regency's or city's government: the deployment's district (Bangka Selatan's read the same
# words as before the district became a setting; a version's meaning does not change with it).


def consent_v1(cfg) -> list[tuple[str | None, str]]:
    return [(None, _(
        "Pekerja menyetujui data pribadinya (NIK, nama, tanggal lahir, alamat, nomor HP, ahli waris) dipakai "
        "oleh Pemerintah %(district)s untuk mendaftarkannya sebagai peserta BPJS Ketenagakerjaan "
        "dan menindaklanjuti pendaftaran itu, dan diteruskan ke BPJS Ketenagakerjaan untuk tujuan yang sama.",
        district=district.current().name))]

GUARDIAN_TEXT = _l("Untuk pekerja berusia 15–17 tahun: orang tua atau wali ikut mendengar atau membaca pernyataan "
                   "ini dan menyetujuinya; namanya dan hubungannya dengan pekerja dicatat.")


def consent_v2(cfg) -> list[tuple[str, str]]:
    """Art. 21, item by item, in words the officer can read aloud; the retention from the settings in force."""
    return [
        (_("Data yang dicatat"),
         _("Petugas mencatat identitas Anda (NIK, nama, tempat dan tanggal lahir, jenis kelamin), kontak (nomor HP "
           "dan alamat), pekerjaan dan penghasilan, dan ahli waris (nama, hubungan, nomor HP). Untuk pekerja di "
           "bawah 18 tahun, juga nama orang tua atau wali.")),
        (_("Untuk apa"),
         _("Hanya untuk mendaftarkan Anda sebagai peserta BPJS Ketenagakerjaan (Bukan Penerima Upah), untuk "
           "menindaklanjuti pembayaran iuran, dan untuk mengirim pesan kepada Anda tentang pendaftaran ini.")),
        (_("Siapa yang menerima"),
         _("Petugas dan koordinator Pemerintah %(district)s yang mengurus pendaftaran di kecamatan "
           "Anda, dan BPJS Ketenagakerjaan. Data Anda tidak dijual dan tidak diberikan kepada pihak lain.",
           district=district.current().name)),
        (_("Dasar hukum"),
         _("Persetujuan Anda (Undang-Undang No. 27 Tahun 2022 tentang Pelindungan Data Pribadi), dan tugas "
           "pemerintah daerah memperluas kepesertaan jaminan sosial ketenagakerjaan (Undang-Undang No. 24 Tahun "
           "2011 tentang BPJS dan Instruksi Presiden No. 2 Tahun 2021).")),
        (_("Berapa lama disimpan"),
         _("Pendaftaran yang ditolak dihapus setelah %(rejected)s bulan. Pendaftaran yang dikembalikan untuk "
           "perbaikan dan tidak dilengkapi dihapus setelah %(returned)s bulan. Pendaftaran lain disimpan paling "
           "lama %(max)s bulan sejak terakhir diubah, lalu dihapus. Yang tetap disimpan hanya angka jumlah "
           "pendaftaran, tanpa nama dan tanpa NIK.", rejected=cfg["RETENTION_REJECTED_MONTHS"],
           returned=cfg["RETENTION_RETURNED_MONTHS"], max=cfg["RETENTION_MAX_MONTHS"])),
        (_("Hak Anda"),
         _("Anda boleh melihat data Anda dan meminta salinannya, meminta perbaikan bila ada yang salah, menarik "
           "kembali persetujuan ini, dan meminta data Anda dihapus. Permintaan dijawab paling lambat 3 × 24 jam.")),
        (_("Caranya"),
         _("Sampaikan kepada petugas atau koordinator kecamatan, datang ke kantor %(office)s, atau hubungi kontak "
           "di halaman status pendaftaran Anda (kode QR pada tanda terima). Sebutkan nomor pendaftaran dan "
           "tanggal lahir Anda.", office=cfg["OFFICE_NAME"])),
    ]


# version -> its text as (heading, paragraph) pairs, given the settings
CONSENT_TEXTS = {
    "2026-11-v1": consent_v1,
    "2026-12-v2": consent_v2,
}


def consent_sections(version: str | None, cfg) -> list[tuple[str | None, str]]:
    """The text a registration's worker consented to; [] for a version not kept here (test rows)."""
    return CONSENT_TEXTS[version](cfg) if version in CONSENT_TEXTS else []


def reason_choices(target: str) -> list[tuple[str, str]]:
    """(code, label) for the reason select of a move to `target`."""
    if target == "returned":
        return [(code, label) for code, (label, _why, _next) in RETURNS.items()]
    return [(code, why) for code, (why, _next) in REJECTIONS.items()]


def reason_label(status: str, code: str | None) -> str | None:
    """The reason as the coordinator reads it on the review page and the timeline."""
    if status == "returned" and code in RETURNS:
        return RETURNS[code][0]
    if status == "rejected" and code in REJECTIONS:
        return REJECTIONS[code][0]
    return None


def reason_for_worker(status: str, code: str | None) -> tuple[str, str] | None:
    """(category, what to do next) for the public status page; None for other statuses.

    An unknown or missing code (a registration returned before reasons were recorded) reads as "other".
    """
    if status == "returned":
        _label, why, todo = RETURNS.get(code or "other", RETURNS["other"])
        return why, todo
    if status == "rejected":
        return REJECTIONS.get(code or "other", REJECTIONS["other"])
    return None


def month_count(n: int) -> str:
    """How every count of contribution months reads: "1 bulan" / "1 month", "3 months"."""
    return ngettext("%(num)s bulan", "%(num)s bulan", n)


def paid_ahead(n: int) -> str:
    return ngettext("untuk %(num)s bulan dibayar di muka", "untuk %(num)s bulan dibayar di muka", n)


def month_year(month: tuple[int, int], short: bool = False) -> str:
    """(2026, 12) as "Desember 2026" (short: "Des 2026")."""
    return f"{i18n.month_name(month[1], short)} {month[0]}"


def schedule_lines(stored: dict | None, short: bool = False) -> list[dict]:
    """A stored contribution month by month, when its months differ: [{months, count, amount}] (amount an int);
    empty when every month costs the same (or for one saved before months were kept). Short month names keep
    each line on one line of a printed receipt."""
    runs = schedule(stored)
    if len(runs) < 2:
        return []
    return [{"months": months_text(r.first, r.last, short), "count": month_count(r.months), "amount": r.amount}
            for r in runs]


def months_text(first: tuple[int, int], last: tuple[int, int], short: bool = False) -> str:
    """"Januari 2027", "November – Desember 2026", "Desember 2026 – Januari 2027" (short: "Nov – Des 2026")."""
    if first == last:
        return month_year(first, short)
    if first[0] == last[0]:
        return f"{i18n.month_name(first[1], short)} – {month_year(last, short)}"
    return f"{month_year(first, short)} – {month_year(last, short)}"


def discount_end(month: str, amount: str) -> str:
    return _("Potongan 50%% iuran JKK dan JKM (PP 50/2025) berlaku sampai iuran bulan %(month)s; sesudahnya "
             "iurannya %(amount)s sebulan.", month=month, amount=amount)


def discount_note(stored: dict | None) -> str | None:
    """When the discount in a stored contribution ends, and what a month costs after; None without one."""
    until = parse_month((stored or {}).get("discount_until"))
    if until is None:
        return None
    return discount_end(month_year(until), format_rupiah(stored["monthly_normal"], str(get_locale())))


def contribution_words(periods, longest: int) -> dict:
    """What the form's script needs to word the figure it computes, in the page's language (never a rule)."""
    return {
        "paidAhead": {n: paid_ahead(n) for n in periods},
        "months": {n: month_count(n) for n in range(1, longest + 1)},
        "monthNames": [i18n.month_name(m) for m in range(1, 13)],
        "discountEnd": discount_end("%(month)s", "%(amount)s"),
    }


def init_app(app) -> None:
    @app.context_processor
    def inject_labels():
        import outreach.labels as module
        return {"labels": module}


# Follow-up (outreach/domain/followup.py): the lists, how a worker was contacted, what came of it.
FOLLOWUP_LISTS = {
    "no_first_payment": (_l("Belum bayar iuran pertama"),
                         _l("Sudah punya KPJ, tetapi belum ada iuran yang dibayar.")),
    "inactive": (_l("Tidak aktif (aktifkan lagi)"),
                 _l("Tiga bulan atau lebih tidak membayar: perlindungan berhenti. Membayar mengaktifkannya lagi, "
                    "dengan nomor dan KPJ yang sama.")),
    "in_arrears": (_l("Menunggak"), _l("Satu atau dua bulan belum dibayar: belum terlindungi sampai dibayar.")),
    "programme_ending": (_l("Program pembayar segera berakhir"),
                         _l("Iuran dibayar program (APBD, sponsor) yang berakhir dalam 60 hari: pekerja perlu "
                            "melanjutkan sendiri.")),
    "discount_ending": (_l("Potongan iuran segera berakhir"),
                        _l("Potongan 50% PP 50/2025 berakhir: tagihan berikutnya menjadi dua kali lipat.")),
    "ending": (_l("Perlindungan segera berakhir"), _l("Bulan yang sudah dibayar habis dalam 30 hari.")),
}
# The automatic messages' events (services/messages.py EVENTS), as the admin reads them after a run.
MESSAGE_EVENTS = {"returned": _l("Perlu perbaikan"), "kpj_issued": _l("KPJ terbit"),
                  "first_payment_due": _l("Belum bayar iuran pertama"),
                  "ending_soon": _l("Perlindungan segera berakhir"), "lapsed": _l("Tidak aktif"),
                  "programme_ending": _l("Program pembayar segera berakhir")}
CHANNELS = {"visit": _l("Kunjungan"), "phone": _l("Telepon"), "whatsapp": _l("WhatsApp"), "sms": _l("SMS")}
OUTCOMES = {
    "paid": _l("Sudah bayar"),
    "will_pay": _l("Akan bayar"),
    "no_answer": _l("Tidak menjawab / tidak bertemu"),
    "refused": _l("Menolak"),
    "moved": _l("Pindah"),
    "died": _l("Meninggal dunia"),
    "wrong_number": _l("Nomor salah"),
    "other": _l("Lainnya"),
}
PROTECTION = {
    "registered": _l("Belum terdaftar di BPJS"),
    "awaiting_first_payment": _l("Menunggu iuran pertama"),
    "protected": _l("Terlindungi"),
    "in_arrears": _l("Menunggak"),
    "inactive": _l("Tidak aktif"),
}
# Payments (outreach/domain/payments.py): where the money was paid, how the line was recorded, what was wrong.
PAYMENT_CHANNELS = {"bank": _l("Bank"), "pos": _l("Kantor pos"), "minimarket": _l("Minimarket"),
                    "jmo": _l("Aplikasi JMO"), "perisai": _l("Agen Perisai"), "budget": _l("Transfer anggaran")}
PAYMENT_SOURCES = {"typed": _l("Dicatat koordinator"), "imported": _l("Dari berkas pembayaran cabang"),
                   "programme": _l("Bulan program")}
PAYMENT_ERRORS = {
    "month_invalid": _l("Tulis bulan sebagai TTTT-BB, mis. 2026-11."),
    "month_too_early": _l("Bulan ini sebelum iuran BPU berlaku (Juli 2015)."),
    "month_too_late": _l("Bulan ini lebih dari setahun ke depan."),
    "months_invalid": _l("Jumlah bulan 1 sampai 24."),
    "amount_invalid": _l("Tulis jumlah dalam Rupiah, angka saja, mis. 16800."),
    "date_invalid": _l("Tulis tanggal bayar sebagai TTTT-BB-HH, mis. 2026-11-26."),
    "date_future": _l("Tanggal bayar tidak boleh di masa depan."),
    "channel_invalid": _l("Pilih tempat membayar."),
}
# Long work (outreach/services/jobs.py) as the user reads it on /tugas/<id>.
JOB_KINDS = {"export_queue": _l("Ekspor pendaftaran"), "export_programme": _l("Ekspor anggota program"),
             "import_kpj": _l("Impor nomor KPJ"), "import_cohort": _l("Impor daftar peserta program"),
             "check_payments": _l("Pemeriksaan berkas pembayaran"), "import_payments": _l("Impor pembayaran"),
             "dashboard": _l("Penghitungan dasbor"), "send_messages": _l("Pengiriman pesan otomatis"),
             "retention": _l("Penghapusan data yang lewat masa simpan")}
JOB_STATES = {"queued": _l("Menunggu giliran"), "running": _l("Sedang dikerjakan"), "done": _l("Selesai"),
              "failed": _l("Gagal")}
JOB_SUMMARY = {"rows": _l("Baris"), "applied": _l("Diterapkan"), "new": _l("Baru"), "matched": _l("Dicocokkan"),
               "already": _l("Sudah ada"), "failing": _l("Baris bermasalah"),
               "mismatched": _l("Jumlah berbeda dari aturan (tetap dicatat)")}
IMPORTED_CONSENT = "funder"  # consent_version of an imported worker until an officer records consent
