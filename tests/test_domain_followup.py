"""Which follow-up list a worker is on, what they owe next, the next contact date: tables."""
from datetime import date

import pytest

from outreach.domain.followup import (LISTS, Bounds, Due, Situation, amount_due, asks_to_stop, bounds,
                                      discount_ending_kinds, follows, next_contact, programme_end, standing, within)
from outreach.domain.protection import STATES, protection

TODAY = date(2026, 11, 26)  # December 2026 is the non-transport discount's last month
KPJ = date(2026, 6, 1)


def s(paid_through=None, kpj_at=KPJ, funding="self", transport=False, programme_end=None):
    return Situation(kpj_at=kpj_at, paid_through=paid_through, funding=funding, transport=transport,
                     programme_end=programme_end)


@pytest.mark.parametrize("situation, today, expected", [
    # no KPJ: not followed up (the workflow's business)
    (s(kpj_at=None), TODAY, None),
    # a KPJ, nothing paid: followed up once FIRST_PAYMENT_DAYS (14) have passed
    (s(kpj_at=date(2026, 11, 20)), TODAY, None),
    (s(kpj_at=date(2026, 11, 12)), TODAY, "no_first_payment"),
    (s(kpj_at=date(2026, 11, 13)), TODAY, None),
    # lapsed: 3 unpaid months (Sep, Oct, Nov unpaid when paid through August)
    (s(date(2026, 8, 31)), TODAY, "inactive"),
    (s(date(2026, 1, 31), funding="apbd_kabupaten"), TODAY, "inactive"),  # the 2025 APBD cohort
    # in arrears: 1 or 2 months unpaid
    (s(date(2026, 9, 30)), TODAY, "in_arrears"),
    (s(date(2026, 10, 31)), TODAY, "in_arrears"),
    # protected; a programme ending within 60 days comes first
    (s(date(2026, 12, 31), funding="apbd_kabupaten", programme_end=date(2026, 12, 31)), TODAY, "programme_ending"),
    (s(date(2027, 1, 31), funding="sponsor", programme_end=date(2027, 1, 31)), TODAY, None),  # 66 days away
    (s(date(2027, 1, 31), funding="sponsor", programme_end=date(2027, 1, 31)), date(2026, 12, 2), "programme_ending"),
    (s(date(2027, 3, 31), funding="sponsor", programme_end=date(2027, 3, 31)), TODAY, None),  # ends in 125 days
    # the worker paid on beyond the programme's end: nothing to take over
    (s(date(2027, 6, 30), funding="apbd_kabupaten", programme_end=date(2026, 12, 31)), TODAY, None),
    # self-paying non-transport workers whose paid months stop before the discount does: the bill doubles
    (s(date(2026, 12, 31)), TODAY, "discount_ending"),
    (s(date(2026, 11, 30)), TODAY, "discount_ending"),
    (s(date(2027, 2, 28)), TODAY, None),  # paid past the discount's end already
    (s(date(2026, 11, 30), transport=True), TODAY, "ending"),  # a driver's discount runs to March 2027
    (s(date(2026, 11, 30), funding="apbd_kabupaten"), TODAY, "ending"),  # budget-paid: never discounted
    (s(date(2026, 11, 30), funding="sponsor"), TODAY, "ending"),  # not self-paying
    # ending within 30 days, after the discount has gone
    (s(date(2027, 2, 28)), date(2027, 2, 1), "ending"),
    (s(date(2027, 3, 31)), date(2027, 2, 1), None),
    (s(date(2027, 3, 31), transport=True), date(2027, 2, 15), "discount_ending"),  # the drivers' turn
])
def test_which_list(situation, today, expected):
    assert follows(situation, today) == expected


def test_first_payment_days_is_a_setting():
    assert follows(s(kpj_at=date(2026, 11, 20)), TODAY, first_payment_days=5) == "no_first_payment"


def test_every_list_is_reached():
    cases = [s(kpj_at=date(2026, 1, 1)), s(date(2026, 1, 31)), s(date(2026, 10, 31)),
             s(date(2026, 12, 31), funding="apbn", programme_end=date(2026, 12, 31)), s(date(2026, 12, 31)),
             s(date(2026, 12, 15), transport=True)]
    assert [follows(c, TODAY) for c in cases] == list(LISTS)


def test_discounts_ending_soon():
    assert discount_ending_kinds(TODAY) == {"non_transport": date(2026, 12, 31)}
    assert discount_ending_kinds(date(2027, 2, 1)) == {"transport": date(2027, 3, 31)}
    assert discount_ending_kinds(date(2026, 6, 1)) == {}


@pytest.mark.parametrize("first_month, months, end", [
    (date(2025, 8, 1), 6, date(2026, 1, 31)),  # Bangka Selatan's APBD cohort
    (date(2026, 1, 1), 12, date(2026, 12, 31)),
    (date(2026, 12, 1), 3, date(2027, 2, 28)),
])
def test_programme_end(first_month, months, end):
    assert programme_end(first_month, months) == end


