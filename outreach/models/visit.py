"""A field officer's visit (kunjungan) to one desa."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.extensions import db
from outreach.models.region import Region
from outreach.models.types import UTCDateTime, utcnow
from outreach.models.user import User


class Visit(db.Model):
    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    note: Mapped[str | None] = mapped_column(Text)
    # Asked of the phone, never required; stored as micro-degrees to keep floats out of the schema.
    latitude_e6: Mapped[int | None] = mapped_column(Integer)
    longitude_e6: Mapped[int | None] = mapped_column(Integer)
    accuracy_m: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    officer: Mapped[User] = relationship()
    village: Mapped[Region] = relationship()

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def location(self) -> str | None:
        if self.latitude_e6 is None or self.longitude_e6 is None:
            return None
        return f"{self.latitude_e6 / 1e6:.5f}, {self.longitude_e6 / 1e6:.5f}"
