"""registration_counts, kept by triggers (migration 0021) in the changing transaction: exact after inserts, moves,
a kecamatan changed and deletions, on SQLite and PostgreSQL; the queue's tabs read it when they count whole
kecamatan, and count the rows themselves for any other filter. From 0020 with rows: back-filled, and back down."""
from flask_migrate import downgrade, upgrade

from outreach.extensions import db
from outreach.models import Registration, RegistrationCount
from tests.conftest import LEPAR, make_app
from tests.review_helpers import bulk_rows, login_as
from tests.test_migrations import REGISTRATION_0008, add_officer


def kept(app) -> dict:
    with app.app_context():
        return {(c.kecamatan_code, c.status): c.n for c in db.session.scalars(db.select(RegistrationCount)) if c.n}


def counted(app) -> dict:
    with app.app_context():
        rows = db.session.execute(db.select(Registration.kecamatan_code, Registration.status, db.func.count())
                                  .group_by(Registration.kecamatan_code, Registration.status)).all()
        return {(k, s): n for k, s, n in rows}


def test_the_counts_follow_every_change(app, users):
    numbers = bulk_rows(app, users["officer"], 5)
    bulk_rows(app, users["officer"], 2, start=10, kecamatan_code=LEPAR, village_code=LEPAR + ".2001")
    assert kept(app) == counted(app) == {("19.03.01", "pending"): 5, (LEPAR, "pending"): 2}
    with app.app_context():
        db.session.execute(db.update(Registration).where(Registration.number.in_(numbers[:2])).values(status="verified"))
        db.session.execute(db.update(Registration).where(Registration.number == numbers[2]).values(
            kecamatan_code=LEPAR))
        db.session.execute(db.update(Registration).where(Registration.number == numbers[3]).values(full_name="X"))
        db.session.execute(db.delete(Registration).where(Registration.number == numbers[4]))
        db.session.commit()
    assert kept(app) == counted(app) == {("19.03.01", "verified"): 2, ("19.03.01", "pending"): 1,
                                         (LEPAR, "pending"): 3}
    with app.app_context():  # a change rolled back leaves the counts as they were
        db.session.execute(db.update(Registration).values(status="rejected"))
        db.session.rollback()
    assert kept(app) == counted(app)


def test_the_queue_tabs_read_the_counts_or_the_rows(app, users):
    bulk_rows(app, users["officer"], 3)
    bulk_rows(app, users["officer"], 1, start=5, status="verified", occupation="petani")
    coord = login_as(app, "koord1")
    page = coord.get("/tinjau").get_data(as_text=True)
    assert 'data-count="pending">Menunggu verifikasi <strong>3</strong>' in page
    with app.app_context():  # the tabs read registration_counts for a whole kecamatan...
        db.session.execute(db.update(RegistrationCount).where(RegistrationCount.status == "pending").values(n=42))
        db.session.commit()
    assert "<strong>42</strong>" in coord.get("/tinjau").get_data(as_text=True)
    filtered = coord.get("/tinjau?occupation=petani").get_data(as_text=True)  # ...and the rows for a filter
    assert 'data-count="verified">Diverifikasi <strong>1</strong>' in filtered and "<strong>42</strong>" not in filtered


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


def test_a_wide_search_counts_up_to_the_cap_and_says_so(app, users, monkeypatch):
    from outreach.services import queue
    monkeypatch.setattr(queue, "SEARCH_COUNT_CAP", 3)
    bulk_rows(app, users["officer"], 5)
    coord = login_as(app, "koord1")
    page = coord.get("/tinjau?q=BT-").get_data(as_text=True)
    assert 'data-count="pending">Menunggu verifikasi <strong>4+</strong>' in page  # stopped after 3 + 1 rows
    page = coord.get("/tinjau?q=BT-00000001").get_data(as_text=True)
    assert 'data-count="pending">Menunggu verifikasi <strong>1</strong>' in page
