"""outreach/domain/payments.py: reading a payment as people type it, and what the rule asks for its months."""
from datetime import date

import pytest

from outreach.domain import payments

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("text, month", [
    ("2026-11", (2026, 11)), ("2026/1", (2026, 1)), ("11/2026", (2026, 11)), ("01-2027", (2027, 1)),
    ("2026-13", None), ("2026-00", None), ("Nov 2026", None), ("", None), (None, None), ("1999-05", None),
])
def test_months(text, month):
    assert payments.parse_month(text) == month


@pytest.mark.parametrize("text, day", [
    ("2026-11-26", date(2026, 11, 26)), ("26/11/2026", date(2026, 11, 26)), ("1.2.2026", date(2026, 2, 1)),
    ("2026-02-30", None), ("26/11/26", None), ("kemarin", None), (None, None),
])
def test_days(text, day):
    assert payments.parse_day(text) == day


@pytest.mark.parametrize("text, amount", [
    ("16800", 16_800), ("16.800", 16_800), ("Rp 16.800", 16_800), ("Rp16,800", 16_800), ("16800.00", 16_800),
    ("1.234.567", 1_234_567), (33_600, 33_600), (16800.0, 16_800), (16800.5, None), ("16.80", None),
    ("-5", None), ("", None), (True, None), ("1e6", None),
])
def test_amounts(text, amount):
    assert payments.parse_amount(text) == amount


@pytest.mark.parametrize("text, code", [
    ("bank", "bank"), ("Bank", "bank"), ("kantor pos", "pos"), ("JMO", "jmo"), ("agen", "perisai"),
    ("transfer", "budget"), ("kurir", None), ("", None),
])
def test_channels(text, code):
    assert payments.channel_code(text) == code


@pytest.mark.parametrize("changes, errors", [
    ({}, {}),
    ({"first_month": "2015-06"}, {"first_month": "month_too_early"}),
    ({"first_month": "2027-12"}, {"first_month": "month_too_late"}),
    ({"first_month": "x"}, {"first_month": "month_invalid"}),
    ({"months": 25}, {"months": "months_invalid"}),
    ({"months": True}, {"months": "months_invalid"}),
    ({"amount": 0}, {"amount": "amount_invalid"}),
    ({"paid_on": "2026-11-27"}, {"paid_on": "date_future"}),
    ({"paid_on": "besok"}, {"paid_on": "date_invalid"}),
    ({"channel": "kurir"}, {"channel": "channel_invalid"}),
])
def test_check(changes, errors):
    values = {"first_month": "2026-11", "months": "3", "amount": "50400", "paid_on": "2026-11-20",
              "channel": "bank"} | changes
    clean, found = payments.check(values, TODAY)
    assert found == errors
    assert (clean is None) == bool(errors)


@pytest.mark.parametrize("income, programs, funding, transport, first, months, amount", [
    # Rp1.000.000 base, JKK+JKM normal Rp16.800; non-transport discount Apr–Dec 2026 halves it to Rp8.400.
    (1_000_000, ["JKK", "JKM"], "self", False, (2026, 3), 1, 16_800),
    (1_000_000, ["JKK", "JKM"], "self", False, (2026, 11), 3, 8_400 + 8_400 + 16_800),
    (500_000, ["JKK", "JKM"], "self", False, (2027, 1), 1, 16_800),  # under Rp1 juta: base Rp1 juta
    (None, None, "self", False, (2027, 1), 2, 33_600),  # nothing known: the minimum, JKK+JKM
    (1_000_000, ["JKK", "JKM"], "apbd_kabupaten", False, (2026, 11), 1, 16_800),  # budget: no discount
    (1_000_000, ["JKK", "JKM"], "self", True, (2027, 3), 2, 8_400 + 16_800),  # transport: through Mar 2027
    (1_000_000, ["JKK", "JKM"], "unknown", False, (2027, 1), 1, 16_800),
])
def test_expected(income, programs, funding, transport, first, months, amount):
    assert payments.expected(income, programs, funding, transport, first, months) == amount


def test_last_day_paid():
    assert payments.last_day_paid((2026, 11), 3) == date(2027, 1, 31)
    assert payments.last_day_paid((2028, 2), 1) == date(2028, 2, 29)


def test_digits_that_are_not_ascii_are_refused_not_a_crash():
    clean, found = payments.check({"first_month": "2026-11", "months": "²", "amount": "16800",
                                   "paid_on": "2026-11-20", "channel": "bank"}, TODAY)
    assert clean is None and found == {"months": "months_invalid"}
