"""Logging a contact with a worker: one protocol for the HTML form, the API and the phone's outbox through it.

Exactly once per client_id (a unique index, through a savepoint, as registrations do). The registration keeps
the latest contact's outcome and next date (the lists read them); a contact captured offline that reaches the
server after a newer one is logged without overriding it. "berhenti" in a note stops automatic messages; an
imported worker's consent, recorded at a contact, lets messages go to them. The caller commits.
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from outreach import audit
from outreach.domain import codes
from outreach.domain import followup as rules
from outreach.domain.clock import local_day
from outreach.domain.dates import parse_date
from outreach.extensions import db
from outreach.inputs import MAX_ID
from outreach.labels import CONSENT_VERSION
from outreach.models import Contact, Registration, RegistrationEvent, User, Visit
from outreach.models.types import utcnow

MAX_NOTE = 1000


def may_follow_up(user: User, registration: Registration) -> bool:
    """Officers and coordinators follow up the workers of their kecamatan (whoever enrolled them); admins all."""
    if user.has_role("admin"):
        return True
    return registration.kecamatan_code == user.kecamatan_code and registration.status != "erased"


@dataclass
class Logged:
    """created: saved now; saved: this client_id was saved before (the same contact); refused: `errors` say
    why; client_id_taken: another user's contact, of which nothing is told."""
    kind: str
    contact: Contact | None = None
    errors: dict = field(default_factory=dict)


def check(data: dict, today: date) -> tuple[dict, dict]:
    """(values, errors) of a contact as sent by the form or the API."""
    errors, values = {}, {}
    channel, outcome = data.get("channel"), data.get("outcome")
    if channel not in rules.CHANNELS:
        errors["channel"] = [_("Pilih cara menghubungi.")]
    if outcome not in rules.OUTCOMES:
        errors["outcome"] = [_("Pilih hasilnya.")]
    values["channel"], values["outcome"] = channel, outcome
    for name in ("will_pay_on", "next_on"):
        raw = data.get(name)
        values[name] = parse_date(raw) if isinstance(raw, str) and raw.strip() else None
        if isinstance(raw, str) and raw.strip() and values[name] is None:
            errors[name] = [_("Tanggal tidak valid (contoh: 15-12-2026).")]
        elif values[name] is not None and not today - timedelta(days=7) <= values[name] <= today + timedelta(days=366):
            errors[name] = [_("Pilih tanggal dalam setahun ke depan.")]
    if outcome == "will_pay" and values["will_pay_on"] is None and "will_pay_on" not in errors:
        errors["will_pay_on"] = [_("Kapan pekerja akan membayar?")]
    note = data.get("note") if isinstance(data.get("note"), str) else ""
    if len(note) > MAX_NOTE:
        errors["note"] = [_("Catatan paling panjang %(n)s karakter.", n=MAX_NOTE)]
    values["note"] = note.strip() or None
    method = data.get("consent_method") or None
    if method is not None and method not in codes.CONSENT_METHODS:
        errors["consent_method"] = [_("Pilih cara persetujuan diberikan.")]
    values["consent_method"] = method
    event = data.get("event") or None
    values["event"] = event if isinstance(event, str) and len(event) <= 24 else None
    if "next_on" not in errors and values["next_on"] is None and outcome in rules.OUTCOMES:
        values["next_on"] = rules.next_contact(outcome, today, values["will_pay_on"])
    return values, errors


def by_client_id(client_id: str, user: User) -> Contact | None:
    """The user's own contact saved under this client_id; ClientIdTaken if another user's."""
    known = db.session.scalar(db.select(Contact).where(Contact.client_id == client_id))
    if known is not None and known.user_id != user.id:
        raise ClientIdTaken()
    return known


class ClientIdTaken(Exception):
    pass


