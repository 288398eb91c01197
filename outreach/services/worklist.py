"""An officer's work at a glance (the home page): visits in progress, registrations returned for correction,
today's counts and counts by status (also the tabs of Pendaftaran saya)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import joinedload, selectinload

from outreach.domain.clock import local_midnight
from outreach.domain.workflow import STATUSES
from outreach.extensions import db
from outreach.models import Registration, Visit

RETURNED_SHOWN = 20  # the home lists this many; Pendaftaran saya?status=returned has them all


@dataclass
class Today:
    registered: int
    visits: int


def counts_by_status(officer_id: int) -> dict[str, int]:
    """The officer's registrations per status, every status present (0 when none)."""
    rows = db.session.execute(db.select(Registration.status, db.func.count()).where(
        Registration.officer_id == officer_id).group_by(Registration.status)).all()
    found = dict(rows)
    return {status: found.get(status, 0) for status in STATUSES}


def today(officer_id: int, day: date) -> Today:
    """What the officer did since midnight WIB."""
    since = local_midnight(day)
    registered = db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.officer_id == officer_id, Registration.created_at >= since))
    visits = db.session.scalar(db.select(db.func.count(Visit.id)).where(
        Visit.officer_id == officer_id, Visit.started_at >= since))
    return Today(registered=registered, visits=visits)


def open_visits(officer_id: int, limit: int = 3) -> list[Visit]:
    """Visits not yet closed, newest first: the ones the officer may continue."""
    return list(db.session.scalars(db.select(Visit).where(Visit.officer_id == officer_id, Visit.closed_at.is_(None))
                                   .order_by(Visit.started_at.desc()).limit(limit).options(joinedload(Visit.village))))


def returned(officer_id: int, limit: int = RETURNED_SHOWN) -> list[Registration]:
    """Registrations sent back to the officer, oldest return first (waiting longest); with their history
    loaded for the coordinator's note (Registration.return_note)."""
    return list(db.session.scalars(
        db.select(Registration).where(Registration.officer_id == officer_id, Registration.status == "returned")
        .order_by(Registration.updated_at, Registration.id).limit(limit)
        .options(joinedload(Registration.village), selectinload(Registration.events))))
