"""Funding programmes (*program pembiayaan*): a budget that pays the contributions of a cohort for some months,
e.g. Bangka Selatan's APBD for 1,768 vulnerable workers, August 2025–January 2026 (data/bpu_rules.md,
"Sponsored cohorts are time-bound"). The months and amounts, as pure arithmetic; the tables are
models/payment.py, the pages outreach/programmes/."""
from outreach.domain.contribution import BASIC, PROGRAMS, add_months, month_totals

STATES = ("upcoming", "running", "ended")
# What a programme pays for: JKK + JKM, or the three.
UNITS = {False: BASIC, True: PROGRAMS}


def month_index(month: tuple[int, int]) -> int:
    return month[0] * 12 + month[1] - 1


def last_month(first: tuple[int, int], months: int) -> tuple[int, int]:
    return add_months(first[0], first[1], months - 1)


def state(first: tuple[int, int], months: int, today: tuple[int, int]) -> str:
    """upcoming before its first month, running through its last, ended after."""
    if today < first:
        return "upcoming"
    return "running" if today <= last_month(first, months) else "ended"


def is_open(first: tuple[int, int], months: int, today: tuple[int, int]) -> bool:
    """Whether a worker may still join: until the programme's last month has passed."""
    return state(first, months, today) != "ended"


def member_months(first: tuple[int, int], months: int, joined: tuple[int, int]) -> tuple[tuple[int, int], int]:
    """The months a member is paid for: from the later of the programme's first month and the member's own first
    contribution month, through the programme's last; (first month, how many), 0 when joined after the end."""
    start = max(first, joined)
    return start, max(month_index(last_month(first, months)) - month_index(start) + 1, 0)


def member_cost(income: int | None, with_jht: bool, payer: str, first: tuple[int, int], months: int,
                joined: tuple[int, int], transport: bool = False, excluded=None) -> tuple[int, int]:
    """(months, Rupiah) a programme commits for one member: each month at the rate in force for that month
    (PP 50/2025-aware, with the payer's exclusion from the discount). An income not known counts as Rp0 (the
    minimum base)."""
    start, n = member_months(first, months, joined)
    if n == 0:
        return 0, 0
    return n, sum(month_totals(income or 0, UNITS[with_jht], start, n, payer, transport, excluded))
