"""The region lists: Indonesia's codes for NIK checks, Bangka Selatan's kecamatan and desa."""
import pytest

from outreach.domain.regions import DATA, all_regions
from outreach.extensions import db
from outreach.models import Region


def count(level, parent=None):
    query = db.select(db.func.count()).select_from(Region).where(Region.level == level)
    if parent:
        query = query.where(Region.parent_code == parent)
    return db.session.scalar(query)


def test_counts_match_the_sources(app):
    with app.app_context():
        assert count("province") == 38
        assert count("regency") == 514 + 26  # today's and the renumbered Papua codes
        assert count("district") == 7285
        assert count("district", "19.03") == 8
        assert count("village") == 53


def test_bangka_selatan_kecamatan_by_name(app):
    with app.app_context():
        names = [r.name for r in Region.kecamatan_of_district()]
    assert names == sorted(names) and "Toboali" in names and "Kepulauan Pongok" in names


@pytest.mark.parametrize("code, kelurahan", [("19.03.01.1001", True), ("19.03.01.2004", False)])
def test_kelurahan_told_from_desa(app, code, kelurahan):
    with app.app_context():
        assert db.session.get(Region, code).is_kelurahan is kelurahan


def test_historical_regency_points_to_its_successor(app):
    with app.app_context():
        assert db.session.get(Region, "91.01").successor_code == "93.01"


def test_parents_come_before_children():
    seen = set()
    for row in all_regions("19.03"):
        assert row["parent_code"] is None or row["parent_code"] in seen
        seen.add(row["code"])


def test_provenance_travels_with_the_data():
    sources = (DATA / "SOURCES.md").read_text()
    assert "cahyadsn/wilayah" in sources and "b7ad440a1322e7be3189a16a8cac35f7d4c3d7f7" in sources
