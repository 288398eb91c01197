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
