"""Reads the Kemendagri region lists shipped in outreach/data (provenance: data/SOURCES.md)."""
import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
FILES = (
    "indonesia_provinces.csv",
    "indonesia_regencies.csv",
    "indonesia_regencies_historical.csv",
    "indonesia_districts.csv",
    "bangka_selatan_wilayah.csv",
)
LEVEL_ORDER = {"province": 0, "regency": 1, "district": 2, "village": 3}
# The regency this deployment serves (Kemendagri code): Kabupaten Bangka Selatan. Every scope, check and
# district-wide query derives from this one constant.
DISTRICT_CODE = "19.03"


def in_district(code: str | None) -> bool:
    """A kecamatan or desa code of the district."""
    return bool(code) and code.startswith(DISTRICT_CODE + ".")


@lru_cache(maxsize=1)
def all_regions() -> tuple[dict, ...]:
    """Every region once, parents before children: code, name, level, parent_code, successor_code."""
    seen: dict[str, dict] = {}
    for name in FILES:
        with open(DATA / name, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                seen.setdefault(row["code"], {
                    "code": row["code"],
                    "name": row["name"].strip(),
                    "level": row["level"],
                    "parent_code": row["parent_code"] or None,
                    "successor_code": row.get("successor_code") or None,
                })
    return tuple(sorted(seen.values(), key=lambda r: (LEVEL_ORDER[r["level"]], r["code"])))


# Older spellings officers still use (data/SOURCES.md): searched as aliases, never stored.
ALIASES = {
    "19.03.02": "Lepar Pongok",
    "19.03.03": "Air Gegas",
    "19.03.07": "Pulaubesar",
    "19.03.01.1003": "Tanjungketapang",
}


def search_text(code: str, name: str, parent_name: str | None = None) -> str:
    """What a desa is found by: its name, its kecamatan's name, and their older spellings."""
    parts = [name, ALIASES.get(code, ""), parent_name or "", ALIASES.get(code.rsplit(".", 1)[0], "")]
    return " ".join(p for p in parts if p).lower()
