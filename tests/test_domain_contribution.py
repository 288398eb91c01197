"""Contribution arithmetic, table-driven, against the worked examples of data/bpu_rules.md; and the rules'
one home: the browser gets every one of them from the server, the scripts type none."""
import json
import re
from datetime import date

import pytest

from outreach import ROOT
from outreach.domain import contribution, occupations
from outreach.domain.contribution import bracket_base, brackets, browser_rules, contribution_for
from outreach.domain.occupations import TRANSPORT

BEFORE_DISCOUNT = date(2026, 1, 15)  # non-transport discount starts April 2026
NOVEMBER_2026 = date(2026, 11, 24)


@pytest.mark.parametrize("income, base", [
    # the first bracket has no floor: an income under Rp1.000.000 pays on the minimum base (bpu_rules.md)
    (0, 1_000_000), (1, 1_000_000), (500_000, 1_000_000), (999_999, 1_000_000),
    (1_000_000, 1_000_000), (1_099_999, 1_000_000), (1_100_000, 1_200_000), (1_299_999, 1_200_000),
    (2_000_000, 2_000_000), (2_699_999, 2_600_000), (2_700_000, 2_950_000), (3_000_000, 2_950_000),
    (9_200_000, 9_700_000), (20_199_999, 19_700_000), (20_200_000, 20_700_000), (20_700_000, 20_700_000),
    # and the last no ceiling
    (20_700_001, 20_700_000), (50_000_000, 20_700_000), (contribution.MAX_INCOME, 20_700_000),
])
def test_bracket_base(income, base):
    assert bracket_base(income) == base


@pytest.mark.parametrize("income", [-1, -1_000_000])
def test_income_out_of_bounds(income):
    with pytest.raises(ValueError):
        bracket_base(income)


def test_a_low_income_pays_the_minimum_package():
    assert contribution_for(400_000, {"JKK", "JKM"}, 1, BEFORE_DISCOUNT).first_month_total == 16_800


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
    (1_000_000, {"JKK", "JKM"}, 1, NOVEMBER_2026, "apbd_kabupaten", False, 16_800, 16_800, 16_800),
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


APBDES, STATE = ("apbdes",), ("apbd_kabupaten", "apbd_provinsi", "apbn")


@pytest.mark.parametrize("funding, apbdes_discounted, discounted", [
    # APBN and both APBD never get the PP 50/2025 discount ("melalui APBN atau APBD"); the worker and sponsors do
    *[(payer, setting, False) for payer in STATE for setting in (False, True)],
    *[(payer, setting, True) for payer in ("self", "sponsor") for setting in (False, True)],
    # the village budget: decided by the district's setting, excluded by default
    ("apbdes", False, False), ("apbdes", True, True),
])
def test_who_gets_the_discount_is_data(funding, apbdes_discounted, discounted):
    excluded = contribution.undiscounted(apbdes_discounted)
    c = contribution_for(1_000_000, {"JKK", "JKM"}, 1, NOVEMBER_2026, funding, excluded=excluded)
    assert c.first_month_total == (8_400 if discounted else 16_800)
    assert (c.as_dict()["discount_until"] is not None) is discounted
    assert contribution.undiscounted() == contribution.BUDGET_FUNDED == STATE + APBDES


@pytest.mark.parametrize("occupation, boat_transport, transport", [
    ("pengemudi_ojek", False, True), ("sopir", False, True), ("kurir", False, True),
    ("nelayan", False, False), ("petani", False, False), ("pedagang", False, False), ("pekebun", True, False),
    # inter-island boatmen: the district's setting, non-transport by default
    ("pengemudi_perahu", False, False), ("pengemudi_perahu", True, True),
])
def test_which_work_is_transport_is_data(occupation, boat_transport, transport):
    assert (occupation in occupations.transport_codes(boat_transport)) is transport
    # February 2026: only transport work is discounted yet
    c = contribution_for(1_000_000, {"JKK", "JKM"}, 1, date(2026, 2, 1), "self",
                         transport=occupation in occupations.transport_codes(boat_transport))
    assert c.first_month_total == (8_400 if transport else 16_800)


@pytest.mark.parametrize("first, months, funding, totals", [
    # a programme's months, any number of them: the APBD cohort of Aug 2025–Jan 2026, no discount at all
    ((2025, 8), 6, "apbd_kabupaten", [16_800] * 6),
    # a sponsor's 10 months from February 2026: full until March, halved April–November
    ((2026, 2), 10, "sponsor", [16_800] * 2 + [8_400] * 8),
    ((2026, 12), 2, "apbdes", [16_800] * 2),
])
def test_month_totals_of_any_length(first, months, funding, totals):
    assert contribution.month_totals(999_000, {"JKK", "JKM"}, first, months, funding) == totals


def test_as_dict_is_plain_integers():
    d = contribution_for(2_000_000, ["JKK", "JKM", "JHT"], 3, BEFORE_DISCOUNT).as_dict()
    assert d == {"base": 2_000_000, "programs": {"JKK": 20_000, "JKM": 6_800, "JHT": 40_000},
                 "monthly_normal": 66_800, "monthly": 66_800, "months": 3, "period_total": 200_400,
                 "period_normal": 200_400, "discount_applied": False,
                 "first_month": "2026-01", "by_month": [66_800] * 3, "discount_until": None}


Run = contribution.Run


