"""A contribution payment as typed, imported or sent by a phone: what makes it readable, and what the rule asks
for the months it covers. Source: data/bpu_rules.md, "Contributions" and "Protection, payment and lapse".

An amount that differs from the rule is *flagged*, not refused: arrears paid together, credits, a rate the branch
applied differently all exist; the coordinator sees the difference (`expected` beside `amount`).
"""
import re
from dataclasses import dataclass
from datetime import date

from outreach.domain import contribution
from outreach.domain.protection import last_day

CHANNELS = ("bank", "pos", "minimarket", "jmo", "perisai", "budget")  # where the money was paid
CHANNEL_ALIASES = {"post": "pos", "kantor_pos": "pos", "agen": "perisai", "apbd": "budget", "transfer": "budget"}
SOURCES = ("typed", "imported", "programme")  # how it was recorded
MAX_MONTHS = 24  # arrears of two years at most in one payment; a longer run is a typing mistake
MAX_AMOUNT = 100_000_000  # far above 24 months at the highest bracket with JHT
EARLIEST = (2015, 7)  # BPU contributions as they are today began with PP 44/2015


@dataclass(frozen=True)
class Clean:
    first_month: tuple[int, int]
    months: int
    amount: int
    paid_on: date
    channel: str


def parse_month(text) -> tuple[int, int] | None:
    """'2026-11', '2026/11', '11/2026' or '11-2026' as (2026, 11); None for anything else."""
    text = str(text or "").strip()
    match = re.fullmatch(r"(\d{4})[-/.](\d{1,2})", text)
    if match:
        year, month = int(match[1]), int(match[2])
    else:
        match = re.fullmatch(r"(\d{1,2})[-/.](\d{4})", text)
        if not match:
            return None
        year, month = int(match[2]), int(match[1])
    return (year, month) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def parse_day(text) -> date | None:
    """'2026-11-26' or '26/11/2026' (also '26-11-2026', '26.11.2026'); None for anything else."""
    if isinstance(text, date):
        return text
    text = str(text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    parts = (match[1], match[2], match[3]) if match else None
    if parts is None:
        match = re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        parts = (match[3], match[2], match[1]) if match else None
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def parse_amount(text) -> int | None:
    """Whole Rupiah: '37800', '37.800', 'Rp 37.800', '37,800' or '37800.00'; None for anything else."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        return int(text) if text.is_integer() else None
    text = re.sub(r"(?i)^rp\.?\s*", "", str(text or "").strip()).replace(" ", "")
    text = re.sub(r"[.,]00$", "", text)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
        text = re.sub(r"[.,]", "", text)
    return int(text) if re.fullmatch(r"\d{1,12}", text) else None


def channel_code(text) -> str | None:
    code = str(text or "").strip().lower().replace(" ", "_")
    code = CHANNEL_ALIASES.get(code, code)
    return code if code in CHANNELS else None


def months_between(first: tuple[int, int], last: tuple[int, int]) -> int:
    """How many months from `first` through `last`, both included (0 or less when last is before first)."""
    return (last[0] * 12 + last[1]) - (first[0] * 12 + first[1]) + 1


def check(values: dict, today: date) -> tuple[Clean | None, dict[str, str]]:
    """The payment in `values` (first_month, months, amount, paid_on, channel; strings or numbers) read, or the
    error codes by field: month_invalid, month_too_early, month_too_late, months_invalid, amount_invalid,
    date_invalid, date_future, channel_invalid."""
    errors = {}
    first = parse_month(values.get("first_month"))
    if first is None:
        errors["first_month"] = "month_invalid"
    elif first < EARLIEST:
        errors["first_month"] = "month_too_early"
    elif contribution.add_months(today.year, today.month, 12) < first:
        errors["first_month"] = "month_too_late"  # a year ahead at most
    months = values.get("months")
    months = months if isinstance(months, int) and not isinstance(months, bool) else (
        int(months) if isinstance(months, str) and re.fullmatch(r"[0-9]{1,3}", months.strip()) else None)
    if months is None or not 1 <= months <= MAX_MONTHS:
        errors["months"] = "months_invalid"
    amount = parse_amount(values.get("amount"))
    if amount is None or not 1 <= amount <= MAX_AMOUNT:
        errors["amount"] = "amount_invalid"
    paid_on = parse_day(values.get("paid_on"))
    if paid_on is None:
        errors["paid_on"] = "date_invalid"
    elif paid_on > today:
        errors["paid_on"] = "date_future"
    channel = channel_code(values.get("channel"))
    if channel is None:
        errors["channel"] = "channel_invalid"
    if errors:
        return None, errors
    return Clean(first, months, amount, paid_on, channel), {}


def expected(income: int | None, programs, funding: str, transport: bool, first: tuple[int, int], months: int,
             excluded=None) -> int:
    """What the rule asks for `months` months from `first`: each month at the rate in force for it (so a run that
    crosses the end of the PP 50/2025 discount is priced month by month). Budget payers pay as their programme."""
    programs = set(programs or contribution.BASIC) | set(contribution.BASIC)
    income = income if income is not None and contribution.MIN_INCOME <= income <= contribution.MAX_INCOME else 0
    funding = funding if funding in contribution.FUNDING else contribution.SELF
    return sum(contribution.month_totals(income, programs, first, months, funding, transport, excluded))


def last_day_paid(first: tuple[int, int], months: int) -> date:
    """The last day the payment covers."""
    return last_day(contribution.add_months(first[0], first[1], months - 1))
