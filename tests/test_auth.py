"""Logging in and out, remembering the phone, locking out guessers, changing passwords."""
from datetime import timedelta

from outreach.extensions import db
from outreach.models import LoginThrottle, User
from outreach.models.types import utcnow
from tests.conftest import PASSWORD, Auth


def test_officer_logs_in_and_sees_home(auth, client, users):
    response = auth.login("petugas1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Selamat datang, Siti Aminah" in page
    assert "Kecamatan Toboali" in page


def test_username_is_case_and_space_insensitive(auth, users):
    assert auth.login("  PETUGAS1 ").status_code == 302


def test_home_needs_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/masuk?next=")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Silakan masuk untuk membuka halaman ini." in page


def test_same_message_for_unknown_user_and_wrong_password(auth, users):
    wrong = auth.login("petugas1", "salah-sekali").get_data(as_text=True)
    unknown = auth.login("tidak-ada", "salah-sekali").get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah." in wrong
    assert "Nama pengguna atau kata sandi salah." in unknown


def test_inactive_account_cannot_log_in(app, auth, make_user):
    make_user("lama", active=False)
    page = auth.login("lama").get_data(as_text=True)
    assert "Nama pengguna atau kata sandi salah." in page


def test_login_follows_only_local_next(auth, client, users):
    token = auth.token("/masuk")
    data = {"username": "petugas1", "password": PASSWORD, "csrf_token": token}
    assert client.post("/masuk?next=/kata-sandi", data=data).headers["Location"] == "/kata-sandi"
    client.post("/keluar", data={"csrf_token": auth.token()})
    token = auth.token("/masuk")
    data["csrf_token"] = token
    assert client.post("/masuk?next=//evil.example/x", data=data).headers["Location"] == "/"


def test_repeated_failures_lock_the_username_even_with_the_right_password(app, auth, users):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("petugas1", "tebak-tebak")
    page = auth.login("petugas1").get_data(as_text=True)
    assert "Terlalu banyak percobaan yang gagal. Coba lagi dalam 15 menit." in page
    with app.app_context():
        assert db.session.get(LoginThrottle, ("petugas1", "127.0.0.1")).locked_until is not None


def test_unknown_usernames_lock_the_same_way(app, auth):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("hantu", "tebak-tebak")
    assert "Terlalu banyak percobaan" in auth.login("hantu", "tebak-tebak").get_data(as_text=True)


def test_old_failures_of_guessed_usernames_are_forgotten(app, auth):
    auth.login("tebakan1", "salah-salah")
    with app.app_context():  # an hour later, long after its window
        db.session.execute(db.update(LoginThrottle).values(first_failure_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    auth.login("tebakan2", "salah-salah")
    with app.app_context():
        assert set(db.session.scalars(db.select(LoginThrottle.username))) == {"tebakan2"}


def test_a_successful_login_clears_the_failures(app, auth, users):
    auth.login("petugas1", "salah-sekali")
    assert auth.login("petugas1").status_code == 302
    with app.app_context():
        assert db.session.get(LoginThrottle, ("petugas1", "127.0.0.1")) is None


def test_remember_me_sets_a_long_lived_httponly_cookie(auth, client, users):
    response = auth.login("petugas1", remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "Expires=" in cookie


def test_without_remember_me_no_remember_cookie(auth, users):
    response = auth.login("petugas1")
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_logout_is_a_post_with_csrf(auth, client, users):
    auth.login("petugas1")
    assert client.get("/keluar").status_code == 405
    assert client.post("/keluar").status_code == 400  # no token: refused, still logged in
    assert client.get("/").status_code == 200
    response = auth.logout()
    assert response.headers["Location"] == "/masuk"
    assert client.get("/").status_code == 302


def test_password_change_keeps_this_session_and_ends_the_others(app, auth, client, users):
    other = app.test_client()
    from tests.conftest import Auth
    Auth(other).login("petugas1")
    auth.login("petugas1")
    token = auth.token("/kata-sandi")
    response = client.post("/kata-sandi", data={"current_password": PASSWORD, "new_password": "baru-sekali-9",
                                                "confirm": "baru-sekali-9", "csrf_token": token})
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302  # the other phone must log in again
    auth.logout()
    assert auth.login("petugas1", "baru-sekali-9").status_code == 302


def test_password_change_errors_sit_next_to_their_fields(auth, client, users):
    auth.login("petugas1")
    token = auth.token("/kata-sandi")
    page = client.post("/kata-sandi", data={"current_password": "salah", "new_password": "pendek",
                                            "confirm": "lain", "csrf_token": token}).get_data(as_text=True)
    assert 'id="new_password-error">Kata sandi minimal 8 karakter.' in page
    assert 'id="confirm-error">Kedua kata sandi tidak sama.' in page


def test_wrong_current_password_is_refused(app, auth, client, users):
    auth.login("petugas1")
    token = auth.token("/kata-sandi")
    page = client.post("/kata-sandi", data={"current_password": "salah-salah", "new_password": "baru-sekali-9",
                                            "confirm": "baru-sekali-9", "csrf_token": token}).get_data(as_text=True)
    assert "Kata sandi sekarang salah." in page
    with app.app_context():
        assert db.session.get(User, users["officer"]).check_password(PASSWORD)


def test_guessing_the_current_password_locks_like_the_login_form(app, auth, client, users):
    auth.login("petugas1")
    token = auth.token("/kata-sandi")
    attempt = {"current_password": "salah-salah", "new_password": "baru-sekali-9", "confirm": "baru-sekali-9",
               "csrf_token": token}
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert "Kata sandi sekarang salah." in client.post("/kata-sandi", data=attempt).get_data(as_text=True)
    page = client.post("/kata-sandi", data={**attempt, "current_password": PASSWORD}).get_data(as_text=True)
    assert "Terlalu banyak percobaan yang gagal" in page
    with app.app_context():
        assert db.session.get(User, users["officer"]).check_password(PASSWORD)  # not changed while locked


def test_a_login_session_ends_after_its_lifetime_unless_remembered(auth, client, users):
    cookie = next(c for c in auth.login("petugas1").headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" in cookie  # permanent: PERMANENT_SESSION_LIFETIME (12 h) applies


def test_a_next_with_a_line_break_is_ignored(auth, client, users):
    token = auth.token("/masuk")
    response = client.post("/masuk?next=/%0d%0aSet-Cookie:x", data={
        "username": "petugas1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/bahasa/en?next=/%0D%0Ax").headers["Location"] == "/"


def count_hash_checks(monkeypatch):
    """Every password hash the login view checks, by kind: equal work whatever the failure."""
    from outreach.auth import views
    checked = []

    def counting(pwhash, password):
        checked.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    real = views.check_password_hash
    monkeypatch.setattr(views, "check_password_hash", counting)
    return checked


def test_every_failure_checks_one_password_hash_of_the_configured_kind(app, auth, make_user, users, monkeypatch):
    """A deactivated account answered in ~7 ms and a wrong password in ~110 ms: counted, not timed, here."""
    make_user("lama", active=False)
    checked = count_hash_checks(monkeypatch)
    for username in ("lama", "petugas1", "tidak-ada"):  # deactivated, wrong password, no such account
        checked.clear()
        page = auth.login(username, "salah-sekali").get_data(as_text=True)
        assert "Nama pengguna atau kata sandi salah." in page
        assert checked == [app.config["PASSWORD_HASH_METHOD"]], username
    checked.clear()
    assert auth.login("lama").status_code == 200 and len(checked) == 1  # the right password of a deactivated one


def phone_at(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, Auth(client)


def test_a_guesser_at_one_address_does_not_lock_the_officer_out_at_another(app, users):
    _guesser, guesser = phone_at(app, "10.6.6.6")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        guesser.login("admin1", "tebak-tebak")
    assert "Terlalu banyak percobaan" in guesser.login("admin1").get_data(as_text=True)  # locked: that address
    _real, real = phone_at(app, "10.1.2.3")
    assert real.login("admin1").status_code == 302


def test_guessers_on_many_addresses_slow_down_strangers_not_the_officers_own_phone(app, users):
    own, own_auth = phone_at(app, "10.1.2.3")
    own_auth.login("admin1")  # this browser has logged in to admin1 before
    own_auth.logout()
    for n in range(app.config["LOGIN_ACCOUNT_MAX_FAILURES"] // app.config["LOGIN_MAX_FAILURES"]):
        _guesser, guesser = phone_at(app, f"10.6.6.{n}")
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            guesser.login("admin1", "tebak-tebak")
    _another, another = phone_at(app, "10.6.7.1")  # a fresh address: must wait before guessing on
    assert "Terlalu banyak percobaan yang gagal. Coba lagi dalam 1 menit." in another.login("admin1").get_data(as_text=True)
    assert own_auth.login("admin1").status_code == 302  # the admin's own phone gets in


def test_the_slowdown_doubles_with_each_further_failure_up_to_the_lock(app, users):
    from outreach.auth import throttle
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.6.8.1"}):
        for _ in range(app.config["LOGIN_ACCOUNT_MAX_FAILURES"]):
            throttle.record_failure("koord1", throttle.client_address())
        waits = [throttle.seconds_locked("koord1", "10.6.9.9")]
        for _ in range(7):
            db.session.execute(db.update(LoginThrottle).where(LoginThrottle.address == throttle.ANY)
                               .values(locked_until=utcnow()))  # the wait is over; a stranger tries again
            throttle.record_failure("koord1", "10.6.9.9")
            waits.append(throttle.seconds_locked("koord1", "10.6.9.8"))
        db.session.rollback()
    assert waits[:6] == [30, 60, 120, 240, 480, 900] and waits[6:] == [900, 900]


def test_log_out_everywhere_makes_a_lost_phone_a_stranger_again(app, users):
    lost, lost_auth = phone_at(app, "10.1.2.4")
    lost_auth.login("petugas1")
    lost.post("/keluar", data={"csrf_token": lost_auth.token(), "everywhere": "1"})
    for n in range(app.config["LOGIN_ACCOUNT_MAX_FAILURES"] // app.config["LOGIN_MAX_FAILURES"]):
        _guesser, guesser = phone_at(app, f"10.6.5.{n}")
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            guesser.login("petugas1", "tebak-tebak")
    assert "Terlalu banyak percobaan" in lost_auth.login("petugas1").get_data(as_text=True)


def test_the_csrf_token_changes_at_login(auth, client, users):
    before = auth.token("/masuk")
    client.post("/masuk", data={"username": "petugas1", "password": PASSWORD, "csrf_token": before})
    after = auth.token()
    assert after != before
    assert client.post("/keluar", data={"csrf_token": before}).status_code == 400  # the old one is refused
    assert client.post("/keluar", data={"csrf_token": after}).status_code == 302


def test_a_username_that_outgrows_its_column_when_lower_cased_is_an_ordinary_failure(app, auth):
    """'İ' lower-cases to two characters: 21 of them made 42, past users.username's 40 (a 500 on PostgreSQL)."""
    for _ in range(2):
        response = auth.login("İ" * 21, "tebak-tebak")
        assert response.status_code == 200
        assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)
    with app.app_context():
        assert {len(name) for name in db.session.scalars(db.select(LoginThrottle.username))} == {40}
