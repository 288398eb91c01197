"""Writes the audit trail (models.audit.AuditEvent); the caller commits with its own change."""
from flask_login import current_user

from outreach.extensions import db
from outreach.models import AuditEvent, Registration


def record(action: str, registration: Registration | None = None, user_id: int | None = None,
           kecamatan_code: str | None = None, system: bool = False, **details) -> AuditEvent:
    """One event by `user_id` (the logged-in user by default; none when `system`: the retention command)."""
    event = AuditEvent(
        action=action, user_id=None if system else (user_id or current_user.id),
        registration_id=registration.id if registration else None,
        kecamatan_code=registration.kecamatan_code if registration else kecamatan_code,
        details=details)
    db.session.add(event)
    return event


def refused(user_id: int, registration_id: int, kecamatan_code: str, **details) -> AuditEvent:
    """A refused attempt on a registration (403), written after the request's own work was rolled back."""
    event = AuditEvent(action="refused", user_id=user_id, registration_id=registration_id,
                       kecamatan_code=kecamatan_code, details=details)
    db.session.add(event)
    return event
