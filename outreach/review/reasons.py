"""The words for workflow reason codes: what the coordinator picks, what the worker reads, what to do next."""
from flask_babel import lazy_gettext as _l

from outreach.enroll.labels import REASONS as REJECTIONS

# code -> (the coordinator's choice, the worker's plain-language category, what the worker should do next)
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
    "other": (_l("Lainnya"),
              _l("Pendaftaran Anda perlu diperbaiki."),
              _l("Petugas akan menghubungi Anda. Siapkan KTP Anda.")),
}


def choices(target: str) -> list[tuple[str, str]]:
    """(code, label) for the reason select of a move to `target`."""
    if target == "returned":
        return [(code, label) for code, (label, _why, _next) in RETURNS.items()]
    return [(code, why) for code, (why, _next) in REJECTIONS.items()]


def label(status: str, code: str | None) -> str | None:
    """The reason as the coordinator reads it on the review page and the timeline."""
    if status == "returned" and code in RETURNS:
        return RETURNS[code][0]
    if status == "rejected" and code in REJECTIONS:
        return REJECTIONS[code][0]
    return None


def for_worker(status: str, code: str | None) -> tuple[str, str] | None:
    """(category, what to do next) for the public status page; None for other statuses.

    An unknown or missing code (a registration returned before reasons were recorded) reads as "other".
    """
    if status == "returned":
        _label, why, todo = RETURNS.get(code or "other", RETURNS["other"])
        return why, todo
    if status == "rejected":
        return REJECTIONS.get(code or "other", REJECTIONS["other"])
    return None
