"""After a save the page says one thing, and what is true: saved on the server (with its receipt), kept on
the phone, sent later; the storage warning only while something waits on a phone that may clear it."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONES, assert_no_horizontal_scroll
from tests.browser.test_offline_journey import counter, fill, start_visit

API = "**/api/v1/registrations"


def messages(page):
    return page.locator("main .flash:visible")


@pytest.fixture
def open_phone(new_phone):
    """A phone without the service worker whose browser does (or does not) promise to keep the outbox."""
    def open_with(viewport, persistent):
        page = new_phone(viewport=viewport, service_workers="block")
        answer = "true" if persistent else "false"
        page.context.add_init_script(
            f"StorageManager.prototype.persist = StorageManager.prototype.persisted = () => Promise.resolve({answer});")
        return page
    return open_with


@PHONES
def test_an_online_save_confirms_and_a_refusal_warns_of_nothing_waiting(app, open_phone, users, viewport):
    page = open_phone(viewport, persistent=False)
    form_url = start_visit(page)
    page.goto(form_url)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    number = page.locator("[data-registration]").get_attribute("data-registration")
    expect(messages(page)).to_have_count(1)
    expect(messages(page)).to_contain_text(f"Tersimpan: Nelayan Satu, {number}")
    receipt = messages(page).locator("a", has_text="Tanda terima")
    assert receipt.evaluate("a => a.href").endswith(f"/pendaftaran/{number}/tanda-terima")
    assert_no_horizontal_scroll(page)

    page.goto(form_url)
    fill(page, "1903011508900001", "Nelayan Satu Lagi")  # the same NIK: the server refuses it
    page.click("#submit")
    expect(page.locator("#nik-error")).to_contain_text("NIK ini sudah terdaftar")
    expect(counter(page)).to_have_attribute("data-count", "0")
    expect(messages(page)).to_have_count(0)  # nothing waits on the phone: no warning about keeping it
    assert_no_horizontal_scroll(page)


@PHONES
def test_a_send_that_recovers_leaves_one_message_the_true_one(app, open_phone, users, viewport):
    page = open_phone(viewport, persistent=False)
    page.goto(start_visit(page))
    page.context.route(API, lambda route: route.abort())  # no answer: the registration stays on the phone
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    expect(messages(page)).to_have_count(1)
    expect(messages(page)).to_contain_text("Tersimpan di perangkat")
    expect(messages(page)).to_contain_text("kirim 1 pendaftaran secepatnya")  # this browser may clear it
    assert_no_horizontal_scroll(page)
    page.context.unroute(API)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(counter(page)).to_have_attribute("data-count", "0", timeout=20_000)
    expect(messages(page)).to_have_text("1 pendaftaran dari perangkat sudah terkirim.")
    expect(messages(page)).to_have_count(1)
    assert_no_horizontal_scroll(page)


@PHONES
def test_a_phone_that_keeps_its_storage_says_kept_and_nothing_more(app, open_phone, users, viewport):
    page = open_phone(viewport, persistent=True)
    page.goto(start_visit(page))
    page.context.set_offline(True)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    expect(messages(page)).to_have_text("Tersimpan di perangkat — akan dikirim saat ada sinyal.")
    expect(messages(page)).to_have_count(1)
    assert_no_horizontal_scroll(page)


@PHONES
def test_the_storage_warning_stays_while_entries_wait_and_goes_with_them(app, open_phone, users, viewport):
    page = open_phone(viewport, persistent=False)
    page.goto(start_visit(page))
    page.context.set_offline(True)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.route(API, lambda route: route.abort())  # the signal stays too weak to send it
    page.context.set_offline(False)
    page.goto("/outbox")
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(1)
    expect(messages(page)).to_have_count(1)
    expect(messages(page)).to_contain_text("kirim 1 pendaftaran secepatnya")
    assert_no_horizontal_scroll(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("[data-outbox-waiting] li button", has_text="Buang").click()
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=15_000)  # after the session check
    expect(messages(page)).to_have_count(0)
