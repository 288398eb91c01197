"""The regions table: filled from the shipped CSV files (safe to run any number of times), and the desa
choices of the forms and filters."""
from wtforms.fields.choices import SelectChoice

from outreach import district
from outreach.domain.regions import all_regions, search_text
from outreach.extensions import db
from outreach.models import Region

FIELDS = ("name", "level", "parent_code", "successor_code")


def load_regions() -> dict[str, int]:
    """Insert missing regions and update changed ones: the country's provinces, regencies and kecamatan and
    the configured district's desa. Returns counts of each."""
    existing = {r.code: r for r in db.session.scalars(db.select(Region))}
    added = updated = 0
    new_rows = []
    for row in all_regions(district.current().code):
        region = existing.get(row["code"])
        if region is None:
            new_rows.append(row)
            added += 1
        elif any(getattr(region, f) != row[f] for f in FIELDS):
            for f in FIELDS:
                setattr(region, f, row[f])
            updated += 1
    if new_rows:
        # Parents come first in all_regions(), and one INSERT keeps that order.
        db.session.execute(db.insert(Region), new_rows)
    return {"added": added, "updated": updated, "total": len(existing) + added}


def village_choices(kecamatan_code: str | None = None) -> list[SelectChoice]:
    """Desa grouped by kecamatan (all of the district, or one kecamatan), each findable by older names."""
    kecamatan = {r.code: r.name for r in Region.kecamatan_of_district()}
    query = db.select(Region).where(Region.level == "village", Region.parent_code.in_(kecamatan))
    if kecamatan_code:
        query = query.where(Region.parent_code == kecamatan_code)
    return [SelectChoice(r.code, r.name, optgroup=kecamatan[r.parent_code],
                         render_kw={"data-search": search_text(r.code, r.name, kecamatan[r.parent_code])})
            for r in db.session.scalars(query.order_by(Region.parent_code, Region.name))]
