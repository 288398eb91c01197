"""The register of the workers' data-subject requests (UU PDP): access, correction, withdrawal, deletion."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.extensions import db
from outreach.models.registration import Registration
from outreach.models.types import UTCDateTime, utcnow
from outreach.models.user import User


class PrivacyRequest(db.Model):
    __tablename__ = "privacy_requests"
    # A coordinator's register and the overdue ones on their home page: open requests of a kecamatan by due time.
    __table_args__ = (Index("ix_privacy_requests_kecamatan_state_due", "kecamatan_code", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    kecamatan_code: Mapped[str] = mapped_column(String(13))  # the registration's, for the coordinator's view
    kind: Mapped[str] = mapped_column(String(12))  # domain.privacy.REQUEST_KINDS
    identified_by: Mapped[str] = mapped_column(String(20))  # domain.privacy.IDENTIFICATIONS
    # What was asked, in the coordinator's words (emptied by erasure: free text may quote personal data).
    detail: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    state: Mapped[str] = mapped_column(String(10), default="open")  # domain.privacy.REQUEST_STATES
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(Text)  # how it was answered, or why refused

    registration: Mapped[Registration] = relationship()
    recorder: Mapped[User] = relationship(foreign_keys=[recorded_by])
    handler: Mapped[User | None] = relationship(foreign_keys=[handled_by])
