"""Saving registrations: one submission protocol for the HTML form and the JSON API (and the outbox through
it), one for corrections. Numbers come from a per-month counter the database increments atomically; the
unique indexes on client_id and the live NIK hold under concurrent submissions, through a savepoint.

The caller commits (README, "Layout"): a view or API handler turns the Outcome into HTML or JSON, then commits.
"""
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from outreach import audit
from outreach.domain.clock import LOCAL_TZ, local_day
from outreach.domain.eligibility import name_key
from outreach.domain.masking import for_history
from outreach.domain.numbers import format_number
from outreach.extensions import db
from outreach.inputs import MAX_ID
from outreach.labels import CONSENT_VERSION
from outreach.models import AuditEvent, Registration, RegistrationEvent, Visit
from outreach.models.types import utcnow
from outreach.services import programmes, receipts, review, tariff
from outreach.services.checks import FIELDS, Checked, check, duplicate_message, is_whole, nik_holder


@dataclass
class Outcome:
    """What became of a submission.

    created: saved now; saved: this client_id was saved before (a retry, a double tap): the same registration;
    refused: `checked.errors` say why (with `checked.duplicate` when the NIK is taken); client_id_taken:
    the client_id belongs to another officer's registration, of which nothing is told;
    checked: all fine, and nothing saved because only a preview was asked for."""
    kind: str
    registration: Registration | None = None
    checked: Checked | None = None
    changes: dict | None = None  # a correction's fields: [before, after]
    token: str | None = None  # created: its first receipt's, for the answer's status link


def submit(data: dict, officer_id: int, client_id: str, today: date, visit_id=None,
           captured_at: datetime | None = None, preview: bool = False) -> Outcome:
    """Check and save one registration, exactly once per client_id."""
    try:
        known = by_client_id(client_id, officer_id)
    except ClientIdTaken:
        return Outcome("client_id_taken")
    if known:  # a retry of something already saved: the same answer, nothing new
        return Outcome("saved", known)
    checked = check(data, today)
    if problem := visit_problem(visit_id, officer_id, captured_at):
        checked.errors["visit_id"] = [problem]
    if not checked.ok:
        if same := already_saved(checked, client_id, officer_id):  # a double tap that raced its original
            return Outcome("saved", same)
        note_nik_match(checked, officer_id)
        return Outcome("refused", checked=checked)
    if preview:
        return Outcome("checked", checked=checked)
    try:
        registration, token = create(checked, officer_id, visit_id, client_id, today, captured_at, looked_up=True)
    except DuplicateNik as dup:
        checked.duplicate = dup.existing
        checked.errors["nik"] = [duplicate_message(dup.existing)]
        return Outcome("refused", checked=checked)
    except programmes.QuotaFull:  # the last place went to another officer a moment ago
        checked.errors["programme_id"] = [str(programmes.FULL)]
        return Outcome("refused", checked=checked)
    except ClientIdTaken:
        return Outcome("client_id_taken")
    return Outcome("created" if token else "saved", registration, checked, token=token)


def correct(registration: Registration, data: dict, user, version: int | None, preview: bool = False,
            no_change_needed: bool = False) -> Outcome:
    """Check and apply an officer's correction. Outcomes: refused (errors), checked (preview), stale (changed
    by someone since the form was opened), saved (with `changes`, empty when nothing differed). A returned
    registration sent back unchanged is refused unless `no_change_needed` says so."""
    checked = check(data, registration_day(registration), exclude_id=registration.id,
                    programme_id=registration.programme_id)
    if not checked.ok:
        note_nik_match(checked, user.id)
        return Outcome("refused", registration, checked)
    if preview:
        return Outcome("checked", registration, checked)
    try:
        changes = update(registration, checked, user, version, no_change_needed)
    except review.Refused as refusal:  # returned, unchanged, and not said to need no change
        db.session.expire(registration)
        checked.errors = {**checked.errors, "no_change_needed": refusal.messages}
        return Outcome("refused", registration, checked)
    except DuplicateNik as dup:
        checked.duplicate = dup.existing
        checked.errors["nik"] = [duplicate_message(dup.existing)]
        return Outcome("refused", registration, checked)
    except programmes.QuotaFull:
        db.session.expire(registration)
        checked.errors = {**checked.errors, "programme_id": [str(programmes.FULL)]}
        return Outcome("refused", registration, checked)
    except Stale:
        return Outcome("stale", registration, checked)
    return Outcome("saved", registration, checked, changes)


def note_nik_match(checked: Checked, officer_id: int) -> None:
    """A typed NIK that is already registered tells the officer whose it is: audited (the caller commits, even
    on a refusal), and past NIK_MATCH_LIMIT an hour the form stops saying whose, so that nobody can test the
    district's NIKs one after another."""
    if checked.duplicate is None:
        return
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.user_id == officer_id, AuditEvent.action == "nik_match", AuditEvent.at >= since))
    audit.record("nik_match", checked.duplicate, user_id=officer_id)
    if recent >= current_app.config["NIK_MATCH_LIMIT"]:
        checked.duplicate = None
        checked.errors["nik"] = [_("NIK ini tidak dapat dipakai. Terlalu banyak NIK terdaftar yang diperiksa dalam "
                                   "satu jam; coba lagi nanti atau hubungi koordinator.")]


