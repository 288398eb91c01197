"""A way back from mistakes: an active registration's mistyped KPJ corrected, and a submitted registration
returned to its officer when the branch asks for a fix."""
import html

from outreach.extensions import db
from outreach.models import AuditEvent, RegistrationEvent
from tests.conftest import LEPAR
from tests.enrollment import field_errors
from tests.review_helpers import api, current, login_as, move, submitted
from tests.test_workflow_transitions import status_page


def active(app, officer, visit_id, coordinator, n=1, first_kpj=11111111111):
    numbers = submitted(app, officer, visit_id, coordinator, n)
    for i, number in enumerate(numbers):
        assert move(coordinator, number, "active", kpj=str(first_kpj + i)).status_code == 302
    return numbers


def correct(client, number, **fields):
    data = {"csrf_token": client.auth.token(), "fix-version": current_version(client, number)}
    data.update({f"fix-{k}": v for k, v in fields.items()})
    return client.post(f"/tinjau/{number}/kpj", data=data)


def current_version(client, number):
    return client.get(f"/api/v1/registrations/{number}").get_json()["version"]


def correct_api(client, number, **body):
    return client.post(f"/api/v1/registrations/{number}/kpj", json=body, headers={"X-CSRFToken": client.auth.token()})


# Correcting a mistyped KPJ

def test_a_mistyped_kpj_is_corrected_with_a_reason_and_the_old_one_stays_in_the_history(app, officer, visit_id,
                                                                                        coordinator):
    (number,) = active(app, officer, visit_id, coordinator)
    page = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert 'id="kpj-correction"' in page and 'name="fix-kpj"' in page
    refused = correct(coordinator, number, kpj="1111 1111 112", reason="  ")
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True))["fix-reason"].startswith("Tulis alasan koreksi")
    response = correct(coordinator, number, kpj="1111 1111 112", reason="Salah ketik dari berkas cabang")
    assert response.status_code == 302
    r = current(app, number)
    assert (r.status, r.kpj, r.version) == ("active", "11111111112", 5)
    page = html.unescape(coordinator.get(f"/tinjau/{number}").get_data(as_text=True))
    assert "Nomor KPJ dikoreksi: 11111111111 → 11111111112" in page and "Salah ketik dari berkas cabang" in page
    with app.app_context():
        event = db.session.scalar(db.select(RegistrationEvent).where(RegistrationEvent.kind == "kpj_corrected"))
        assert event.changes == {"kpj": ["11111111111", "11111111112"], "reason": "Salah ketik dari berkas cabang"}
        audit = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "correct_kpj"))
        assert audit.details["kpj"] == ["11111111111", "11111111112"] and audit.registration.number == number
    trail = html.unescape(coordinator.get(f"/audit?number={number}").get_data(as_text=True))
    assert "mengoreksi KPJ" in trail and "Nomor KPJ: 11111111111 → 11111111112" in trail


def test_a_corrected_kpj_still_belongs_to_one_registration(app, officer, visit_id, coordinator, monkeypatch):
    first, second = active(app, officer, visit_id, coordinator, 2)
    taken = correct(coordinator, second, kpj="11111111111", reason="Salah ketik")
    assert taken.status_code == 422
    assert field_errors(taken.get_data(as_text=True))["fix-kpj"] == "Nomor KPJ ini sudah dipakai."
    same = correct(coordinator, second, kpj="11111111112", reason="Salah ketik")
    assert field_errors(same.get_data(as_text=True))["fix-kpj"] == "Nomor KPJ ini sama dengan yang sudah tercatat."
    # The friendly check raced: the unique index still refuses, as a 422 next to the field.
    from outreach.services import review as service
    monkeypatch.setattr(service, "kpj_in_use", lambda *args, **kwargs: False)
    raced = correct_api(coordinator, second, kpj="11111111111", reason="Salah ketik", version=current(app, second).version)
    assert raced.status_code == 422 and raced.get_json()["errors"] == {"kpj": ["Nomor KPJ ini sudah dipakai."]}
    assert (current(app, first).kpj, current(app, second).kpj) == ("11111111111", "11111111112")


def test_the_api_corrects_a_kpj_and_answers_like_a_transition(app, officer, visit_id, coordinator, make_user):
    (number,) = active(app, officer, visit_id, coordinator)
    version = current(app, number).version
    missing = correct_api(coordinator, number, kpj="123", version=version)
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"kpj", "reason"}
    assert correct_api(coordinator, number, kpj="22222222222", reason="x", version="4").status_code == 422
    assert correct_api(coordinator, number, kpj="22222222222", reason="Salah ketik", version=version - 1).status_code == 409
    body = correct_api(coordinator, number, kpj="2222-2222-222", reason="Salah ketik", version=version).get_json()
    assert (body["kpj"], body["status"], body["version"]) == ("22222222222", "active", version + 1)
    assert body["history"][-1] == {**body["history"][-1], "kind": "kpj_corrected",
                                   "changes": {"kpj": ["11111111111", "22222222222"], "reason": "Salah ketik"}}
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    outside = correct_api(login_as(app, "koord_lepar"), number, kpj="33333333333", reason="x", version=version + 1)
    assert outside.status_code == 403
    assert correct_api(officer_client(officer), number, kpj="33333333333", reason="x").status_code == 403
    assert current(app, number).kpj == "22222222222"


def officer_client(officer):
    client = officer.client
    client.auth = officer.auth
    return client


def test_only_an_active_registration_has_a_kpj_to_correct(app, officer, visit_id, coordinator):
    (number,) = submitted(app, officer, visit_id, coordinator, 1)
    assert 'id="kpj-correction"' not in coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    answer = correct_api(coordinator, number, kpj="33333333333", reason="Salah ketik")
    assert answer.status_code == 409 and answer.get_json()["registration"]["status"] == "submitted"
    assert current(app, number).kpj is None


# Submitted, then returned: the branch asked for a fix

def test_a_submitted_registration_goes_back_to_its_officer_when_the_branch_asks(app, officer, visit_id, coordinator,
                                                                               client):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    page = coordinator.get(f"/tinjau/{a}").get_data(as_text=True)
    assert 'data-target="returned"' in page and 'value="branch_fix"' in page
    assert move(coordinator, a, "returned", reason="branch_fix", note="Cabang: nama ibu kandung kosong").status_code == 302
    assert (current(app, a).status, current(app, a).reason) == ("returned", "branch_fix")
    worker_page = html.unescape(status_page(app, a))
    assert "Kantor BPJS Ketenagakerjaan meminta sebagian data pendaftaran Anda diperbaiki." in worker_page
    assert "nama ibu" not in worker_page
    assert "Catatan koordinator: Cabang: nama ibu kandung kosong" in client.get(f"/pendaftaran/{a}").get_data(as_text=True)
    body = api(coordinator, b, to="returned", reason="incomplete", note="Cabang minta perbaikan",
               version=current(app, b).version).get_json()
    assert (body["status"], body["reason"]) == ("returned", "incomplete")
