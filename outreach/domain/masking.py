"""Masking personal data (UU PDP No. 27/2022) for lists and public pages."""


def mask_nik(nik: str | None) -> str:
    """Only the last four digits, which coordinators search by: ************0001."""
    if not nik:
        return ""
    return "*" * (len(nik) - 4) + nik[-4:] if len(nik) > 4 else "*" * len(nik)


def mask_name(name: str | None) -> str:
    """First letter of each word: "Siti Aminah" -> "S*** A*****"."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in (name or "").split())


def mask_phone(e164: str | None) -> str:
    """+6281234567890 -> +62812******90."""
    if not e164:
        return ""
    return e164[:6] + "*" * (len(e164) - 8) + e164[-2:]


def mask_phone_tail(e164: str | None) -> str:
    """Only the last three digits: +6281234567890 -> …890 (the edit history: enough to tell two numbers apart)."""
    digits = "".join(c for c in e164 or "" if c.isdigit())
    return "…" + digits[-3:] if digits else ""


def mask_birth_date(value) -> str:
    """The year only: 1990-08-15 (a date or its ISO text) -> 1990-**-**."""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return text[:4] + "-**-**" if len(text) >= 4 and text[:4].isdigit() else ""


def mask_text(value) -> str:
    """Free text (an address, a note): only that there was something."""
    return "…" if value else ""


# How each field's old and new value is kept in the edit history (UU PDP: what a reviewer needs, which field
# changed and roughly how, and no more). Fields not named here hold no personal detail (codes, amounts).
HISTORY_MASKS = {
    "nik": mask_nik, "full_name": mask_name, "heir_name": mask_name, "guardian_name": mask_name,
    "phone": mask_phone_tail, "heir_phone": mask_phone_tail, "birth_date": mask_birth_date,
    "birth_place": mask_text, "address": mask_text, "work_location": mask_text, "notes": mask_text,
}


def for_history(field: str, value):
    """A value as the edit history keeps it: masked when personal, dates as ISO text, None stays None."""
    if value is None:
        return None
    if field in HISTORY_MASKS:
        return HISTORY_MASKS[field](value)
    return value.isoformat() if hasattr(value, "isoformat") else value