def own_registrations(officer_id: int, q: str, before: int | None, size: int,
                      status: str | None = None) -> tuple[list, int | None]:
    """An officer's registrations, newest first, matching a name or number (and a status, when given);
    keyset-paged by id."""
    query = db.select(Registration).where(Registration.officer_id == officer_id)
    if status:
        query = query.where(Registration.status == status)
    if q:
        # % and _ are what the officer typed, not wildcards
        conditions = [Registration.number.icontains(q, autoescape=True)]
        if key := name_key(q):
            conditions.append(Registration.name_key.contains(key, autoescape=True))
        query = query.where(db.or_(*conditions))
    if before:
        query = query.where(Registration.id < before)
    rows = db.session.scalars(query.options(joinedload(Registration.village))
                              .order_by(Registration.id.desc()).limit(size + 1)).all()
    return rows[:size], rows[size - 1].id if len(rows) > size else None


def new_client_id() -> str:
    return str(uuid.uuid4())


def canonical_client_id(raw) -> str | None:
    try:
        return str(uuid.UUID(str(raw)))
    except ValueError:
        return None


def next_number(now: datetime) -> str:
    """PREFIX-YYMM-NNNNNN (BS-2611-000149): the deployment's NUMBER_PREFIX, month, and a counter that the database
    increments atomically."""
    period = now.astimezone(LOCAL_TZ).strftime("%y%m")
    n = db.session.execute(NEXT_IN_PERIOD, {"period": period}).scalar_one()
    return format_number(current_app.config["NUMBER_PREFIX"], period, n)


# One statement: the month's first number, or the next one; the row stays locked until the commit. Written out
# (both databases take it; SQLite from 3.35) because SQLAlchemy 2.0 cannot cache an ON CONFLICT construct: it
# compiled the statement anew on every registration.
NEXT_IN_PERIOD = db.text("INSERT INTO number_sequences (period, last) VALUES (:period, 1) ON CONFLICT (period) "
                         "DO UPDATE SET last = number_sequences.last + 1 RETURNING last")


STORED = [f for f in FIELDS if f not in ("consent", "consent_method")]  # consent: recorded once, by create()


def store_fields(registration: Registration, c: Checked, today: date) -> None:
    for name in STORED:
        setattr(registration, name, c.values[name])
    registration.name_key = name_key(c.values["full_name"])
    registration.nik_last4 = c.values["nik"][-4:]
    registration.kecamatan_code = c.values["village_code"].rsplit(".", 1)[0]
    registration.contribution = c.contribution.as_dict() | {"start": today.isoformat()}
    registration.flags = sorted(set(c.flags))


class DuplicateNik(Exception):
    def __init__(self, existing: Registration):
        self.existing = existing


class ClientIdTaken(Exception):
    """The client_id is another officer's: nothing of that registration is shown (409)."""


class Stale(Exception):
    """The registration changed since the officer opened the edit form."""


def by_client_id(client_id: str, officer_id: int) -> Registration | None:
    """The officer's own registration saved under this client_id (a retry); ClientIdTaken if another
    officer's, so a replayed id never reveals someone else's registration."""
    found = db.session.execute(CLIENT_ID_OWNER, {"client_id": client_id}).first()
    if found is None:  # nearly every POST: the registration is loaded only for a retry
        return None
    if found.officer_id != officer_id:
        raise ClientIdTaken()
    return db.session.get(Registration, found.id)


# Built once: on a POST, building a statement costs about as much CPU as running it.
CLIENT_ID_OWNER = db.select(Registration.id, Registration.officer_id).where(
    Registration.client_id == db.bindparam("client_id"))


def already_saved(c: Checked, client_id: str, officer_id: int) -> Registration | None:
    """The registration this very submission made a moment ago: a retry racing its original finds it as
    a NIK duplicate, but it is the same form sent twice and gets the same answer as any retry."""
    if c.duplicate is not None and c.duplicate.client_id == client_id:
        return by_client_id(client_id, officer_id)
    return None


def visit_problem(visit_id, officer_id: int, captured_at: datetime | None = None) -> str | None:
    """Why a registration cannot go on this visit (the API's `visit_id`), or None if it can.

    A closed visit still takes what the phone captured while it was open: the outbox may only reach the
    server after the officer closed the visit back in signal."""
    if visit_id is None:
        return None
    visit = db.session.get(Visit, visit_id) if is_whole(visit_id) and 1 <= visit_id <= MAX_ID else None
    if visit is None or visit.officer_id != officer_id:
        return _("Kunjungan tidak ditemukan.")
    if not visit.is_open and (captured_at is None or captured_at > visit.closed_at):
        return _("Kunjungan ini sudah ditutup. Mulai kunjungan baru untuk mendaftarkan pekerja.")
    return None


