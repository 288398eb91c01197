"""Enrolling at a port with no signal: the form from the cache, the device outbox, a sync that sends once."""
import pytest
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.models import Registration
from tests.browser.conftest import correct_the_duplicate_nik, fill_worker, login
from tests.conftest import PASSWORD


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Registration))


def start_visit(page) -> str:
    login(page, "petugas1", PASSWORD)
    page.goto("/kunjungan")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")
    return page.locator("a[data-cache-form]").get_attribute("href")


def fill(page, nik, name, born="1990-08-15"):
    fill_worker(page, nik=nik, name=name, sex="M", born=born)
    page.select_option("#monthly_income", "1000000")  # the lowest income bracket


def counter(page):
    return page.locator("a[data-outbox-counter]")


def expect_all_sent(page):
    """The counter reads the outbox after every sync; 0 means the device holds nothing more."""
    expect(counter(page)).to_have_attribute("data-count", "0", timeout=20_000)
    expect(counter(page)).to_be_hidden()


def test_offline_capture_from_the_cached_form_syncs_exactly_once(app, new_phone, users):
    page = new_phone()
    form_url = start_visit(page)
    page.goto(form_url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled by the service worker, which keeps this form
    expect(page.locator("#register-form")).to_be_visible()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.reload()  # no signal: the form comes from the cache
    expect(page.locator("#register-form")).to_be_visible()
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(page.locator('[data-outbox-flash]')).to_contain_text("Tersimpan di perangkat")
    fill(page, "1903011608910002", "Nelayan Dua", born="1991-08-16")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "2")
    expect(counter(page)).to_have_text("2 menunggu dikirim")
    assert count(app) == 0

    page.context.set_offline(False)  # the signal returns: the page sends on its own
    expect_all_sent(page)
    assert count(app) == 2
    page.click("nav.menu >> text=Kotak keluar")
    expect(page.locator("[data-outbox-sent] li")).to_have_count(2)
    with app.app_context():
        assert all(r.captured_at is not None for r in db.session.scalars(db.select(Registration)))


@pytest.fixture
def no_sw_phone(new_phone):
    """Without the service worker, so that routes see every request the outbox makes."""
    return new_phone(service_workers="block")


def capture_offline(page, nik="1903011508900001", name="Nelayan Satu"):
    form_url = start_visit(page)
    page.goto(form_url)
    page.context.set_offline(True)
    fill(page, nik, name)
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")


def test_a_sync_cut_after_the_server_saved_is_retried_without_a_duplicate(app, no_sw_phone, users):
    page = no_sw_phone
    capture_offline(page)
    answers = []

    def lose_the_first_answer(route):
        response = route.fetch()  # the server receives it and saves it...
        if not answers:
            answers.append(response.status)
            route.fulfill(status=500, body="upstream reset")  # ...but the phone never hears back
        else:
            answers.append(response.status)
            route.fulfill(response=response)

    page.context.route("**/api/v1/registrations", lose_the_first_answer)
    page.context.set_offline(False)
    page.goto("/outbox")  # the page syncs on load; the first answer is lost, so it stays
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(1)
    page.click("[data-sync-now]")  # "Kirim sekarang" instead of waiting for the back-off
    expect_all_sent(page)
    assert answers[0] == 201 and 200 in answers[1:]
    assert count(app) == 1


def test_a_duplicate_nik_lands_in_the_outbox_with_the_servers_message(app, no_sw_phone, users):
    page = no_sw_phone
    form_url = start_visit(page)
    page.goto(form_url)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")  # online: saved at once
    expect(page.locator("[data-registration]")).to_be_visible()
    page.goto(form_url)
    page.context.set_offline(True)
    fill(page, "1903011508900001", "Nelayan Satu Lagi")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.set_offline(False)
    page.goto("/outbox")
    entry = page.locator("[data-outbox-waiting] li")
    expect(entry).to_have_attribute("data-state", "rejected", timeout=15_000)
    expect(entry.locator('[data-field="nik"]')).to_contain_text("NIK ini sudah terdaftar")
    assert count(app) == 1
    entry.locator("a", has_text="Perbaiki").click()  # back to the form, filled in, the message at the NIK
    correct_the_duplicate_nik(page)
    assert count(app) == 2
    expect_all_sent(page)


def test_discarding_a_waiting_entry_asks_first(app, no_sw_phone, users):
    page = no_sw_phone
    capture_offline(page)
    page.context.route("**/api/v1/registrations", lambda route: route.abort())  # the signal stays too weak
    page.context.set_offline(False)
    page.click("nav.menu >> text=Kotak keluar")
    entry = page.locator("[data-outbox-waiting] li")
    expect(entry).to_have_attribute("data-state", "waiting")
    page.once("dialog", lambda dialog: dialog.dismiss())
    entry.locator("button", has_text="Buang").click()
    expect(entry).to_have_count(1)  # said no: kept
    page.once("dialog", lambda dialog: dialog.accept())
    entry.locator("button", has_text="Buang").click()
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(0)
    assert count(app) == 0


def test_session_expiry_while_offline_keeps_everything(app, no_sw_phone, users):
    page = no_sw_phone
    capture_offline(page)
    page.context.clear_cookies()  # the session ended while the phone had no signal
    page.context.set_offline(False)
    page.goto("/outbox")  # the app asks the officer to log in again
    expect(page.locator("h1")).to_have_text("Masuk")
    login(page, "petugas1", PASSWORD)
    expect_all_sent(page)  # sent after logging in again
    assert count(app) == 1


def test_session_expiry_reported_by_the_api_keeps_the_entry(app, no_sw_phone, users):
    page = no_sw_phone
    capture_offline(page)
    page.context.route("**/api/v1/session", lambda route: route.fulfill(status=401, body="{}"))
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator('[data-outbox-flash="login"]')).to_contain_text("Sesi berakhir", timeout=15_000)
    expect(counter(page)).to_have_attribute("data-count", "1")
    assert count(app) == 0


def test_another_officer_on_the_same_phone_neither_sees_nor_sends_the_entries(app, no_sw_phone, make_user, users):
    make_user("petugas2")
    page = no_sw_phone
    capture_offline(page)
    page.context.route("**/api/v1/registrations", lambda route: route.abort())  # keep it waiting for now
    page.context.set_offline(False)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click('button[data-action="logout"]')
    expect(page.locator("h1")).to_have_text("Masuk")
    assert dialogs and "1 pendaftaran yang belum terkirim" in dialogs[0]
    page.context.unroute("**/api/v1/registrations")
    login(page, "petugas2", PASSWORD)
    page.goto("/outbox")
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=15_000)  # after the session check
    assert count(app) == 0
    page.click('button[data-action="logout"]')  # petugas2 has nothing waiting: no question asked
    expect(page.locator("h1")).to_have_text("Masuk")
    login(page, "petugas1", PASSWORD)
    expect_all_sent(page)
    assert count(app) == 1
