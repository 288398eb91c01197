"""Registration numbers, BS-YYMM-NNNNNN: how the app writes one, and how it reads one a worker typed."""
import re

PREFIX = "BS"  # Bangka Selatan
TYPED = re.compile(r"(?:BS)?(\d{4})(\d{6})", re.ASCII)
SEPARATORS = re.compile(r"[\s.\-_/]+")


def format_number(period: str, n: int) -> str:
    """The number of the n-th registration of a month (period "YYMM")."""
    return f"{PREFIX}-{period}-{n:06d}"


def read_number(typed: str | None) -> str:
    """A number as a worker types it from the receipt: any case, with spaces, dots or no dashes at all, even
    without "BS" ("bs2611000149", "BS 2611 000149", "2611-000149" -> "BS-2611-000149"). What is not one comes
    back trimmed and upper-cased, to be looked up (and not found) like any other."""
    text = (typed or "").strip().upper()
    match = TYPED.fullmatch(SEPARATORS.sub("", text))
    return format_number(match[1], int(match[2])) if match else text
