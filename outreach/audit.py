"""Writes the audit trail (models.audit.AuditEvent); the caller commits with its own change."""
from flask_login import current_user

from outreach.extensions import db
from outreach.models import AuditEvent, Registration


def record(action: str, registration: Registration | None = None, user_id: int | None = None,
           kecamatan_code: str | None = None, **details) -> AuditEvent:
    event = AuditEvent(
        action=action, user_id=user_id or current_user.id,
        registration_id=registration.id if registration else None,
        kecamatan_code=registration.kecamatan_code if registration else kecamatan_code,
        details=details)
    db.session.add(event)
    return event
