"""Messages to workers: the texts (Indonesian, the status link, no NIK, birth date or address), the queue
(idempotent, only to those who consented to messages), and `flask messages send` against a real HTTP server
started here (what arrives, its signature; a 500, a timeout), the signed reply that says BERHENTI, and the
officer's phone (wa.me / sms: links logged as a contact)."""
import hashlib
import hmac
import json
import threading
import time
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.i18n import LOCALE_COOKIE
from outreach.models import Contact, Message, Programme, Registration
from outreach.services import messages
from tests.followup_helpers import add_months, month_start, paid_worker, programme

SECRET = "rahasia-gateway"
PUBLIC = "https://bpu.example.go.id"


class Gateway:
    """A real HTTP server on 127.0.0.1: records each request, answers as told (200, 500, or too late)."""

    def __init__(self):
        self.received, self.answer, self.delay = [], 200, 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
                time.sleep(outer.delay)
                self.send_response(outer.answer)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/kirim"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(app, monkeypatch):
    server = Gateway()
    for key, value in {"MESSAGE_GATEWAY_URL": server.url, "MESSAGE_GATEWAY_SECRET": SECRET,
                       "MESSAGE_GATEWAY_TIMEOUT": 0.5, "PUBLIC_BASE_URL": PUBLIC, "MESSAGE_RETRY_SECONDS": 60,
                       "MESSAGE_MAX_ATTEMPTS": 2}.items():
        monkeypatch.setitem(app.config, key, value)
    yield server
    server.close()


def lapsed_worker(app, users, i, **fields) -> str:
    """A worker whose protection lapsed (paid one month, eight months ago)."""
    return paid_worker(app, users["officer"], i, paid=(add_months(month_start(local_today()), -8), 1), **fields)


def send(app, *args):
    return app.test_cli_runner().invoke(args=["messages", "send", *args])


def queued(app):
    with app.app_context():
        return db.session.scalars(db.select(Message).order_by(Message.id)).all()


def test_texts_are_indonesian_with_the_status_link_and_no_nik_birth_date_or_address(app, users):
    number = lapsed_worker(app, users, 1, full_name="SITI AMINAH", nik="1903015508900001", address="Dusun I RT 01")
    p = programme(app, first_month=date(2026, 7, 1), months=6)
    app.config["PUBLIC_BASE_URL"] = PUBLIC
    try:
        with app.test_request_context("/", headers={"Cookie": f"{LOCALE_COOKIE}=en"}):  # the officer reads English
            r = db.session.scalar(db.select(Registration).where(Registration.number == number))
            r.status, r.reason = "returned", "ktp_needed"
            texts = {e: messages.render(e, r, date(2026, 11, 26), db.session.get(Programme, p)) for e in messages.EVENTS}
            db.session.rollback()
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    for event, text in texts.items():
        assert text.startswith("Halo Siti,") and f"{PUBLIC}/s/" in text and "BERHENTI" in text, event
        assert "1903015508900001" not in text and "1990" not in text and "Dusun" not in text, event
    assert "Siapkan KTP dan Kartu Keluarga" in texts["returned"]
    assert "Bayar dengan NIK Anda sebagai kode bayar" in texts["first_payment_due"]
    assert "Rp8.400 untuk 1 bulan" in texts["lapsed"] and "nomor KPJ Anda tetap sama" in texts["lapsed"]
    assert "APBD 2025 sampai 31 Desember 2026" in texts["programme_ending"]


def test_the_queue_holds_one_message_per_worker_and_event_and_only_for_consented_workers(app, users, gateway):
    yes = lapsed_worker(app, users, 1)
    lapsed_worker(app, users, 2, consent_version="2026-11-v1")  # registered before the text named messages
    lapsed_worker(app, users, 3, source="imported", consent_version="funder")  # the funder's consent, not ours
    lapsed_worker(app, users, 4, messages_stopped_at=datetime.now(timezone.utc))  # said BERHENTI
    lapsed_worker(app, users, 5, phone=None)
    assert send(app, "--queue-only").exit_code == 0
    assert send(app, "--queue-only").exit_code == 0  # a second run (or a second timer) queues nothing more
    rows = queued(app)
    assert [(m.event, m.state) for m in rows] == [("lapsed", "queued")]
    with app.app_context():
        assert db.session.get(Registration, rows[0].registration_id).number == yes


def test_send_posts_signed_json_and_marks_it_sent(app, users, gateway):
    number = lapsed_worker(app, users, 1)
    result = send(app)
    assert result.exit_code == 0, result.output
    assert "queued: returned 0, kpj_issued 0, first_payment_due 0, ending_soon 0, lapsed 1" in result.output
    assert "sent 1, to retry 0, failed 0" in result.output
    [request] = gateway.received
    body = json.loads(request["body"])
    message = queued(app)[0]
    assert body == {"id": message.id, "to": "+6281234567890", "text": message.text, "event": "lapsed",
                    "registration": number}
    expected = "sha256=" + hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
    assert request["headers"]["X-Outreach-Signature"] == expected
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert (message.state, message.attempts, message.sent_at is not None) == ("sent", 1, True)
    assert send(app).output.count("sent 0") == 1 and len(gateway.received) == 1  # sent once


