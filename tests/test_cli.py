"""The flask commands an operator runs: users, regions, demo."""
from outreach.extensions import db
from outreach.models import Region, Registration, User


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
    assert elsewhere.exit_code != 0 and "not a kecamatan of Bangka Selatan" in elsewhere.output
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
