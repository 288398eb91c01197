"""Retention as configuration, applied by `flask retention run [--dry-run]`: counts only, never who."""
from datetime import timedelta
from pathlib import Path

from outreach.extensions import db
from outreach.models import AuditEvent, PrivacyRequest, Registration, RegistrationEvent
from outreach.models.types import utcnow
from tests.review_helpers import bulk_rows, login_as


def age(app, numbers, days):
    """Make these registrations' last change `days` ago."""
    with app.app_context():
        db.session.execute(db.update(Registration).where(Registration.number.in_(numbers))
                           .values(updated_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def statuses(app):
    with app.app_context():
        return dict(db.session.execute(db.select(Registration.number, Registration.status)).all())


def test_the_command_erases_what_its_rules_say_and_prints_counts_only(app, users):
    officer = users["officer"]
    old_rejected = bulk_rows(app, officer, 2, start=1, status="rejected")
    new_rejected = bulk_rows(app, officer, 1, start=3, status="rejected")
    old_returned = bulk_rows(app, officer, 1, start=4, status="returned")
    old_pending = bulk_rows(app, officer, 1, start=5, status="pending")
    stale_active = bulk_rows(app, officer, 1, start=6, status="active")
    age(app, old_rejected + old_returned + old_pending, 200)   # past 6 months
    age(app, new_rejected, 100)                                  # within 6 months
    age(app, stale_active, 365 * 5 + 10)                         # past 60 months
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would erase 4 registrations (active: 1, rejected: 2, returned: 1)" in dry.output
    assert set(statuses(app).values()) == {"rejected", "returned", "pending", "active"}  # nothing changed

    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert "erased 4 registrations (active: 1, rejected: 2, returned: 1)" in done.output
    for personal in ("Pekerja", "190301", "+62"):
        assert personal not in done.output
    now = statuses(app)
    assert [now[n] for n in old_rejected + old_returned + stale_active] == ["erased"] * 4
    assert now[new_rejected[0]] == "rejected" and now[old_pending[0]] == "pending"
    with app.app_context():
        erased = db.session.scalars(db.select(Registration).where(Registration.status == "erased")).all()
        assert all(r.nik is None and r.full_name is None and r.erased_from for r in erased)
        trail = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "erase")).all()
        assert len(trail) == 4 and all(e.user_id is None and e.details["why"] == "retention" for e in trail)
        events = db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.kind == "erased")).all()
        assert len(events) == 4 and all(e.user_id is None for e in events)
    assert "erased 0 registrations" in runner.invoke(args=["retention", "run"]).output  # nothing left to do
    trail = login_as(app, "admin1").get("/audit").get_data(as_text=True)  # the command acts as no user
    assert trail.count("Sistem (masa simpan)") == 4 and "why: retention" in trail


def test_an_open_request_holds_the_erasure_until_answered(app, users):
    (number,) = bulk_rows(app, users["officer"], 1, start=1, status="rejected")
    age(app, [number], 400)
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        db.session.add(PrivacyRequest(registration_id=r.id, kecamatan_code=r.kecamatan_code, kind="access",
                                      identified_by="in_person", received_at=utcnow(), due_at=utcnow(),
                                      recorded_by=users["coordinator"]))
        db.session.commit()
    assert "erased 0 registrations" in app.test_cli_runner().invoke(args=["retention", "run"]).output
    assert statuses(app)[number] == "rejected"


def test_the_settings_say_how_long(app, users, monkeypatch):
    (number,) = bulk_rows(app, users["officer"], 1, start=1, status="rejected")
    age(app, [number], 40)
    monkeypatch.setitem(app.config, "RETENTION_REJECTED_MONTHS", 1)
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "erased 1 registrations (rejected: 1)" in result.output and "rejected 1 months" in result.output


def test_the_command_deletes_previewed_kpj_files_older_than_a_day(app, users):
    from outreach.models import ImportPreview
    with app.app_context():
        for digest, hours in (("a" * 64, 49), ("b" * 64, 2)):
            db.session.add(ImportPreview(user_id=users["coordinator"], kind="kpj", digest=digest,
                                         content="nik,kpj\n1903015508900001,12345678901\n",
                                         created_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()
    folder = Path(app.instance_path) / "kpj-imports"  # left over from before migration 0019: never read again
    folder.mkdir(parents=True, exist_ok=True)
    legacy = folder / "1-legacy.csv"
    legacy.write_text("nik,kpj\n")
    cohort = Path(app.instance_path) / "cohort-imports" / "1-legacy.bin"  # the cohort's, before import_previews
    cohort.parent.mkdir(parents=True, exist_ok=True)
    cohort.write_bytes(b"csv\nnik\n")
    try:
        dry = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
        assert "would delete 3 previewed import files" in dry.output and legacy.exists() and cohort.exists()
        done = app.test_cli_runner().invoke(args=["retention", "run"])
        assert "deleted 3 previewed import files" in done.output and not legacy.exists() and not cohort.exists()
        with app.app_context():
            assert db.session.scalars(db.select(ImportPreview.digest)).all() == ["b" * 64]
    finally:
        legacy.unlink(missing_ok=True)
        cohort.unlink(missing_ok=True)


def test_a_retention_setting_must_be_whole_months(monkeypatch, tmp_path):
    import pytest

    from outreach.config import from_env
    for bad in ("0", "-1", "six", "2.5"):
        monkeypatch.setenv("RETENTION_REJECTED_MONTHS", bad)
        with pytest.raises(RuntimeError, match="RETENTION_REJECTED_MONTHS"):
            from_env(str(tmp_path))
    monkeypatch.setenv("RETENTION_REJECTED_MONTHS", "3")
    assert from_env(str(tmp_path))["RETENTION_REJECTED_MONTHS"] == 3


def test_a_run_skips_what_changed_after_it_listed_it(app, users, monkeypatch):
    """Two runs overlapping (a timer and an admin's button), or a coordinator's move in between: the row that
    changed since the run listed it is left for the next run, and the run still erases the rest."""
    from outreach.services import erasure
    numbers = bulk_rows(app, users["officer"], 2, start=1, status="rejected")
    age(app, numbers, 200)
    listed = erasure.due_for_erasure

    def then_someone_moves_the_first(now, retention):
        due = listed(now, retention)
        with db.engine.begin() as other:  # another transaction, committed before this run erases
            other.execute(db.update(Registration).where(Registration.number == numbers[0])
                          .values(version=Registration.version + 1))
        return due
    monkeypatch.setattr(erasure, "due_for_erasure", then_someone_moves_the_first)
    done = app.test_cli_runner().invoke(args=["retention", "run"])
    assert done.exit_code == 0, done.output
    assert "erased 1 registrations (rejected: 1)" in done.output
    assert statuses(app) == {numbers[0]: "rejected", numbers[1]: "erased"}
