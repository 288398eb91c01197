"""The queue of automatic messages to workers, sent by `flask messages send` through the gateway.

One row per worker, event and what the event is about (`ref`: the date protection ends, the programme...), held
by a unique index: running the command twice, or from two timers at once, never queues a message twice.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outreach.extensions import db
from outreach.models.types import UTCDateTime, utcnow


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        Index("uq_messages_registration_event_ref", "registration_id", "event", "ref", unique=True),
        Index("ix_messages_state_next_attempt", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    event: Mapped[str] = mapped_column(String(24))  # services.messages.EVENTS
    ref: Mapped[str] = mapped_column(String(24))
    to: Mapped[str | None] = mapped_column(String(16))  # E.164; emptied by erasure
    text: Mapped[str | None] = mapped_column(Text)  # emptied by erasure
    state: Mapped[str] = mapped_column(String(8), default="queued")  # queued | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(200))
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
