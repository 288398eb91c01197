"""Follow-up: which list a registration with a KPJ belongs to today, what it owes next, and the contact log's codes.

Sources (data/bpu_rules.md): protection runs for the months paid and lapses after LAPSE_MONTHS unpaid months
(protection.py); sponsored cohorts end (Bangka Selatan's APBD paid Aug 2025–Jan 2026 only); the PP 50/2025
discount for non-transport workers ends with December 2026 (contribution.DISCOUNT), doubling the next bill.

Each registration is in at most one list, the first that applies in LISTS' order, so that the counts add up and
a worker is called once for the most pressing reason. The lists read only columns of the registration
(`paid_through`: the last day of the latest month paid; `kpj_at`), so the same rules are queries over an index
(services/followup.py); `follows()` is their table-tested twin.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from outreach.domain import contribution
from outreach.domain.protection import LAPSE_MONTHS, Protection, first_day, last_day, month_index, month_of

# The order is the precedence: a worker never paid since the KPJ first; lapsed and in arrears before those still
# protected; among the protected, the sponsored whose programme ends (they must take over), the self-payers whose
# discount ends (the bill doubles), then anyone whose paid months run out.
LISTS = ("no_first_payment", "inactive", "in_arrears", "programme_ending", "discount_ending", "ending")
FIRST_PAYMENT_DAYS = 14  # days after the KPJ before a missing first payment is followed up (setting FOLLOWUP_FIRST_PAYMENT_DAYS)
ENDING_DAYS = 30  # protection ending within
PROGRAMME_ENDING_DAYS = 60  # a sponsored programme ending within
DISCOUNT_ENDING_DAYS = 60  # the PP 50/2025 discount ending within (for self-payers of that kind of work)

CHANNELS = ("visit", "phone", "whatsapp", "sms")
OUTCOMES = ("paid", "will_pay", "no_answer", "refused", "moved", "died", "wrong_number", "other")
CLOSING = ("moved", "died")  # nothing more to follow up: off every list until another contact reopens it
# The next follow-up an outcome suggests, in days from the contact (will_pay: the day after the promised date).
NEXT_DAYS = {"paid": 14, "will_pay": 1, "no_answer": 3, "refused": 30, "wrong_number": 7, "other": 7}
STOP_WORDS = ("berhenti", "stop", "unreg")  # a reply or an officer's note with one of these opts out of messages


@dataclass(frozen=True)
class Situation:
    """What the lists read from one registration."""
    kpj_at: date | None  # the WIB day the KPJ was recorded
    paid_through: date | None
    funding: str
    transport: bool
    programme_end: date | None = None  # the last day the worker's programme pays for


def current_month_start(today: date) -> date:
    return date(today.year, today.month, 1)


def lapsed_before(today: date) -> date:
    """paid_through before this day: LAPSE_MONTHS or more months unpaid (inactive)."""
    return first_day(month_of(month_index((today.year, today.month)) - (LAPSE_MONTHS - 1)))


def standing(paid_through: date | None, today: date) -> Protection:
    """The protection of a worker with a KPJ from `paid_through` alone (the paid months taken as one run, as the
    payment services keep it): what a list row shows without reading the ledger."""
    if paid_through is None:
        return Protection("awaiting_first_payment")
    if paid_through >= today:
        return Protection("protected", until=paid_through)
    unpaid = month_index((today.year, today.month)) - month_index((paid_through.year, paid_through.month))
    if unpaid >= LAPSE_MONTHS:
        since = first_day(month_of(month_index((paid_through.year, paid_through.month)) + LAPSE_MONTHS))
        return Protection("inactive", until=paid_through, unpaid_months=unpaid, since=since)
    return Protection("in_arrears", until=paid_through, unpaid_months=unpaid)


@dataclass(frozen=True)
class Bounds:
    """A protection state as conditions on a registration's columns, so a list filters on it with an index
    (services/queue.py): has a KPJ (status active, KPJ set); paid_through NULL or not; low <= paid_through < high."""
    has_kpj: bool
    paid: bool | None = None  # None: either
    low: date | None = None
    high: date | None = None


def bounds(state: str, today: date) -> Bounds:
    """The rows standing() puts in `state` today (registered: no KPJ yet)."""
    lapsed = lapsed_before(today)
    return {"registered": Bounds(False), "awaiting_first_payment": Bounds(True, paid=False),
            "protected": Bounds(True, True, low=today), "in_arrears": Bounds(True, True, low=lapsed, high=today),
            "inactive": Bounds(True, True, high=lapsed)}[state]


def within(b: Bounds, has_kpj: bool, paid_through: date | None) -> bool:
    """What the query does with `b`, in Python: its table-tested twin."""
    if b.has_kpj != has_kpj:
        return False
    if not has_kpj or b.paid is None:
        return True
    if (paid_through is not None) != b.paid:
        return False
    return (b.low is None or paid_through >= b.low) and (b.high is None or paid_through < b.high)


def discount_end(kind: str) -> date:
    return last_day(contribution.DISCOUNT[kind][1])


def kind_of(transport: bool) -> str:
    return "transport" if transport else "non_transport"


def discount_ending_kinds(today: date, days: int = DISCOUNT_ENDING_DAYS) -> dict[str, date]:
    """{kind of work: its discount's last day} for the discounts that end within `days`."""
    return {kind: discount_end(kind) for kind in contribution.DISCOUNT
            if today <= discount_end(kind) <= today + timedelta(days=days)}


def programme_end(first_month: date, months: int) -> date:
    """The last day a programme pays for (first_month is the first day of its first month)."""
    return last_day(month_of(month_index((first_month.year, first_month.month)) + months - 1))


def follows(s: Situation, today: date, first_payment_days: int = FIRST_PAYMENT_DAYS) -> str | None:
    """The list the worker is on today, or None (nothing to follow up yet, or no KPJ)."""
    if s.kpj_at is None:
        return None
    if s.paid_through is None:
        return "no_first_payment" if s.kpj_at <= today - timedelta(days=first_payment_days) else None
    if s.paid_through < lapsed_before(today):
        return "inactive"
    if s.paid_through < today:
        return "in_arrears"
    if (s.programme_end is not None and today <= s.programme_end <= today + timedelta(days=PROGRAMME_ENDING_DAYS)
            and s.paid_through <= s.programme_end):
        return "programme_ending"
    ends = discount_ending_kinds(today).get(kind_of(s.transport))
    if s.funding == "self" and ends is not None and s.paid_through <= ends:
        return "discount_ending"
    if s.paid_through <= today + timedelta(days=ENDING_DAYS):
        return "ending"
    return None


@dataclass(frozen=True)
class Due:
    first: tuple[int, int]  # the first month to pay
    months: int
    total: int
    monthly_after: int  # what a month costs once this period is paid (the bill after the discount, say)
    by_month: tuple[int, ...] = field(default=(), compare=False)  # each month of the period as charged


def amount_due(income: int | None, programs, period: int, paid_through: date | None, today: date,
               transport: bool, funding: str = "self") -> Due:
    """What the worker pays next: from the month after the last one paid (arrears included) or, with nothing
    paid or protection lapsed, from this month ("starting again"); for their period, or as many months as the
    arrears need, rounded up to a period the branch takes. A programme's member who takes over pays as `self`."""
    now = month_index((today.year, today.month))
    start = now
    if paid_through is not None and paid_through >= lapsed_before(today):
        start = month_index((paid_through.year, paid_through.month)) + 1
    needed = max(period if period in contribution.PERIODS else 1, now - start + 1)
    months = next((p for p in contribution.PERIODS if p >= needed), contribution.PERIODS[-1])
    first = month_of(start)
    programs = set(programs or contribution.BASIC) | set(contribution.BASIC)
    income = income if income and contribution.MIN_INCOME <= income <= contribution.MAX_INCOME else contribution.MIN_INCOME
    c = contribution.contribution_for(income, programs, months, date(first[0], first[1], 1), funding, transport)
    after = month_of(start + months)
    later = contribution.contribution_for(income, programs, 1, date(after[0], after[1], 1), funding, transport)
    return Due(first=first, months=months, total=c.period_total, monthly_after=later.first_month_total,
               by_month=tuple(c.month_totals))


def next_contact(outcome: str, day: date, will_pay_on: date | None = None) -> date | None:
    """The follow-up date an outcome suggests; None for the closing ones (moved, died)."""
    if outcome in CLOSING:
        return None
    if outcome == "will_pay" and will_pay_on is not None:
        return will_pay_on + timedelta(days=NEXT_DAYS["will_pay"])
    return day + timedelta(days=NEXT_DAYS.get(outcome, NEXT_DAYS["other"]))


def asks_to_stop(text: str | None) -> bool:
    """A worker's reply or an officer's note that says "berhenti" (or STOP): no more automatic messages."""
    if not isinstance(text, str):  # a gateway's reply may carry anything
        return False
    words = "".join(c if c.isalnum() else " " for c in text.lower()).split()
    return any(word in STOP_WORDS for word in words)