def test_a_failing_gateway_is_retried_later_then_given_up(app, users, gateway):
    lapsed_worker(app, users, 1)
    gateway.answer = 500
    assert "sent 0, to retry 1, failed 0" in send(app).output
    message = queued(app)[0]
    assert (message.state, message.attempts, message.last_error) == ("queued", 1, "HTTP 500")
    wait = message.next_attempt_at - datetime.now(timezone.utc)
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)  # MESSAGE_RETRY_SECONDS, then doubling
    assert "sent 0, to retry 0, failed 0" in send(app).output and len(gateway.received) == 1  # not due yet
    with app.app_context():
        db.session.execute(db.update(Message).values(next_attempt_at=datetime.now(timezone.utc)))
        db.session.commit()
    assert "failed 1" in send(app).output  # MESSAGE_MAX_ATTEMPTS = 2
    assert queued(app)[0].state == "failed" and len(gateway.received) == 2


def test_no_answer_within_the_timeout_is_retried(app, users, gateway):
    lapsed_worker(app, users, 1)
    gateway.delay = 2  # past the 0.5 s the test allows (10 s in production)
    started = time.monotonic()
    assert "to retry 1" in send(app).output
    assert time.monotonic() - started < 2
    message = queued(app)[0]
    assert message.state == "queued" and "timed out" in message.last_error.lower()


def test_nothing_is_sent_without_a_gateway(app, users, monkeypatch):
    monkeypatch.setitem(app.config, "MESSAGE_GATEWAY_URL", None)
    result = send(app)
    assert result.exit_code != 0 and "MESSAGE_GATEWAY_URL" in result.output


def signed_reply(client, payload: dict, secret=SECRET):
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/api/v1/messages/reply", data=body, content_type="application/json",
                       headers={"X-Outreach-Signature": signature})


def test_a_signed_reply_berhenti_stops_automatic_messages(app, users, gateway, client):
    number = lapsed_worker(app, users, 1)
    assert signed_reply(client, {"from": "+6281234567890", "text": "BERHENTI"}, secret="salah").status_code == 403
    assert signed_reply(client, {"from": "081234567890", "text": "terima kasih"}).get_json() == {"stopped": 0}
    assert signed_reply(client, {"from": "081234567890", "text": "Berhenti"}).get_json() == {"stopped": 1}
    with app.app_context():
        assert db.session.scalar(db.select(Registration).where(Registration.number == number)).messages_stopped_at
    assert "lapsed 0" in send(app).output and gateway.received == []


def test_the_officers_phone_opens_whatsapp_with_the_text_and_logs_it(app, users, client, auth):
    number = lapsed_worker(app, users, 1)
    auth.login("petugas1")
    page = client.get(f"/tindak-lanjut/pekerja/{number}").get_data(as_text=True)
    assert 'data-message="lapsed"' in page and 'data-href-whatsapp="https://wa.me/6281234567890?text=Halo%20' in page
    assert 'data-href-sms="sms:+6281234567890?body=Halo%20' in page
    response = client.post(f"/tindak-lanjut/pekerja/{number}/pesan",
                           data={"csrf_token": auth.token(), "event": "lapsed", "whatsapp": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("https://wa.me/6281234567890?text=")
    with app.app_context():
        contact = db.session.scalar(db.select(Contact))
        assert (contact.channel, contact.outcome, contact.event) == ("whatsapp", "other", "lapsed")


def test_an_imported_workers_messages_wait_for_consent_even_from_the_officers_phone(app, users, client, auth):
    """The funder collected the consent, not this app: no text leaves until an officer records it at a contact."""
    number = lapsed_worker(app, users, 2, source="imported", consent_version="funder")
    auth.login("petugas1")
    page = client.get(f"/tindak-lanjut/pekerja/{number}").get_data(as_text=True)
    assert "data-message-held" in page and "wa.me" not in page and "sms:" not in page
    response = client.post(f"/tindak-lanjut/pekerja/{number}/pesan",
                           data={"csrf_token": auth.token(), "event": "lapsed", "whatsapp": "x"})
    assert response.status_code == 302 and "wa.me" not in response.headers["Location"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Contact)) == 0


def test_a_reply_with_odd_fields_or_signature_is_refused_not_an_error(app, users, gateway, client):
    assert signed_reply(client, {"from": "081234567890", "text": 5}).get_json() == {"stopped": 0}
    assert signed_reply(client, {"from": "081234567890", "text": ["BERHENTI"]}).get_json() == {"stopped": 0}
    unsigned = client.post("/api/v1/messages/reply", data=b"{}", content_type="application/json",
                           headers={"X-Outreach-Signature": "sha256=\u00e9".encode().decode("latin-1")})
    assert unsigned.status_code == 403
