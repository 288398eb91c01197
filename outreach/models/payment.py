"""Who pays and what was paid: funding programmes (a budget paying for a cohort) and the payment ledger.

Protection is derived from the ledger by outreach/domain/protection.py; `Registration.paid_through` keeps the
last day of the latest month paid, so that lists over a million registrations (follow-up, coverage) need no
scan of the ledger. Services that add payments keep it current in the same transaction.
"""
from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from outreach.extensions import db
from outreach.models.types import UTCDateTime, utcnow
from outreach.models.user import User


class Programme(db.Model):
    """A programme pays the contributions of its members for some months (SK Bupati, a PKS with a sponsor)."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    payer: Mapped[str] = mapped_column(String(20))  # contribution.FUNDING, never "self"
    funder_name: Mapped[str | None] = mapped_column(String(120))  # the sponsor, the desa, the agency
    basis: Mapped[str | None] = mapped_column(String(200))  # SK Bupati / PKS number
    first_month: Mapped[date] = mapped_column(Date)  # the first day of the first month paid
    months: Mapped[int] = mapped_column(Integer)
    with_jht: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # else JKK + JKM
    budget: Mapped[int] = mapped_column(BigInteger)  # whole Rupiah
    quota: Mapped[int | None] = mapped_column(Integer)  # members in all; None: no limit but the budget
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    quotas: Mapped[list["ProgrammeQuota"]] = relationship(back_populates="programme", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name}>"


class ProgrammeQuota(db.Model):
    """How many members a programme takes in one kecamatan."""

    __tablename__ = "programme_quotas"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), primary_key=True)
    kecamatan_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    quota: Mapped[int] = mapped_column(Integer)

    programme: Mapped[Programme] = relationship(back_populates="quotas")


class Payment(db.Model):
    """Contribution months paid for one registration: typed by a coordinator, imported from the branch's file,
    or a programme's month. An amount that differs from the rule for those months is flagged, not refused."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_registration_month", "registration_id", "first_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"))
    first_month: Mapped[date] = mapped_column(Date)  # the first day of the first month covered
    months: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)  # whole Rupiah paid
    expected: Mapped[int | None] = mapped_column(BigInteger)  # what the rule asks for those months, when known
    paid_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))  # bank, pos, minimarket, jmo, perisai, budget
    source: Mapped[str] = mapped_column(String(12))  # typed | imported | programme
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: a command
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    recorder: Mapped[User | None] = relationship()
    programme: Mapped[Programme | None] = relationship()

    @property
    def mismatch(self) -> bool:
        return self.expected is not None and self.expected != self.amount
