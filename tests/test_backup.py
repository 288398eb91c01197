"""The README's backup recipe, tested: pg_dump of a database in use, pg_restore into a scratch database, and
every registration, payment and audit row is found there, and the app runs on it."""
import shutil
import subprocess
from datetime import date

import pytest
from flask_migrate import upgrade

from outreach.extensions import db
from outreach.models import AuditEvent, Payment, Registration
from outreach.services.regions import load_regions
from tests.conftest import Auth, make_app
from tests.enrollment import Officer, worker
from tests.postgres import fail_or_skip, scratch_postgres  # noqa: F401 (fixture)

TABLES = ("registrations", "payments", "audit_events", "registration_events", "receipts", "users", "regions")


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        fail_or_skip(f"{name} not found (apt-get install postgresql-client)")
    return path


def counts(url: str) -> dict:
    import psycopg
    with psycopg.connect(url) as conn:
        found = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        return found | {"migration": conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]}


def fill(app) -> list[str]:
    """Registrations made through the app (their audit rows and receipts with them) and a payment."""
    from outreach.models import User
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        for username, role in (("petugas", "officer"), ("admin", "admin")):
            user = User(username=username, full_name=username.title(), role=role,
                        kecamatan_code="19.03.01" if role == "officer" else None)
            user.set_password("rahasia-123")
            db.session.add(user)
        db.session.commit()
    client = app.test_client()
    officer = Officer(client, Auth(client))
    officer.auth.login("petugas")
    visit = officer.start_visit()
    numbers = []
    for i in range(3):
        saved = officer.register(visit, worker(nik=f"190301550890000{i + 1}", full_name=f"Siti {'ABC'[i]}"))
        assert saved.status_code == 302, saved.get_data(as_text=True)[:300]
        numbers.append(saved.headers["Location"].rsplit("/", 1)[1])
    admin = app.test_client()
    Auth(admin).login("admin")
    admin.get(f"/pendaftaran/{numbers[0]}")  # a look by someone else: audited
    with app.app_context():
        first = db.session.scalar(db.select(Registration).where(Registration.number == numbers[0]))
        db.session.add(Payment(registration_id=first.id, first_month=date(2026, 11, 1), months=1, amount=16_800,
                               paid_on=date(2026, 11, 20), channel="bank", source="typed"))
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) > 0
        db.engine.dispose()
    return numbers


def test_pg_dump_and_restore_into_a_scratch_database_keep_every_row(scratch_postgres, tmp_path):  # noqa: F811
    pg_dump, pg_restore = tool("pg_dump"), tool("pg_restore")
    live = scratch_postgres("live")
    numbers = fill(make_app(live.replace("postgresql://", "postgresql+psycopg://", 1)))
    before = counts(live)
    assert before["registrations"] == 3 and before["payments"] == 1 and before["audit_events"] >= 1

    # The recipe (README, "Backups"): a custom-format dump, restored without owners into an empty database.
    dump = tmp_path / "outreach.dump"
    subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={dump}", live], check=True, timeout=120)
    restored = scratch_postgres("restored")
    subprocess.run([pg_restore, "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)], check=True,
                   timeout=120)

    assert counts(restored) == before  # every row, and the same migration
    app = make_app(restored.replace("postgresql://", "postgresql+psycopg://", 1))
    with app.app_context():
        found = db.session.scalars(db.select(Registration.number).order_by(Registration.number)).all()
        assert found == sorted(numbers)
        assert db.session.scalar(db.select(db.func.sum(Payment.amount))) == 16_800
        db.engine.dispose()
    client = app.test_client()
    Auth(client).login("petugas", "rahasia-123")
    assert numbers[0] in client.get("/pendaftaran").get_data(as_text=True)  # the app runs on the restored copy
