"""No signal after logging in: every menu item that can work offline opens from the phone; the others say
they need the network and lead to the outbox, which never does."""
import json

from playwright.sync_api import expect

from tests.browser.conftest import PHONES, assert_no_horizontal_scroll, login
from tests.browser.test_offline_hardships import wait_until
from tests.browser.test_offline_journey import counter, fill
from tests.conftest import PASSWORD


def kept(page, path) -> bool:
    return page.evaluate(f"caches.match({json.dumps(path)}).then(r => !!r)")


def kept_text(page, path) -> str:
    return page.evaluate(f"caches.match({json.dumps(path)}).then(r => r ? r.text() : '')")


def menu(page, name):
    page.click(f"nav.menu >> text={name}")


def open_visit(page) -> str:
    page.goto("/kunjungan")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")
    return page.locator("a[data-cache-form]").get_attribute("href")


def expect_needs_signal(page):
    expect(page.locator("h1")).to_have_text("Tidak ada sinyal")
    expect(page.locator("main")).to_contain_text("Halaman ini membutuhkan sinyal")
    assert_no_horizontal_scroll(page)


@PHONES
def test_after_login_and_one_visit_form_the_menu_works_without_signal(app, new_phone, users, viewport):
    page = new_phone(viewport=viewport)
    login(page, "petugas1", PASSWORD)
    # kept once the server confirmed the officer, though the officer never opened them
    wait_until(page, lambda: all(kept(page, path) for path in ("/", "/kunjungan", "/outbox")), seconds=20)
    form_url = open_visit(page)
    wait_until(page, lambda: kept(page, form_url))
    page.goto(form_url)

    page.context.set_offline(True)  # the officer walks out of signal with the form open
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    menu(page, "Kotak keluar")
    expect(page.locator("h1")).to_have_text("Kotak keluar")
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(1)  # read from the phone, not the server
    assert_no_horizontal_scroll(page)
    menu(page, "Beranda")
    expect(page.locator("nav.menu")).to_be_visible()
    expect(page.locator("h1")).not_to_have_text("Tidak ada sinyal")
    expect(counter(page)).to_have_attribute("data-count", "1")
    assert_no_horizontal_scroll(page)
    menu(page, "Kunjungan saya")
    row = page.locator("[data-visit]")
    expect(row).to_have_count(1)
    assert_no_horizontal_scroll(page)
    row.locator("a", has_text="Daftarkan pekerja").click()  # back to the kept form of the visit
    expect(page.locator("#register-form")).to_be_visible()

    for name in ("Pendaftaran saya", "Kata sandi"):  # these need the server: they say so
        page.goto("/")
        menu(page, name)
        expect_needs_signal(page)
    page.goto("/kunjungan")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")  # starting a visit needs the server too
    expect_needs_signal(page)
    page.click("text=Buka Kotak keluar")  # leads to the outbox, which opens
    expect(page.locator("h1")).to_have_text("Kotak keluar")
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(1)


def test_a_kept_page_shows_no_message_of_the_past(app, new_phone, users):
    page = new_phone()
    login(page, "petugas1", PASSWORD)
    wait_until(page, lambda: kept(page, "/kunjungan"), seconds=20)
    open_visit(page)
    page.click("form[data-close-visit] [type=submit]")
    expect(page.locator("main .flash")).to_contain_text("sudah ditutup")
    wait_until(page, lambda: '<span class="muted">Ditutup</span>' in kept_text(page, "/kunjungan"))
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-visit]")).to_have_count(1)
    expect(page.locator("main .flash")).to_have_count(0)  # "already closed" was true once, not every time
