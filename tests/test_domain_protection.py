"""Protection from the KPJ, the months paid and today: every state, its dates, the lapse after 3 months."""
from datetime import date

import pytest

from outreach.domain.protection import LAPSE_MONTHS, STATES, Protection, paid_months, protection

JAN, FEB = (2026, 1), (2026, 2)


@pytest.mark.parametrize("has_kpj, payments, today, expected", [
    # no KPJ: registered, whatever was paid
    (False, [], date(2026, 3, 1), Protection("registered")),
    (False, [(JAN, 6)], date(2026, 3, 1), Protection("registered")),
    # a KPJ and nothing paid
    (True, [], date(2026, 3, 1), Protection("awaiting_first_payment")),
    # paid in advance from next month: not yet protected, starts then
    (True, [((2026, 4), 1)], date(2026, 3, 31), Protection("awaiting_first_payment", starts=date(2026, 4, 1))),
    # this month paid: protected to the end of the run of paid months
    (True, [(JAN, 1)], date(2026, 1, 15), Protection("protected", until=date(2026, 1, 31))),
    (True, [(JAN, 3)], date(2026, 1, 1), Protection("protected", until=date(2026, 3, 31))),
    (True, [(JAN, 1), (FEB, 2)], date(2026, 1, 20), Protection("protected", until=date(2026, 3, 31))),
    (True, [(JAN, 1), ((2026, 3), 1)], date(2026, 1, 20), Protection("protected", until=date(2026, 1, 31))),
    (True, [((2025, 12), 2)], date(2026, 1, 31), Protection("protected", until=date(2026, 1, 31))),
    # the APBD cohort: Aug 2025 – Jan 2026 paid, nothing after
    (True, [((2025, 8), 6)], date(2026, 1, 31), Protection("protected", until=date(2026, 1, 31))),
    (True, [((2025, 8), 6)], date(2026, 2, 1), Protection("in_arrears", until=date(2026, 1, 31), unpaid_months=1)),
    (True, [((2025, 8), 6)], date(2026, 3, 31), Protection("in_arrears", until=date(2026, 1, 31), unpaid_months=2)),
    (True, [((2025, 8), 6)], date(2026, 4, 1),
     Protection("inactive", until=date(2026, 1, 31), unpaid_months=3, since=date(2026, 4, 1))),
    (True, [((2025, 8), 6)], date(2026, 11, 26),
     Protection("inactive", until=date(2026, 1, 31), unpaid_months=10, since=date(2026, 4, 1))),
    # arrears paid: protected again (reactivation is a payment, not a new registration)
    (True, [((2025, 8), 6), (FEB, 10)], date(2026, 11, 26), Protection("protected", until=date(2026, 11, 30))),
    # a gap in the past does not matter once this month is paid
    (True, [(JAN, 1), ((2026, 11), 1)], date(2026, 11, 1), Protection("protected", until=date(2026, 11, 30))),
    # a later month paid while in arrears: still in arrears now
    (True, [(JAN, 1), ((2026, 4), 1)], date(2026, 3, 10), Protection("in_arrears", until=date(2026, 1, 31),
                                                                      unpaid_months=2)),
    # a December payment runs into the next year
    (True, [((2026, 12), 3)], date(2027, 2, 28), Protection("protected", until=date(2027, 2, 28))),
])
def test_protection(has_kpj, payments, today, expected):
    assert protection(has_kpj, payments, today) == expected


def test_every_state_is_reached_and_named():
    reached = {protection(*case).state for case in [
        (False, [], date(2026, 1, 1)), (True, [], date(2026, 1, 1)), (True, [(JAN, 1)], date(2026, 1, 1)),
        (True, [(JAN, 1)], date(2026, 2, 1)), (True, [(JAN, 1)], date(2026, 1 + LAPSE_MONTHS, 1))]}
    assert reached == set(STATES)


@pytest.mark.parametrize("payments, expected", [
    ([], set()), ([(JAN, 0)], set()), ([(JAN, -2)], set()),
    ([(JAN, 2), (FEB, 2)], {2026 * 12, 2026 * 12 + 1, 2026 * 12 + 2}),
])
def test_paid_months(payments, expected):
    assert paid_months(payments) == expected


def test_as_dict_is_what_the_api_shows():
    p = protection(True, [((2025, 8), 6)], date(2026, 3, 1))
    assert p.as_dict() == {"state": "in_arrears", "until": "2026-01-31", "unpaid_months": 2}
