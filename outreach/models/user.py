"""Accounts of field officers, coordinators and administrators."""
import enum
import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from outreach.extensions import db
from outreach.models.region import Region
from outreach.models.types import UTCDateTime, utcnow


class Role(str, enum.Enum):
    officer = "officer"  # petugas lapangan
    coordinator = "coordinator"  # koordinator
    admin = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    kecamatan_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    locale: Mapped[str | None] = mapped_column(String(5))
    # Part of the session id: changing it (new password, deactivation) logs out every device.
    login_nonce: Mapped[str] = mapped_column(String(32), default=lambda: User.new_nonce())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    kecamatan: Mapped[Region | None] = relationship()

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_hex(8)

    def set_password(self, password: str) -> None:
        # scrypt by default; the test suite picks a cheaper method to stay fast.
        self.password_hash = generate_password_hash(password, current_app.config["PASSWORD_HASH_METHOD"])
        self.login_nonce = self.new_nonce()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return f"{self.id}:{self.login_nonce}"

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r).value for r in roles}

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginThrottle(db.Model):
    """Failed logins per typed username, whether or not the account exists (no enumeration)."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
