"""registration_counts, kept by triggers in the changing transaction (migration 0021); on PostgreSQL the triggers
append to registration_count_changes instead (0025), and services/counts.fold() moves those into the counts: exact
after inserts, moves, a kecamatan changed, deletions, a rollback and a fold, on SQLite and PostgreSQL, and while
another transaction's changes are not yet committed; the queue's tabs read both tables when they count whole
kecamatan (and fold past a threshold), and count the rows themselves for any other filter. From 0020 with rows:
back-filled, and back down; from 0024 with rows: the changes go to the new table, and back down folded."""
from datetime import date

import pytest
from flask_migrate import downgrade, upgrade

from outreach.extensions import db
from outreach.models import Registration, RegistrationCount, RegistrationCountChange, User
from outreach.services import counts as kept_counts
from outreach.services.regions import load_regions
from tests.conftest import LEPAR, make_app
from tests.postgres import scratch_postgres  # noqa: F401 (fixture)
from tests.review_helpers import bulk_rows, login_as
from tests.test_migrations import REGISTRATION_0008, add_officer


def on_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def kept(app) -> dict:
    """What the counts say: registration_counts plus the changes not folded yet."""
    with app.app_context():
        both = db.union_all(db.select(RegistrationCount.kecamatan_code, RegistrationCount.status, RegistrationCount.n),
                            db.select(RegistrationCountChange.kecamatan_code, RegistrationCountChange.status,
                                      RegistrationCountChange.n)).subquery()
        rows = db.session.execute(db.select(both.c.kecamatan_code, both.c.status, db.func.sum(both.c.n))
                                  .group_by(both.c.kecamatan_code, both.c.status)).all()
        return {(k, s): int(n) for k, s, n in rows if n}


def folded(app) -> dict:
    """registration_counts alone."""
    with app.app_context():
        return {(c.kecamatan_code, c.status): c.n for c in db.session.scalars(db.select(RegistrationCount)) if c.n}


def changes(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(RegistrationCountChange))


def counted(app) -> dict:
    with app.app_context():
        rows = db.session.execute(db.select(Registration.kecamatan_code, Registration.status, db.func.count())
                                  .group_by(Registration.kecamatan_code, Registration.status)).all()
        return {(k, s): n for k, s, n in rows}


def fold(app) -> bool:
    with app.app_context():
        return kept_counts.fold()


def test_the_counts_follow_every_change(app, users):
    postgres = on_postgres(app)
    numbers = bulk_rows(app, users["officer"], 5)
    bulk_rows(app, users["officer"], 2, start=10, kecamatan_code=LEPAR, village_code=LEPAR + ".2001")
    assert kept(app) == counted(app) == {("19.03.01", "pending"): 5, (LEPAR, "pending"): 2}
    # PostgreSQL appends a change per row; SQLite's triggers update the counts themselves
    assert (changes(app), folded(app)) == ((7, {}) if postgres else (0, counted(app)))
    with app.app_context():
        db.session.execute(db.update(Registration).where(Registration.number.in_(numbers[:2])).values(status="verified"))
        db.session.execute(db.update(Registration).where(Registration.number == numbers[2]).values(
            kecamatan_code=LEPAR))
        db.session.execute(db.update(Registration).where(Registration.number == numbers[3]).values(full_name="X"))
        db.session.execute(db.delete(Registration).where(Registration.number == numbers[4]))
        db.session.commit()
    assert kept(app) == counted(app) == {("19.03.01", "verified"): 2, ("19.03.01", "pending"): 1,
                                         (LEPAR, "pending"): 3}
    assert changes(app) == (7 + 2 * 2 + 2 + 1 if postgres else 0)  # two moves, a kecamatan, a deletion; no name
    assert fold(app) is postgres
    assert (changes(app), folded(app)) == (0, counted(app))  # all in registration_counts now
    with app.app_context():  # a change rolled back leaves the counts as they were
        db.session.execute(db.update(Registration).values(status="rejected"))
        db.session.rollback()
    assert kept(app) == folded(app) == counted(app) and changes(app) == 0
    bulk_rows(app, users["officer"], 1, start=20, status="active")  # after a fold, the changes add up again
    assert kept(app) == counted(app) and kept(app)[("19.03.01", "active")] == 1


