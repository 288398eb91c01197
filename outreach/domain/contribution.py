"""BPU contributions (iuran), in whole Rupiah. The numbers are data here, with their sources.

PP 44/2015 (JKK, JKM) as last amended by PP 49/2023, and PP 46/2015 (JHT) (data/bpu_rules.md):
- JKK = 1% of the bracket base of the declared monthly income (Lampiran II, data/bpu_income_brackets.csv),
  at least Rp10.000 and at most Rp207.000; JKM = Rp6.800 flat; JHT (optional) = 2% of the same base.
- Any declared income of Rp0 or more has a base: the first bracket has no floor (an income under Rp1.000.000
  pays on the minimum base, Rp1.000.000), the last no ceiling. Periods of 1, 3, 6 or 12 months paid in advance.
PP 50/2025: JKK and JKM halved for contribution months April–December 2026 (non-transport BPU) and
January 2026–March 2027 (transport BPU), except when paid "melalui APBN atau APBD". Computed month by month.
Rounding: each programme's amount is rounded half-up to whole Rupiah before adding (integers only).
"""
import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from outreach.domain import occupations
from outreach.domain.regions import DATA

MIN_INCOME = 0  # the first bracket has no floor
# Not a bracket's ceiling (the last has none): the most a declared monthly income may be, so that a typo of a few
# extra zeros is caught and the amount fits its column.
MAX_INCOME = 1_000_000_000
JKK_PERMILLE, JHT_PERMILLE = 10, 20  # 1% and 2%, as thousandths so the arithmetic stays integer
JKK_MIN, JKK_MAX = 10_000, 207_000
JKM_FLAT = 6_800
PERIODS = (1, 3, 6, 12)
PROGRAMS = ("JKK", "JKM", "JHT")
BASIC = ("JKK", "JKM")
# PP 50/2025: (first month, last month) of the halved JKK/JKM, by kind of work.
DISCOUNT = {"non_transport": ((2026, 4), (2026, 12)), "transport": ((2026, 1), (2027, 3))}
# Who pays: the discount does not apply to contributions paid from the state or district budget.
# The payer (bpu_rules.md, "Not discounted"): the worker (mandiri), the regency's, the province's or the state's
# budget, the village budget (APBDes / dana desa), or a company or other sponsor (CSR).
FUNDING = ("self", "apbd_kabupaten", "apbd_provinsi", "apbn", "apbdes", "sponsor")
SELF = "self"  # the worker pays (mandiri); every other payer pays through a funding programme
# Codes that older pages and phones' queued entries still send, and what they mean now.
FUNDING_ALIASES = {"apbd": "apbd_kabupaten"}
# Contributions paid "melalui APBN atau APBD" get no PP 50/2025 discount (H): always.
STATE_BUDGET = ("apbd_kabupaten", "apbd_provinsi", "apbn")
# Whether the village budget counts as APBN/APBD no source decides (L): a setting (APBDES_DISCOUNTED), excluded by
# default, the safer error (an overpayment is credited forward, an underpayment lapses the cover).
VILLAGE_BUDGET = "apbdes"
BUDGET_FUNDED = STATE_BUDGET + (VILLAGE_BUDGET,)  # the payers without the discount, by default
SPONSORED = "sponsor"  # the payer whose name is asked for


def percent_of(base: int, permille: int) -> int:
    """permille/1000 of base, rounded half-up, in integers."""
    return (base * permille + 500) // 1000


def halve(amount: int) -> int:
    return (amount + 1) // 2


