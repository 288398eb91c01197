"""Writing many rows at once (the payment file's 100,000): PostgreSQL's COPY and one UPDATE from arrays, else
SQLAlchemy's batched statements. Both inside the session's transaction: the caller commits or rolls back."""
import json
from datetime import date

from sqlalchemy import JSON, Table

from outreach.extensions import db

BATCH = 1000


def insert(table: Table, rows: list[dict]) -> None:
    """INSERT rows (dicts with the same keys). On PostgreSQL through COPY: a multi-row INSERT costs psycopg a
    parse of every placeholder, and a statement a row costs a round trip each."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        for i in range(0, len(rows), BATCH):  # RETURNING: SQLAlchemy batches the rows ("insertmanyvalues")
            conn.execute(table.insert().returning(table.c.id), rows[i:i + BATCH]).all()
        return
    names = list(rows[0])
    as_json = {name for name in names if isinstance(table.c[name].type, JSON)}
    with conn.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])


def move_forward(table: Table, column: str, values: dict[int, date]) -> None:
    """Set `column` to the given date for each id where it is empty or earlier (never backwards: what was
    recorded meanwhile stands)."""
    conn, col = db.session.connection(), table.c[column]
    items = list(values.items())
    if conn.dialect.name == "postgresql":
        sql = db.text(f"UPDATE {table.name} AS t SET {column} = v.day FROM unnest(CAST(:ids AS integer[]), "
                      f"CAST(:days AS date[])) AS v(id, day) WHERE t.id = v.id AND (t.{column} IS NULL OR "
                      f"t.{column} < v.day)")
        for i in range(0, len(items), 10 * BATCH):
            chunk = items[i:i + 10 * BATCH]
            conn.execute(sql, {"ids": [k for k, _v in chunk], "days": [v for _k, v in chunk]})
        return
    by_day: dict[date, list[int]] = {}
    for key, day in items:  # a file's payments end in a few months: one UPDATE per month and thousand ids
        by_day.setdefault(day, []).append(key)
    for day, ids in by_day.items():
        for i in range(0, len(ids), BATCH):
            conn.execute(db.update(table).where(table.c.id.in_(ids[i:i + BATCH]),
                                                db.or_(col.is_(None), col < day)).values({column: day}))
