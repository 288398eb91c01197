"""Coverage arithmetic, table-driven: the protected against a target, percentages, the day that protects."""
from datetime import date

import pytest

from outreach.domain import coverage
from outreach.domain.coverage import Counts
from outreach.domain.followup import standing


@pytest.mark.parametrize("part, whole, pct", [
    (21, 100, 21.0), (1, 8, 12.5), (2, 3, 66.7), (0, 5, 0.0), (7, 0, None), (7, None, None), (3, -1, None),
    (150, 100, 150.0),  # over the target is shown as it is
])
def test_percent(part, whole, pct):
    assert coverage.percent(part, whole) == pct


@pytest.mark.parametrize("paid_through, today, counted", [
    (date(2026, 11, 30), date(2026, 11, 26), True),
    (date(2026, 11, 26), date(2026, 11, 26), True),  # the last day paid still protects
    (date(2026, 10, 31), date(2026, 11, 1), False),  # in arrears from the first of the month
    (date(2026, 1, 31), date(2026, 11, 26), False),  # an ended programme, nothing paid since: inactive
])
def test_protected_from_agrees_with_standing(paid_through, today, counted):
    assert (paid_through >= coverage.protected_from(today)) is counted
    assert (standing(paid_through, today).state == "protected") is counted


@pytest.mark.parametrize("counts, target, pct, gap", [
    (Counts(10, 6, 4), 20, 20.0, 2),
    (Counts(10, 6, 6), None, None, 0),
    (Counts(3, 0, 0), 10, 0.0, 0),  # registered but no KPJ yet: not covered
])
def test_coverage_counts_the_protected(counts, target, pct, gap):
    assert coverage.coverage(counts, target) == pct and coverage.gap(counts) == gap


def test_add_up():
    assert coverage.add_up([Counts(1, 1, 0), Counts(2, 1, 1)]) == Counts(3, 2, 1)
    assert coverage.add_up([]) == Counts()
