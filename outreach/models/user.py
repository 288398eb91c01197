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
    # Part of the session id: changing it (new password, deactivation, "log out everywhere") logs out every
    # device, and voids the browsers trusted to skip the login slowdown (auth/throttle.py).
    login_nonce: Mapped[str] = mapped_column(String(32), default=lambda: User.new_nonce())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    kecamatan: Mapped[Region | None] = relationship()

    # The token of the login session this object was loaded for (services/login_sessions.py); not a column.
    login_token = ""

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
        """What the session and remember-me cookies carry: the user, their nonce and this login's token."""
        return f"{self.id}:{self.login_nonce}:{self.login_token}"

    def has_role(self, *roles: Role | str) -> bool:
        return self.role in {Role(r).value for r in roles}

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class LoginSession(db.Model):
    """One login on one device. The browser holds a random token; the table holds only its SHA-256, so a copy
    of the table logs nobody in. Logging out sets revoked_at; expires_at is fixed at login, however often
    the session is used (a cookie's own expiry slides with each request)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # pruned at login
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    device: Mapped[str] = mapped_column(String(60), default="")  # "Android · Chrome": which phone, not who


class LoginThrottle(db.Model):
    """Failed logins per typed username (whether or not the account exists: no enumeration) and client
    address; address "*" counts the username's failures from every address (auth/throttle.py)."""

    __tablename__ = "login_throttle"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
