"""Rupiah amounts: integers, formatted the Indonesian way ("Rp16.800") in any locale's separators."""
import re
from functools import cache

from babel.numbers import get_group_symbol


@cache
def group_symbol(locale: str) -> str:
    return get_group_symbol(locale)


def format_rupiah(amount: int, locale: str = "id") -> str:
    """Babel's "#,##0" in the locale's separator, without Babel parsing the pattern again for every amount."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("Rupiah amounts are whole integers")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", group_symbol(locale))


def parse_rupiah(raw: str | int | None) -> int | None:
    """A whole-Rupiah amount typed as 1500000, 1.500.000, 1,500,000 or "Rp 1.500.000"; None if not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if not isinstance(raw, str | None):  # a float, a list, an object: not a whole-Rupiah amount
        return None
    text = (raw or "").strip()
    if text[:2].lower() == "rp":
        text = text[2:]
    text = text.replace(" ", "")
    if len(text) > 15:  # far beyond any income; also keeps int() away from giant strings
        return None
    if re.fullmatch(r"\d+", text, re.ASCII) or re.fullmatch(r"\d{1,3}(\.\d{3})+", text, re.ASCII) \
            or re.fullmatch(r"\d{1,3}(,\d{3})+", text, re.ASCII):
        return int(text.replace(".", "").replace(",", ""))
    return None