@pytest.fixture
def pg(app, users, scratch_postgres):  # noqa: F811
    """(an app on PostgreSQL, its officer): the test's own in CI's PostgreSQL pass, else one on a scratch
    database (SQLite keeps its counts without changes to fold, and lets one writer in at a time)."""
    if on_postgres(app):
        yield app, users["officer"]
        return
    other = make_app(scratch_postgres("counts").replace("postgresql://", "postgresql+psycopg://", 1))
    with other.app_context():
        upgrade(directory=other.extensions["migrate"].directory)
        load_regions()
        officer = User(username="petugas1", full_name="Petugas", role="officer", kecamatan_code="19.03.01")
        officer.set_password("rahasia-123")
        db.session.add(officer)
        db.session.commit()
        yield other, officer.id
        db.session.remove()
        db.engine.dispose()


def test_a_fold_moves_only_committed_changes(pg):
    """Another transaction's changes, not committed while a fold runs, stay for their commit, then count."""
    app, officer = pg
    numbers = bulk_rows(app, officer, 4)
    with app.app_context(), db.engine.connect() as other:
        other.execute(db.update(Registration).where(Registration.number.in_(numbers[:3])).values(status="verified"))
        assert kept_counts.fold()  # the 4 inserts' changes; the 3 moves' are not visible to it, nor waited for
        assert changes(app) == 0 and kept(app) == folded(app) == counted(app) == {("19.03.01", "pending"): 4}
        other.commit()
    assert changes(app) == 6  # the moves' -1 and +1, kept through the fold
    assert kept(app) == counted(app) == {("19.03.01", "pending"): 1, ("19.03.01", "verified"): 3}
    assert fold(app) and changes(app) == 0 and folded(app) == counted(app)


def test_the_queue_tabs_read_the_counts_or_the_rows(app, users):
    bulk_rows(app, users["officer"], 3)
    bulk_rows(app, users["officer"], 1, start=5, status="verified", occupation="petani")
    coord = login_as(app, "koord1")
    page = coord.get("/tinjau").get_data(as_text=True)
    assert 'data-count="pending">Menunggu verifikasi <strong>3</strong>' in page
    fold(app)  # PostgreSQL: the changes into registration_counts (SQLite's triggers put them there)
    with app.app_context():  # the tabs read registration_counts for a whole kecamatan...
        assert db.session.execute(db.update(RegistrationCount).where(RegistrationCount.status == "pending")
                                  .values(n=42)).rowcount == 1
        db.session.commit()
    assert "<strong>42</strong>" in coord.get("/tinjau").get_data(as_text=True)
    with app.app_context():  # ...plus the changes not folded yet, of their kecamatan only
        db.session.add_all([RegistrationCountChange(kecamatan_code="19.03.01", status="pending", n=5),
                            RegistrationCountChange(kecamatan_code=LEPAR, status="pending", n=100)])
        db.session.commit()
    assert "<strong>47</strong>" in coord.get("/tinjau").get_data(as_text=True)
    filtered = coord.get("/tinjau?occupation=petani").get_data(as_text=True)  # ...and the rows for a filter
    assert 'data-count="verified">Diverifikasi <strong>1</strong>' in filtered and "<strong>47</strong>" not in filtered


def test_the_tabs_fold_when_they_read_many_changes(app, users, monkeypatch):
    from outreach.services import queue
    folds = []

    def fold_and_note():
        folds.append(changes(app))
        return real()
    real = kept_counts.fold
    monkeypatch.setattr(kept_counts, "fold", fold_and_note)
    bulk_rows(app, users["officer"], 2)
    with app.app_context():  # changes that add up to nothing, in another kecamatan: 2 rows more on either database
        db.session.add_all([RegistrationCountChange(kecamatan_code=LEPAR, status="pending", n=n) for n in (1, -1)])
        db.session.commit()
    many = changes(app)  # SQLite: those 2; PostgreSQL: and the inserts' 2
    coord = login_as(app, "koord1")
    assert "Menunggu verifikasi <strong>2</strong>" in coord.get("/tinjau").get_data(as_text=True)
    assert folds == []  # under the threshold
    monkeypatch.setattr(queue, "FOLD_AFTER", many - 1)
    assert "Menunggu verifikasi <strong>2</strong>" in coord.get("/tinjau").get_data(as_text=True)
    assert folds == [many]  # every kecamatan's changes counted, not only the coordinator's
    assert changes(app) == (0 if on_postgres(app) else many) and kept(app) == counted(app)
    assert "Menunggu verifikasi <strong>2</strong>" in coord.get("/tinjau").get_data(as_text=True)


