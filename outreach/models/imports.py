"""Files a coordinator previewed and has not yet applied (a KPJ list): kept in the database, not on one app
server's disk, so that the confirmation may reach any server behind the load balancer."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from outreach.extensions import db
from outreach.models.types import UTCDateTime, utcnow


class ImportPreview(db.Model):
    __tablename__ = "import_previews"
    # One row per coordinator, kind and file: previewing the same file again finds it.
    __table_args__ = (UniqueConstraint("user_id", "kind", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))  # "kpj"
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the content: what the confirmation posts
    content: Mapped[str] = mapped_column(Text)  # the decoded text (NIKs of a branch list: deleted within a day)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
