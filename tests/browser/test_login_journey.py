"""An officer on a phone: log in, switch to English and back, log out."""
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.conftest import PASSWORD


def tap_targets_too_small(page, selector):
    return page.eval_on_selector_all(selector, """els => els
        .filter(e => e.offsetParent !== null && e.type !== 'hidden' && e.type !== 'checkbox')
        .map(e => [e.outerHTML.slice(0, 60), e.getBoundingClientRect().height])
        .filter(([html, h]) => h < 44)""")


def test_officer_logs_in_switches_language_and_logs_out(phone, users):
    phone.goto("/")
    assert "/masuk?next=" in phone.url  # redirected to the login form
    expect(phone.locator("h1")).to_have_text("Masuk")
    assert tap_targets_too_small(phone, "header a, form input, form button") == []
    assert_no_horizontal_scroll(phone)

    login(phone, "petugas1", PASSWORD)
    expect(phone.locator("h1")).to_have_text("Selamat datang, Siti Aminah")
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    assert tap_targets_too_small(phone, "header a, nav.menu a, nav.menu button") == []
    assert_no_horizontal_scroll(phone)

    phone.click('a[data-lang="en"]')
    expect(phone.locator("h1")).to_have_text("Welcome, Siti Aminah")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator('button[data-action="logout"]')).to_have_text("Log out")
    phone.set_viewport_size({"width": 360, "height": 740})
    assert_no_horizontal_scroll(phone)

    phone.click('a[data-lang="id"]')
    expect(phone.locator("h1")).to_have_text("Selamat datang, Siti Aminah")
    phone.click('button[data-action="logout"]')
    expect(phone.locator(".flash")).to_have_text("Anda sudah keluar.")
    phone.goto("/")
    expect(phone.locator("h1")).to_have_text("Masuk")


def test_wrong_password_keeps_the_username_and_says_why(phone, users):
    login(phone, "petugas1", "bukan-ini")
    expect(phone.locator("#password-error")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(phone.locator("#username")).to_have_value("petugas1")


def test_login_works_without_javascript(new_phone, users):
    page = new_phone(java_script_enabled=False)
    login(page, "petugas1", PASSWORD)
    expect(page.locator("h1")).to_have_text("Selamat datang, Siti Aminah")


def test_keyboard_focus_is_visible(phone, users):
    phone.goto("/masuk")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