def test_the_bulk_jobs_fold_after_their_commit(app, users, monkeypatch):
    """KPJ import and dashboard jobs, and `retention run`: a fold once their changes are committed (seen from a
    connection of its own), and the counts exact after it."""
    from outreach import worker
    from outreach.services import jobs
    from tests.test_jobs import finished, job_of, kpj_file, upload
    from tests.test_retention import age
    seen = []
    real = kept_counts.fold

    def fold_and_note():
        with db.engine.connect() as conn:  # what is committed
            seen.append(dict(conn.execute(db.select(Registration.status, db.func.count()).group_by(
                Registration.status)).all()))
        return real()
    monkeypatch.setattr(kept_counts, "fold", fold_and_note)
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 1)
    numbers = bulk_rows(app, users["officer"], 3, status="submitted")
    coord = login_as(app, "koord1")
    digest = upload(coord, kpj_file(numbers)).get_data(as_text=True).split(
        'name="digest" type="hidden" value="')[1].split('"')[0]
    assert "Diterapkan: 3" in finished(app, coord, job_of(upload(coord, None, digest)))
    assert seen == [{"active": 3}] and kept(app) == counted(app)
    with app.app_context():
        job = jobs.create("dashboard", {"today": date.today().isoformat()}, users["admin"])
        db.session.commit()
        worker.run(job.id)
    assert len(seen) == 2
    rejected = bulk_rows(app, users["officer"], 2, start=10, status="rejected")
    age(app, rejected, 200)
    done = app.test_cli_runner().invoke(args=["retention", "run"])
    assert "erased 2 registrations" in done.output, done.output
    assert seen[2] == {"active": 3, "erased": 2}
    assert kept(app) == counted(app) and changes(app) == 0 and folded(app) == counted(app)


