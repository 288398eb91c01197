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


@pytest.mark.parametrize("groups, desa, statuses, occupations", [
    ([], {}, {}, {}),
    ([("d1", "active", None, "nelayan", "self", True, 3), ("d1", "active", None, "nelayan", "self", False, 2),
      ("d1", "pending", None, "petani", "self", None, 4)],
     {"d1": Counts(9, 5, 3)}, {"active": 5, "pending": 4}, {"nelayan": 5, "petani": 4}),
    # rejected: in the status counts only; erased: by the status it had
    ([("d1", "rejected", None, "petani", "self", None, 2), ("d2", "erased", "active", "petani", "apbd", True, 1),
      ("d2", "erased", "rejected", "petani", "self", None, 1)],
     {"d2": Counts(1, 1, 1)}, {"rejected": 2, "erased": 2}, {"petani": 1}),
    # protected is read only for the active (a returned row paid long ago is not)
    ([("d1", "returned", None, "ojek", "self", True, 1)], {"d1": Counts(1, 0, 0)}, {"returned": 1}, {"ojek": 1}),
])
def test_fold(groups, desa, statuses, occupations):
    tally = coverage.fold(groups)
    assert (tally.by_desa, tally.statuses, tally.occupations) == (desa, statuses, occupations)
    assert sum(tally.funding.values()) == sum(occupations.values())
