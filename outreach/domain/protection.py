"""Until when a BPU participant is protected, from the KPJ, the months paid and today.

Source: data/bpu_rules.md, "Protection, payment and lapse" (M–H). Registration alone protects nobody; protection
runs for the months paid (contributions are paid per calendar month, in advance, with the NIK as payment code);
there is no late fine, but after LAPSE_MONTHS consecutive unpaid months participation becomes non-active, and
paying the arrears or starting again reactivates it. A month counts as unpaid from its first day.

States, in the order a participant meets them:
- registered: no KPJ yet (the branch has not registered the worker);
- awaiting_first_payment: a KPJ, and no month paid up to this one (`starts` is a later paid month, if any);
- protected: this month is paid; `until` is the last day of the run of paid months that holds this one;
- in_arrears: 1 to LAPSE_MONTHS - 1 months unpaid since the last paid month (`until`: when protection ended);
- inactive: LAPSE_MONTHS or more months unpaid (`since`: the first day of the month it lapsed in).
"""
from calendar import monthrange
from dataclasses import dataclass
from datetime import date

LAPSE_MONTHS = 3  # consecutive unpaid months after which participation is non-active (bpu_rules.md, M–H)
STATES = ("registered", "awaiting_first_payment", "protected", "in_arrears", "inactive")

Month = tuple[int, int]  # (year, month)


def month_index(m: Month) -> int:
    return m[0] * 12 + m[1] - 1


def month_of(index: int) -> Month:
    return index // 12, index % 12 + 1


def last_day(m: Month) -> date:
    return date(m[0], m[1], monthrange(*m)[1])


def first_day(m: Month) -> date:
    return date(m[0], m[1], 1)


@dataclass(frozen=True)
class Protection:
    state: str
    until: date | None = None  # protected: the last day covered; in_arrears/inactive: when protection ended
    unpaid_months: int = 0  # consecutive months unpaid, this one included
    since: date | None = None  # inactive: from when
    starts: date | None = None  # awaiting_first_payment with a later month paid: its first day

    def as_dict(self) -> dict:
        return {"state": self.state, "until": self.until.isoformat() if self.until else None,
                "unpaid_months": self.unpaid_months}


def paid_months(payments) -> set[int]:
    """Month indexes covered by payments given as (first month, number of months)."""
    covered = set()
    for first, count in payments:
        start = month_index(first)
        covered.update(range(start, start + max(count, 0)))
    return covered


def protection(has_kpj: bool, payments, today: date) -> Protection:
    """The protection on `today` of a registration with (or without) a KPJ and these payments."""
    if not has_kpj:
        return Protection("registered")
    covered = paid_months(payments)
    now = month_index((today.year, today.month))
    if now in covered:
        end = now
        while end + 1 in covered:
            end += 1
        return Protection("protected", until=last_day(month_of(end)))
    earlier = [m for m in covered if m < now]
    if not earlier:
        later = [m for m in covered if m > now]
        return Protection("awaiting_first_payment", starts=first_day(month_of(min(later))) if later else None)
    last_paid = max(earlier)
    unpaid = now - last_paid
    ended = last_day(month_of(last_paid))
    if unpaid >= LAPSE_MONTHS:
        return Protection("inactive", until=ended, unpaid_months=unpaid,
                          since=first_day(month_of(last_paid + LAPSE_MONTHS)))
    return Protection("in_arrears", until=ended, unpaid_months=unpaid)
