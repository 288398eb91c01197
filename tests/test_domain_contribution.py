"""Contribution arithmetic, table-driven, against the worked examples of data/bpu_rules.md."""
from datetime import date

import pytest

from outreach.domain.contribution import bracket_base, brackets, contribution_for

BEFORE_DISCOUNT = date(2026, 1, 15)  # non-transport discount starts April 2026
NOVEMBER_2026 = date(2026, 11, 24)


@pytest.mark.parametrize("income, base", [
    (1_000_000, 1_000_000), (1_099_999, 1_000_000), (1_100_000, 1_200_000), (1_299_999, 1_200_000),
    (2_000_000, 2_000_000), (2_699_999, 2_600_000), (2_700_000, 2_950_000), (3_000_000, 2_950_000),
    (9_200_000, 9_700_000), (20_199_999, 19_700_000), (20_200_000, 20_700_000), (20_700_000, 20_700_000),
])
def test_bracket_base(income, base):
    assert bracket_base(income) == base


@pytest.mark.parametrize("income", [0, 999_999, 20_700_001, -1])
def test_income_out_of_bounds(income):
    with pytest.raises(ValueError):
        bracket_base(income)


def test_thirty_three_brackets():
    assert len(brackets()) == 33 and all(base % 50_000 == 0 for _low, base, _label in brackets())


@pytest.mark.parametrize("income, programs, months, start, funding, transport, monthly, period, normal", [
    # the rules' worked examples, before the PP 50/2025 discount
    (1_000_000, {"JKK", "JKM"}, 1, BEFORE_DISCOUNT, "self", False, 16_800, 16_800, 16_800),
    (1_000_000, {"JKK", "JKM", "JHT"}, 1, BEFORE_DISCOUNT, "self", False, 36_800, 36_800, 36_800),
    (2_000_000, {"JKK", "JKM", "JHT"}, 3, BEFORE_DISCOUNT, "self", False, 66_800, 200_400, 66_800),
    (3_000_000, {"JKK", "JKM"}, 1, BEFORE_DISCOUNT, "self", False, 36_300, 36_300, 36_300),
    (20_700_000, {"JKK", "JKM", "JHT"}, 12, BEFORE_DISCOUNT.replace(year=2025), "self", False,
     207_000 + 6_800 + 414_000, 12 * 627_800, 627_800),
    # November 2026: JKK and JKM halved, JHT not
    (1_000_000, {"JKK", "JKM"}, 1, NOVEMBER_2026, "self", False, 8_400, 8_400, 16_800),
    (2_000_000, {"JKK", "JKM", "JHT"}, 1, NOVEMBER_2026, "self", False, 53_400, 53_400, 66_800),
    (1_000_000, {"JKK", "JKM"}, 1, NOVEMBER_2026, "sponsor", False, 8_400, 8_400, 16_800),
    # paid by the district budget: no discount
    (1_000_000, {"JKK", "JKM"}, 1, NOVEMBER_2026, "apbd", False, 16_800, 16_800, 16_800),
    # a period straddling the end of the discount: Nov, Dec halved, Jan 2027 full
    (1_000_000, {"JKK", "JKM"}, 3, NOVEMBER_2026, "self", False, 8_400, 8_400 * 2 + 16_800, 16_800),
    # transport workers keep the discount until March 2027
    (1_000_000, {"JKK", "JKM"}, 6, NOVEMBER_2026, "self", True, 8_400, 8_400 * 5 + 16_800, 16_800),
    (1_000_000, {"JKK", "JKM"}, 1, date(2027, 4, 1), "self", True, 16_800, 16_800, 16_800),
    (1_000_000, {"JKK", "JKM"}, 1, date(2026, 2, 1), "self", True, 8_400, 8_400, 16_800),
    (1_000_000, {"JKK", "JKM"}, 1, date(2026, 2, 1), "self", False, 16_800, 16_800, 16_800),
])
def test_contribution(income, programs, months, start, funding, transport, monthly, period, normal):
    c = contribution_for(income, programs, months, start, funding, transport)
    assert c.first_month_total == monthly
    assert c.period_total == period
    assert c.monthly_normal_total == normal
    assert all(isinstance(v, int) for m in c.months for v in m.values())
    assert c.discount_applied is (period < normal * months)


def test_as_dict_is_plain_integers():
    d = contribution_for(2_000_000, ["JKK", "JKM", "JHT"], 3, BEFORE_DISCOUNT).as_dict()
    assert d == {"base": 2_000_000, "programs": {"JKK": 20_000, "JKM": 6_800, "JHT": 40_000},
                 "monthly_normal": 66_800, "monthly": 66_800, "months": 3, "period_total": 200_400,
                 "period_normal": 200_400, "discount_applied": False}


@pytest.mark.parametrize("programs, months, funding", [
    ({"JKK"}, 1, "self"), ({"JKM", "JHT"}, 1, "self"), ({"JKK", "JKM", "JP"}, 1, "self"),
    ({"JKK", "JKM"}, 2, "self"), ({"JKK", "JKM"}, 1, "apbn"),
])
def test_refuses_what_the_rules_do_not_allow(programs, months, funding):
    with pytest.raises(ValueError):
        contribution_for(1_000_000, programs, months, BEFORE_DISCOUNT, funding)