@pytest.mark.parametrize("months, start, funding, transport, expected, until", [
    # the rules' example: three months from November 2026, the discount ends after December (non-transport)
    (3, NOVEMBER_2026, "self", False, [Run((2026, 11), (2026, 12), 2, 8_400), Run((2027, 1), (2027, 1), 1, 16_800)],
     "2026-12"),
    # transport workers keep it until March 2027
    (6, NOVEMBER_2026, "self", True, [Run((2026, 11), (2027, 3), 5, 8_400), Run((2027, 4), (2027, 4), 1, 16_800)],
     "2027-03"),
    # twelve months from March 2026: full, halved April–December, full again
    (12, date(2026, 3, 1), "self", False, [Run((2026, 3), (2026, 3), 1, 16_800), Run((2026, 4), (2026, 12), 9, 8_400),
                                           Run((2027, 1), (2027, 2), 2, 16_800)], "2026-12"),
    # every month the same: one run; no discount, no end to tell
    (3, BEFORE_DISCOUNT, "self", False, [Run((2026, 1), (2026, 3), 3, 16_800)], None),
    (3, NOVEMBER_2026, "apbd_kabupaten", False, [Run((2026, 11), (2027, 1), 3, 16_800)], None),
])
def test_month_by_month_and_the_end_of_the_discount(months, start, funding, transport, expected, until):
    stored = contribution_for(1_000_000, {"JKK", "JKM"}, months, start, funding, transport).as_dict()
    assert contribution.schedule(stored) == expected
    assert sum(r.months * r.amount for r in expected) == stored["period_total"]
    assert stored["discount_until"] == until


@pytest.mark.parametrize("stored", [None, {}, {"first_month": "2026-13", "by_month": [1]},
                                    {"first_month": "2026-11"}, {"first_month": 202611, "by_month": [1]}])
def test_a_contribution_saved_before_months_were_kept_has_no_schedule(stored):
    assert contribution.schedule(stored) == []


@pytest.mark.parametrize("programs, months, funding", [
    ({"JKK"}, 1, "self"), ({"JKM", "JHT"}, 1, "self"), ({"JKK", "JKM", "JP"}, 1, "self"),
    ({"JKK", "JKM"}, 2, "self"), ({"JKK", "JKM"}, 1, "pemda"),
])
def test_refuses_what_the_rules_do_not_allow(programs, months, funding):
    with pytest.raises(ValueError):
        contribution_for(1_000_000, programs, months, BEFORE_DISCOUNT, funding)


def rule_constants() -> dict:
    """The module's public rules: every UPPER_CASE number or collection."""
    return {name: value for name, value in vars(contribution).items()
            if name.isupper() and isinstance(value, (int, float, tuple, list, dict, set, frozenset))}


def camel_case(name: str) -> str:
    first, *rest = name.lower().split("_")
    return first + "".join(word.title() for word in rest)


def as_json(value):
    return json.loads(json.dumps(sorted(value) if isinstance(value, (set, frozenset)) else value))


def test_the_rules_are_found():
    assert {"MIN_INCOME", "JKK_PERMILLE", "JKM_FLAT", "DISCOUNT", "BUDGET_FUNDED"} <= set(rule_constants())


@pytest.mark.parametrize("name", sorted(rule_constants()))
def test_the_browser_gets_every_rule_from_the_server(name):
    rules = as_json(browser_rules(NOVEMBER_2026))
    assert rules[camel_case(name)] == as_json(rule_constants()[name])


def test_the_browser_gets_the_brackets_transport_work_and_first_month():
    rules = as_json(browser_rules(NOVEMBER_2026))
    assert rules["brackets"] == [[lowest, base] for lowest, base, _label in brackets()]
    assert rules["transport"] == sorted(TRANSPORT) and rules["start"] == "2026-11"


def test_the_browser_gets_the_settings_in_force():
    rules = as_json(browser_rules(NOVEMBER_2026, excluded=contribution.undiscounted(True),
                                  transport=occupations.transport_codes(True)))
    assert rules["budgetFunded"] == list(STATE) and "pengemudi_perahu" in rules["transport"]


def rule_numbers() -> set:
    numbers = {n for lowest, base, _label in brackets() for n in (lowest, base)}

    def walk(value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers.add(value)
        elif isinstance(value, dict):
            walk(list(value.values()))
        elif isinstance(value, (tuple, list, set, frozenset)):
            for item in value:
                walk(item)
    walk(list(rule_constants().values()))
    return numbers


# A number in a script: 6800, 6_800, 0.01, 1e6 (not inside a word or after a dot); comments may show examples.
NUMBER = re.compile(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?")
COMMENT = re.compile(r"/\*.*?\*/|(?:^|(?<=\s))//[^\n]*", re.S | re.M)
# Amounts, income bounds, brackets and the discount's years: every rule number of three digits or more, and the
# rates as fractions. The small ones (periods, months, per-mille rates) look like a script's own indexes, radix
# or twelve months; test_the_live_figure_follows_the_server_rules (tests/browser) holds those to the server.
FORBIDDEN = {n for n in rule_numbers() if n >= 100} | {
    value / 1000 for name, value in rule_constants().items() if name.endswith("_PERMILLE")}


@pytest.mark.parametrize("script", sorted((ROOT / "outreach/static/js").glob("*.js")), ids=lambda p: p.name)
def test_no_rule_is_typed_into_a_script(script):
    code = COMMENT.sub("", script.read_text(encoding="utf-8"))
    typed = {float(n.replace("_", "")) for n in NUMBER.findall(code)}
    assert not typed & FORBIDDEN, f"{script.name} types a rule of domain/contribution.py: take it from data-rules"
