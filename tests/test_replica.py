"""DATABASE_REPLICA_URL: the dashboard's and exports' reads go to the read replica, their writes and every other
page to the primary. The replica here is a copy of the primary taken before a registration was made, so what
a page shows says where it read."""
import csv
import io
import shutil

from flask_migrate import upgrade

from outreach.config import replica_bind
from outreach.extensions import db
from outreach.models import AuditEvent, CoverageTarget, User
from outreach.services.regions import load_regions
from tests.conftest import PASSWORD, Auth, make_app
from tests.enrollment import Officer, worker


def test_replica_setting_names_a_bind(tmp_path):
    assert replica_bind(None, str(tmp_path)) == {}
    bind = replica_bind("postgresql://reader@replica/outreach", str(tmp_path))["replica"]
    assert bind["url"] == "postgresql+psycopg://reader@replica/outreach" and bind["hide_parameters"] is True


def test_dashboard_and_exports_read_the_replica_and_write_the_primary(tmp_path):
    primary, replica = tmp_path / "primary.db", tmp_path / "replica.db"
    app = make_app(f"sqlite:///{primary}")
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        for username, role in (("petugas", "officer"), ("koord", "coordinator")):
            user = User(username=username, full_name=username, role=role, kecamatan_code="19.03.01")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        db.engine.dispose()
    shutil.copy(primary, replica)  # the replica, as it was before the registration below reached it
    app = make_app(f"sqlite:///{primary}", SQLALCHEMY_BINDS={"replica": f"sqlite:///{replica}"})
    client = app.test_client()
    officer = Officer(client, Auth(client))
    officer.auth.login("petugas")
    number = officer.register(officer.start_visit(), worker()).headers["Location"].rsplit("/", 1)[1]

    coordinator = app.test_client()
    Auth(coordinator).login("koord")  # who is logged in is read from the primary: the session is only there
    assert number in coordinator.get("/tinjau").get_data(as_text=True)  # the queue reads the primary
    dashboard = coordinator.get("/dasbor").get_data(as_text=True)
    assert '<li data-count="pending"><strong>0</strong>' in dashboard  # the replica has not seen it yet
    export = coordinator.get("/tinjau/ekspor.csv?status=all").get_data().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(export)))) == 1  # the header only: rows from the replica
    saved = coordinator.post("/dasbor", data={"csrf_token": Auth(coordinator).token("/dasbor"),
                                              "region_code": "19.03.01.1001", "informal_workers": "40"})
    assert saved.status_code == 302
    with app.app_context():  # the writes went to the primary
        assert db.session.get(CoverageTarget, "19.03.01.1001").informal_workers == 40
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export"))
        assert event.details["rows"] == 0
        with db.engines["replica"].connect() as conn:
            assert conn.execute(db.text("SELECT count(*) FROM registrations")).scalar() == 0
            assert conn.execute(db.text("SELECT count(*) FROM audit_events")).scalar() == 0
        db.engine.dispose()
        db.engines["replica"].dispose()
