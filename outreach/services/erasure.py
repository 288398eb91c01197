"""Erasing a worker's personal data (UU PDP Art. 43-44), on request or when its retention ends, so that the
numbers stay honest: the registration's row stays (number, status `erased` and the status it had, desa,
kecamatan, occupation, programmes, payer, dates, officer, consent record), its history and audit events stay
without their personal values, and coverage keeps counting it. What goes: domain.privacy.ERASED_FIELDS, the
flags, the contribution figures (they carry the income), the receipt's salt (no token can be made again; the
hash stays so the old QR says "no longer exists"), free text of events, audit details, requests and contacts,
the automatic messages' number and text, and the
visit's GPS when no other worker's registration is left on that visit. Cannot be undone. The caller commits.
"""
from collections import Counter
from datetime import datetime

from outreach import audit
from outreach.domain import privacy as rules
from outreach.domain import workflow
from outreach.extensions import db
from outreach.models import (AuditEvent, Contact, Message, PrivacyRequest, Receipt, Registration, RegistrationEvent,
                             User, Visit)
from outreach.models.types import utcnow
from outreach.services.access import may_see


class NotErasable(Exception):
    """Already erased, changed by someone meanwhile, or not this user's to erase."""


def erase(registration: Registration, user: User | None, why: str, request: PrivacyRequest | None = None) -> None:
    """Erase one registration's personal data; `user` None is the retention command. `why`: request or retention."""
    if registration.erased or (user is not None and not (
            may_see(user, registration) and workflow.may_erase(registration.status, user.role))):
        raise NotErasable()
    now, before, seen = utcnow(), registration.status, registration.version
    values = {name: None for name in rules.ERASED_FIELDS} | {
        "status": "erased", "erased_from": before, "erased_at": now, "flags": [], "contribution": {},
        "version": seen + 1, "updated_at": now}
    # The WHERE on version: a coordinator's move that landed meanwhile wins, and this erasure is asked again.
    claimed = db.session.execute(db.update(Registration).where(
        Registration.id == registration.id, Registration.version == seen).values(**values)).rowcount
    if claimed != 1:
        raise NotErasable()
    for event in db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.registration_id == registration.id)):
        event.changes = rules.scrub_changes(event.kind, event.changes)
    for event in db.session.scalars(db.select(AuditEvent).where(AuditEvent.registration_id == registration.id)):
        event.details = rules.scrub_audit_details(event.details)
    db.session.execute(db.update(PrivacyRequest).where(PrivacyRequest.registration_id == registration.id)
                       .values(detail=None, outcome=None))
    db.session.execute(db.update(Receipt).where(Receipt.registration_id == registration.id).values(salt=None))
    # The follow-up log keeps who, when, how and the outcome; its notes and the messages' number and text go.
    db.session.execute(db.update(Contact).where(Contact.registration_id == registration.id).values(note=None))
    db.session.execute(db.update(Message).where(Message.registration_id == registration.id).values(to=None, text=None))
    forget_visit_position(registration)
    user_id = user.id if user else None
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user_id, kind="erased", at=now,
                                     changes={"from": before, "why": why}))
    details = {"why": why, "from": before} | ({"request": request.id} if request else {})
    audit.record("erase", registration, user_id=user_id, system=user is None, **details)
    if request is not None and request.state == "open":
        request.state, request.handled_by, request.handled_at = "done", user_id, now
        audit.record("privacy_close", registration, user_id=user_id, system=user is None, request=request.id,
                     kind=request.kind, state="done")
    db.session.flush()
    db.session.refresh(registration)


def forget_visit_position(registration: Registration) -> None:
    """A visit's GPS may point at the worker's house when theirs was the visit's only registration left."""
    if registration.visit_id is None:
        return
    others = db.session.scalar(db.select(db.func.count(Registration.id)).where(
        Registration.visit_id == registration.visit_id, Registration.id != registration.id,
        Registration.status != "erased"))
    if not others:
        db.session.execute(db.update(Visit).where(Visit.id == registration.visit_id).values(
            latitude_e6=None, longitude_e6=None, accuracy_m=None))


def settings(cfg) -> rules.Retention:
    return rules.Retention(rejected_months=cfg["RETENTION_REJECTED_MONTHS"],
                           returned_months=cfg["RETENTION_RETURNED_MONTHS"], max_months=cfg["RETENTION_MAX_MONTHS"])


def due_for_erasure(now: datetime, retention: rules.Retention) -> list[Registration]:
    """Registrations whose retention has ended (domain.privacy.erasure_cutoffs, from the last change), except
    those with an open request: an access or correction asked for must be answered first."""
    cutoffs = rules.erasure_cutoffs(now, retention)
    ended = db.or_(*(db.and_(Registration.status == status, Registration.updated_at < cutoff)
                     for status, cutoff in cutoffs.items()))
    waiting = db.select(PrivacyRequest.id).where(PrivacyRequest.registration_id == Registration.id,
                                                 PrivacyRequest.state == "open").exists()
    return db.session.scalars(db.select(Registration).where(ended, ~waiting).order_by(Registration.id)).all()


def run_retention(now: datetime, retention: rules.Retention, dry_run: bool) -> Counter:
    """Erase (or, dry, only count) what is due: counts by the status each had, never who."""
    due = due_for_erasure(now, retention)
    counts = Counter(r.status for r in due)
    if not dry_run:
        for registration, status in [(r, r.status) for r in due]:
            try:
                erase(registration, None, "retention")
            except NotErasable:  # erased or moved meanwhile (another run, a coordinator): not counted here
                counts[status] -= 1
    return +counts
