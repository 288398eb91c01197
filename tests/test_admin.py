"""The administrator manages accounts; nobody else may."""
import pytest

from outreach.extensions import db
from outreach.models import User
from tests.conftest import LEPAR, PASSWORD, Auth

ADMIN_PAGES = ["/admin/pengguna", "/admin/pengguna/baru"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client, path):
    assert client.get(path).headers["Location"].startswith("/masuk")


@pytest.mark.parametrize("role", ["officer", "coordinator"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_officers_and_coordinators_get_403(auth, client, users, role, path):
    auth.login({"officer": "petugas1", "coordinator": "koord1"}[role])
    response = client.get(path)
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_officer_cannot_post_to_admin_forms(auth, client, users):
    auth.login("petugas1")
    token = auth.token()
    response = client.post(f"/admin/pengguna/{users['officer']}/kata-sandi",
                           data={"reset-new_password": "x" * 10, "reset-confirm": "x" * 10, "csrf_token": token})
    assert response.status_code == 403


def test_admin_creates_an_officer_who_can_log_in(app, auth, client, users):
    auth.login("admin1")
    token = auth.token("/admin/pengguna/baru")
    response = client.post("/admin/pengguna/baru", data={
        "username": "Budi.S", "full_name": "Budi Santoso", "phone": "081234567890", "role": "officer",
        "kecamatan_code": LEPAR, "active": "y", "new_password": "kunci-rahasia", "confirm": "kunci-rahasia",
        "csrf_token": token})
    assert response.headers["Location"] == "/admin/pengguna"
    assert "Budi Santoso" in client.get("/admin/pengguna").get_data(as_text=True)
    with app.app_context():
        budi = db.session.scalar(db.select(User).where(User.username == "budi.s"))
        assert (budi.role, budi.kecamatan_code, budi.active) == ("officer", LEPAR, True)
    auth.logout()
    assert Auth(app.test_client()).login("budi.s", "kunci-rahasia").status_code == 302


def test_create_form_explains_every_mistake_and_keeps_what_was_typed(auth, client, users):
    auth.login("admin1")
    token = auth.token("/admin/pengguna/baru")
    page = client.post("/admin/pengguna/baru", data={
        "username": "petugas1", "full_name": "Nama Panjang Sekali", "role": "officer", "kecamatan_code": "",
        "new_password": "pendek", "confirm": "pendek", "csrf_token": token}).get_data(as_text=True)
    assert "Petugas dan koordinator harus punya kecamatan tugas." in page
    assert "Kata sandi minimal 8 karakter." in page
    assert 'value="Nama Panjang Sekali"' in page
    page = client.post("/admin/pengguna/baru", data={
        "username": "petugas1", "full_name": "X", "role": "admin", "new_password": "panjang-sekali",
        "confirm": "panjang-sekali", "csrf_token": token}).get_data(as_text=True)
    assert "Nama pengguna ini sudah dipakai." in page
    page = client.post("/admin/pengguna/baru", data={
        "username": "a b!", "full_name": "X", "role": "admin", "kecamatan_code": "99.99.99",
        "new_password": "panjang-sekali", "confirm": "panjang-sekali", "csrf_token": token}).get_data(as_text=True)
    assert "Gunakan 3–40 huruf kecil" in page
    assert "Pilih kecamatan dari daftar." in page


def test_admin_deactivates_a_user_and_their_session_ends(app, auth, client, users):
    officer_phone = app.test_client()
    Auth(officer_phone).login("petugas1")
    assert officer_phone.get("/").status_code == 200
    auth.login("admin1")
    path = f"/admin/pengguna/{users['officer']}"
    token = auth.token(path)
    response = client.post(path, data={"full_name": "Siti Aminah", "role": "officer", "kecamatan_code": "19.03.01",
                                       "csrf_token": token})  # "active" unticked
    assert response.headers["Location"] == "/admin/pengguna"
    assert officer_phone.get("/").status_code == 302
    assert "Nonaktif" in client.get("/admin/pengguna").get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(app, auth, client, users):
    auth.login("admin1")
    path = f"/admin/pengguna/{users['admin']}"
    token = auth.token(path)
    page = client.post(path, data={"full_name": "Admin", "role": "officer", "kecamatan_code": "19.03.01",
                                   "csrf_token": token}).get_data(as_text=True)
    assert "Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri." in page
    with app.app_context():
        assert db.session.get(User, users["admin"]).role == "admin"


def test_admin_resets_a_password(app, auth, client, users):
    auth.login("admin1")
    path = f"/admin/pengguna/{users['officer']}"
    token = auth.token(path)
    response = client.post(path + "/kata-sandi", data={"reset-new_password": "sandi-baru-99",
                                                       "reset-confirm": "sandi-baru-99", "csrf_token": token})
    assert response.headers["Location"] == "/admin/pengguna"
    assert Auth(app.test_client()).login("petugas1", "sandi-baru-99").status_code == 302
    assert "Nama pengguna atau kata sandi salah." in Auth(app.test_client()).login("petugas1", PASSWORD).get_data(as_text=True)


def test_reset_password_mistakes_are_shown(auth, client, users):
    auth.login("admin1")
    path = f"/admin/pengguna/{users['officer']}"
    token = auth.token(path)
    response = client.post(path + "/kata-sandi", data={"reset-new_password": "sandi-baru-99",
                                                       "reset-confirm": "lain-lagi-99", "csrf_token": token})
    assert response.status_code == 422
    assert "Kedua kata sandi tidak sama." in response.get_data(as_text=True)


def test_unknown_user_is_404(auth, client, users):
    auth.login("admin1")
    assert client.get("/admin/pengguna/99999").status_code == 404


def test_odd_choices_and_numbers_get_indonesian_messages(app, auth, client, users):
    auth.login("admin1")
    token = auth.token("/admin/pengguna/baru")
    page = client.post("/admin/pengguna/baru", data={
        "username": "budi", "full_name": "Budi", "phone": "12345", "role": "superuser",
        "new_password": "p" * 201, "confirm": "p" * 201, "csrf_token": token}).get_data(as_text=True)
    assert 'id="role-error">Pilih peran dari daftar.' in page and "Not a valid choice" not in page
    assert 'id="phone-error">Nomor HP tidak valid' in page
    assert 'id="new_password-error">Kata sandi terlalu panjang.' in page


def test_a_user_phone_is_kept_as_e164_and_control_characters_never_reach_the_database(app, auth, client, users):
    auth.login("admin1")
    token = auth.token("/admin/pengguna/baru")
    response = client.post("/admin/pengguna/baru", data={
        "username": "budi", "full_name": "Bu\x00di\x1b Santoso", "phone": "0812-3456-7890", "role": "officer",
        "kecamatan_code": LEPAR, "active": "y", "new_password": "kunci-rahasia", "confirm": "kunci-rahasia",
        "csrf_token": token})
    assert response.status_code == 302  # PostgreSQL refuses NUL in text: it must not get there
    with app.app_context():
        budi = db.session.scalar(db.select(User).where(User.username == "budi"))
        assert (budi.full_name, budi.phone) == ("Budi Santoso", "+6281234567890")


def test_an_id_too_large_for_the_database_is_404(auth, client, users):
    auth.login("admin1")
    for path in ("/admin/pengguna/3000000000", "/admin/pengguna/99999999999999999999999"):
        assert client.get(path).status_code == 404
