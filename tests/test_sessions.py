"""Login sessions live on the server: logging out ends them wherever their cookies were copied to."""
from datetime import timedelta

from outreach.extensions import db
from outreach.models import LoginSession, User
from outreach.models.types import utcnow
from tests.conftest import PASSWORD, Auth

ANDROID = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"


def copy_of(client, name, app):
    """A second browser holding only a copy of `client`'s cookie `name` (a stolen or left-behind cookie)."""
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def phone(app, address="127.0.0.1", agent=ANDROID):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
    return client, Auth(client)


def test_a_session_cookie_copied_before_logout_is_refused_after_it(app, auth, client, users):
    auth.login("petugas1")
    thief = copy_of(client, "session", app)
    assert thief.get("/").status_code == 200  # the copy works while the session is open
    auth.logout()
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    assert thief.get("/api/v1/session").status_code == 401


def test_a_remember_cookie_copied_before_logout_is_refused_after_it(app, auth, client, users):
    auth.login("petugas1", remember=True)
    thief = copy_of(client, "remember_token", app)
    assert thief.get("/").status_code == 200  # it logs a fresh browser in ...
    auth.logout()
    assert thief.get("/").status_code == 302  # ... until the session it names has ended


def test_a_session_ends_at_its_fixed_time_however_often_it_is_used(app, auth, client, users):
    auth.login("petugas1", remember=True)
    for _ in range(3):
        assert client.get("/").status_code == 200  # each use re-sends the cookies with a later expiry
    with app.app_context():
        row = db.session.scalar(db.select(LoginSession))
        assert row.expires_at - row.created_at == timedelta(days=30)  # fixed at login
        row.expires_at = utcnow() - timedelta(seconds=1)  # ... and now reached
        db.session.commit()
    assert client.get("/").status_code == 302
    assert copy_of(client, "remember_token", app).get("/").status_code == 302


def test_without_remember_me_a_session_lasts_the_session_lifetime(app, auth, users):
    auth.login("petugas1")
    with app.app_context():
        row = db.session.scalar(db.select(LoginSession))
    assert row.expires_at - row.created_at == app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=12)


def test_the_database_keeps_only_a_hash_of_the_session_token(app, auth, client, users):
    auth.login("petugas1")
    with client.session_transaction() as cookie:
        user_id, nonce, token = cookie["_user_id"].split(":")
    with app.app_context():
        row = db.session.scalar(db.select(LoginSession))
    assert token and len(token) >= 40 and token not in row.token_hash and len(row.token_hash) == 64
    assert row.user_id == int(user_id) == users["officer"]


def test_a_cookie_from_before_login_sessions_is_refused(app, client, users):
    """Ids of the earlier form ("id:nonce", migration 0009) name no session: those users log in once more."""
    with app.app_context():
        nonce = db.session.get(User, users["officer"]).login_nonce
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = f"{users['officer']}:{nonce}", True
    assert client.get("/").status_code == 302


def test_log_out_on_all_devices_ends_the_lost_phone_too(app, users):
    lost, lost_auth = phone(app, "10.0.0.1")
    kept, kept_auth = phone(app, "10.0.0.2")
    lost_auth.login("petugas1", remember=True)
    kept_auth.login("petugas1")
    page = kept.get("/kata-sandi").get_data(as_text=True)
    assert 'data-sessions="2"' in page and "Android · Chrome" in page and "perangkat ini" in page
    response = kept.post("/keluar", data={"csrf_token": kept_auth.token(), "everywhere": "1"})
    assert response.headers["Location"] == "/masuk"
    assert "Anda sudah keluar dari semua perangkat." in kept.get("/masuk").get_data(as_text=True)
    assert lost.get("/").status_code == 302 and kept.get("/").status_code == 302
    assert copy_of(lost, "remember_token", app).get("/").status_code == 302
    assert kept_auth.login("petugas1").status_code == 302  # the password still works: only sessions ended


def test_an_admin_logs_an_account_out_on_every_device(app, auth, client, users):
    officer, officer_auth = phone(app, "10.0.0.3")
    officer_auth.login("petugas1", remember=True)
    auth.login("admin1")
    page = client.get(f"/admin/pengguna/{users['officer']}").get_data(as_text=True)
    assert 'data-open-sessions="1"' in page
    response = client.post(f"/admin/pengguna/{users['officer']}/sesi", data={"csrf_token": auth.token()})
    assert response.headers["Location"] == f"/admin/pengguna/{users['officer']}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "petugas1 sudah dikeluarkan dari semua perangkat." in page and 'data-open-sessions="0"' in page
    assert officer.get("/").status_code == 302
    assert client.get("/").status_code == 200  # the admin's own session goes on


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, auth, client, users):
    other, other_auth = phone(app, "10.0.0.4")
    other_auth.login("petugas1", remember=True)
    auth.login("petugas1")
    client.post("/kata-sandi", data={"current_password": PASSWORD, "new_password": "baru-sekali-9",
                                     "confirm": "baru-sekali-9", "csrf_token": auth.token("/kata-sandi")})
    assert client.get("/").status_code == 200
    assert copy_of(other, "remember_token", app).get("/").status_code == 302
    with app.app_context():
        open_rows = db.session.scalars(db.select(LoginSession).where(LoginSession.revoked_at.is_(None))).all()
    assert len(open_rows) == 1


def test_deactivating_an_account_ends_its_sessions(app, auth, client, users):
    officer, officer_auth = phone(app, "10.0.0.5")
    officer_auth.login("petugas1")
    auth.login("admin1")
    client.post(f"/admin/pengguna/{users['officer']}", data={
        "full_name": "Siti Aminah", "role": "officer", "kecamatan_code": "19.03.01", "csrf_token": auth.token()})
    assert officer.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(LoginSession.revoked_at).where(
            LoginSession.user_id == users["officer"])) is not None


def test_expired_sessions_are_pruned_at_login(app, auth, users):
    auth.login("petugas1")
    auth.logout()
    with app.app_context():
        db.session.execute(db.update(LoginSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    auth.login("koord1")
    with app.app_context():
        assert db.session.scalars(db.select(LoginSession.user_id)).all() == [users["coordinator"]]


def test_a_page_fetched_with_the_cookie_of_a_moment_ago_does_not_write_it_back(app, officer, client, auth, visit_id):
    """The service worker keeps pages with the cookie it had when it started; the officer meanwhile closes the
    visit, whose answer carries the message for the next page. The kept page's answer must not undo that."""
    token = auth.token()
    behind = copy_of(client, "session", app)  # a fetch that started before the officer's click
    client.post(f"/kunjungan/{visit_id}/tutup", data={"csrf_token": token})
    for path in ("/", f"/kunjungan/{visit_id}/tindak-lanjut", "/kunjungan"):
        kept = behind.get(path, headers={"X-Outreach-Keep": "1"})  # answered after the click
        assert kept.status_code == 200
        assert not [c for c in kept.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "sudah ditutup" in client.get("/kunjungan").get_data(as_text=True)


def test_a_session_cookie_is_sent_when_the_session_changes_and_keeps_its_expiry(app, officer, client):
    client.get("/")  # the first page after login makes the session's CSRF token: a change, sent
    assert not [c for c in client.get("/").headers.getlist("Set-Cookie") if c.startswith("session=")]
    cookie = client.get_cookie("session")
    assert cookie.expires is not None  # permanent: the phone keeps it across a restart, until the fixed end
