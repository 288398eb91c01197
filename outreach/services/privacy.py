"""The workers' data-subject requests (UU PDP): the register, and the access export of one worker's data.

Rules (kinds, due times) are outreach/domain/privacy.py; erasure is outreach/services/erasure.py. Every
recording, closing and export goes into the audit trail; the caller commits.
"""
import hmac
from datetime import date, datetime

from flask import abort, current_app

from outreach import audit, labels
from outreach.domain import privacy as rules
from outreach.extensions import db
from outreach.models import AuditEvent, PrivacyRequest, Registration, RegistrationEvent, User
from outreach.models.types import utcnow
from outreach.services.access import may_see, visible_to

CLOSED_SHOWN = 50  # the register lists every open request and the latest closed ones


def in_scope(user: User, query):
    """Requests of the kecamatan a coordinator works in; an admin's, all."""
    if user.has_role("coordinator"):
        return query.where(PrivacyRequest.kecamatan_code == user.kecamatan_code)
    return query


def find_worker(user: User, number: str, identified_by: str, born: date | None) -> tuple[Registration | None, str | None]:
    """The registration a request is about, or why not: not_found (unknown, or not in the user's area),
    erased, mismatch (the birth date does not match the number; same work whether or not the number exists)."""
    registration = db.session.scalar(visible_to(user).where(Registration.number == number.strip().upper()[:20]))
    if identified_by == "number_birth_date":
        expected = registration.birth_date.isoformat() if registration and registration.birth_date else "0000-00-00"
        if not hmac.compare_digest(expected, born.isoformat() if born else ""):
            return None, "erased" if registration is not None and registration.erased else "mismatch"
    if registration is None:
        return None, "not_found"
    if registration.erased:
        return None, "erased"
    return registration, None


def record_request(registration: Registration, user: User, kind: str, identified_by: str, detail: str | None,
                   received_at: datetime) -> PrivacyRequest:
    request = PrivacyRequest(registration_id=registration.id, kecamatan_code=registration.kecamatan_code, kind=kind,
                             identified_by=identified_by, detail=detail or None, received_at=received_at,
                             due_at=rules.due_at(kind, received_at), recorded_by=user.id, recorded_at=utcnow(),
                             state="open")
    db.session.add(request)
    db.session.flush()
    audit.record("privacy_request", registration, user_id=user.id, request=request.id, kind=kind,
                 identified=identified_by)
    return request


def close_request(request: PrivacyRequest, user: User, state: str, outcome: str | None) -> None:
    """Mark a request done or refused, with how it was answered (or why not)."""
    request.state, request.outcome = state, outcome or None
    request.handled_by, request.handled_at = user.id, utcnow()
    audit.record("privacy_close", request.registration, user_id=user.id, request=request.id, kind=request.kind,
                 state=state)


def request_for(user: User, request_id: int) -> PrivacyRequest:
    request = db.session.get(PrivacyRequest, request_id) or abort(404)
    if user.has_role("coordinator") and request.kecamatan_code != user.kecamatan_code:
        abort(403)
    return request


def register(user: User) -> tuple[list[PrivacyRequest], list[PrivacyRequest]]:
    """(open requests, soonest due first; the latest closed ones)."""
    query = in_scope(user, db.select(PrivacyRequest)).options(db.joinedload(PrivacyRequest.registration))
    open_ = db.session.scalars(query.where(PrivacyRequest.state == "open").order_by(PrivacyRequest.due_at)).all()
    closed = db.session.scalars(query.where(PrivacyRequest.state != "open")
                                .order_by(PrivacyRequest.handled_at.desc()).limit(CLOSED_SHOWN)).all()
    return open_, closed


def overdue(user: User, now: datetime | None = None) -> list[PrivacyRequest]:
    """Open requests past their due time, for the coordinator's and admin's home page."""
    query = in_scope(user, db.select(PrivacyRequest)).where(PrivacyRequest.state == "open",
                                                            PrivacyRequest.due_at < (now or utcnow()))
    return db.session.scalars(query.order_by(PrivacyRequest.due_at).options(
        db.joinedload(PrivacyRequest.registration))).all()


def worker_data(r: Registration) -> dict:
    """Everything the app holds about the worker, with codes (the JSON) — the HTML page words them."""
    cfg = current_app.config
    return {
        "number": r.number, "status": r.status, "registered_at": r.created_at.isoformat(),
        "captured_at": r.captured_at.isoformat() if r.captured_at else None,
        "updated_at": r.updated_at.isoformat(),
        "identity": {"nik": r.nik, "full_name": r.full_name, "birth_place": r.birth_place,
                     "birth_date": r.birth_date.isoformat() if r.birth_date else None, "sex": r.sex},
        "contact": {"phone": r.phone, "address": r.address},
        "place": {"village_code": r.village_code, "village": r.village.name, "kecamatan_code": r.kecamatan_code},
        "work": {"occupation": r.occupation, "occupation_other": r.occupation_other,
                 "work_location": r.work_location, "monthly_income": r.monthly_income},
        "participation": {"programs": r.programs, "payment_period": r.payment_period, "funding": r.funding,
                          "sponsor_name": r.sponsor_name, "contribution": r.contribution, "kpj": r.kpj},
        "heir": {"name": r.heir_name, "relation": r.heir_relation, "phone": r.heir_phone},
        "guardian": {"name": r.guardian_name, "relation": r.guardian_relation},
        "notes": r.notes, "flags": r.flags,
        "consent": {"at": r.consent_at.isoformat(), "version": r.consent_version, "method": r.consent_method,
                    "text": [{"heading": str(h) if h else None, "text": str(t)}
                             for h, t in labels.consent_sections(r.consent_version, cfg)]},
        "registered_by": r.officer.full_name,
    }


def role_of(user: User | None) -> str:
    return user.role if user else "system"


def access_export(registration: Registration, user: User, fmt: str) -> dict:
    """One worker's data, its history and the record of who processed it (UU PDP Art. 32: the data and its
    processing record). Staff appear by role only (Art. 33: not disclosing other people's data). Audited."""
    if not may_see(user, registration) or not user.has_role("coordinator", "admin"):
        abort(403)
    events = db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.registration_id == registration.id)
                                .order_by(RegistrationEvent.id).options(db.joinedload(RegistrationEvent.user))).all()
    trail = db.session.scalars(db.select(AuditEvent).where(AuditEvent.registration_id == registration.id)
                               .order_by(AuditEvent.id).options(db.joinedload(AuditEvent.user))).all()
    audit.record("access_export", registration, user_id=user.id, format=fmt)
    return {
        "exported_at": utcnow().isoformat(), "exported_by_role": user.role,
        "registration": worker_data(registration),
        "history": [{"at": e.at.isoformat(), "kind": e.kind, "by_role": role_of(e.user),
                     "changes": e.changes or {}} for e in events],
        "processing": [{"at": a.at.isoformat(), "action": a.action, "by_role": role_of(a.user)} for a in trail],
    }