def log(registration: Registration, user: User, data: dict, client_id: str, today: date,
        captured_at: datetime | None = None, visit_id=None) -> Logged:
    """Check and save one contact, exactly once per client_id."""
    try:
        if known := by_client_id(client_id, user):
            return Logged("saved", known) if known.registration_id == registration.id else Logged("client_id_taken")
    except ClientIdTaken:
        return Logged("client_id_taken")
    if captured_at is not None:  # logged without signal: its dates are judged on the day the officer logged it
        today = min(today, local_day(captured_at))
    values, errors = check(data, today)
    visit = own_visit(visit_id, user)
    if not errors and values["consent_method"] and not needs_consent(registration):
        values["consent_method"] = None  # consent was given at registration: nothing to record again
    if errors:
        return Logged("refused", errors=errors)
    now = utcnow()
    contact = Contact(registration_id=registration.id, user_id=user.id, visit_id=visit.id if visit else None,
                      client_id=client_id, at=now, captured_at=captured_at, **values)
    try:
        with db.session.begin_nested():
            db.session.add(contact)
            db.session.flush()
    except IntegrityError:  # the same contact sent twice at once: the first one wins
        try:
            known = by_client_id(client_id, user)
        except ClientIdTaken:
            return Logged("client_id_taken")
        if known is None:
            raise
        return Logged("saved", known)
    apply(registration, contact, user, now)
    return Logged("created", contact)


def own_visit(visit_id, user: User) -> Visit | None:
    if not isinstance(visit_id, int) or isinstance(visit_id, bool) or not 1 <= visit_id <= MAX_ID:
        return None
    visit = db.session.get(Visit, visit_id)
    return visit if visit is not None and visit.officer_id == user.id else None


def needs_consent(registration: Registration) -> bool:
    """An imported worker whose consent was collected by the funder: an officer records it at a contact."""
    return registration.source == "imported" and registration.consent_version != CONSENT_VERSION


def apply(registration: Registration, contact: Contact, user: User, now: datetime) -> None:
    """What a new contact changes on the registration, in its history and in the audit trail."""
    when = contact.captured_at or now
    if registration.last_contact_at is None or when >= registration.last_contact_at:
        registration.last_contact_at, registration.last_outcome = when, contact.outcome
        registration.next_contact_on = contact.next_on
    if rules.asks_to_stop(contact.note) and registration.messages_stopped_at is None:
        registration.messages_stopped_at = now
    changes = {"channel": contact.channel, "outcome": contact.outcome, "contact": contact.id}
    if contact.next_on:
        changes["next_on"] = contact.next_on.isoformat()
    if contact.will_pay_on:
        changes["will_pay_on"] = contact.will_pay_on.isoformat()
    if contact.consent_method and needs_consent(registration):
        registration.consent_at, registration.consent_version = now, CONSENT_VERSION
        registration.consent_method = contact.consent_method
        changes["consent_method"] = contact.consent_method
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id, kind="contact",
                                     changes=changes, at=now))
    audit.record("contact", registration, user_id=user.id, outcome=contact.outcome, channel=contact.channel)


def history(registration: Registration, limit: int = 50) -> list[Contact]:
    return list(db.session.scalars(db.select(Contact).where(Contact.registration_id == registration.id)
                                   .order_by(Contact.at.desc(), Contact.id.desc()).limit(limit)))


EXPORT_COLUMNS = ("number", "village_code", "at", "captured_at", "channel", "outcome", "will_pay_on", "next_on",
                  "event", "officer", "note")


def export_rows(user: User):
    """The contact log of the user's area as CSV lines (UTF-8 with BOM, codes as they are), oldest first. The query
    is built now, while the user is loaded; the lines are made as the response streams."""
    from outreach.services.access import visible_to
    ids = visible_to(user).with_only_columns(Registration.id).scalar_subquery()
    query = (db.select(Contact, Registration.number, Registration.village_code, User.username)
             .join(Registration, Registration.id == Contact.registration_id)
             .outerjoin(User, User.id == Contact.user_id)
             .where(Contact.registration_id.in_(ids)).order_by(Contact.id)
             .execution_options(yield_per=1000))
    return csv_lines(query)


def csv_lines(query):
    import csv
    import io

    from outreach.services.exports import inert  # a note a spreadsheet would run as a formula gets a quote
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for contact, number, village, username in db.session.execute(query):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([number, village, contact.at.isoformat(), contact.captured_at.isoformat() if contact.captured_at
                         else "", contact.channel, contact.outcome, contact.will_pay_on or "", contact.next_on or "",
                         contact.event or "", username or "", inert(contact.note or "")])
        yield buffer.getvalue()
