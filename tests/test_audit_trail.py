"""The audit trail: who viewed a worker's pages, revealed a NIK (with a reason), and the audit screen."""
import html
import re

from outreach.domain.clock import local_today

from outreach.extensions import db
from outreach.models import AuditEvent
from tests.conftest import LEPAR, Auth
from tests.review_helpers import enroll


# Looking at a worker's pages, and revealing the NIK

def test_revealing_the_nik_needs_a_reason_and_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    assert "1903015508900001" not in coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    refused = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(), "purpose": ""})
    assert refused.status_code == 422 and "1903015508900001" not in refused.get_data(as_text=True)
    shown = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                           "purpose": "Cocokkan dengan KTP"})
    assert "1903015508900001" in shown.get_data(as_text=True)
    trail = coordinator.get(f"/audit?number={number}").get_data(as_text=True)
    assert "membuka NIK" in trail and "Cocokkan dengan KTP" in trail and "melihat" in trail


def test_a_nik_reveal_reason_of_spaces_is_refused(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    refused = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                             "purpose": "      ab     "})
    assert refused.status_code == 422 and "1903015508900001" not in refused.get_data(as_text=True)
    shown = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                           "purpose": "  cek KTP  "})
    assert "1903015508900001" in shown.get_data(as_text=True)
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "reveal_nik"))
        assert event.details["purpose"] == "cek KTP"


def test_every_look_at_a_workers_pages_by_others_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    officer.client.get(f"/pendaftaran/{number}")  # the officer's own look is not an event
    coordinator.get(f"/pendaftaran/{number}")
    coordinator.get(f"/pendaftaran/{number}/tanda-terima")
    with app.app_context():
        pages = [e.details.get("page") for e in db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.action == "view").order_by(AuditEvent.id))]
    assert pages == ["enroll.registration", "receipts.show"]


def test_api_reads_by_coordinators_are_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    officer.client.get(f"/api/v1/registrations/{number}")  # the officer's own look: not an event
    assert coordinator.get(f"/api/v1/registrations/{number}").status_code == 200
    with app.app_context():
        views = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "view")).all()
        assert [(e.details["page"], e.registration.number) for e in views] == [("api.get_registration", number)]


# The audit screen

def test_audit_screen_is_limited_to_the_kecamatan(app, officer, visit_id, coordinator, make_user):
    number = enroll(officer, visit_id)
    coordinator.get(f"/tinjau/{number}")
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    other = app.test_client()
    Auth(other).login("koord_lepar")
    assert number not in other.get("/audit").get_data(as_text=True)
    admin = app.test_client()
    Auth(admin).login("admin1")
    assert number in admin.get("/audit").get_data(as_text=True)


def test_audit_next_page_keeps_the_filters_and_people_are_of_the_kecamatan(app, officer, visit_id, coordinator,
                                                                           make_user, monkeypatch):
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 2)
    number = enroll(officer, visit_id)
    make_user("petugas_lepar", kecamatan=LEPAR, full_name="Petugas Lepar")
    for _ in range(3):
        coordinator.get(f"/tinjau/{number}")
    today = local_today().isoformat()  # the WIB day the rows were made on (UTC is a day behind after 17:00)
    page = coordinator.get(f"/audit?number={number}&from={today}&to={today}").get_data(as_text=True)
    following = html.unescape(re.search(r'href="([^"]+)">Lebih lama', page).group(1))
    assert f"number={number}" in following and f"from={today}" in following and f"to={today}" in following
    assert "Petugas Lepar" not in page and "Siti Aminah" in page
