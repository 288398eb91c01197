"""The follow-up log: every contact with a worker (a visit, a call, a WhatsApp or SMS message) and its outcome.

The latest contact's outcome and next date are copied onto the registration (`last_outcome`, `last_contact_at`,
`next_contact_on`) so that the follow-up lists filter on the row and its indexes, never on this log.
"""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.extensions import db
from outreach.models.types import UTCDateTime, utcnow
from outreach.models.user import User


class Contact(db.Model):
    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_registration_at", "registration_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the message command
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    # Made on the phone: a contact logged without signal and sent twice by the outbox is saved once.
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)  # when the server recorded it
    captured_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the officer logged it (device clock)
    channel: Mapped[str] = mapped_column(String(12))  # domain.followup.CHANNELS
    outcome: Mapped[str] = mapped_column(String(16))  # domain.followup.OUTCOMES
    will_pay_on: Mapped[date | None] = mapped_column(Date)
    next_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)  # emptied by erasure
    event: Mapped[str | None] = mapped_column(String(24))  # a message sent from the officer's phone: its template
    # An imported worker's consent, recorded by the officer at this contact (codes.CONSENT_METHODS).
    consent_method: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User | None] = relationship()
