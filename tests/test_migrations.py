"""The schema comes from the migrations, and the migrations match the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from outreach.domain.codes import FLAGS
from outreach.extensions import db
from outreach.models import Registration, RegistrationEvent
from outreach.services import queue
from tests.conftest import make_app
from tests.postgres import scratch_postgres  # noqa: F401 (fixture)


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        from outreach.models.counts import include_object  # PostgreSQL's trigram indexes: not in the models
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, db.metadata) == []


def test_migrations_go_down_and_up_again(tmp_path):
    scratch = make_app(f"sqlite:///{tmp_path}/scratch.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory)
        downgrade(directory=directory, revision="base")
        assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
        upgrade(directory=directory)
        assert {"users", "regions", "login_throttle"} <= set(db.inspect(db.engine).get_table_names())


def add_officer(conn) -> None:
    """A province and an officer (id 1), as any earlier revision had them."""
    conn.execute(db.text("INSERT INTO regions (code, name, level) VALUES ('19', 'Babel', 'province')"))
    conn.execute(db.text("INSERT INTO users (id, username, full_name, role, active, password_hash, login_nonce,"
                         " created_at) VALUES (1, 'p', 'P', 'officer', 1, 'x', 'n', '2026-01-01')"))


def test_revision_0004_fills_the_last_nik_digits_of_earlier_registrations(tmp_path):
    """Rows saved before 0004 get nik_last4 from their NIK, so the column can be required."""
    scratch = make_app(f"sqlite:///{tmp_path}/data.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0003")
        with db.engine.begin() as conn:
            add_officer(conn)
            conn.execute(db.text(
                "INSERT INTO registrations (number, client_id, status, officer_id, nik, full_name, name_key, birth_place,"
                " birth_date, sex, phone, address, village_code, kecamatan_code, occupation, monthly_income, programs,"
                " payment_period, funding, heir_name, heir_relation, consent_at, consent_version, contribution, flags,"
                " created_at, updated_at) VALUES ('BS-2601-000001', 'c', 'pending', 1, '1903015508900001', 'S', 'S',"
                " 'T', '1990-08-15', 'F', '+62812', 'A', '19', '19', 'nelayan', 1000000, '[]', 1, 'self', 'H', 'anak',"
                " '2026-01-01', 'v', '{}', '[]', '2026-01-01', '2026-01-01')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            row = conn.execute(db.text("SELECT nik_last4, version, is_demo FROM registrations")).one()
    assert tuple(row) == ("0001", 1, 0)


def test_revision_0008_gives_every_earlier_registration_its_receipt(tmp_path):
    """Registrations saved before receipts existed get one from the migration, so reading never writes: its
    QR leads to the status page."""
    from outreach.models import Receipt, Registration
    from outreach.services import receipts
    scratch = make_app(f"sqlite:///{tmp_path}/receipts.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0007")
        with db.engine.begin() as conn:
            add_officer(conn)
            conn.execute(db.text(
                "INSERT INTO registrations (number, client_id, status, officer_id, nik, nik_last4, full_name, name_key,"
                " birth_place, birth_date, sex, phone, address, village_code, kecamatan_code, occupation,"
                " monthly_income, programs, payment_period, funding, heir_name, heir_relation, consent_at,"
                " consent_version, contribution, flags, version, is_demo, created_at, updated_at) VALUES"
                " ('BS-2601-000001', 'c', 'pending', 1, '1903015508900001', '0001', 'Siti Aminah', 'siti aminah',"
                " 'T', '1990-08-15', 'F', '+62812', 'A', '19', '19', 'nelayan', 1000000, '[]', 1, 'self', 'H',"
                " 'anak', '2026-01-01', 'v', '{}', '[]', 1, 0, '2026-01-02 03:04:05', '2026-01-01')"))
        upgrade(directory=directory)
        registration = db.session.scalar(db.select(Registration))
        receipt = receipts.current(registration)
        assert receipt is not None and receipt.issued_by == 1 and receipt.replaced_at is None
        assert db.session.scalar(db.select(db.func.count(Receipt.id))) == 1
        token = receipts.token_of(receipt)
    page = scratch.test_client().get(f"/s/{token}")
    assert page.status_code == 200 and "S*** A*****" in page.get_data(as_text=True)


def test_revisions_0009_and_0010_keep_accounts_and_carry_failed_logins_forward(tmp_path):
    """From 0008 with data: the accounts stay (their old cookies are refused: they log in again), the sessions
    table starts empty, and the failures counted per username become the per-username rows ("*")."""
    scratch = make_app(f"sqlite:///{tmp_path}/sessions.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0008")
        with db.engine.begin() as conn:
            add_officer(conn)
            conn.execute(db.text("INSERT INTO login_throttle (username, failures, first_failure_at, locked_until)"
                                 " VALUES ('p', 5, '2026-01-01 00:00:00', '2026-01-01 00:15:00')"))
        upgrade(directory=directory)
        with db.engine.connect() as conn:
            assert conn.execute(db.text("SELECT id, username, login_nonce FROM users")).all() == [(1, "p", "n")]
            assert conn.execute(db.text("SELECT COUNT(*) FROM login_sessions")).scalar() == 0
            assert conn.execute(db.text("SELECT username, address, failures FROM login_throttle")).all() == [
                ("p", "*", 5)]
        with db.engine.begin() as conn:  # two addresses now count apart
            conn.execute(db.text("INSERT INTO login_throttle (username, address, failures, first_failure_at)"
                                 " VALUES ('p', '10.0.0.1', 1, '2026-01-01 00:00:00')"))
        downgrade(directory=directory, revision="0008")
        with db.engine.connect() as conn:
            assert conn.execute(db.text("SELECT username, failures FROM login_throttle")).all() == [("p", 5)]
            assert "login_sessions" not in db.inspect(conn).get_table_names()


REGISTRATION_0008 = (
    "INSERT INTO registrations (id, number, client_id, status, officer_id, nik, nik_last4, full_name, name_key,"
    " birth_place, birth_date, sex, phone, address, village_code, kecamatan_code, occupation, monthly_income,"
    " programs, payment_period, funding, heir_name, heir_relation, consent_at, consent_version, contribution,"
    " flags, version, is_demo, created_at, updated_at) VALUES (:id, :number, :client, :status, 1,"
    " '1903015508900001', '0001', 'Siti Aminah', 'siti aminah', 'Toboali', '1990-08-15', 'F', '+6281234567890',"
    " 'Dusun I', '19', '19', 'nelayan', 1000000, '[]', 1, 'self', 'Ahmad', 'pasangan', '2026-01-01',"
    " '2026-11-v1', '{}', '[]', 1, 0, '2026-01-02', '2026-01-02')")


def test_revision_0011_carries_registrations_forward_and_lets_erasure_empty_them(tmp_path):
    """Earlier rows keep every value (their consent without a method: the question came later); the personal
    columns accept NULL, and the live-NIK index still lets a rejected row share a NIK but not two live ones."""
    import pytest
    from sqlalchemy.exc import IntegrityError
    scratch = make_app(f"sqlite:///{tmp_path}/erasure.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0008")
        with db.engine.begin() as conn:
            add_officer(conn)
            conn.execute(db.text(REGISTRATION_0008), {"id": 1, "number": "BS-2601-000001", "client": "c1",
                                                       "status": "pending"})
        upgrade(directory=directory, revision="0011")
        with db.engine.begin() as conn:
            row = conn.execute(db.text("SELECT full_name, nik, consent_version, consent_method, guardian_relation,"
                                       " erased_at FROM registrations")).one()
            assert tuple(row) == ("Siti Aminah", "1903015508900001", "2026-11-v1", None, None, None)
            conn.execute(db.text(REGISTRATION_0008), {"id": 2, "number": "BS-2601-000002", "client": "c2",
                                                       "status": "rejected"})
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(db.text(REGISTRATION_0008), {"id": 3, "number": "BS-2601-000003", "client": "c3",
                                                       "status": "pending"})
        with db.engine.begin() as conn:
            conn.execute(db.text("UPDATE registrations SET nik = NULL, full_name = NULL, birth_date = NULL,"
                                 " phone = NULL, status = 'erased' WHERE id IN (1, 2)"))
            conn.execute(db.text("UPDATE receipts SET salt = NULL"))
            conn.execute(db.text("INSERT INTO audit_events (at, user_id, action, details) VALUES"
                                 " ('2026-12-01', NULL, 'erase', '{}')"))
            assert conn.execute(db.text("SELECT COUNT(*) FROM registrations WHERE nik IS NULL")).scalar() == 2
        with pytest.raises(SystemExit):  # Flask-Migrate's exit after our "downgrade refused"
            downgrade(directory=directory, revision="0008")
        with db.engine.connect() as conn:
            assert conn.execute(db.text("SELECT version_num FROM alembic_version")).scalar() == "0011"


def test_revision_0012_masks_the_values_earlier_edits_kept_in_the_clear(tmp_path):
    scratch = make_app(f"sqlite:///{tmp_path}/history.db")
    directory = scratch.extensions["migrate"].directory
    clear = ('{"phone": ["+6281234567890", "+6281399998765"], "address": ["Dusun I", "Jalan Baru 7"],'
             ' "birth_date": ["1990-08-15", "1990-08-16"], "nik": ["************0001", "1903015508900002"],'
             ' "heir_name": ["Ahmad Fauzi", null], "monthly_income": [1000000, 1500000]}')
    with scratch.app_context():
        upgrade(directory=directory, revision="0011")
        with db.engine.begin() as conn:
            add_officer(conn)
            conn.execute(db.text(REGISTRATION_0008), {"id": 1, "number": "BS-2601-000001", "client": "c1",
                                                       "status": "pending"})
            for kind, changes in (("edited", clear), ("transition", '{"from": "pending", "to": "returned",'
                                                                     ' "note": "HP +6281234567890"}')):
                conn.execute(db.text("INSERT INTO registration_events (registration_id, user_id, kind, changes, at)"
                                     " VALUES (1, 1, :kind, :changes, '2026-01-03')"), {"kind": kind, "changes": changes})
        upgrade(directory=directory)
        events = db.session.execute(db.select(RegistrationEvent.kind, RegistrationEvent.changes)
                                    .order_by(RegistrationEvent.id)).all()
    assert events[0].changes == {"phone": ["…890", "…765"], "address": ["…", "…"],
                                 "birth_date": ["1990-**-**", "1990-**-**"],
                                 "nik": ["************0001", "************0002"], "heir_name": ["A**** F****", None],
                                 "monthly_income": [1000000, 1500000]}
    assert events[1].changes["note"] == "HP +6281234567890"  # a move's note is the coordinator's, kept until erasure


def test_revision_0013_names_the_regency_budget_and_dates_the_kpj(tmp_path):
    """`apbd` rows become `apbd_kabupaten`; an active row gets its KPJ date from its move to active, or else its
    last update; nothing is paid yet."""
    scratch = make_app(f"sqlite:///{tmp_path}/payers.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0012")
        with db.engine.begin() as conn:
            add_officer(conn)
            for i, (status, funding) in enumerate((("pending", "apbd"), ("active", "self"), ("active", "sponsor")), 1):
                conn.execute(db.text(REGISTRATION_0008.replace("'self'", f"'{funding}'").replace("'1903015508900001'",
                             f"'19030155089{i:05d}'")), {"id": i, "number": f"BS-2601-00000{i}", "client": f"c{i}",
                                                         "status": status})
            conn.execute(db.text("UPDATE registrations SET kpj = '1234567890' || id, updated_at = '2026-03-01'"
                                 " WHERE status = 'active'"))
            conn.execute(db.text("INSERT INTO registration_events (registration_id, user_id, kind, changes, at) VALUES"
                                 " (2, 1, 'transition', '{\"from\": \"submitted\", \"to\": \"active\"}', '2026-02-10')"))
        upgrade(directory=directory, revision="0013")
        with db.engine.connect() as conn:
            rows = conn.execute(db.text("SELECT id, funding, kpj_at, paid_through, employs_others FROM registrations"
                                        " ORDER BY id")).all()
    assert [r.funding for r in rows] == ["apbd_kabupaten", "self", "sponsor"]
    assert rows[0].kpj_at is None and str(rows[1].kpj_at).startswith("2026-02-10")
    assert str(rows[2].kpj_at).startswith("2026-03-01")
    assert all(r.paid_through is None and not r.employs_others for r in rows)


def test_revisions_0016_and_0017_carry_registrations_forward_uncontacted(tmp_path):
    """From 0013 with data: every row enrolled in the app, never contacted, messages not stopped; the contact log
    and the message queue start empty; and back down again."""
    scratch = make_app(f"sqlite:///{tmp_path}/followup.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0013")
        with db.engine.begin() as conn:
            add_officer(conn)
            conn.execute(db.text(REGISTRATION_0008), {"id": 1, "number": "BS-2601-000001", "client": "c1",
                                                       "status": "active"})
            conn.execute(db.text("UPDATE registrations SET kpj = '12345678901', paid_through = '2026-01-31'"))
        upgrade(directory=directory, revision="0017")
        with db.engine.connect() as conn:
            row = conn.execute(db.text("SELECT source, next_contact_on, last_contact_at, last_outcome,"
                                       " messages_stopped_at, paid_through FROM registrations")).one()
            assert tuple(row) == ("app", None, None, None, None, "2026-01-31")
            assert conn.execute(db.text("SELECT COUNT(*) FROM contacts")).scalar() == 0
            assert conn.execute(db.text("SELECT COUNT(*) FROM messages")).scalar() == 0
            conn.execute(db.text("INSERT INTO contacts (registration_id, client_id, at, channel, outcome)"
                                 " VALUES (1, 'x', '2026-11-26', 'visit', 'paid')"))
        downgrade(directory=directory, revision="0013")
        with db.engine.connect() as conn:
            assert {"contacts", "messages"}.isdisjoint(db.inspect(conn).get_table_names())
            assert conn.execute(db.text("SELECT kpj FROM registrations")).scalar() == "12345678901"


def test_revision_0019_keeps_previewed_imports_in_the_database(tmp_path):
    """From 0013 with an account in it: the previews' table comes, takes a coordinator's file, and goes again."""
    scratch = make_app(f"sqlite:///{tmp_path}/previews.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0013")
        with db.engine.begin() as conn:
            add_officer(conn)
        upgrade(directory=directory, revision="0019")
        with db.engine.begin() as conn:
            conn.execute(db.text("INSERT INTO import_previews (user_id, kind, digest, content, created_at) "
                                 "VALUES (1, 'kpj', :d, 'number,kpj', '2026-11-26 08:00:00+00:00')"), {"d": "a" * 64})
            assert conn.execute(db.text("SELECT count(*) FROM import_previews")).scalar() == 1
        downgrade(directory=directory, revision="0013")
        assert "import_previews" not in db.inspect(db.engine).get_table_names()
        assert db.session.execute(db.text("SELECT username FROM users")).scalar() == "p"


def test_revision_0022_indexes_the_dashboard_counts_and_keeps_every_row(tmp_path):
    """From 0021 with registrations in it: the coverage index comes, the rows and their payments' day stay, the
    dashboard's grouped read answers the same; and back down again."""
    scratch = make_app(f"sqlite:///{tmp_path}/coverage.db")
    directory = scratch.extensions["migrate"].directory
    with scratch.app_context():
        upgrade(directory=directory, revision="0021")
        with db.engine.begin() as conn:
            add_officer(conn)
            for n, status in enumerate(("active", "pending", "rejected"), start=1):
                conn.execute(db.text(REGISTRATION_0008), {"id": n, "number": f"BS-2601-00000{n}", "client": f"c{n}",
                                                           "status": status})
                conn.execute(db.text("UPDATE registrations SET nik = :nik WHERE id = :id"),
                             {"nik": f"190301550899{n:04d}", "id": n})
            conn.execute(db.text("UPDATE registrations SET paid_through = '2026-12-31' WHERE status = 'active'"))
        upgrade(directory=directory, revision="0022")
        names = {i["name"] for i in db.inspect(db.engine).get_indexes("registrations")}
        assert "ix_registrations_coverage" in names
        with db.engine.connect() as conn:
            rows = conn.execute(db.text("SELECT status, paid_through >= '2026-11-26', count(*) FROM registrations"
                                        " GROUP BY status, paid_through >= '2026-11-26' ORDER BY status")).all()
            assert [tuple(r) for r in rows] == [("active", 1, 1), ("pending", None, 1), ("rejected", None, 1)]
            plan = " ".join(str(r) for r in conn.execute(db.text(
                "EXPLAIN QUERY PLAN SELECT village_code, status, count(*) FROM registrations"
                " WHERE kecamatan_code = '19.03.01' GROUP BY village_code, status")).all())
            assert "ix_registrations_coverage" in plan
        downgrade(directory=directory, revision="0021")
        names = {i["name"] for i in db.inspect(db.engine).get_indexes("registrations")}
        assert "ix_registrations_coverage" not in names
        assert db.session.execute(db.text("SELECT count(*) FROM registrations")).scalar() == 3


