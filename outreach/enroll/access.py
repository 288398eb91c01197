"""Who may see a registration: its officer, the coordinators of its kecamatan, administrators."""
from flask import abort, request, url_for
from flask_login import current_user

from outreach import audit
from outreach.extensions import db
from outreach.models import Registration
from outreach.receipts import service as receipts


def can_view(registration: Registration) -> bool:
    user = current_user
    return (user.has_role("admin")
            or (user.has_role("coordinator") and user.kecamatan_code == registration.kecamatan_code)
            or registration.officer_id == user.id)


def get_registration(number: str) -> Registration:
    """The registration by number: 404 if unknown, 403 if the current user may not see it. A look by
    anyone but its own officer goes into the audit trail."""
    registration = db.session.scalar(db.select(Registration).where(Registration.number == number)) or abort(404)
    if not can_view(registration):
        abort(403)
    if registration.officer_id != current_user.id:
        audit.record("view", registration, page=request.endpoint)
        db.session.commit()
    return registration


def duplicate_link(existing: Registration, external: bool = False) -> str:
    """Where an officer who typed a NIK already registered can show the worker their registration: its
    receipt when the officer may see it, else its public status page (masked name and status only)."""
    if can_view(existing):
        if external:
            return receipts.public_url("receipts.show", number=existing.number)
        return url_for("receipts.show", number=existing.number)
    return receipts.status_url(existing, current_user.id)