def test_revision_0021_back_fills_the_counts_and_goes_down_again(tmp_path):
    scratch = make_app(f"sqlite:///{tmp_path}/counts.db")  # rows of kecamatan "19", as add_officer makes them
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0020")
        with db.engine.begin() as conn:
            add_officer(conn)
            for i, status in enumerate(("pending", "pending", "active"), 1):
                conn.execute(db.text(REGISTRATION_0008.replace("'1903015508900001'", f"'19030155089{i:05d}'")),
                             {"id": i, "number": f"BS-2601-00000{i}", "client": f"c{i}", "status": status})
        upgrade(directory=directory, revision="0021")
        with db.engine.begin() as conn:
            read = "SELECT kecamatan_code, status, n FROM registration_counts WHERE n > 0 ORDER BY status"
            assert [tuple(r) for r in conn.execute(db.text(read))] == [("19", "active", 1),
                                                                       ("19", "pending", 2)]
            conn.execute(db.text("UPDATE registrations SET status = 'verified' WHERE id = 1"))
            assert [tuple(r) for r in conn.execute(db.text(read))] == [
                ("19", "active", 1), ("19", "pending", 1), ("19", "verified", 1)]
        downgrade(directory=directory, revision="0020")
        with db.engine.begin() as conn:
            assert "registration_counts" not in db.inspect(conn).get_table_names()
            conn.execute(db.text("UPDATE registrations SET status = 'pending' WHERE id = 1"))  # no trigger left


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_revision_0025_appends_the_changes_on_postgresql_and_folds_them_back_down(database, tmp_path,
                                                                                  scratch_postgres):  # noqa: F811
    """From 0024 with registrations and their counts: the counts stay, the changes table comes (empty); on
    PostgreSQL a change is appended there and registration_counts is left alone (SQLite's triggers still update
    it), the totals right either way; down to 0024, the changes are folded back and the table goes."""
    url = (scratch_postgres("counts").replace("postgresql://", "postgresql+psycopg://", 1) if database == "postgresql"
           else f"sqlite:///{tmp_path}/changes.db")
    scratch = make_app(url)
    directory = scratch.extensions["migrate"].directory
    registration = REGISTRATION_0008.replace("1, 0, '2026-01-02'", "1, false, '2026-01-02'")  # both read false
    counts = "SELECT kecamatan_code, status, n FROM registration_counts WHERE n <> 0 ORDER BY kecamatan_code, status"
    totals = ("SELECT kecamatan_code, status, sum(n) FROM (SELECT kecamatan_code, status, n FROM registration_counts "
              "UNION ALL SELECT kecamatan_code, status, n FROM registration_count_changes) AS both_ "
              "GROUP BY kecamatan_code, status HAVING sum(n) <> 0 ORDER BY kecamatan_code, status")
    rows = ("SELECT kecamatan_code, status, count(*) FROM registrations GROUP BY kecamatan_code, status "
            "ORDER BY kecamatan_code, status")
    with scratch.app_context():
        upgrade(directory=directory, revision="0024")
        with db.engine.begin() as conn:
            conn.execute(db.text("INSERT INTO regions (code, name, level) VALUES ('19', 'Babel', 'province'), "
                                 "('19.03', 'Bangka Selatan', 'regency')"))
            conn.execute(db.text("INSERT INTO users (id, username, full_name, role, active, password_hash, login_nonce,"
                                 " created_at) VALUES (1, 'p', 'P', 'officer', true, 'x', 'n', '2026-01-01')"))
            for i, status in enumerate(("pending", "pending", "active", "rejected"), 1):
                conn.execute(db.text(registration.replace("'1903015508900001'", f"'19030155089{i:05d}'")),
                             {"id": i, "number": f"BS-2601-00000{i}", "client": f"c{i}", "status": status})
            before = [tuple(r) for r in conn.execute(db.text(counts))]
            assert before == [("19", "active", 1), ("19", "pending", 2), ("19", "rejected", 1)]
        upgrade(directory=directory, revision="0025")
        with db.engine.begin() as conn:
            assert [tuple(r) for r in conn.execute(db.text(counts))] == before  # carried forward as they were
            assert conn.execute(db.text("SELECT count(*) FROM registration_count_changes")).scalar() == 0
            conn.execute(db.text("UPDATE registrations SET status = 'verified' WHERE id = 1"))
            conn.execute(db.text("UPDATE registrations SET kecamatan_code = '19.03' WHERE id = 2"))
            conn.execute(db.text("DELETE FROM registrations WHERE id = 4"))
            conn.execute(db.text(registration.replace("'1903015508900001'", "'1903015508900005'")),
                         {"id": 5, "number": "BS-2601-000005", "client": "c5", "status": "active"})
        with db.engine.begin() as conn:
            expected = [("19", "active", 2), ("19", "verified", 1), ("19.03", "pending", 1)]
            assert [tuple(r) for r in conn.execute(db.text(rows))] == expected
            assert [tuple(r) for r in conn.execute(db.text(totals))] == expected
            appended = conn.execute(db.text("SELECT count(*) FROM registration_count_changes")).scalar()
            if database == "postgresql":  # 2 + 2 + 1 + 1, and registration_counts untouched
                assert appended == 6 and [tuple(r) for r in conn.execute(db.text(counts))] == before
            else:
                assert appended == 0 and [tuple(r) for r in conn.execute(db.text(counts))] == expected
        downgrade(directory=directory, revision="0024")
        with db.engine.begin() as conn:
            assert "registration_count_changes" not in db.inspect(conn).get_table_names()
            assert [tuple(r) for r in conn.execute(db.text(counts))] == expected  # folded back
            conn.execute(db.text("UPDATE registrations SET status = 'pending' WHERE id = 1"))  # 0021's trigger again
            assert [tuple(r) for r in conn.execute(db.text(counts))] == [
                ("19", "active", 2), ("19", "pending", 1), ("19.03", "pending", 1)]
        db.session.remove()
        db.engine.dispose()


def test_a_wide_search_counts_up_to_the_cap_and_says_so(app, users, monkeypatch):
    from outreach.services import queue
    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 3)
    bulk_rows(app, users["officer"], 5)
    coord = login_as(app, "koord1")
    page = coord.get("/tinjau?q=BT-").get_data(as_text=True)
    assert 'data-count="pending">Menunggu verifikasi <strong>4+</strong>' in page  # stopped after 3 + 1 rows
    page = coord.get("/tinjau?q=BT-00000001").get_data(as_text=True)
    assert 'data-count="pending">Menunggu verifikasi <strong>1</strong>' in page