def test_revision_0024_indexes_the_queue_searches_on_postgresql(scratch_postgres):  # noqa: F811
    """From 0023 with registrations in it: the index on the number's start and one partial index per flag the
    queue filters on come, and the queue's own conditions are answered from them; the rows stay; and back down."""
    url = scratch_postgres("queue_indexes").replace("postgresql://", "postgresql+psycopg://", 1)
    scratch = make_app(url)
    directory = scratch.extensions["migrate"].directory
    registration = REGISTRATION_0008.replace("1, 0, '2026-01-02'", "1, false, '2026-01-02'")  # PostgreSQL's boolean
    ours = {"ix_registrations_number_start", *(f"ix_registrations_flag_{flag}" for flag in FLAGS)}
    with scratch.app_context():
        upgrade(directory=directory, revision="0023")
        with db.engine.begin() as conn:
            conn.execute(db.text("INSERT INTO regions (code, name, level) VALUES ('19', 'Babel', 'province')"))
            conn.execute(db.text("INSERT INTO users (id, username, full_name, role, active, password_hash, login_nonce,"
                                 " created_at) VALUES (1, 'p', 'P', 'officer', true, 'x', 'n', '2026-01-01')"))
            for n in (1, 2, 3):
                conn.execute(db.text(registration.replace("'1903015508900001'", f"'19030155089{n:05d}'")),
                             {"id": n, "number": f"BS-26{n:02d}-000001", "client": f"c{n}", "status": "pending"})
            conn.execute(db.text("""UPDATE registrations SET flags = '["minor"]' WHERE id = 2"""))
        upgrade(directory=directory, revision="0024")
        assert ours <= {i["name"] for i in db.inspect(db.engine).get_indexes("registrations")}
        with db.engine.begin() as conn:
            conn.execute(db.text("SET LOCAL enable_seqscan = off"))  # three rows: make the planner show its index
            conn.execute(db.text("SET LOCAL enable_bitmapscan = off"))  # (not the trigram one)
            for condition, index, found in ((queue.flag_condition("minor"), "ix_registrations_flag_minor", [2]),
                                            (queue.search_condition("bs-2602"), "ix_registrations_number_start", [2])):
                query = db.select(Registration.id).where(condition)
                sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
                assert index in " ".join(conn.exec_driver_sql("EXPLAIN " + sql, {}).scalars())
                assert conn.execute(query).scalars().all() == found
        downgrade(directory=directory, revision="0023")
        assert not ours & {i["name"] for i in db.inspect(db.engine).get_indexes("registrations")}
        assert db.session.execute(db.text("SELECT count(*) FROM registrations")).scalar() == 3
        db.session.remove()
        db.engine.dispose()
