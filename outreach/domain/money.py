"""Rupiah amounts: integers, formatted the Indonesian way ("Rp16.800") in any locale's separators."""
from babel.numbers import format_decimal


def format_rupiah(amount: int, locale: str = "id") -> str:
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("Rupiah amounts are whole integers")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{format_decimal(abs(amount), format='#,##0', locale=locale)}"
