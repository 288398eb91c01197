"""Erasure that keeps the numbers honest: on a worker's request (the register), the person's data goes, the row,
its counts and its audit stay without it; the status page says it no longer exists; nothing moves out of it."""
import pytest

from outreach.extensions import db
from outreach.models import AuditEvent, PrivacyRequest, Receipt, Registration, RegistrationEvent, Visit
from outreach.services import erasure
from tests.review_helpers import api, current, enroll, move
from tests.test_privacy_requests import ask, requests_of
from tests.test_receipts import status_path

PERSONAL = ("nik", "nik_last4", "full_name", "name_key", "birth_place", "birth_date", "sex", "phone", "address",
            "work_location", "monthly_income", "heir_name", "heir_relation", "heir_phone", "guardian_name",
            "guardian_relation", "notes", "kpj")


def erase_on_request(coordinator, number, kind="deletion"):
    ask(coordinator, number, kind=kind)
    req = requests_of(coordinator.application)[-1]
    response = coordinator.post(f"/privasi/{req.id}/hapus", data={"csrf_token": coordinator.auth.token(),
                                                                   "confirm": number.lower()})
    return req, response


@pytest.fixture
def returned_and_edited(app, officer, visit_id, coordinator):
    """A registration with everything erasure must reach: an edit, a coordinator's note quoting the NIK, a
    revealed NIK with a typed reason, a visit with a GPS fix."""
    with app.app_context():
        db.session.execute(db.update(Visit).values(latitude_e6=-3_000_000, longitude_e6=106_000_000, accuracy_m=20))
        db.session.commit()
    number = enroll(officer, visit_id, notes="rumah biru dekat masjid", guardian_name="")
    coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(), "purpose": "cek KTP Siti"})
    move(coordinator, number, "returned", reason="incomplete", note="NIK 1903015508900001 alamat kurang")
    token = officer.auth.token()
    from tests.enrollment import worker
    officer.client.post(f"/pendaftaran/{number}/ubah", data={**worker(address="Dusun II RT 03", notes="rumah biru dekat masjid"),
                                                             "version": str(current(app, number).version),
                                                             "csrf_token": token, "submit": "x"})
    return number


def test_erasing_on_request_removes_the_person_and_keeps_the_row(app, officer, visit_id, coordinator,
                                                                   returned_and_edited):
    number = returned_and_edited
    path = status_path(officer.client, number)
    req, response = erase_on_request(coordinator, number)
    assert response.status_code == 302
    r = current(app, number)
    assert all(getattr(r, name) is None for name in PERSONAL), [n for n in PERSONAL if getattr(r, n) is not None]
    assert (r.status, r.erased_from, r.flags, r.contribution) == ("erased", "pending", [], {})
    assert (r.village_code, r.kecamatan_code, r.occupation, r.funding, r.programs) == (
        "19.03.01.1001", "19.03.01", "nelayan", "self", ["JKK", "JKM"])
    assert r.created_at and r.erased_at and r.consent_at and r.consent_version == "2026-12-v2"
    with app.app_context():
        events = db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.registration_id == r.id)
                                    .order_by(RegistrationEvent.id)).all()
        kinds = [(e.kind, e.changes) for e in events]
        trail = db.session.scalars(db.select(AuditEvent).where(AuditEvent.registration_id == r.id)).all()
        salts = db.session.scalars(db.select(Receipt.salt).where(Receipt.registration_id == r.id)).all()
        visit = db.session.get(Visit, visit_id)
        (req,) = db.session.scalars(db.select(PrivacyRequest)).all()
        assert (req.state, req.detail) == ("done", None)
        assert (visit.latitude_e6, visit.longitude_e6, visit.accuracy_m) == (None, None, None)
    assert kinds[0] == ("created", {})
    assert ("transition", {"from": "pending", "to": "returned", "reason": "incomplete"}) in kinds
    assert ("edited", {"address": [None, None]}) in kinds
    assert kinds[-1] == ("erased", {"from": "pending", "why": "request"})
    dump = repr([t.details for t in trail]) + repr(kinds)
    for personal in ("1903015508900001", "0001", "Siti", "Dusun", "cek KTP", "masjid"):
        assert personal not in dump, personal
    assert {"reveal_nik", "transition", "edit", "erase", "privacy_close"} <= {t.action for t in trail}
    assert salts and all(salt is None for salt in salts)
    # The worker's old QR: the registration no longer exists.
    page = app.test_client().get(path)
    assert page.status_code == 410 and 'data-status="erased"' in page.get_data(as_text=True)
    assert "Pendaftaran ini sudah tidak ada" in page.get_data(as_text=True)


