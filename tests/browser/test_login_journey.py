"""An officer on a phone: log in, switch to English and back, log out."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.conftest import PASSWORD

NARROW = {"width": 360, "height": 740}  # the smallest phones still issued to officers
LOGIN_CONTROLS = "header a, header button, form a, form input, form button"
MENU_CONTROLS = "header a, header button, nav.menu a, nav.menu button, nav.menu input"
LOGIN_URL = re.compile(r"/masuk(\?|$)")
HOME_URL = re.compile(r"^http://127\.0\.0\.1:\d+/$")
NEXT_HOME = re.compile(r"/masuk\?next=(/|%2F)$")  # sent to the login form, then back home


def tap_targets_too_small(page, selector, minimum=44):
    """Every visible control matching selector whose box is shorter than minimum CSS px, as [html, height]."""
    page.wait_for_load_state("load")  # with the stylesheet: a page read before it arrives has 17 px links
    boxes = page.eval_on_selector_all(selector, """els => els
        .filter(e => e.checkVisibility({visibilityProperty: true}) && e.type !== 'hidden')
        .map(e => [e.outerHTML.slice(0, 80), e.getBoundingClientRect().height])""")
    assert boxes, f"no visible control matches {selector!r}"
    return [box for box in boxes if box[1] < minimum]


def assert_fits_a_phone(page, selector):
    """At 390 px and at 360 px: no sideways scrolling and every tap target at least 44 px high."""
    original = page.viewport_size
    for size in (original, NARROW):
        page.set_viewport_size(size)
        assert_no_horizontal_scroll(page)
        assert tap_targets_too_small(page, selector) == [], f"tap targets under 44 px at {size['width']} px"
    page.set_viewport_size(original)


def test_officer_logs_in_switches_language_and_logs_out(phone, users):
    phone.goto("/")
    expect(phone).to_have_url(NEXT_HOME)
    expect(phone.locator("h1")).to_have_text("Masuk")
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.locator("#submit")).to_have_value("Masuk")
    # the 24 px #remember box is tapped through its label: see test_remember_me_checkbox_is_a_44px_tap_target
    assert_fits_a_phone(phone, LOGIN_CONTROLS.replace("form input", "form input:not([type=checkbox])"))

    login(phone, "petugas1", PASSWORD)
    expect(phone).to_have_url(HOME_URL)
    expect(phone.locator("h1")).to_have_text("Selamat datang, Siti Aminah")
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.locator('button[data-action="logout"]')).to_have_text("Keluar")
    assert_fits_a_phone(phone, MENU_CONTROLS)

    phone.click('a[data-lang="en"]')
    expect(phone).to_have_url(HOME_URL)  # the switcher brings the officer back to the same page
    expect(phone.locator("h1")).to_have_text("Welcome, Siti Aminah")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator('a[data-lang="en"]')).to_have_attribute("aria-current", "true")
    expect(phone.locator('button[data-action="logout"]')).to_have_text("Log out")
    assert_fits_a_phone(phone, MENU_CONTROLS)  # English labels are different widths

    phone.click('a[data-lang="id"]')
    expect(phone).to_have_url(HOME_URL)
    expect(phone.locator("h1")).to_have_text("Selamat datang, Siti Aminah")
    expect(phone.locator("html")).to_have_attribute("lang", "id")
    expect(phone.locator('button[data-action="logout"]')).to_have_text("Keluar")

    phone.click('button[data-action="logout"]')  # outbox.js checks the outbox first, then submits
    expect(phone).to_have_url(LOGIN_URL)
    expect(phone.locator(".flash")).to_have_text("Anda sudah keluar.")
    expect(phone.locator("h1")).to_have_text("Masuk")

    phone.goto("/")
    expect(phone).to_have_url(NEXT_HOME)  # the session really ended
    expect(phone.locator("h1")).to_have_text("Masuk")


def test_remember_me_checkbox_is_a_44px_tap_target(phone):
    phone.goto("/masuk")
    expect(phone.locator("#remember")).to_be_visible()
    # The finger can hit the box or its label (which toggles it): either must be 44 px high.
    heights = [phone.locator(sel).bounding_box()["height"] for sel in ("#remember", 'label[for="remember"]')]
    assert max(heights) >= 44, f"remember-me tap target heights {heights}"


def test_wrong_password_keeps_the_username_and_says_why(phone, users):
    login(phone, "petugas1", "bukan-ini")
    expect(phone).to_have_url(LOGIN_URL)
    password = phone.locator("#password")
    error = phone.locator("#password-error")
    expect(error).to_have_text("Nama pengguna atau kata sandi salah.")
    # next to the password field: in the same field block, and announced with it
    expect(phone.locator(".field.has-error").filter(has=password)).to_contain_text("Nama pengguna atau kata sandi salah.")
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bpassword-error\b"))
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_value("")  # the wrong password is not sent back
    expect(phone.locator("#username")).to_have_value("petugas1")
    assert_no_horizontal_scroll(phone)


def test_login_and_logout_work_without_javascript(new_phone, users):
    page = new_phone(java_script_enabled=False)
    login(page, "petugas1", PASSWORD)
    expect(page).to_have_url(HOME_URL)
    expect(page.locator("h1")).to_have_text("Selamat datang, Siti Aminah")
    page.click('button[data-action="logout"]')  # a plain POST form when outbox.js cannot run
    expect(page.locator(".flash")).to_have_text("Anda sudah keluar.")


def test_keyboard_focus_is_visible(phone, users):
    phone.goto("/masuk")
    phone.keyboard.press("Tab")
    phone.keyboard.press("Tab")
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


def test_an_officer_logs_out_a_lost_phone_from_the_password_page(new_phone, users):
    lost, kept = new_phone(), new_phone()
    for page in (lost, kept):
        login(page, "petugas1", PASSWORD)
        expect(page).to_have_url(HOME_URL)
    kept.click("nav.menu >> text=Kata sandi")
    devices = kept.locator("#perangkat li")
    expect(devices).to_have_count(2)
    expect(devices.filter(has_text="perangkat ini")).to_have_count(1)
    everywhere = kept.locator('#perangkat button[data-action="logout"]')  # the outbox's logout guard applies
    expect(everywhere).to_have_text("Keluar dari semua perangkat")
    assert_fits_a_phone(kept, "#perangkat button")
    everywhere.click()
    expect(kept).to_have_url(LOGIN_URL)
    expect(kept.locator(".flash")).to_have_text("Anda sudah keluar dari semua perangkat.")
    lost.reload()
    expect(lost).to_have_url(NEXT_HOME)  # the other phone is logged out too