@pytest.mark.parametrize("paid_through, period, transport, funding, expected", [
    # protected through November (discount): December is still halved, the month after costs the full 16.800
    (date(2026, 11, 30), 1, False, "self", Due((2026, 12), 1, 8_400, 16_800)),
    # three months from December: 8.400 + 16.800 + 16.800
    (date(2026, 11, 30), 3, False, "self", Due((2026, 12), 3, 42_000, 16_800)),
    # in arrears since October: October and November due, rounded up to a 3-month period
    (date(2026, 9, 30), 1, False, "self", Due((2026, 10), 3, 25_200, 16_800)),
    # lapsed: starting again from this month
    (date(2026, 1, 31), 1, False, "self", Due((2026, 11), 1, 8_400, 8_400)),
    (None, 1, False, "self", Due((2026, 11), 1, 8_400, 8_400)),
    # a driver's discount runs to March 2027
    (date(2026, 12, 31), 1, True, "self", Due((2027, 1), 1, 8_400, 8_400)),
    # budget-paid: the full amount
    (date(2026, 11, 30), 1, False, "apbd_kabupaten", Due((2026, 12), 1, 16_800, 16_800)),
])
def test_amount_due(paid_through, period, transport, funding, expected):
    assert amount_due(1_000_000, ["JKK", "JKM"], period, paid_through, TODAY, transport, funding) == expected


def test_amount_due_without_an_income_uses_the_lowest_base():
    assert amount_due(None, [], 1, None, TODAY, False).total == 8_400


@pytest.mark.parametrize("outcome, will_pay_on, expected", [
    ("paid", None, date(2026, 12, 10)),
    ("will_pay", date(2026, 12, 5), date(2026, 12, 6)),
    ("will_pay", None, date(2026, 11, 27)),
    ("no_answer", None, date(2026, 11, 29)),
    ("refused", None, date(2026, 12, 26)),
    ("wrong_number", None, date(2026, 12, 3)),
    ("other", None, date(2026, 12, 3)),
    ("moved", None, None),
    ("died", None, None),
])
def test_next_contact(outcome, will_pay_on, expected):
    assert next_contact(outcome, TODAY, will_pay_on) == expected


@pytest.mark.parametrize("text, stops", [
    ("BERHENTI", True), ("berhenti.", True), ("Stop", True), ("tolong berhenti kirim", True),
    ("berhentilah", False), ("", False), (None, False), ("nanti bayar", False),
])
def test_asks_to_stop(text, stops):
    assert asks_to_stop(text) is stops


@pytest.mark.parametrize("paid_through, payments", [
    (None, []),
    (date(2026, 12, 31), [((2026, 10), 3)]),
    (date(2026, 11, 30), [((2026, 11), 1)]),
    (date(2026, 10, 31), [((2026, 10), 1)]),
    (date(2026, 9, 30), [((2026, 9), 1)]),
    (date(2026, 8, 31), [((2026, 8), 1)]),
    (date(2026, 1, 31), [((2025, 8), 6)]),
])
def test_standing_from_paid_through_agrees_with_the_ledger(paid_through, payments):
    """One run of paid months (as payments keep paid_through): the row's column says what the ledger says."""
    assert standing(paid_through, TODAY) == protection(True, payments, TODAY)


@pytest.mark.parametrize("state, today, expected", [
    ("registered", TODAY, Bounds(False)),
    ("awaiting_first_payment", TODAY, Bounds(True, paid=False)),
    ("protected", TODAY, Bounds(True, True, low=TODAY)),
    # 3 months unpaid make inactive: paid through August is inactive in November, through September in arrears
    ("in_arrears", TODAY, Bounds(True, True, low=date(2026, 9, 1), high=TODAY)),
    ("inactive", TODAY, Bounds(True, True, high=date(2026, 9, 1))),
    ("in_arrears", date(2027, 1, 1), Bounds(True, True, low=date(2026, 11, 1), high=date(2027, 1, 1))),
    ("inactive", date(2026, 2, 28), Bounds(True, True, high=date(2025, 12, 1))),
])
def test_bounds_of_a_state(state, today, expected):
    assert bounds(state, today) == expected


@pytest.mark.parametrize("today", [TODAY, date(2026, 11, 1), date(2026, 11, 30), date(2027, 1, 1), date(2026, 3, 31)])
@pytest.mark.parametrize("paid_through", [None, date(2025, 12, 31), date(2026, 8, 31), date(2026, 9, 30),
                                          date(2026, 10, 31), date(2026, 11, 14), date(2026, 11, 15),
                                          date(2026, 11, 30), date(2027, 1, 31)])
def test_each_row_is_in_the_one_state_standing_gives(today, paid_through):
    """The query's bounds and standing() agree, and the five states never overlap."""
    for has_kpj in (True, False):
        found = [s for s in STATES if within(bounds(s, today), has_kpj, paid_through)]
        expected = standing(paid_through, today).state if has_kpj else "registered"
        assert found == [expected], (has_kpj, paid_through, today)


def test_amount_due_gives_its_months_one_by_one():
    due = amount_due(1_000_000, ["JKK", "JKM"], 3, date(2026, 11, 30), TODAY, False)
    assert due.by_month == (8_400, 16_800, 16_800) and sum(due.by_month) == due.total
