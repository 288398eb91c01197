"""A worker's BPU registration, its history, and the counter behind registration numbers."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.domain.workflow import EDITABLE
from outreach.extensions import db
from outreach.models.region import Region
from outreach.models.types import UTCDateTime, utcnow
from outreach.models.user import User
from outreach.models.visit import Visit

# Columns the follow-up lists filter on besides the index's keys (PostgreSQL INCLUDE: index-only counts).
FOLLOWUP_FILTERS = ("next_contact_on", "last_outcome", "funding", "occupation", "programme_id")


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (
        # One live registration per NIK: a rejected one does not block a new attempt. Enforced by the
        # database, so two officers enrolling the same worker at once cannot both succeed.
        Index("uq_registrations_live_nik", "nik", unique=True,
              sqlite_where=text("status != 'rejected'"), postgresql_where=text("status != 'rejected'")),
        Index("ix_registrations_probable_duplicate", "name_key", "birth_date", "village_code"),
        Index("ix_registrations_officer_created", "officer_id", "created_at"),
        # One KPJ participant number per registration, enforced by the database: two coordinators recording
        # the same KPJ on two registrations at once cannot both succeed.
        Index("uq_registrations_kpj", "kpj", unique=True,
              sqlite_where=text("kpj IS NOT NULL"), postgresql_where=text("kpj IS NOT NULL")),
        # The coordinators' queue is sorted by date and keyset-paginated on (created_at, id); each index ends
        # with those two columns so that any page, newest or oldest first, is an index range scan. The
        # (kecamatan_code, status, ...) one also answers a coordinator's counts per status.
        Index("ix_registrations_kecamatan_status_created", "kecamatan_code", "status", "created_at", "id"),
        Index("ix_registrations_kecamatan_created", "kecamatan_code", "created_at", "id"),
        Index("ix_registrations_status_created", "status", "created_at", "id"),
        Index("ix_registrations_village_created", "village_code", "created_at", "id"),
        Index("ix_registrations_created", "created_at", "id"),  # an admin's queue, all statuses
        # The dashboard's grouped counts (dashboard/views.py, tally): every column they read, so that a scope's
        # counts are an index-only scan, not a read of the whole table (migration 0020, bench/dashboard.py).
        Index("ix_registrations_coverage", "kecamatan_code", "village_code", "status", "erased_from", "occupation",
              "funding", "paid_through"),
        # Follow-up and coverage by protection: a kecamatan's registrations by the month their payments run to.
        Index("ix_registrations_kecamatan_paid_through", "kecamatan_code", "paid_through"),
        # The follow-up lists (services/followup.py): workers with a KPJ, by kecamatan or desa, in the lists' order
        # (the month payments run to, then the KPJ's date, then id: a page is the index read in order, stopping
        # after 30); on PostgreSQL each carries the columns the lists filter on, so that every count is an
        # index-only range scan.
        *(Index(f"ix_registrations_followup_{scope}", f"{scope}_code", "paid_through", "kpj_at", "id",
                sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'"),
                postgresql_include=list(FOLLOWUP_FILTERS)) for scope in ("kecamatan", "village")),
        # A programme's members in a kecamatan in the same order: the "programme ending" list of a large cohort.
        Index("ix_registrations_followup_programme", "programme_id", "kecamatan_code", "paid_through", "kpj_at", "id",
              sqlite_where=text("status = 'active' AND programme_id IS NOT NULL"),
              postgresql_where=text("status = 'active' AND programme_id IS NOT NULL"),
              postgresql_include=["next_contact_on", "last_outcome"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # Bumped by every change: a coordinator acting on an older copy gets a conflict, not a silent overwrite.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), index=True)

    # The worker's personal data: NULL once erased (UU PDP; outreach/domain/privacy.py, ERASED_FIELDS). NULLs
    # do not collide in the unique indexes, and match no duplicate search.
    nik: Mapped[str | None] = mapped_column(String(16))
    nik_last4: Mapped[str | None] = mapped_column(String(4), index=True)  # coordinators search by it
    full_name: Mapped[str | None] = mapped_column(String(120))
    name_key: Mapped[str | None] = mapped_column(String(120))
    birth_place: Mapped[str | None] = mapped_column(String(80))
    birth_date: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    phone: Mapped[str | None] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(250))
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    occupation: Mapped[str] = mapped_column(String(30))
    occupation_other: Mapped[str | None] = mapped_column(String(80))
    work_location: Mapped[str | None] = mapped_column(String(120))
    monthly_income: Mapped[int | None] = mapped_column(Integer)
    programs: Mapped[list] = mapped_column(JSON)
    payment_period: Mapped[int] = mapped_column(Integer)
    funding: Mapped[str] = mapped_column(String(20))  # who pays: contribution.FUNDING
    sponsor_name: Mapped[str | None] = mapped_column(String(120))
    # The programme paying for this worker, when the payer is not the worker (models/payment.py).
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    employs_others: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # JHT required
    second_occupation: Mapped[str | None] = mapped_column(String(30))
    heir_name: Mapped[str | None] = mapped_column(String(120))
    heir_relation: Mapped[str | None] = mapped_column(String(20))
    heir_phone: Mapped[str | None] = mapped_column(String(16))
    guardian_name: Mapped[str | None] = mapped_column(String(120))
    guardian_relation: Mapped[str | None] = mapped_column(String(20))  # codes.GUARDIAN_RELATIONS
    notes: Mapped[str | None] = mapped_column(Text)
    # Set by the coordinators' workflow: the KPJ participant number once active; the reason code while
    # returned (workflow.RETURN_REASONS) or rejected (workflow.REASONS), cleared by every other move.
    kpj: Mapped[str | None] = mapped_column(String(11))
    kpj_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the KPJ was recorded (first payment due)
    # The last day of the latest contribution month paid (payments), kept with every payment: lists of who is
    # protected, ending or lapsed read it from the row and its index instead of the ledger.
    paid_through: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(30))
    # The latest contact (models/contact.py), kept here so the follow-up lists filter without the log: a worker
    # is off the lists until next_contact_on; moved and died (domain.followup.CLOSING) take them off for good.
    next_contact_on: Mapped[date | None] = mapped_column(Date)
    last_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_outcome: Mapped[str | None] = mapped_column(String(16))
    # app: enrolled here; imported: from a funder's member list (consent collected by the funder, not here:
    # no automatic message until an officer records consent at a contact).
    source: Mapped[str] = mapped_column(String(12), default="app", server_default="app")
    messages_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # "berhenti": no automatic message

    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consent_version: Mapped[str] = mapped_column(String(20))
    # codes.CONSENT_METHODS; NULL before version 2026-12-v2, or from a phone's older page (flagged).
    consent_method: Mapped[str | None] = mapped_column(String(20))
    # The figures shown to the worker when the registration was saved (recomputed on edit).
    contribution: Mapped[dict] = mapped_column(JSON)
    flags: Mapped[list] = mapped_column(JSON, default=list)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # seeded by `demo` only

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # When the officer captured it on the phone (device clock; offline captures sync later).
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Erasure: when, and the status it had then (what coverage counts keep counting it as).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_from: Mapped[str | None] = mapped_column(String(12))

    officer: Mapped[User] = relationship()
    visit: Mapped[Visit | None] = relationship()
    programme = relationship("Programme")  # models/payment.py
    village: Mapped[Region] = relationship(foreign_keys=[village_code])
    events: Mapped[list["RegistrationEvent"]] = relationship(
        back_populates="registration", order_by="RegistrationEvent.id")

    @property
    def erased(self) -> bool:
        return self.status == "erased"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def return_note(self) -> str | None:
        """The coordinator's note when the registration came back for correction."""
        if self.status != "returned":
            return None
        for event in reversed(self.events):
            if event.kind == "transition" and event.changes.get("to") == "returned":
                return event.changes.get("note")
        return None


class RegistrationEvent(db.Model):
    """The history of a registration: creation, every edit (field before/after), later transitions."""

    __tablename__ = "registration_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the retention command
    # created | edited (changes: field -> [before, after], personal values masked) | transition (changes: from,
    # to, reason, note) | kpj_corrected (changes: kpj -> [before, after], reason) | receipt_reissued (reason)
    # | erased (changes: from, why)
    kind: Mapped[str] = mapped_column(String(20))
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class Receipt(db.Model):
    """One issue of a registration's receipt. Only a hash of its token is stored (outreach.domain.tokens)."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    # Random per issue; the token is HMAC(RECEIPT_KEY, salt), and only its SHA-256 is kept for look-ups.
    # Erasure drops the salt (no token can be made again) and keeps the hash, so that the worker's old QR
    # says the registration no longer exists.
    salt: Mapped[str | None] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    registration: Mapped[Registration] = relationship()


class NumberSequence(db.Model):
    """Per-month counters for registration numbers, incremented atomically (UPDATE … RETURNING)."""

    __tablename__ = "number_sequences"

    period: Mapped[str] = mapped_column(String(4), primary_key=True)  # YYMM
    last: Mapped[int] = mapped_column(Integer, default=0)
