"""Each role sees its own menu on the phone, and a page it may not open says so in Indonesian, with a way back."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.conftest import PASSWORD

MENUS = {
    "petugas1": (["Beranda", "Kunjungan saya", "Pendaftaran saya", "Kotak keluar"], ["Antrean", "Pengguna"], "/tinjau"),
    "koord1": (["Beranda", "Antrean", "Dasbor", "Impor KPJ", "Audit", "Program"], ["Kunjungan saya", "Pengguna"],
               "/admin/pengguna"),
}


@pytest.mark.parametrize("username", MENUS)
def test_the_menu_fits_the_role_and_a_forbidden_page_leads_back(phone, users, username):
    shown, hidden, forbidden = MENUS[username]
    login(phone, username, PASSWORD)
    menu = phone.locator("nav.menu")
    for label in shown:
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    for label in hidden:
        expect(menu.get_by_role("link", name=label, exact=True)).to_have_count(0)

    response = phone.goto(forbidden)
    assert response.status == 403
    expect(phone.locator("[data-error='403'] h1")).to_have_text("Akses ditolak")
    assert_no_horizontal_scroll(phone)
    phone.click("text=Kembali ke beranda")
    expect(phone.locator("h1")).to_contain_text("Selamat datang")

    response = phone.goto("/tidak-ada-halaman-ini")
    assert response.status == 404
    expect(phone.locator("[data-error='404'] h1")).to_have_text("Halaman tidak ditemukan")
    phone.click('a[data-lang="en"]')
    expect(phone.locator("[data-error='404'] h1")).to_have_text("Page not found")


def test_coordinator_and_admin_pages_have_44px_tap_targets(phone, users, app):
    """The queue's pick boxes and the lone "back" links are fingers' work on a phone too."""
    from tests.browser.test_login_journey import tap_targets_too_small
    from tests.conftest import Auth
    from tests.enrollment import Officer, worker

    client = app.test_client()
    Auth(client).login("petugas1")
    officer = Officer(client, Auth(client))
    assert officer.register(officer.start_visit(), worker()).status_code == 302  # one row in the queue

    login(phone, "admin1", PASSWORD)
    phone.goto(f"/admin/pengguna/{users['officer']}")
    assert tap_targets_too_small(phone, "main p > a") == []
    phone.goto("/tinjau")
    assert_no_horizontal_scroll(phone)
    assert tap_targets_too_small(phone, ".row input[type=checkbox]") == []


def test_an_admin_runs_the_routine_work_now_from_a_phone(phone, users, app):
    """The buttons of the timers' work (messages on the follow-up page, retention on the privacy register) are
    fingers' work, and the job's page shows the run's counts when done (tests/test_routine_jobs.py)."""
    from tests.browser.test_login_journey import tap_targets_too_small

    login(phone, "admin1", PASSWORD)
    phone.goto("/tindak-lanjut")
    assert tap_targets_too_small(phone, "#send-messages") == []
    phone.goto("/privasi")
    assert tap_targets_too_small(phone, "#run-retention") == []
    phone.click("#run-retention")
    expect(phone).to_have_url(re.compile(r"/tugas/\d+$"))
    expect(phone.locator("[data-retention] [data-key=jobs]")).to_be_visible(timeout=15_000)  # it refreshes itself
    expect(phone.locator("h1")).to_have_text("Penghapusan data yang lewat masa simpan")
    assert_no_horizontal_scroll(phone)
