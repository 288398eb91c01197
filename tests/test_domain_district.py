"""The district as data (outreach.domain.district): names, number prefixes, baselines, population."""
import pytest

from outreach.domain.district import candidates, default_prefixes, district
from outreach.domain.regions import aliases, regencies, search_text


@pytest.mark.parametrize("code, name, short, prefix, population", [
    ("19.03", "Kabupaten Bangka Selatan", "Kab. Bangka Selatan", "BS", 216_079),  # receipts already say BS
    ("81.71", "Kota Ambon", "Kota Ambon", "AMB", 359_661),
    ("35.10", "Kabupaten Banyuwangi", "Kab. Banyuwangi", "BNYW", 1_791_789),
    ("74.15", "Kabupaten Buton Selatan", "Kab. Buton Selatan", "BTS", 102_881),  # BS is Bangka Selatan's
])
def test_district_from_its_code(code, name, short, prefix, population):
    d = district(code)
    assert (d.name, d.short_name, d.number_prefix, d.population) == (name, short, prefix, population)
    assert d.contains(code + ".01") and not d.contains("99.99.01") and d.nik_prefix == code.replace(".", "")


def test_every_regency_has_its_own_prefix_of_two_to_six_letters():
    prefixes = default_prefixes()
    assert set(prefixes) >= set(regencies()) and len(prefixes) == len(set(prefixes.values()))
    assert all(p.isalpha() and p.isupper() and 2 <= len(p) <= 6 for p in prefixes.values())


def test_candidates_start_short():
    assert list(candidates("Kabupaten Bangka Selatan"))[:2] == ["BS", "BNS"]
    assert next(candidates("Kota Ambon")) == "AMB"


def test_baseline_is_bangka_selatans_unless_set():
    assert (district("19.03").baseline_pct, district("19.03").baseline_source) == (21, "Tropedo.id, Oktober 2024")
    assert district("81.71").baseline_pct is None
    ambon = district("81.71", baseline_pct=12.5, baseline_source="Survei 2026")
    assert (ambon.baseline_pct, ambon.baseline_source) == (12.5, "Survei 2026")


@pytest.mark.parametrize("code, prefix", [("99.99", None), ("19.3", None), ("", None), ("81.71", "A1"),
                                          ("81.71", "ABCDEFG"), ("81.71", "É")])
def test_unknown_code_or_bad_prefix_refused(code, prefix):
    with pytest.raises(ValueError):
        district(code, prefix)


def test_old_spellings_are_data_keyed_by_code():
    assert aliases()["19.03.02"] == "Lepar Pongok"
    assert "lepar pongok" in search_text("19.03.02.2001", "Penutuk", "Lepar")
    assert search_text("81.71.01.1006", "Nusaniwe", "Nusaniwe") == "nusaniwe nusaniwe"
