"""The audit trail: who viewed, revealed, changed, exported or moved which registration, and when."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.extensions import db
from outreach.models.types import UTCDateTime, utcnow
from outreach.models.user import User

ACTIONS = ("view", "reveal_nik", "edit", "transition", "export", "import_kpj", "reissue_receipt", "nik_match",
           "correct_kpj", "refused", "privacy_request", "privacy_close", "access_export", "erase", "programme",
           "contact", "import_cohort", "payment", "import_payments", "download")


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_kecamatan_at", "kecamatan_code", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: the retention command
    action: Mapped[str] = mapped_column(String(20))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    # The kecamatan the event concerns, so coordinators can read the trail of their own area.
    kecamatan_code: Mapped[str | None] = mapped_column(String(13))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
    registration = relationship("Registration")


class CoverageTarget(db.Model):
    """How many informal workers a desa or kecamatan has: the denominator of coverage."""

    __tablename__ = "coverage_targets"

    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    informal_workers: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
