"""Who may see and act on a registration: its officer, the coordinators of its kecamatan, administrators.

`may_see` is the rule for one registration, `visible_to` its twin for queries; every page, the API and the
queue use these two, so the rule is written once.
"""
from flask import abort, g, request, url_for

from outreach import audit
from outreach.extensions import db
from outreach.models import Registration, User
from outreach.services import receipts


def may_see(user: User, registration: Registration) -> bool:
    if user.has_role("admin"):
        return True
    if user.has_role("coordinator"):
        return registration.kecamatan_code == user.kecamatan_code
    return registration.officer_id == user.id


def visible_to(user: User):
    """The registrations `user` may see, as a query to filter further."""
    query = db.select(Registration)
    if user.has_role("coordinator"):
        query = query.where(Registration.kecamatan_code == user.kecamatan_code)
    elif not user.has_role("admin"):
        query = query.where(Registration.officer_id == user.id)
    return query


def registration_for(user: User, number: str, audited: bool = True) -> Registration:
    """The registration by number: 404 if unknown, 403 if `user` may not see it. A look by anyone but its own
    officer goes into the audit trail (the caller commits); so does a refused one, which the 403 handler
    (outreach/errors.py) records and commits after the request's own work is rolled back."""
    registration = db.session.scalar(db.select(Registration).where(Registration.number == number)) or abort(404)
    if not may_see(user, registration):
        g.refused_attempt = {"registration_id": registration.id, "kecamatan_code": registration.kecamatan_code,
                             "attempt": request.endpoint}
        abort(403)
    if audited and registration.officer_id != user.id:
        audit.record("view", registration, user_id=user.id, page=request.endpoint)
    return registration


def duplicate_link(user: User, existing: Registration, external: bool = False) -> str:
    """Where an officer who typed a NIK already registered can show the worker their registration: its
    receipt when the officer may see it, else its public status page (masked name and status only)."""
    if may_see(user, existing):
        if external:
            return receipts.public_url("receipts.show", number=existing.number)
        return url_for("receipts.show", number=existing.number)
    return receipts.status_url(existing)
