"""Indonesian mobile numbers: typed as 08…, 628… or +62 8…, stored as E.164 (+628…)."""
import re

SEPARATORS = re.compile(r"[\s.\-()]")


def normalise_mobile(raw: str | None) -> str | None:
    """E.164 form of an Indonesian mobile number, or None when it is not one.

    Locally a mobile number is 0 + 8 + 9–12 more digits (10–13 digits after the 0 in all).
    """
    digits = SEPARATORS.sub("", raw or "")
    if digits.startswith("+62"):
        national = digits[3:]
    elif digits.startswith("62"):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if national.startswith("0") or not (national.isascii() and national.isdigit()):
        return None
    if not national.startswith("8") or not 10 <= len(national) + 1 <= 13:
        return None
    return "+62" + national


def local_format(e164: str) -> str:
    """+6281234567890 -> 0812-3456-7890, as people read numbers aloud."""
    national = "0" + e164[3:]
    return "-".join([national[:4], national[4:8], national[8:]]).rstrip("-")
