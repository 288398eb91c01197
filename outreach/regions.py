"""Fills the regions table from the shipped CSV files; safe to run any number of times."""
from outreach.domain.regions import all_regions
from outreach.extensions import db
from outreach.models import Region

FIELDS = ("name", "level", "parent_code", "successor_code")


def load_regions() -> dict[str, int]:
    """Insert missing regions and update changed ones; returns counts of each."""
    existing = {r.code: r for r in db.session.scalars(db.select(Region))}
    added = updated = 0
    new_rows = []
    for row in all_regions():
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
    db.session.commit()
    return {"added": added, "updated": updated, "total": len(existing) + added}
