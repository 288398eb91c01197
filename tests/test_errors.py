"""Error pages in the active language with a way back; an expired form token loses nothing."""
import pytest
from flask import Blueprint

from outreach.extensions import db
from outreach.models import User
from tests.conftest import Auth, make_app


@pytest.fixture(scope="module")
def fragile_app(database_url, app):
    """A second app on the same database with a route that crashes and a tight login limit."""
    bp = Blueprint("fragile", __name__)

    @bp.get("/crash")
    def crash():
        nik = "3201011508" + "900001"
        raise RuntimeError(f"boom: {nik}")

    fragile = make_app(database_url, LOGIN_RATE_LIMIT="3 per minute", PROPAGATE_EXCEPTIONS=False)
    fragile.register_blueprint(bp)
    return fragile


def test_404_in_indonesian_with_a_way_back(client):
    response = client.get("/tidak-ada")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in page and 'href="/masuk"' in page and 'data-error="404"' in page


def test_404_in_english(client):
    page = client.get("/nope", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Page not found" in page and "Back to home" in page


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"] == "Halaman tidak ditemukan"


def test_405_is_a_page_not_a_crash(client):
    response = client.delete("/masuk")
    assert response.status_code == 405 and "Allow" in response.headers


def test_500_page_hides_the_details_and_logs_no_personal_data(fragile_app, caplog):
    response = fragile_app.test_client().get("/crash", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Server error" in page and "boom" not in page
    assert any("unhandled error on GET /crash: RuntimeError" in r.getMessage() for r in caplog.records)
    assert not any("3201011508900001" in r.getMessage() for r in caplog.records)


def test_429_page_after_too_many_login_posts(fragile_app):
    client = fragile_app.test_client()
    statuses = [client.post("/masuk", data={"username": "a", "password": "b"}).status_code for _ in range(4)]
    assert statuses[-1] == 429
    response = client.post("/masuk", data={"username": "a", "password": "b"})
    assert "Terlalu banyak permintaan" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers


def test_expired_csrf_on_login_keeps_the_username(client):
    response = client.post("/masuk", data={"username": "petugas1", "password": "x", "csrf_token": "basi"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Sesi formulir sudah kedaluwarsa. Isian Anda masih ada" in page
    assert 'value="petugas1"' in page
    assert 'name="csrf_token" type="hidden" value="' in page  # a fresh token to send again


def test_expired_csrf_on_a_long_admin_form_keeps_everything(auth, client, users):
    auth.login("admin1")
    response = client.post("/admin/pengguna/baru", data={
        "username": "baru1", "full_name": "Nama Yang Panjang", "phone": "0812345678", "role": "officer",
        "kecamatan_code": "19.03.05", "csrf_token": "kedaluwarsa"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Sesi formulir sudah kedaluwarsa" in page
    assert 'value="Nama Yang Panjang"' in page and 'value="0812345678"' in page
    assert '<option selected value="19.03.05">' in page


def test_a_post_without_a_form_view_gets_the_400_page(auth, client, users):
    auth.login("petugas1")
    response = client.post("/keluar", data={"csrf_token": "basi"})
    assert response.status_code == 400
    assert "Sesi formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200  # not logged out by a forged post


def test_403_page_in_english(auth, client, users):
    auth.login("petugas1")
    client.get("/bahasa/en?next=/")
    response = client.get("/admin/pengguna")
    assert response.status_code == 403 and "Access denied" in response.get_data(as_text=True)


def test_a_database_failure_still_gets_the_translated_500_page(database_url, app, users):
    """The page reads current_user: the failed transaction is rolled back first, or Werkzeug's bare page shows."""
    bp = Blueprint("failing", __name__)

    @bp.get("/crash-in-the-database")
    def crash_in_the_database():
        db.session.add(User(username=None, full_name="x", role="officer"))
        db.session.flush()  # IntegrityError: the session now needs a rollback before any other query

    failing = make_app(database_url, PROPAGATE_EXCEPTIONS=False)
    failing.register_blueprint(bp)
    client = failing.test_client()
    Auth(client).login("petugas1")
    response = client.get("/crash-in-the-database")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Terjadi kesalahan pada server" in page and 'data-error="500"' in page
    assert "Keluar" in page  # the officer's own layout: still logged in


def test_an_expired_form_without_a_session_goes_to_the_login_page(client):
    """Nothing typed to keep when the session itself is gone: a real redirect, not a 400 carrying a Location."""
    response = client.post("/kata-sandi", data={"current_password": "x", "csrf_token": "kedaluwarsa"})
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_the_public_429_page_speaks_to_the_worker(fragile_app):
    client = fragile_app.test_client()
    for _ in range(10):
        client.post("/cek", data={"number": "BS-2611-000001", "birth_date": "1990-01-01"})
    response = client.post("/cek", data={"number": "BS-2611-000001", "birth_date": "1990-01-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in page and "Coba lagi dalam" in page and "detik" in page
    assert 'href="/cek"' in page and "/masuk" not in page  # back to the lookup, not the staff login
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Robots-Tag"] == "noindex"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("unreachable", ["sqlite:////nonexistent-outreach-dir/outreach.db",
                                         "postgresql+psycopg://outreach@127.0.0.1:1/outreach"])
def test_with_the_database_down_pages_and_the_api_still_answer_in_their_own_words(app, auth, client, users,
                                                                                   unreachable):
    """Logged-in pages fell to gunicorn's bare English page: the error page itself asked the database who is
    logged in. Now a translated page for people, JSON for the outbox."""
    auth.login("petugas1")
    down_app = make_app(unreachable, PROPAGATE_EXCEPTIONS=False)
    down = down_app.test_client()  # the same SECRET_KEY: the cookie is good, its session cannot be looked up
    down.set_cookie("session", client.get_cookie("session").value)
    response = down.get("/", headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and 'data-error="503"' in page
    assert "Service unavailable" in page and "could not reach the database" in page
    response = down.get("/pendaftaran")
    assert response.status_code == 503 and "Layanan sedang terganggu" in response.get_data(as_text=True)
    api = down.get("/api/v1/registrations")
    assert api.status_code == 503 and api.is_json and api.get_json()["error"] == "Layanan sedang terganggu"
    assert down_app.test_client().get("/masuk").status_code == 200  # a visitor's login page needs none
    assert down.get("/healthz").status_code == 503


def test_a_host_outside_trusted_hosts_is_refused(database_url, app):
    strict = make_app(database_url, TRUSTED_HOSTS=["bpu.example.go.id"]).test_client()
    assert strict.get("/masuk", headers={"Host": "bpu.example.go.id"}).status_code == 200
    assert strict.get("/masuk", headers={"Host": "evil.example"}).status_code == 400
