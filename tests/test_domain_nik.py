"""NIK rules, table-driven: region codes, women's +40 day, 29 February, serials, separators."""
from datetime import date

import pytest

from outreach.domain.nik import normalise_nik, other_person, parse_nik

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("raw, errors, flags, sex, born", [
    # valid, Bangka Selatan (Toboali), a woman born 15 Aug 1990
    ("1903015508900001", [], [], "F", date(1990, 8, 15)),
    ("1903011508900002", [], [], "M", date(1990, 8, 15)),
    # typed with spaces, dots and dashes
    ("1903 01.5508-90 0001", [], [], "F", date(1990, 8, 15)),
    (" 1903.0155.0890.0001 ", [], [], "F", date(1990, 8, 15)),
    # 29 February: 2000 was a leap year, 1901 and 2001 were not; women's 29 Feb is 69
    ("1903012902000003", [], [], "M", date(2000, 2, 29)),
    ("1903016902040005", [], [], "F", date(2004, 2, 29)),
    ("1903012902010004", ["date"], [], None, None),
    # impossible dates
    ("1903013208900001", ["date"], [], None, None),
    ("1903014008900001", ["date"], [], None, None),
    ("1903017208900001", ["date"], [], None, None),
    ("1903013104900001", ["date"], [], None, None),  # 31 April
    ("1903011513900001", ["date"], [], None, None),  # month 13
    ("1903011500900001", ["date"], [], None, None),  # month 00
    ("1903010008900001", ["date"], [], None, None),  # day 00
    ("1903014108900001", [], [], "F", date(1990, 8, 1)),  # day 41 = a woman born on the 1st
    # serial and kecamatan
    ("1903011508900000", ["serial"], [], "M", date(1990, 8, 15)),
    ("1903001508900001", ["kecamatan_zero"], [], "M", date(1990, 8, 15)),
    ("1903991508900001", [], ["unknown_kecamatan"], "M", date(1990, 8, 15)),
    # regions outside the district: allowed, flagged
    ("3201011508900001", [], ["outside_district"], "M", date(1990, 8, 15)),
    ("9101011508900001", [], ["old_regency_code", "outside_district"], "M", date(1990, 8, 15)),
    # unknown province / regency
    ("9903011508900001", ["province"], ["outside_district"], "M", date(1990, 8, 15)),
    ("1999011508900001", ["regency"], ["outside_district"], "M", date(1990, 8, 15)),
    # BPS numbering (1905 = Bangka Selatan at BPS) is not Kemendagri's: 19.05 is Bangka Barat
    ("1905011508900001", [], ["outside_district"], "M", date(1990, 8, 15)),
    # shape
    ("", ["required"], [], None, None),
    ("190301550890000", ["length"], [], None, None),
    ("19030155089000011", ["length"], [], None, None),
    ("19030155089O0001", ["length"], [], None, None),
    ("١٩٠٣٠١٥٥٠٨٩٠٠٠٠١", ["length"], [], None, None),  # Arabic-Indic digits
    ("<script>alert(1)</script>", ["length"], [], None, None),
])
def test_parse_nik(raw, errors, flags, sex, born):
    nik = parse_nik(raw, "19.03")
    assert nik.errors == errors
    assert nik.flags == flags
    assert nik.sex == sex
    assert nik.birth_date(TODAY) == born


@pytest.mark.parametrize("yy, expected_year", [(90, 1990), (26, 2026), (10, 2010), (27, 1927), (0, 2000)])
def test_century_is_the_latest_not_in_the_future(yy, expected_year):
    nik = parse_nik(f"1903010101{yy:02d}0001", "19.03")  # a man born 1 January of 19yy or 20yy
    assert nik.birth_date(date(2026, 11, 24)).year == expected_year


@pytest.mark.parametrize("typed, agrees", [
    (date(1990, 8, 15), True),
    (date(1890, 8, 15), True),  # the NIK carries no century: the age rule judges this one
    (date(1990, 8, 16), False),
    (date(1991, 8, 15), False),
    (date(1990, 9, 15), False),
])
def test_typed_birth_date_must_agree(typed, agrees):
    assert parse_nik("1903015508900001", "19.03").matches_birth_date(typed) is agrees


@pytest.mark.parametrize("raw, district, flags", [
    # the same NIKs read by a deployment in Kota Ambon (81.71) and Kabupaten Banyuwangi (35.10)
    ("8171011508900001", "81.71", []),  # Nusaniwe, Ambon: at home
    ("1903015508900001", "81.71", ["outside_district"]),  # a Toboali NIK in Ambon: a migrant there
    ("8171011508900001", "19.03", ["outside_district"]),
    ("3510011508900001", "35.10", []),
    ("3510991508900001", "35.10", ["unknown_kecamatan"]),
    ("3501011508900001", "35.10", ["outside_district"]),  # Pacitan, the same province
])
def test_outside_district_follows_the_deployment(raw, district, flags):
    nik = parse_nik(raw, district)
    assert nik.errors == [] and nik.flags == flags


def test_normalise_keeps_only_what_was_between_the_separators():
    assert normalise_nik("19 03.01-55") == "19030155"
    assert normalise_nik(None) == ""


@pytest.mark.parametrize("written, stored, other", [
    ("1903015508900001", "1903015508900001", False),  # the same
    ("1903 0155 0890 0001", "1903015508900001", False),  # typed in groups
    ("1903011508900002", "1903015508900001", True),  # someone else
    ("1903015508900000", "1903015508900001", False),  # through Excel: 15 significant digits, then 0
    ("1903015508900010", "1903015508900001", True),  # a 0 at the end, but the 15 before differ
    ("1,90302E+15", "1903015508900001", False),  # unreadable: not a person
    ("19030155089", "1903015508900001", False),  # not whole
    ("", "1903015508900001", False),
    (None, "1903015508900001", False),
    ("1903015508900001", None, False),  # nothing stored (erased): nothing to hold it against
])
def test_a_written_nik_names_another_person_only_when_plainly_so(written, stored, other):
    assert other_person(written, stored) is other