def registration_day(registration: Registration) -> date:
    """The day a registration counts from: its age check and its first contribution month."""
    start = (registration.contribution or {}).get("start")
    try:
        return date.fromisoformat(start)
    except (TypeError, ValueError):
        return local_day(registration.created_at)


def parse_captured_at(raw, now: datetime) -> datetime | None:
    """The device's capture time (ISO 8601); None when absent, unreadable, or implausible (a phone clock
    ahead of the server by more than a day, or before this app existed)."""
    if not isinstance(raw, str) or len(raw) > 40:
        return None
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    when = when if when.tzinfo else when.replace(tzinfo=LOCAL_TZ)
    if not datetime(2024, 1, 1, tzinfo=LOCAL_TZ) <= when <= now + timedelta(days=1):
        return None
    return when


def create(c: Checked, officer_id: int, visit_id: int | None, client_id: str, today: date,
           captured_at: datetime | None = None, looked_up: bool = False) -> tuple[Registration, str | None]:
    """Add a checked registration with its first receipt; (registration, the receipt's status token), or
    (registration, None) for a known client_id's; another officer's raises ClientIdTaken; a NIK taken meanwhile
    raises DuplicateNik.
    `looked_up`: the caller has just looked the client_id up (a race is still caught by its unique index)."""
    known = None if looked_up else by_client_id(client_id, officer_id)
    if known:
        return known, None
    if c.values["programme_id"]:  # its row stays locked until the caller commits: one last place, one member
        programmes.claim(c.values["programme_id"], c.values["village_code"].rsplit(".", 1)[0])
    now = utcnow()
    registration = Registration(client_id=client_id, status="pending", officer_id=officer_id, visit_id=visit_id,
                                consent_at=now, consent_version=CONSENT_VERSION,
                                consent_method=c.values["consent_method"], created_at=now, updated_at=now,
                                captured_at=captured_at)
    store_fields(registration, c, today)
    try:
        # The savepoint: a retry racing its original (same client_id), or another officer enrolling this NIK
        # a moment ago, fails on a unique index; only this insert (and its number) is undone.
        with db.session.begin_nested():
            registration.number = next_number(now)
            db.session.add(registration)
            db.session.flush()
            # The history's first line as one INSERT, with no ORM object (as receipts.issue does): every
            # registration writes it, and flushing an object costs about twice the CPU of the statement.
            db.session.execute(db.insert(RegistrationEvent.__table__), {
                "registration_id": registration.id, "user_id": officer_id, "kind": "created", "at": now})
            token = receipts.issue(registration, officer_id, first=True)
    except IntegrityError:
        known = by_client_id(client_id, officer_id)
        if known:
            return known, None
        existing = nik_holder(c.values["nik"])
        if existing:
            raise DuplicateNik(existing) from None
        raise
    return registration, token


def update(registration: Registration, c: Checked, user, version: int | None,
           no_change_needed: bool = False) -> dict:
    """Apply an officer's correction; records which fields changed, with masked before and after values
    (domain.masking.for_history). A `returned` registration goes back to `pending` through the workflow: with
    a change, or with the officer's word that none was needed (review.Refused otherwise)."""
    if version is not None and version != registration.version:
        raise Stale()
    if "consent_method_unrecorded" in (registration.flags or []):  # consent is not given again by a correction
        c.flags.append("consent_method_unrecorded")
    start = registration_day(registration)
    before = {name: getattr(registration, name) for name in STORED}
    c.contribution = tariff.contribution_for(c.values["monthly_income"], c.values["programs"],
                                             c.values["payment_period"], start, c.values["funding"],
                                             c.values["occupation"])
    if c.values["programme_id"]:
        programmes.claim(c.values["programme_id"], c.values["village_code"].rsplit(".", 1)[0], registration.id)
    try:
        with db.session.begin_nested():  # the NIK's unique index may refuse the new value
            store_fields(registration, c, start)
            changes = {name: [for_history(name, before[name]), for_history(name, c.values[name])]
                       for name in STORED if before[name] != c.values[name]}
            if changes:
                # The WHERE on version makes the check and the write one step, as review.transition() does: a
                # coordinator's move that landed since the officer opened the form wins; this edit is refused.
                seen = registration.version
                claimed = db.session.execute(db.update(Registration).where(
                    Registration.id == registration.id, Registration.version == seen).values(
                    version=seen + 1, updated_at=utcnow())).rowcount
                if claimed != 1:
                    raise Stale()
                db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user.id, kind="edited",
                                                 changes=changes))
                audit.record("edit", registration, user_id=user.id, fields=sorted(changes))
            if registration.status == "returned":  # corrected: back to the coordinators' queue
                db.session.flush()
                review.transition(registration, "pending", user, registration.version, corrected=bool(changes),
                                  no_change_needed=no_change_needed)
    except IntegrityError:
        db.session.expire(registration)
        raise DuplicateNik(nik_holder(c.values["nik"], registration.id)) from None
    except Stale:
        db.session.expire(registration)
        raise
    return changes
