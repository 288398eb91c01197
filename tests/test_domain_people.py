"""Phones, masking, age and name rules, table-driven."""
from datetime import date

import pytest

from outreach.domain.eligibility import age_on, check_age, name_key
from outreach.domain.masking import mask_name, mask_nik, mask_phone
from outreach.domain.phone import local_format, normalise_mobile

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("raw, e164", [
    ("081234567890", "+6281234567890"),
    ("0812-3456-7890", "+6281234567890"),
    ("+62 812 3456 7890", "+6281234567890"),
    ("6281234567890", "+6281234567890"),
    ("(0812) 3456.7890", "+6281234567890"),
    ("0812345678", "+62812345678"),  # 10 digits with the 0
    ("0812345678901", "+62812345678901"),  # 13 digits with the 0
    ("08123456", None),
    ("08123456789012", None),
    ("0217654321", None),  # a Jakarta landline
    ("+6202134567890", None),
    ("", None), (None, None), ("nomor saya", None), ("+1 202 555 0100", None),
])
def test_normalise_mobile(raw, e164):
    assert normalise_mobile(raw) == e164


def test_local_format():
    assert local_format("+6281234567890") == "0812-3456-7890"


@pytest.mark.parametrize("born, age", [
    (date(2011, 11, 24), 15), (date(2011, 11, 25), 14), (date(1961, 11, 25), 64), (date(2008, 2, 29), 18),
])
def test_age_on(born, age):
    assert age_on(born, TODAY) == age


@pytest.mark.parametrize("born, error, flags", [
    (date(2011, 11, 25), "under_min", []),
    (date(2011, 11, 24), None, ["minor"]),
    (date(2008, 11, 25), None, ["minor"]),
    (date(2008, 11, 24), None, []),
    (date(1961, 11, 25), None, []),
    (date(1961, 11, 24), "over_max", []),
    (date(2027, 1, 1), "future", []),
])
def test_check_age(born, error, flags):
    assert check_age(born, TODAY) == (error, flags)


def test_age_bounds_are_configurable():
    assert check_age(date(1956, 1, 1), TODAY, max_age=75) == (None, [])


@pytest.mark.parametrize("a, b", [
    ("Siti  Aminah", "SITI AMINAH"), ("M. Yusuf", "M Yusuf"), ("Ásep", "Asep"), ("Nur'aini", "Nur aini"),
])
def test_name_key_ignores_case_spacing_and_punctuation(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("fn, value, masked", [
    (mask_nik, "1903015508900001", "************0001"),
    (mask_nik, "", ""),
    (mask_name, "Siti Aminah", "S*** A*****"),
    (mask_name, "  Budi ", "B***"),
    (mask_phone, "+6281234567890", "+62812******90"),
])
def test_masking(fn, value, masked):
    assert fn(value) == masked


def test_domain_modules_import_nothing_from_flask():
    import subprocess
    import sys
    code = ("import sys, pkgutil, importlib, outreach.domain as d\n"
            "[importlib.import_module('outreach.domain.' + m.name) for m in pkgutil.iter_modules(d.__path__)]\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'flask_sqlalchemy', 'werkzeug', 'sqlalchemy'))\n"
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("raw, amount", [
    ("1000000", 1_000_000), ("1.500.000", 1_500_000), ("Rp 1.500.000", 1_500_000), ("rp2,000,000", 2_000_000),
    (3_000_000, 3_000_000), (" 2500000 ", 2_500_000),
    ("1.500.000,50", None), ("1,5 juta", None), ("15.00.000", None), ("", None), (None, None), (True, None),
    ("١٠٠٠٠٠٠", None), ("-1000000", None),
    (1.5, None), (1_000_000.0, None), ([1_000_000], None), ({"amount": 1_000_000}, None),  # JSON's other types
])
def test_parse_rupiah(raw, amount):
    from outreach.domain.money import parse_rupiah
    assert parse_rupiah(raw) == amount


@pytest.mark.parametrize("raw, parsed", [
    ("1990-08-15", date(1990, 8, 15)), ("15-08-1990", date(1990, 8, 15)), ("15/8/1990", date(1990, 8, 15)),
    ("5.8.1990", date(1990, 8, 5)), ("2000-02-29", date(2000, 2, 29)),
    ("2001-02-29", None), ("1990-8-15", None), ("15-08-90", None), ("", None), (None, None), ("besok", None),
])
def test_parse_date(raw, parsed):
    from outreach.domain.dates import parse_date
    assert parse_date(raw) == parsed


def test_parse_rupiah_refuses_giant_strings_quietly():
    from outreach.domain.money import parse_rupiah
    assert parse_rupiah("9" * 10_000) is None
