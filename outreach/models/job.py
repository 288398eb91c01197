"""Long work done outside the request (services/jobs.py): an export of many rows, an import applied. The row is
the job's state for every app server and worker; its file (an export) waits in job_chunks, in the database, so
that any app server can hand it over, and is deleted with the job a day later (`flask retention run`)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from outreach.extensions import db
from outreach.models.types import UTCDateTime, utcnow

JOB_STATES = ("queued", "running", "done", "failed")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # services/jobs.KINDS
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)  # who asked: the only one to see it
    state: Mapped[str] = mapped_column(String(10), default="queued")
    params: Mapped[dict] = mapped_column(JSON, default=dict)  # what to do (a filter, a preview's digest); no NIK
    progress: Mapped[int] = mapped_column(Integer, default=0)  # rows done
    total: Mapped[int | None] = mapped_column(Integer)  # rows in all, when known
    summary: Mapped[dict | None] = mapped_column(JSON)  # the result: rows written, an import's counts
    error: Mapped[str | None] = mapped_column(Text)  # why it failed, in words for the user (no personal data)
    filename: Mapped[str | None] = mapped_column(String(120))  # an export's download name
    mimetype: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a running job's last sign of life
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def percent(self) -> int | None:
        if self.state == "done":
            return 100
        return min(99, self.progress * 100 // self.total) if self.total else None


class JobChunk(db.Model):
    """A piece of a job's file, in order (an export's CSV is one gzip stream across its pieces)."""
    __tablename__ = "job_chunks"

    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)
