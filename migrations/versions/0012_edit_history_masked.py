"""edit history without plain personal data

Until now an edit's event kept each changed field's old and new value in the clear (phone, address, birth
date...) for ever. From now on the history keeps which field changed and masked values
(outreach/domain/masking.py, HISTORY_MASKS); this masks the events already written the same way. The maskers
are written out here, as they are today, so that this revision keeps meaning the same whatever later code does.
Nothing to undo: the clear values are gone by design.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def nik(value: str) -> str:
    return "*" * (len(value) - 4) + value[-4:] if len(value) > 4 else "*" * len(value)


def name(value: str) -> str:
    return " ".join(word[0] + "*" * (len(word) - 1) for word in value.split())


def phone(value: str) -> str:
    digits = "".join(c for c in value if c.isdigit())
    return "…" + digits[-3:] if digits else ""


def birth_date(value: str) -> str:
    return value[:4] + "-**-**" if value[:4].isdigit() else ""


def text(value: str) -> str:
    return "…" if value else ""


MASKS = {"nik": nik, "full_name": name, "heir_name": name, "guardian_name": name, "phone": phone,
         "heir_phone": phone, "birth_date": birth_date, "birth_place": text, "address": text,
         "work_location": text, "notes": text}


def masked(field: str, value):
    if value is None or field not in MASKS:
        return value
    return MASKS[field](str(value))


def upgrade():
    events = sa.table("registration_events", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                      sa.column("changes", sa.JSON))
    bind = op.get_bind()
    for event_id, changes in bind.execute(sa.select(events.c.id, events.c.changes).where(events.c.kind == "edited")).all():
        if not isinstance(changes, dict):
            continue
        new = {field: [masked(field, v) for v in pair] if isinstance(pair, list) else masked(field, pair)
               for field, pair in changes.items()}
        if new != changes:
            bind.execute(events.update().where(events.c.id == event_id).values(changes=new))


def downgrade():
    pass  # the clear values are gone on purpose
