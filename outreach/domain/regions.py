"""Reads the Kemendagri region lists shipped in outreach/data (provenance: data/SOURCES.md).

The whole country's provinces, regencies and kecamatan are kept (the NIK check needs them); of the 83,762
desa and kelurahan, only those of the district the deployment serves (DISTRICT_CODE, passed in)."""
import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTRY_FILES = (
    "indonesia_provinces.csv",
    "indonesia_regencies.csv",
    "indonesia_regencies_historical.csv",
    "indonesia_districts.csv",
)
VILLAGES = "indonesia_villages.csv"
LEVEL_ORDER = {"province": 0, "regency": 1, "district": 2, "village": 3}
# Kabupaten Bangka Selatan, the first deployment: the default of the DISTRICT_CODE setting.
DEFAULT_DISTRICT = "19.03"


def read(name: str):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def as_region(row: dict) -> dict:
    return {"code": row["code"], "name": row["name"].strip(), "level": row["level"],
            "parent_code": row["parent_code"] or None, "successor_code": row.get("successor_code") or None}


@lru_cache(maxsize=1)
def country_regions() -> tuple[dict, ...]:
    """Every province, regency (today's and the retired Papua codes) and kecamatan once, parents first."""
    seen: dict[str, dict] = {}
    for name in COUNTRY_FILES:
        for row in read(name):
            seen.setdefault(row["code"], as_region(row))
    return tuple(sorted(seen.values(), key=lambda r: (LEVEL_ORDER[r["level"]], r["code"])))


@lru_cache(maxsize=8)
def district_villages(district: str) -> tuple[dict, ...]:
    """The desa and kelurahan of one regency or city, by code."""
    prefix = district + "."
    return tuple(sorted((as_region(row) for row in read(VILLAGES) if row["code"].startswith(prefix)),
                        key=lambda r: r["code"]))


def all_regions(district: str) -> tuple[dict, ...]:
    """What `regions load` puts in the table: the country's codes and the district's desa, parents first."""
    return country_regions() + district_villages(district)


@lru_cache(maxsize=1)
def regencies() -> dict[str, str]:
    """Today's regency and city codes -> their names ("Kabupaten Bangka Selatan", "Kota Ambon")."""
    return {row["code"]: row["name"].strip() for row in read("indonesia_regencies.csv")}


@lru_cache(maxsize=1)
def aliases() -> dict[str, str]:
    """Older spellings officers still use (data/region_aliases.csv): searched, never stored. Keyed by code,
    so each district finds its own."""
    return {row["code"]: row["alias"] for row in read("region_aliases.csv")}


def search_text(code: str, name: str, parent_name: str | None = None) -> str:
    """What a desa is found by: its name, its kecamatan's name, and their older spellings."""
    known = aliases()
    parts = [name, known.get(code, ""), parent_name or "", known.get(code.rsplit(".", 1)[0], "")]
    return " ".join(p for p in parts if p).lower()
