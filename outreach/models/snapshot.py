"""The dashboard's counts of one scope (a kecamatan, or "*" for the whole district), made by
services/dashboard.py and read by every app server: counting a million registrations takes a second or two, so a
page reads the last snapshot and, once it is older than DASHBOARD_CACHE_SECONDS, has a job make the next."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from outreach.extensions import db
from outreach.models.types import UTCDateTime


class DashboardSnapshot(db.Model):
    __tablename__ = "dashboard_snapshots"

    scope: Mapped[str] = mapped_column(String(12), primary_key=True)  # a kecamatan code, or "*"
    day: Mapped[date] = mapped_column(Date)  # the WIB day it counted "protected today" for
    made_at: Mapped[datetime] = mapped_column(UTCDateTime())
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a refresh was asked for (one at a time)
    value: Mapped[dict] = mapped_column(JSON)
