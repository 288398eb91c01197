"""NIK (Nomor Induk Kependudukan): parsing, region and birth-date checks.

16 digits = province (2) + regency/city (2) + kecamatan (2) + birth date DDMMYY, women's day + 40 (6)
+ serial (4, never 0000). Region codes are Kemendagri/Dukcapil codes (data/SOURCES.md), not BPS codes.
Errors and flags are codes; the web layer words them in the active language.
"""
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from outreach.domain.regions import country_regions

SEPARATORS = re.compile(r"[\s.\-]")


@lru_cache(maxsize=1)
def region_codes() -> dict[str, frozenset[str]]:
    """Undotted codes by level, with the retired Papua regency codes apart."""
    codes: dict[str, set[str]] = {"province": set(), "regency": set(), "regency_old": set(), "district": set()}
    for row in country_regions():
        plain = row["code"].replace(".", "")
        if row["level"] == "regency" and row["successor_code"]:
            codes["regency_old"].add(plain)
        elif row["level"] in codes:
            codes[row["level"]].add(plain)
    return {level: frozenset(values) for level, values in codes.items()}


def normalise_nik(raw: str | None) -> str:
    """Drop the spaces, dots and dashes people type between groups of digits."""
    return SEPARATORS.sub("", raw or "")


def other_person(written: str | None, stored: str | None) -> bool:
    """True when a NIK written in a file (the branch's payment file) plainly names someone else than the stored
    one. Only a whole NIK is compared, and a spreadsheet keeps 15 significant digits: a NIK saved through Excel
    may end in 0 (1903015508900001 -> 1903015508900000), or be unreadable (1,90302E+15), neither of which is a
    different person."""
    written = normalise_nik(written)
    if not (len(written) == 16 and written.isdigit() and stored):
        return False
    return written != stored and not (written.endswith("0") and written[:15] == stored[:15])


@dataclass
class Nik:
    digits: str
    errors: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sex: str | None = None  # "M" or "F"
    day: int | None = None
    month: int | None = None
    yy: int | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    def birth_date(self, today: date) -> date | None:
        """The birth date, century inferred: the latest year not in the future."""
        if self.day is None:
            return None
        for year in (2000 + self.yy, 1900 + self.yy):
            try:
                born = date(year, self.month, self.day)
            except ValueError:  # 29 February in one century only
                continue
            if born <= today:
                return born
        return None

    def matches_birth_date(self, born: date) -> bool:
        return (born.day, born.month, born.year % 100) == (self.day, self.month, self.yy)


def valid_date(day: int, month: int, yy: int) -> bool:
    """DDMMYY is a real date in 19yy or 20yy (29 February needs a leap year in one of them)."""
    for year in (1900 + yy, 2000 + yy):
        try:
            date(year, month, day)
            return True
        except ValueError:
            pass
    return False


def parse_nik(raw: str | None, district: str) -> Nik:
    """Check a NIK; `errors` block a registration, `flags` go to the coordinator. `district` is the
    deployment's regency code ("19.03"): a NIK issued elsewhere is flagged, not refused.

    errors: required, length, province, regency, kecamatan_zero, date, serial
    flags: outside_district, old_regency_code, unknown_kecamatan
    """
    digits = normalise_nik(raw)
    nik = Nik(digits=digits)
    if not digits:
        nik.errors.append("required")
        return nik
    if not (len(digits) == 16 and digits.isascii() and digits.isdigit()):
        nik.errors.append("length")
        return nik
    codes = region_codes()
    if digits[:2] not in codes["province"]:
        nik.errors.append("province")
    elif digits[:4] in codes["regency_old"]:
        nik.flags.append("old_regency_code")
    elif digits[:4] not in codes["regency"]:
        nik.errors.append("regency")
    if digits[4:6] == "00":
        nik.errors.append("kecamatan_zero")
    elif not nik.errors and "old_regency_code" not in nik.flags and digits[:6] not in codes["district"]:
        nik.flags.append("unknown_kecamatan")
    raw_day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    sex, day = ("F", raw_day - 40) if raw_day > 40 else ("M", raw_day)
    if not (1 <= month <= 12 and 1 <= day <= 31 and valid_date(day, month, yy)):
        nik.errors.append("date")
    else:
        nik.sex, nik.day, nik.month, nik.yy = sex, day, month, yy
    if digits[12:] == "0000":
        nik.errors.append("serial")
    if not digits.startswith(district.replace(".", "")):
        nik.flags.append("outside_district")
    return nik
