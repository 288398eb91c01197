"""Registration numbers as workers type them from a receipt (outreach.domain.numbers)."""
import pytest

from outreach.domain.numbers import WHOLE, format_number, read_number, read_start


@pytest.mark.parametrize("typed, prefix, number", [
    ("BS-2611-000149", "BS", "BS-2611-000149"),
    ("bs-2611-000149", "BS", "BS-2611-000149"),
    ("bs2611000149", "BS", "BS-2611-000149"),
    ("BS 2611 000149", "BS", "BS-2611-000149"),
    ("  Bs.2611.000149 ", "BS", "BS-2611-000149"),
    ("2611-000149", "BS", "BS-2611-000149"),
    ("2611000149", "BS", "BS-2611-000149"),
    ("BS-2611-00149", "BS", "BS-2611-00149"),  # a digit short: not a number, looked up as typed
    ("X2611000149", "BS", "X2611000149"),
    ("", "BS", ""),
    (None, "BS", ""),
    # another district's prefix: the digits alone take it; letters typed keep theirs (an older prefix)
    ("amb2611000149", "AMB", "AMB-2611-000149"),
    ("2611 000149", "AMB", "AMB-2611-000149"),
    ("BS-2611-000149", "AMB", "BS-2611-000149"),
    ("bnyw 2611 000007", "BNYW", "BNYW-2611-000007"),
])
def test_read_number(typed, prefix, number):
    assert read_number(typed, prefix) == number


@pytest.mark.parametrize("prefix, number", [("BS", "BS-2611-000149"), ("AMB", "AMB-2611-000149")])
def test_format_number(prefix, number):
    assert format_number(prefix, "2611", 149) == number
    assert WHOLE.fullmatch(number)


@pytest.mark.parametrize("typed, start", [
    ("BS-2611-00", "BS-2611-00"), (" bs-2611-00 ", "BS-2611-00"), ("BS-26", "BS-26"), ("BS-2611", "BS-2611"),
    ("BS-2611-", "BS-2611-"), ("AMB-2611-000149", "AMB-2611-000149"),
    # not the start of a number as written: a piece found anywhere in one, or a name
    ("BS-", None), ("BS", None), ("2611-00", None), ("000149", None), ("S-2611", None), ("BS-26110", None),
    ("BS 2611 00", None), ("BS-%", None), ("BS-2611_00", None), ("Budi 2", None), ("", None), (None, None),
])
def test_read_start(typed, start):
    assert read_start(typed) == start
