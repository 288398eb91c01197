"""Kemendagri regions: Indonesia's provinces, regencies and kecamatan, and the district's desa."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach import district
from outreach.extensions import db


class Region(db.Model):
    __tablename__ = "regions"

    # Dotted Kemendagri code: "19", "19.03", "19.03.01", "19.03.01.2004".
    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(10), index=True)  # province|regency|district|village
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    # Set on regency codes retired in 2022 (Papua): today's code. NIKs still carry the old one.
    successor_code: Mapped[str | None] = mapped_column(String(13))

    @property
    def is_kelurahan(self) -> bool:
        return self.level == "village" and self.code.rsplit(".", 1)[-1].startswith("1")

    @classmethod
    def kecamatan_of_district(cls):
        """The district's kecamatan, by name."""
        return db.session.scalars(
            db.select(cls).where(cls.parent_code == district.current().code).order_by(cls.name)
        ).all()

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"
