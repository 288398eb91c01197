"""The register of data-subject requests (UU PDP): who asked, identified how, when it is due (3x24 hours),
who handled it and how; overdue ones on the coordinator's home; the access copy of one worker's data."""
from datetime import timedelta

from outreach.domain.clock import LOCAL_TZ
from outreach.extensions import db
from outreach.models import AuditEvent, PrivacyRequest
from outreach.models.types import utcnow
from tests.conftest import LEPAR
from tests.enrollment import field_errors
from tests.review_helpers import enroll, login_as


def ask(client, number, **fields):
    data = {"number": number, "kind": "access", "identified_by": "number_birth_date", "birth_date": "1990-08-15",
            "received_at": "", "detail": "", "csrf_token": client.auth.token(), **fields}
    return client.post("/privasi/baru", data=data)


def requests_of(app):
    with app.app_context():
        rows = db.session.scalars(db.select(PrivacyRequest).order_by(PrivacyRequest.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def actions(app, action):
    with app.app_context():
        return [e.details for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)
                                                      .order_by(AuditEvent.id))]


def test_a_request_identified_by_number_and_birth_date_is_due_in_3x24_hours(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    before = utcnow()
    response = ask(coordinator, number, kind="withdrawal", detail="Tidak jadi ikut")
    assert response.status_code == 302
    (req,) = requests_of(app)
    assert (req.kind, req.identified_by, req.state, req.detail) == ("withdrawal", "number_birth_date", "open",
                                                                     "Tidak jadi ikut")
    assert before <= req.received_at and req.due_at == req.received_at + timedelta(hours=72)
    assert actions(app, "privacy_request") == [{"request": req.id, "kind": "withdrawal", "identified": "number_birth_date"}]
    page = coordinator.get("/privasi").get_data(as_text=True)
    assert f'data-request="{req.id}"' in page and number in page and "Menarik persetujuan" in page


def test_the_birth_date_must_match_the_number(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    wrong = ask(coordinator, number, birth_date="1990-08-16")
    unknown = ask(coordinator, "BS-2611-999999")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert field_errors(response.get_data(as_text=True))["number"] == "Nomor pendaftaran dan tanggal lahir tidak cocok."
        assert "1990-08-16" not in response.get_data(as_text=True)  # a birth date is never echoed back
    assert field_errors(ask(coordinator, number, birth_date="").get_data(as_text=True))["birth_date"] == \
        "Isi tanggal lahir pekerja (contoh: 15-08-1990)."
    assert requests_of(app) == []


def test_in_person_needs_no_birth_date_and_another_kecamatan_finds_nothing(app, officer, visit_id, coordinator,
                                                                            make_user):
    number = enroll(officer, visit_id)
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    lepar = login_as(app, "koord_lepar")
    elsewhere = ask(lepar, number, identified_by="in_person", birth_date="")
    assert elsewhere.status_code == 422
    assert field_errors(elsewhere.get_data(as_text=True))["number"] == "Nomor ini tidak ditemukan di wilayah Anda."
    assert ask(coordinator, number, identified_by="in_person", birth_date="", kind="correction").status_code == 302
    assert [r.identified_by for r in requests_of(app)] == ["in_person"]


def test_a_request_received_earlier_counts_from_then_and_not_from_the_future(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    then = (utcnow() - timedelta(days=4)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    future = (utcnow() + timedelta(days=1)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    assert ask(coordinator, number, received_at=future).status_code == 422
    assert ask(coordinator, number, received_at="kemarin").status_code == 422
    assert ask(coordinator, number, received_at=then).status_code == 302
    (req,) = requests_of(app)
    assert req.received_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M") == then


def test_overdue_requests_show_on_the_coordinators_and_admins_home_only(app, officer, visit_id, coordinator,
                                                                        make_user):
    number = enroll(officer, visit_id)
    then = (utcnow() - timedelta(days=4)).astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")
    ask(coordinator, number, received_at=then)
    ask(coordinator, number, kind="correction")  # received now: not yet due
    home = coordinator.get("/").get_data(as_text=True)
    assert 'data-overdue-requests="1"' in home and "Melihat / minta salinan data" in home
    assert 'data-overdue-requests' in login_as(app, "admin1").get("/").get_data(as_text=True)
    assert 'data-overdue-requests' not in officer.client.get("/").get_data(as_text=True)
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    assert 'data-overdue-requests' not in login_as(app, "koord_lepar").get("/").get_data(as_text=True)
    assert "Lewat batas" in coordinator.get("/privasi").get_data(as_text=True)


def test_closing_a_request_says_who_handled_it_and_how(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    ask(coordinator, number)
    (req,) = requests_of(app)
    page = coordinator.get(f"/privasi/{req.id}").get_data(as_text=True)
    assert "Salinan data (JSON)" in page and 'data-erase' not in page  # access: a copy, not an erasure
    empty = coordinator.post(f"/privasi/{req.id}/tutup", data={"csrf_token": coordinator.auth.token(),
                                                                "state": "done", "outcome": ""})
    assert empty.status_code == 422
    done = coordinator.post(f"/privasi/{req.id}/tutup", data={"csrf_token": coordinator.auth.token(),
                                                               "state": "done", "outcome": "Salinan dicetak, diserahkan"})
    assert done.status_code == 302
    (req,) = requests_of(app)
    assert (req.state, req.outcome, req.handled_by is not None) == ("done", "Salinan dicetak, diserahkan", True)
    assert actions(app, "privacy_close") == [{"request": req.id, "kind": "access", "state": "done"}]
    assert "data-close" not in coordinator.get(f"/privasi/{req.id}").get_data(as_text=True)
    assert 'data-overdue-requests' not in coordinator.get("/").get_data(as_text=True)


def test_the_access_copy_holds_the_data_and_its_processing_record_and_is_audited(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    coordinator.get(f"/tinjau/{number}")  # a look, recorded
    page = coordinator.get(f"/privasi/data/{number}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for words in ("1903015508900001", "Siti Aminah", "+6281234567890", "Dusun I RT 01 RW 02", "Ahmad Fauzi",
                  "Berapa lama disimpan", "Koordinator melihat"):
        assert words in text, words
    assert "Koord1" not in text  # staff by role only (UU PDP Art. 33)
    copy = coordinator.get(f"/privasi/data/{number}.json")
    data = copy.get_json()
    assert copy.headers["Content-Disposition"] == f'attachment; filename="data-{number}.json"'
    assert data["registration"]["identity"]["nik"] == "1903015508900001"
    assert data["registration"]["consent"]["version"] == "2026-12-v2" and data["registration"]["consent"]["text"]
    assert [e["kind"] for e in data["history"]] == ["created"]
    assert {"action": "view", "by_role": "coordinator"}.items() <= data["processing"][0].items()
    assert [d["format"] for d in actions(app, "access_export")] == ["html", "json"]


def test_the_access_copy_of_another_kecamatan_is_refused_and_the_attempt_recorded(app, officer, visit_id, make_user):
    number = enroll(officer, visit_id)
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    lepar = login_as(app, "koord_lepar")
    assert lepar.get(f"/privasi/data/{number}.json").status_code == 403
    assert actions(app, "access_export") == []
    assert actions(app, "refused") == [{"attempt": "privacy.access_json", "why": "not_permitted"}]