def test_the_confirmation_must_be_the_number(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    ask(coordinator, number, kind="deletion")
    (req,) = requests_of(app)
    wrong = coordinator.post(f"/privasi/{req.id}/hapus", data={"csrf_token": coordinator.auth.token(),
                                                                "confirm": "BS-0000-000000"})
    assert wrong.status_code == 422 and current(app, number).status == "pending"
    ask(coordinator, number, kind="access")
    access = requests_of(app)[-1]
    refused = coordinator.post(f"/privasi/{access.id}/hapus", data={"csrf_token": coordinator.auth.token(),
                                                                     "confirm": number})
    assert refused.status_code == 302 and current(app, number).status == "pending"  # an access is not erased


def test_pages_of_an_erased_registration_show_that_it_is_gone(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    erase_on_request(coordinator, number, kind="withdrawal")
    detail = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert "data-erased" in detail and 'data-erased-from="pending"' in detail
    assert "*0001" not in detail and "Dusun" not in detail and "Ahmad" not in detail
    assert 'class="transition"' not in detail  # no move out of erased
    assert "(data pribadi sudah dihapus)" in coordinator.get("/tinjau?status=all").get_data(as_text=True)  # the queue opens on pending
    assert "data-erased" in officer.client.get(f"/pendaftaran/{number}").get_data(as_text=True)
    assert "(data pribadi sudah dihapus)" in officer.client.get("/pendaftaran").get_data(as_text=True)
    assert officer.client.get(f"/pendaftaran/{number}/tanda-terima").status_code == 410
    assert coordinator.get(f"/privasi/data/{number}").status_code == 410
    assert officer.client.get(f"/pendaftaran/{number}/ubah").status_code == 302  # not editable
    assert api(coordinator, number, to="verified").status_code == 409
    assert coordinator.get(f"/api/v1/registrations/{number}").get_json()["status_url"] is None
    reveal = coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(), "purpose": "cek KTP"})
    assert reveal.status_code == 422
    assert number not in coordinator.get("/tinjau/ekspor.csv").get_data(as_text=True)
    assert field_error_of(ask(coordinator, number, identified_by="in_person", birth_date="")) == \
        "Data pribadi pendaftaran ini sudah dihapus."


def field_error_of(response):
    from tests.enrollment import field_errors
    return field_errors(response.get_data(as_text=True))["number"]


def test_erasure_cannot_be_undone_nor_repeated(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    erase_on_request(coordinator, number)
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        with pytest.raises(erasure.NotErasable):
            erasure.erase(r, None, "retention")


def test_counts_stay_true_after_erasure(app, officer, visit_id, coordinator):
    active = enroll(officer, visit_id)
    for to, fields in (("verified", {}), ("submitted", {}), ("active", {"kpj": "12345678901"})):
        move(coordinator, active, to, **fields)
    rejected = enroll(officer, visit_id, nik="1903011508900002", sex="M", full_name="Budi")
    move(coordinator, rejected, "rejected", reason="duplicate", note="ganda")
    with app.app_context():  # paid through this month: protected, the figure coverage counts
        from outreach.domain.clock import local_today
        from outreach.domain.protection import last_day
        r = db.session.scalar(db.select(Registration).where(Registration.number == active))
        r.paid_through = last_day((local_today().year, local_today().month))
        db.session.commit()
    coordinator.post("/dasbor", data={"csrf_token": coordinator.auth.token("/dasbor"), "region_code": "19.03.01.1001",
                                      "informal_workers": "10"})
    before = coordinator.get("/dasbor").get_data(as_text=True)
    erase_on_request(coordinator, active)
    with app.app_context():  # the rejected one through the service, as the retention command does
        erasure.erase(db.session.scalar(db.select(Registration).where(Registration.number == rejected)), None, "retention")
        db.session.commit()
    after = coordinator.get("/dasbor").get_data(as_text=True)
    assert "10.0% (1/10)" in before and "10.0% (1/10)" in after  # the enrolled worker still counts; rejected not
    assert 'data-count="erased"><strong>2</strong>' in after
    # A new registration of the same NIK is possible: nothing of the old one is left to match.
    assert enroll(officer, visit_id)


def test_the_status_page_says_nothing_of_an_erased_registration(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    erase_on_request(coordinator, number)
    lookup = app.test_client().post("/cek", data={"number": number, "birth_date": "1990-08-15"})
    assert lookup.status_code == 200 and 'data-lookup="not-found"' in lookup.get_data(as_text=True)
