"""POST /api/v1/registrations/<number>/contacts: what the phone's outbox sends, saved exactly once per client_id,
with the device's time kept; refused outside the user's area; "berhenti" and an imported worker's consent."""
from datetime import datetime, timezone

from outreach.extensions import db
from outreach.labels import CONSENT_VERSION
from outreach.models import AuditEvent, Contact, Registration
from tests.conftest import LEPAR, Auth
from tests.followup_helpers import paid_worker

CID = "0b7c6a2e-5f1d-4c3b-9a8e-7d6c5b4a3f21"


def post(client, number, **body):
    return client.post(f"/api/v1/registrations/{number}/contacts", json=body,
                       headers={"X-CSRFToken": client.auth.token()})


def logged_in(app, username):
    client = app.test_client()
    client.auth = Auth(client)
    client.auth.login(username)
    return client


def reg(app, number) -> Registration:
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        db.session.expunge(r)
        return r


def test_a_contact_sent_twice_is_saved_once_with_the_devices_time(app, users):
    number = paid_worker(app, users["officer"], 1)
    phone = logged_in(app, "petugas1")
    body = {"client_id": CID, "channel": "visit", "outcome": "paid", "note": "Sudah bayar di Indomaret",
            "captured_at": "2026-11-26T09:15:00+07:00"}
    first = post(phone, number, **body)
    assert first.status_code == 201, first.get_json()
    again = post(phone, number, **body)  # the answer was lost: the outbox sends it again
    assert again.status_code == 200 and again.get_json() == first.get_json()
    assert first.get_json()["client_id"] == CID and first.get_json()["number"] == number
    with app.app_context():
        contacts = db.session.scalars(db.select(Contact)).all()
        assert len(contacts) == 1
        assert contacts[0].captured_at == datetime(2026, 11, 26, 2, 15, tzinfo=timezone.utc)
        assert contacts[0].next_on is not None  # "paid": looked at again once the branch's import should show it
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "contact")) == 1
    r = reg(app, number)
    assert r.last_outcome == "paid" and r.last_contact_at == contacts[0].captured_at


def test_a_contact_logged_days_without_signal_is_judged_on_the_day_it_was_logged(app, users):
    from datetime import timedelta

    from outreach.domain.clock import local_today
    number = paid_worker(app, users["officer"], 1)
    phone = logged_in(app, "petugas1")
    logged = local_today() - timedelta(days=10)  # ten days on Pongok without signal
    body = {"client_id": CID, "channel": "visit", "outcome": "will_pay", "captured_at": f"{logged}T10:00:00+07:00",
            "will_pay_on": (logged + timedelta(days=2)).isoformat()}
    response = post(phone, number, **body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["next_on"] == (logged + timedelta(days=3)).isoformat()  # due again now


def test_another_users_client_id_is_a_conflict_and_tells_nothing(app, users, make_user):
    number = paid_worker(app, users["officer"], 2)
    make_user("petugas2")
    assert post(logged_in(app, "petugas1"), number, client_id=CID, channel="phone", outcome="no_answer").status_code == 201
    other = post(logged_in(app, "petugas2"), number, client_id=CID, channel="phone", outcome="paid")
    assert other.status_code == 409 and "outcome" not in other.get_json()


def test_refused_outside_the_users_kecamatan_and_recorded(app, users, make_user):
    number = paid_worker(app, users["officer"], 3)
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    response = post(logged_in(app, "koord_lepar"), number, client_id=CID, channel="phone", outcome="paid")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "refused"
        assert db.session.scalar(db.select(db.func.count(Contact.id))) == 0


def test_an_officer_of_the_kecamatan_follows_up_a_worker_enrolled_by_another(app, users, make_user):
    number = paid_worker(app, users["officer"], 4)
    make_user("petugas2")
    assert post(logged_in(app, "petugas2"), number, client_id=CID, channel="visit", outcome="will_pay",
                will_pay_on="2026-12-10").status_code == 201


def test_unusable_contacts_are_refused_field_by_field(app, users):
    number = paid_worker(app, users["officer"], 5)
    phone = logged_in(app, "petugas1")
    response = post(phone, number, client_id=CID, channel="pigeon", outcome="will_pay", next_on="31-02-2026",
                    note="x" * 1001)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"channel", "will_pay_on", "next_on", "note"}
    assert post(phone, number, client_id="not-a-uuid", channel="visit", outcome="paid").status_code == 422
    assert phone.post(f"/api/v1/registrations/{number}/contacts", data="[]", content_type="application/json",
                      headers={"X-CSRFToken": phone.auth.token()}).status_code == 422
    assert post(phone, "BS-0000-000000", client_id=CID, channel="visit", outcome="paid").status_code == 404


def test_berhenti_in_a_note_stops_automatic_messages(app, users):
    number = paid_worker(app, users["officer"], 6)
    post(logged_in(app, "petugas1"), number, client_id=CID, channel="phone", outcome="refused",
         note="Minta berhenti dikirimi pesan")
    assert reg(app, number).messages_stopped_at is not None


def test_an_imported_workers_consent_is_recorded_at_a_contact(app, users):
    number = paid_worker(app, users["officer"], 7, source="imported", consent_version="funder")
    phone = logged_in(app, "petugas1")
    post(phone, number, client_id=CID, channel="visit", outcome="will_pay", will_pay_on="2026-12-10",
         consent_method="read_aloud")
    r = reg(app, number)
    assert (r.consent_version, r.consent_method) == (CONSENT_VERSION, "read_aloud")
    with app.app_context():
        event = db.session.scalar(db.select(Registration).where(Registration.number == number)).events[-1]
        assert event.kind == "contact" and event.changes["consent_method"] == "read_aloud"
    # a worker who consented at registration is not asked again: nothing is recorded over it
    enrolled = paid_worker(app, users["officer"], 8, consent_version="2026-11-v1")
    post(phone, enrolled, client_id="0b7c6a2e-5f1d-4c3b-9a8e-7d6c5b4a3f22", channel="visit", outcome="paid",
         consent_method="read_by_worker")
    assert reg(app, enrolled).consent_version == "2026-11-v1"


def test_the_history_shows_the_contact(app, users, coordinator):
    number = paid_worker(app, users["officer"], 9)
    post(logged_in(app, "petugas1"), number, client_id=CID, channel="whatsapp", outcome="wrong_number")
    page = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert 'data-kind="contact"' in page and "WhatsApp: Nomor salah" in page


def test_erasure_empties_the_contacts_notes_and_the_messages_text(app, users):
    from outreach.models import Message, User
    from outreach.services import erasure
    number = paid_worker(app, users["officer"], 10)
    post(logged_in(app, "petugas1"), number, client_id=CID, channel="visit", outcome="refused", note="Rumah Jl. Baru 7")
    with app.test_request_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        db.session.add(Message(registration_id=r.id, event="lapsed", ref="x", to=r.phone, text="Halo Pekerja", state="sent"))
        db.session.flush()
        erasure.erase(r, db.session.get(User, users["admin"]), "request")
        db.session.commit()
        contact = db.session.scalar(db.select(Contact))
        message = db.session.scalar(db.select(Message))
        assert (contact.note, contact.outcome) == (None, "refused")
        assert (message.to, message.text, message.state) == (None, None, "sent")
