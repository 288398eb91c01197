"""Registration numbers, PREFIX-YYMM-NNNNNN (BS-2611-000149 in Bangka Selatan): how the app writes one, and how
it reads one a worker typed. The prefix is the deployment's (NUMBER_PREFIX, passed in); a number keeps the
prefix it was issued with, so a number typed with other letters is read with its own."""
import re

TYPED = re.compile(r"([A-Z]{2,6})?(\d{4})(\d{6})", re.ASCII)
SEPARATORS = re.compile(r"[\s.\-_/]+")
WHOLE = re.compile(r"[A-Z]{2,6}-\d{4}-\d{6}", re.ASCII)  # a number as the app writes it
START = re.compile(r"[A-Z]{2,6}-\d{1,4}(?:-\d*)?", re.ASCII)  # the start of one, from its letters


def format_number(prefix: str, period: str, n: int) -> str:
    """The number of the n-th registration of a month (period "YYMM")."""
    return f"{prefix}-{period}-{n:06d}"


def read_number(typed: str | None, prefix: str) -> str:
    """A number as a worker types it from the receipt: any case, with spaces, dots or no dashes at all, even
    without its letters ("bs2611000149", "BS 2611 000149", "2611-000149" -> "BS-2611-000149" where the
    prefix is BS). What is not one comes back trimmed and upper-cased, to be looked up (and not found) like
    any other."""
    text = (typed or "").strip().upper()
    match = TYPED.fullmatch(SEPARATORS.sub("", text))
    return format_number(match[1] or prefix, match[2], int(match[3])) if match else text


def read_start(typed: str | None) -> str | None:
    """The typed text, upper-cased, when it is the start of a number as written (its letters, a dash, digits:
    "bs-2611-00" -> "BS-2611-00"), else None. A number begins with its letters, so such a text is found only at
    the start of one: the queue reads it as a range of the number index. A piece without the letters
    ("2611-00", "000149") may sit anywhere in a number."""
    text = (typed or "").strip().upper()
    return text if START.fullmatch(text) else None
