"""The flask commands an operator runs: users, regions, demo."""
from outreach.extensions import db
from outreach.models import Region, Registration, User
from tests.conftest import PASSWORD


def test_users_create_list_deactivate(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Rina", "--role", "officer", "--password", "rahasia-rina",
                                 "--name", "Rina Marlina", "--kecamatan", "190305"])
    assert result.exit_code == 0, result.output
    assert "saved rina (officer, 19.03.05)" in result.output
    listing = runner.invoke(args=["users", "list"]).output
    assert "rina" in listing and "Rina Marlina" in listing and "active" in listing
    assert runner.invoke(args=["users", "deactivate", "rina"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "rina")).active is False


def test_users_create_refuses_bad_input(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create", "x", "--role", "admin", "--password", "panjang-sekali"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "budi", "--role", "admin", "--password", "pendek"]).exit_code != 0
    no_kecamatan = runner.invoke(args=["users", "create", "budi", "--role", "officer", "--password", "panjang-sekali"])
    assert no_kecamatan.exit_code != 0 and "needs --kecamatan" in no_kecamatan.output
    elsewhere = runner.invoke(args=["users", "create", "budi", "--role", "officer", "--password", "panjang-sekali",
                                    "--kecamatan", "11.01.01"])
    assert elsewhere.exit_code != 0 and "not a kecamatan of Kabupaten Bangka Selatan" in elsewhere.output
    assert runner.invoke(args=["users", "create", "budi", "--role", "boss", "--password", "panjang-sekali"]).exit_code != 0
    assert runner.invoke(args=["users", "deactivate", "nobody"]).exit_code != 0


def test_regions_load_twice_changes_nothing(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["regions", "load"])
    assert result.exit_code == 0
    assert "0 added, 0 updated, 7916 in all" in result.output


def test_regions_load_repairs_a_changed_name(app):
    with app.app_context():
        db.session.get(Region, "19.03.01").name = "Salah"
        db.session.commit()
    assert "0 added, 1 updated" in app.test_cli_runner().invoke(args=["regions", "load"]).output
    with app.app_context():
        assert db.session.get(Region, "19.03.01").name == "Toboali"


def test_demo_prepares_accounts_it_prints(app):
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    for line in ("officer      petugas / petugas-demo", "coordinator  koordinator / koordinator-demo",
                 "admin        admin / admin-demo"):
        assert line in result.output
    assert "demo registrations: 300 created" in result.output
    with app.app_context():
        petugas = db.session.scalar(db.select(User).where(User.username == "petugas"))
        assert petugas.check_password("petugas-demo") and petugas.kecamatan_code == "19.03.01"
        demo_rows = db.session.scalars(db.select(Registration)).all()
        assert len(demo_rows) == 300 and all(r.is_demo and r.notes == "DATA DEMO" for r in demo_rows)
        assert len({r.status for r in demo_rows}) == 6 and len({r.village_code for r in demo_rows}) > 30
    again = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert "demo registrations: already there" in again.output


def test_demo_has_a_programme_that_has_ended_with_its_members(app):
    """The district's APBD cohort, August 2025 – January 2026: its members registered in July 2025, and the
    programme's page shows them."""
    from datetime import date

    from outreach.models import Programme
    from outreach.services import programmes
    assert app.test_cli_runner().invoke(args=["demo", "--no-serve"]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["demo", "--no-serve"]).exit_code == 0  # no second copy
    with app.app_context():
        rows = db.session.scalars(db.select(Programme).order_by(Programme.first_month)).all()
        ended, running = rows
        assert (ended.payer, ended.first_month, ended.months) == ("apbd_kabupaten", date(2025, 8, 1), 6)
        assert programmes.state_of(ended, date(2026, 11, 26)) == "ended"
        members = db.session.scalars(programmes.members(ended.id)).all()
        assert len(members) == 24 and all(r.funding == "apbd_kabupaten" and r.status == "active" for r in members)
        assert all(r.created_at.astimezone().date() < date(2025, 8, 2) for r in members)
        assert programmes.summary(ended).committed == 24 * 6 * 16_800  # APBD-paid: never discounted
        sponsored = db.session.scalars(db.select(Registration).where(Registration.funding == "sponsor")).all()
        assert sponsored and all(r.programme_id == running.id for r in sponsored)



def test_demo_has_every_payment_situation_kept_by_the_ledger(app):
    """Protected now, in arrears, inactive since the APBD programme ended, awaiting a first payment: each
    paid_through the last day of the latest month in the worker's ledger, every payment after the KPJ."""
    from outreach.demo import situations
    from outreach.domain.clock import local_today
    from outreach.domain.protection import last_day
    from outreach.models import Payment
    from outreach.services import payments
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0 and "demo payments: " in result.output
    with app.app_context():
        found = situations(local_today())
        assert all(found.get(s, 0) > 0 for s in ("protected", "in_arrears", "inactive", "awaiting_first_payment"))
        active = db.session.scalars(db.select(Registration).where(Registration.status == "active")).all()
        for r in active:
            lines = payments.ledger(r)
            latest = max(((p.first_month.year, p.first_month.month + p.months - 1) for p in lines), default=None)
            ends = last_day((latest[0] + (latest[1] - 1) // 12, (latest[1] - 1) % 12 + 1)) if latest else None
            assert r.paid_through == ends and r.kpj_at is not None, r.number
            assert all(p.recorded_at >= r.kpj_at and not p.mismatch for p in lines), r.number
        inactive = [r for r in active if r.programme and payments.protection_of(r).state == "inactive"]
        assert inactive and all(r.paid_through.isoformat() == "2026-01-31" for r in inactive)
        assert db.session.scalar(db.select(db.func.count(Payment.id)).where(Payment.source == "programme")) > 24 * 6


def test_demo_is_refused_in_production(app):
    app.config["OUTREACH_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    finally:
        app.config["OUTREACH_ENV"] = "development"
    assert result.exit_code != 0 and "refused" in result.output


def test_users_create_again_updates_and_keeps_what_it_is_not_told(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["users", "create", "rina", "--role", "officer", "--password", "rahasia-rina",
                                "--name", "Rina Marlina", "--phone", "0812 3456 7890", "--kecamatan", "190305"])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["users", "create", "rina", "--role", "coordinator", "--password", "rahasia-baru"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        rina = db.session.scalar(db.select(User).where(User.username == "rina"))
        assert (rina.role, rina.kecamatan_code, rina.full_name, rina.phone) == (
            "coordinator", "19.03.05", "Rina Marlina", "+6281234567890")
        assert rina.check_password("rahasia-baru")
    bad = runner.invoke(args=["users", "create", "rina", "--role", "officer", "--password", "rahasia-rina", "--phone", "12"])
    assert bad.exit_code != 0 and "Indonesian mobile number" in bad.output


# Demo: what a newcomer sees must hold together, a second run must not get in anyone's way

FEMALE_GIVEN = {"Siti", "Nur", "Dewi", "Sri", "Rina", "Yanti", "Fitri", "Indah", "Lina", "Ayu", "Citra"}
MALE_GIVEN = {"Ahmad", "Budi", "Rudi", "Hendra", "Joko", "Agus", "Rahmat", "Wahyu", "Dedi", "Eko", "Hasan", "Ujang", "Bayu"}


def test_demo_rows_hold_together(app):
    from outreach.domain.eligibility import check_age
    from outreach.domain.nik import parse_nik
    from outreach.models import Receipt
    from outreach.models.types import utcnow

    assert app.test_cli_runner().invoke(args=["demo", "--no-serve"]).exit_code == 0
    with app.app_context():
        rows = db.session.scalars(db.select(Registration).order_by(Registration.id)).all()
        for r in rows:
            assert r.village.parent_code == r.kecamatan_code == r.officer.kecamatan_code, r.number  # desa of their kecamatan
            given = r.full_name.split()[0]
            assert given in (FEMALE_GIVEN if r.sex == "F" else MALE_GIVEN), (r.full_name, r.sex)
            nik = parse_nik(r.nik, "19.03")
            assert nik.sex == r.sex and nik.matches_birth_date(r.birth_date), r.number  # the NIK agrees
            error, flags = check_age(r.birth_date, r.created_at.date())  # counted on the day of registration
            assert error is None and ("minor" in flags) == ("minor" in r.flags), r.number
            times = [r.created_at] + [e.at for e in r.events] + [r.updated_at]
            assert r.consent_at == r.created_at and times[1:-1] == sorted(times[1:-1])
            assert r.created_at <= min(times) and max(times) == r.updated_at <= utcnow()
            issued = db.session.scalar(db.select(Receipt.issued_at).where(Receipt.registration_id == r.id))
            assert r.created_at <= issued <= r.updated_at
        by_month = {}
        for r in rows:  # numbers follow the dates within each month, as the counter hands them out
            by_month.setdefault(r.number[:7], []).append((r.number, r.created_at))
        for numbered in by_month.values():
            assert [n for n, _ in sorted(numbered)] == [n for n, _ in sorted(numbered, key=lambda x: (x[1], x[0]))]


def test_demo_again_logs_nobody_out(app, users):
    from tests.conftest import Auth

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "--no-serve"]).exit_code == 0
    sessions = {}
    for username, password in (("petugas", "petugas-demo"), ("koord1", PASSWORD)):
        sessions[username] = app.test_client()
        Auth(sessions[username]).login(username, password)
        assert sessions[username].get("/").status_code == 200
    with app.app_context():
        nonces = dict(db.session.execute(db.select(User.username, User.login_nonce)).all())
    again = runner.invoke(args=["demo", "--no-serve"])
    assert again.exit_code == 0 and "petugas / petugas-demo" in again.output
    for username, client in sessions.items():
        assert client.get("/").status_code == 200, f"{username} was logged out"
    with app.app_context():
        assert dict(db.session.execute(db.select(User.username, User.login_nonce)).all()) == nonces


def test_demo_says_a_busy_port_is_busy_before_serving(app):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = app.test_cli_runner().invoke(args=["demo", "--port", str(port)])
    assert result.exit_code != 0
    assert f"port {port} on 127.0.0.1 is in use" in result.output and "serving on" not in result.output
    assert "demo registrations" not in result.output  # told before any work
