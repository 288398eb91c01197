"""The regency or city a deployment serves: its name, registration number prefix, coverage baseline and
population, from its Kemendagri code (the DISTRICT_CODE setting) and the shipped tables.

Pure: the factory builds one District from the settings (outreach/district.py); nothing here is global, so
two apps for two districts can live in one process (the tests do)."""
import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from outreach.domain.regions import DATA, regencies

CODE = re.compile(r"\d\d\.\d\d", re.ASCII)
PREFIX = re.compile(r"[A-Z]{2,6}", re.ASCII)  # letters only: read_number tells them from the digits
VOWELS = frozenset("AEIOU")
TITLES = ("KABUPATEN", "KOTA", "ADMINISTRASI")


@dataclass(frozen=True)
class District:
    code: str  # "19.03"
    name: str  # "Kabupaten Bangka Selatan", "Kota Ambon"
    number_prefix: str  # "BS": BS-2611-000149
    baseline_pct: float | None = None  # coverage when the campaign started, for the dashboard's line
    baseline_source: str | None = None
    population: int | None = None  # Dukcapil, December 2024

    @property
    def nik_prefix(self) -> str:
        """As a NIK writes it: "1903"."""
        return self.code.replace(".", "")

    @property
    def short_name(self) -> str:
        """For a header: "Kab. Bangka Selatan", "Kota Ambon"."""
        return re.sub(r"^Kabupaten ", "Kab. ", self.name)

    @property
    def is_city(self) -> bool:
        return self.name.startswith("Kota ")

    def contains(self, code: str | None) -> bool:
        """A kecamatan or desa code of the district."""
        return bool(code) and code.startswith(self.code + ".")


@lru_cache(maxsize=1)
def deployments() -> dict[str, dict]:
    """What is known of districts that already run the app (data/deployments.csv): the prefix their receipts
    carry, and the baseline their campaign started from."""
    with open(DATA / "deployments.csv", newline="", encoding="utf-8") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


@lru_cache(maxsize=1)
def populations() -> dict[str, int]:
    """Province and regency codes -> population (Dukcapil, semester II 2024)."""
    with open(DATA / "indonesia_population.csv", newline="", encoding="utf-8") as f:
        return {row["code"]: int(row["total"]) for row in csv.DictReader(f)}


def candidates(name: str):
    """Prefixes for a name, shortest first: initials ("Bangka Selatan" -> BS), else a word's first letter and
    consonants ("Ambon" -> AMB), longer ones after, then the initials with one letter more."""
    words = [w.upper() for w in re.findall(r"[A-Za-z]+", name)]
    while len(words) > 1 and words[0] in TITLES:
        words.pop(0)
    keyed = [w[0] + "".join(c for c in w[1:] if c not in VOWELS) + "".join(c for c in w[1:] if c in VOWELS)
             for w in words]
    rest = "".join(w[0] for w in keyed[1:])
    for length in range(max(len(keyed), 3 if len(keyed) == 1 else 2), 7):
        head = keyed[0][:length - len(rest)]
        if head and len(head + rest) == length:
            yield head + rest
    base = keyed[0][:3 if len(keyed) == 1 else 1] + rest
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        yield (base + letter)[:6]


@lru_cache(maxsize=1)
def default_prefixes() -> dict[str, str]:
    """Every regency's default number prefix, different for each: prefixes already printed on receipts first
    (data/deployments.csv), then each regency in code order takes its first candidate nobody has."""
    taken = {code: row["number_prefix"] for code, row in deployments().items() if row["number_prefix"]}
    used = set(taken.values())
    for code, name in regencies().items():
        if code in taken:
            continue
        prefix = next(c for c in candidates(name) if c not in used)
        taken[code] = prefix
        used.add(prefix)
    return taken


def district(code: str, number_prefix: str | None = None, baseline_pct: float | None = None,
             baseline_source: str | None = None) -> District:
    """The District for a code; what is not given comes from the tables. ValueError for an unknown code or a
    prefix that is not 2-6 letters."""
    code = (code or "").strip()
    if not CODE.fullmatch(code) or code not in regencies():
        raise ValueError(f"DISTRICT_CODE {code!r} is not a regency or city code of the Kemendagri list "
                         "(two groups of two digits, e.g. 19.03 for Kabupaten Bangka Selatan, 81.71 for Kota Ambon)")
    prefix = (number_prefix or default_prefixes()[code]).strip().upper()
    if not PREFIX.fullmatch(prefix):
        raise ValueError(f"NUMBER_PREFIX {prefix!r} must be 2 to 6 letters A-Z")
    known = deployments().get(code, {})
    if baseline_pct is None and known.get("coverage_baseline_pct"):
        baseline_pct = float(known["coverage_baseline_pct"])
        baseline_source = baseline_source or known.get("coverage_baseline_source") or None
    if baseline_pct is not None and float(baseline_pct).is_integer():
        baseline_pct = int(baseline_pct)  # 21, not 21.0, on the page
    return District(code=code, name=regencies()[code], number_prefix=prefix, baseline_pct=baseline_pct,
                    baseline_source=baseline_source, population=populations().get(code))
