"""Who can be enrolled as a BPU participant (data/bpu_rules.md), and the checks around it.

Age at registration: under 15 refused; 15–17 allowed, flagged, with a parent's or guardian's consent
(children under UU PDP); 65 or older refused (BPJS Ketenagakerjaan's 2026 BPU material: under 65).
The bounds are arguments so a rule change is a configuration change.
"""
import re
import unicodedata
from datetime import date

MIN_AGE, ADULT_AGE, MAX_AGE = 15, 18, 65


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def check_age(born: date, today: date, min_age: int = MIN_AGE, adult_age: int = ADULT_AGE,
              max_age: int = MAX_AGE) -> tuple[str | None, list[str]]:
    """(error code or None, flags). Errors: future, under_min, over_max. Flags: minor."""
    if born > today:
        return "future", []
    age = age_on(born, today)
    if age < min_age:
        return "under_min", []
    if age >= max_age:
        return "over_max", []
    return None, (["minor"] if age < adult_age else [])


def name_key(name: str | None) -> str:
    """A name compared loosely for probable duplicates: case, accents, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Za-z ]+", " ", text).upper().split())
