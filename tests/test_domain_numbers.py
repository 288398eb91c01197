"""Registration numbers as workers type them from a receipt (outreach.domain.numbers)."""
import pytest

from outreach.domain.numbers import format_number, read_number


@pytest.mark.parametrize("typed, number", [
    ("BS-2611-000149", "BS-2611-000149"),
    ("bs-2611-000149", "BS-2611-000149"),
    ("bs2611000149", "BS-2611-000149"),
    ("BS 2611 000149", "BS-2611-000149"),
    ("  Bs.2611.000149 ", "BS-2611-000149"),
    ("2611-000149", "BS-2611-000149"),
    ("2611000149", "BS-2611-000149"),
    ("BS-2611-00149", "BS-2611-00149"),  # a digit short: not a number, looked up as typed
    ("XX2611000149", "XX2611000149"),
    ("", ""),
    (None, ""),
])
def test_read_number(typed, number):
    assert read_number(typed) == number


def test_format_number():
    assert format_number("2611", 149) == "BS-2611-000149"
