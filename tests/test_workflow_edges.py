"""Workflow edges: a returned registration goes back only corrected (or with "no change needed" said), a long
note is refused rather than cut, refused attempts leave a trace; and the edit history keeps no plain PII."""
import pytest

from outreach.extensions import db
from outreach.models import AuditEvent, Registration, RegistrationEvent
from tests.conftest import LEPAR
from tests.enrollment import field_errors, worker
from tests.review_helpers import api, current, enroll, login_as, move

CORRECTION = ("Perbaiki data yang diminta koordinator dulu. Bila memang tidak ada yang perlu diubah, nyatakan itu "
              "(no_change_needed).")


@pytest.fixture
def returned(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    assert move(coordinator, number, "returned", reason="ktp_needed", note="Lihat KTP asli").status_code == 302
    return number


def transitions(app, number):
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        return [e.changes for e in r.events if e.kind == "transition"]


def refusals(app):
    with app.app_context():
        return [(e.details, e.kecamatan_code, e.registration_id is not None)
                for e in db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "refused")
                                            .order_by(AuditEvent.id))]


def test_the_api_sends_a_returned_registration_back_only_with_a_correction_said(app, officer, returned):
    version = current(app, returned).version
    officer.client.auth = officer.auth  # what api() sends the CSRF token with
    bare = api(officer.client, returned, to="pending", version=version)
    assert bare.status_code == 422
    assert bare.get_json()["errors"] == {"no_change_needed": [CORRECTION]}
    assert current(app, returned).status == "returned"
    said = api(officer.client, returned, to="pending", version=version, no_change_needed=True)
    assert said.status_code == 200 and said.get_json()["status"] == "pending"
    assert transitions(app, returned)[-1] == {"from": "returned", "to": "pending", "no_change_needed": True}


def edit(officer, app, number, data, **extra):
    page = officer.client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    version = page.split('id="version" name="version" type="hidden" value="')[1].split('"')[0]
    return officer.client.post(f"/pendaftaran/{number}/ubah", data={**data, "version": version, "submit": "x",
                                                                    "csrf_token": officer.auth.token(), **extra})


def test_the_form_sends_it_back_unchanged_only_when_the_officer_says_so(app, officer, returned, coordinator):
    page = officer.client.get(f"/pendaftaran/{returned}/ubah").get_data(as_text=True)
    assert 'name="no_change_needed"' in page
    unchanged = edit(officer, app, returned, worker())
    assert unchanged.status_code == 422
    assert field_errors(unchanged.get_data(as_text=True))["no_change_needed"] == CORRECTION
    assert current(app, returned).status == "returned"
    said = edit(officer, app, returned, worker(), no_change_needed="y")
    assert said.status_code == 302 and current(app, returned).status == "pending"
    assert transitions(app, returned)[-1]["no_change_needed"] is True
    history = coordinator.get(f"/tinjau/{returned}").get_data(as_text=True)
    assert "petugas menyatakan tidak ada yang perlu diubah" in history


def test_a_real_correction_needs_no_declaration(app, officer, returned):
    assert edit(officer, app, returned, worker(address="Dusun III")).status_code == 302
    assert current(app, returned).status == "pending"
    assert "no_change_needed" not in transitions(app, returned)[-1]


def test_a_long_note_is_refused_with_its_limit_not_cut(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    page = move(coordinator, number, "returned", reason="incomplete", note="x" * 5000)
    assert page.status_code == 422
    message = "Catatan paling banyak 1000 karakter; persingkat catatannya."
    assert field_errors(page.get_data(as_text=True))["returned-note"] == message
    refused = api(coordinator, number, to="rejected", reason="other", note="y" * 1001)
    assert refused.status_code == 422 and refused.get_json()["errors"] == {"note": [message]}
    assert current(app, number).status == "pending" and transitions(app, number) == []
    assert move(coordinator, number, "rejected", reason="other", note="z" * 1000).status_code == 302
    assert transitions(app, number)[-1]["note"] == "z" * 1000  # whole


def test_a_look_at_another_kecamatans_registration_is_refused_and_recorded(app, officer, visit_id, coordinator,
                                                                          make_user):
    number = enroll(officer, visit_id)
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    lepar = login_as(app, "koord_lepar")
    assert lepar.get(f"/tinjau/{number}").status_code == 403
    assert api(lepar, number, to="verified").status_code == 403
    make_user("petugas2")
    assert login_as(app, "petugas2").get(f"/api/v1/registrations/{number}").status_code == 403
    assert refusals(app) == [
        ({"attempt": "review.detail", "why": "not_permitted"}, "19.03.01", True),
        ({"attempt": "api.transition", "why": "not_permitted"}, "19.03.01", True),
        ({"attempt": "api.get_registration", "why": "not_permitted"}, "19.03.01", True),
    ]
    assert current(app, number).status == "pending"
    trail = coordinator.get(f"/audit?number={number}").get_data(as_text=True)  # Toboali's coordinator sees them
    assert trail.count('data-action="refused"') == 3 and "Koord_Lepar" in trail


def test_a_refused_nik_reveal_and_a_move_beyond_the_role_are_recorded(app, officer, visit_id, coordinator, returned):
    number = enroll(officer, visit_id, nik="1903011508900002", sex="M", full_name="Budi")
    assert coordinator.post(f"/tinjau/{number}/nik", data={"csrf_token": coordinator.auth.token(),
                                                          "purpose": ""}).status_code == 422
    assert api(coordinator, returned, to="pending", no_change_needed=True).status_code == 403  # the officer's move
    assert [d for d, _k, _r in refusals(app)] == [
        {"attempt": "reveal_nik", "why": "no_purpose"},
        {"attempt": "transition", "to": "pending", "why": "forbidden"},
    ]


def test_the_edit_history_keeps_which_field_changed_and_masked_values(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id, heir_phone="0852-1111-2222")
    edit(officer, app, number, worker(phone="0813-9999-8765", address="Jalan Baru 7", heir_phone="0852-3333-4444",
                                      full_name="Siti Aminah Binti Ali", notes="catatan rahasia"))
    with app.app_context():
        (event,) = db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.kind == "edited")).all()
        changes = event.changes
    assert changes == {"full_name": ["S*** A*****", "S*** A***** B**** A**"], "phone": ["…890", "…765"],
                       "address": ["…", "…"], "heir_phone": ["…222", "…444"], "notes": [None, "…"]}
    page = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    for clear in ("3456-7890", "6281234567890", "Dusun I RT 01", "Jalan Baru 7", "catatan rahasia", "1111-2222"):
        assert clear not in page.split("Riwayat")[1], clear
