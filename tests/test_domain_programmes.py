"""A funding programme's months and what it commits for a member, table-driven (data/bpu_rules.md, "Sponsored
cohorts are time-bound")."""
import pytest

from outreach.domain import programmes

AUG_2025 = (2025, 8)  # Bangka Selatan's APBD cohort: six months, 1 Aug 2025 – 31 Jan 2026


@pytest.mark.parametrize("first, months, last", [
    (AUG_2025, 6, (2026, 1)), ((2026, 1), 12, (2026, 12)), ((2026, 11), 1, (2026, 11)), ((2026, 12), 3, (2027, 2)),
])
def test_last_month(first, months, last):
    assert programmes.last_month(first, months) == last


@pytest.mark.parametrize("today, state, open_", [
    ((2025, 7), "upcoming", True), (AUG_2025, "running", True), ((2026, 1), "running", True),
    ((2026, 2), "ended", False), ((2026, 11), "ended", False),
])
def test_a_programme_ends_after_its_last_month(today, state, open_):
    assert programmes.state(AUG_2025, 6, today) == state
    assert programmes.is_open(AUG_2025, 6, today) is open_


@pytest.mark.parametrize("joined, first, months", [
    ((2025, 7), AUG_2025, 6),  # registered before it starts: every month
    (AUG_2025, AUG_2025, 6),
    ((2025, 11), (2025, 11), 3),  # joined in its fourth month: November, December, January
    ((2026, 1), (2026, 1), 1),
    ((2026, 2), (2026, 2), 0),  # after its end: nothing
])
def test_a_member_is_paid_from_the_later_of_the_two_first_months(joined, first, months):
    assert programmes.member_months(AUG_2025, 6, joined) == (first, months)


@pytest.mark.parametrize("income, with_jht, payer, first, n, joined, transport, excluded, cost", [
    # the district's APBD: 6 × 16.800, never discounted (bpu_rules.md: 950 × 16.800 × 12 for Kabupaten Bangka)
    (1_000_000, False, "apbd_kabupaten", AUG_2025, 6, (2025, 7), False, None, (6, 100_800)),
    (None, False, "apbd_kabupaten", AUG_2025, 6, (2025, 7), False, None, (6, 100_800)),  # income unknown: minimum
    (1_000_000, True, "apbd_kabupaten", AUG_2025, 6, (2025, 7), False, None, (6, 6 * 36_800)),  # with JHT
    # a sponsor in 2026: April on discounted (JKK + JKM halved), for a non-transport member
    (1_000_000, False, "sponsor", (2026, 1), 6, (2026, 1), False, None, (6, 3 * 16_800 + 3 * 8_400)),
    # a transport member is discounted from January 2026
    (1_000_000, False, "sponsor", (2026, 1), 6, (2026, 1), True, None, (6, 6 * 8_400)),
    # the village budget: excluded by default, discounted when the district says so
    (1_000_000, False, "apbdes", (2026, 4), 3, (2026, 4), False, None, (3, 3 * 16_800)),
    (1_000_000, False, "apbdes", (2026, 4), 3, (2026, 4), False, ("apbd_kabupaten", "apbd_provinsi", "apbn"),
     (3, 3 * 8_400)),
    (1_000_000, False, "apbd_kabupaten", AUG_2025, 6, (2026, 3), False, None, (0, 0)),  # joined after its end
])
def test_what_a_programme_commits_for_a_member(income, with_jht, payer, first, n, joined, transport, excluded, cost):
    assert programmes.member_cost(income, with_jht, payer, first, n, joined, transport, excluded) == cost