@lru_cache(maxsize=1)
def brackets() -> tuple[tuple[int, int, str], ...]:
    """(lowest income, base, range label) per bracket, lowest first (PP 44/2015 Lampiran II)."""
    rows = []
    with open(DATA / "bpu_income_brackets.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            numbers = [int(n.replace(".", "")) for n in re.findall(r"\d[\d.]*", row["declared_income_range"])]
            lowest = MIN_INCOME if row["declared_income_range"].startswith("up to") else numbers[0]
            rows.append((lowest, int(row["base_rupiah"]), row["declared_income_range"]))
    return tuple(sorted(rows))


def bracket_base(income: int) -> int:
    """The base the contribution is computed on, for any income of Rp0 or more (no floor, no ceiling)."""
    if income < 0:
        raise ValueError("income out of bounds")
    base = brackets()[0][1]
    for lowest, bracket, _label in brackets():
        if income >= lowest:
            base = bracket
    return base


def undiscounted(apbdes_discounted: bool = False) -> tuple[str, ...]:
    """The payers whose contributions get no PP 50/2025 discount, given the district's APBDes setting."""
    return STATE_BUDGET if apbdes_discounted else BUDGET_FUNDED


def discounted(month: tuple[int, int], kind: str, funding: str, excluded=None) -> bool:
    if funding in (BUDGET_FUNDED if excluded is None else excluded):
        return False
    first, last = DISCOUNT[kind]
    return first <= month <= last


@dataclass(frozen=True)
class Contribution:
    base: int
    monthly_normal: dict[str, int]  # per programme, normal tariff
    months: tuple[dict[str, int], ...]  # per programme, per month of the period, as charged
    start: tuple[int, int]
    discount_until: tuple[int, int] | None = None  # this worker's last PP 50/2025 month; None when budget-paid

    @property
    def month_totals(self) -> list[int]:
        return [sum(m.values()) for m in self.months]

    @property
    def monthly_normal_total(self) -> int:
        return sum(self.monthly_normal.values())

    @property
    def first_month_total(self) -> int:
        return sum(self.months[0].values())

    @property
    def period_total(self) -> int:
        return sum(sum(m.values()) for m in self.months)

    @property
    def period_normal_total(self) -> int:
        return self.monthly_normal_total * len(self.months)

    @property
    def discount_applied(self) -> bool:
        return self.period_total < self.period_normal_total

    def as_dict(self) -> dict:
        return {
            "base": self.base,
            "programs": self.monthly_normal,
            "monthly_normal": self.monthly_normal_total,
            "monthly": self.first_month_total,
            "months": len(self.months),
            "period_total": self.period_total,
            "period_normal": self.period_normal_total,
            "discount_applied": self.discount_applied,
            # month by month, so a receipt can say why the first month costs less than the others
            "first_month": month_text(self.start),
            "by_month": self.month_totals,
            "discount_until": month_text(self.discount_until) if self.discount_applied else None,
        }


@dataclass(frozen=True)
class Run:
    """Consecutive months charged the same amount (a period straddling the discount's end has two or more)."""
    first: tuple[int, int]
    last: tuple[int, int]
    months: int
    amount: int


def month_text(month: tuple[int, int]) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"


def parse_month(text) -> tuple[int, int] | None:
    """A stored month ("2026-12") as (2026, 12); None for anything else."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text) if isinstance(text, str) else None
    return (int(match[1]), int(match[2])) if match and 1 <= int(match[2]) <= 12 else None


def runs(first: tuple[int, int], totals) -> list[Run]:
    """Group the monthly totals of a period that starts in `first` into runs of equal amounts."""
    out: list[Run] = []
    for n, amount in enumerate(totals):
        month = add_months(first[0], first[1], n)
        if out and out[-1].amount == amount:
            out[-1] = Run(out[-1].first, month, out[-1].months + 1, amount)
        else:
            out.append(Run(month, month, 1, amount))
    return out


def schedule(stored: dict | None) -> list[Run]:
    """The runs of a stored contribution (as_dict()); empty for one saved before months were kept."""
    stored = stored or {}
    first, totals = parse_month(stored.get("first_month")), stored.get("by_month")
    if first is None or not isinstance(totals, list):
        return []
    return runs(first, totals)


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def normal_rates(base: int, programs) -> dict[str, int]:
    """A month's amount per programme at the normal tariff, for a bracket base."""
    programs = set(programs)
    if not set(BASIC) <= programs or not programs <= set(PROGRAMS):
        raise ValueError("JKK and JKM always, JHT optional")
    normal = {
        "JKK": min(max(percent_of(base, JKK_PERMILLE), JKK_MIN), JKK_MAX),
        "JKM": JKM_FLAT,
    }
    if "JHT" in programs:
        normal["JHT"] = percent_of(base, JHT_PERMILLE)
    return normal


def charged(normal: dict[str, int], first: tuple[int, int], months: int, funding: str, transport: bool,
            excluded=None) -> list[dict[str, int]]:
    """Each of `months` months from `first`, per programme, at the rate in force for that month."""
    if funding not in FUNDING:
        raise ValueError("unknown funding")
    kind = "transport" if transport else "non_transport"
    out = []
    for n in range(months):
        cut = discounted(add_months(first[0], first[1], n), kind, funding, excluded)
        out.append({p: halve(a) if cut and p in BASIC else a for p, a in normal.items()})
    return out


def month_totals(income: int, programs, first: tuple[int, int], months: int, funding: str,
                 transport: bool = False, excluded=None) -> list[int]:
    """What each of any number of months from `first` costs (a funding programme's months, say)."""
    normal = normal_rates(bracket_base(income), programs)
    return [sum(m.values()) for m in charged(normal, first, months, funding, transport, excluded)]


def contribution_for(income: int, programs, months: int, start: date, funding: str = "self",
                     transport: bool = False, excluded=None) -> Contribution:
    """The contribution for `months` months paid from the month of `start`. `excluded`: the payers without the
    discount (undiscounted(), from the district's setting); by default BUDGET_FUNDED."""
    if months not in PERIODS:
        raise ValueError("period must be 1, 3, 6 or 12 months")
    base = bracket_base(income)
    normal = normal_rates(base, programs)
    first = (start.year, start.month)
    months_charged = charged(normal, first, months, funding, transport, excluded)
    no_discount = funding in (BUDGET_FUNDED if excluded is None else excluded)
    return Contribution(base=base, monthly_normal=normal, months=tuple(months_charged), start=first,
                        discount_until=None if no_discount else DISCOUNT["transport" if transport else "non_transport"][1])


def browser_rules(start: date, excluded=None, transport=None) -> dict:
    """Every rule above, for the form's script to show the figure the server would (offline too) without a
    rule typed a second time in JavaScript; sent as JSON. Keys are the constants' names in camelCase (a test
    holds every constant to it). `start` is the first contribution month: today's for a new registration, the
    registration's own when correcting it. `excluded` and `transport`: the payers without the discount and the
    transport occupations under the district's settings (by default BUDGET_FUNDED and occupations.TRANSPORT)."""
    return {
        "minIncome": MIN_INCOME, "maxIncome": MAX_INCOME,
        "jkkPermille": JKK_PERMILLE, "jhtPermille": JHT_PERMILLE, "jkkMin": JKK_MIN, "jkkMax": JKK_MAX,
        "jkmFlat": JKM_FLAT, "periods": PERIODS, "programs": PROGRAMS, "basic": BASIC, "discount": DISCOUNT,
        "funding": FUNDING, "fundingAliases": FUNDING_ALIASES, "stateBudget": STATE_BUDGET,
        "villageBudget": VILLAGE_BUDGET, "budgetFunded": BUDGET_FUNDED if excluded is None else tuple(excluded),
        "sponsored": SPONSORED, "self": SELF, "otherOccupation": occupations.OTHER,
        "brackets": [[lowest, base] for lowest, base, _label in brackets()],
        "transport": sorted(occupations.TRANSPORT if transport is None else transport),
        "start": start.strftime("%Y-%m"),
    }
