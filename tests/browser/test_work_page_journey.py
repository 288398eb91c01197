"""On the phone (390×844 and 360×740): the officer's home counts what waits on the device and puts returned
registrations first; status badges differ by more than colour; a failed location says what failed; the form
shows a period's months and when the discount ends as the officer types."""
import re

import pytest
from playwright.sync_api import expect

from outreach import labels
from outreach.domain import contribution
from outreach.domain.clock import local_today
from outreach.domain.money import format_rupiah
from tests.browser.conftest import assert_no_horizontal_scroll, fill_worker, login
from tests.browser.test_enroll_journey import open_form_in_toboali
from tests.conftest import PASSWORD, Auth
from tests.enrollment import Officer
from tests.review_helpers import enroll, login_as, move

SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]
API = "**/api/v1/registrations"
ids = lambda size: f"{size['width']}x{size['height']}"  # noqa: E731


def phone_of(new_phone, size, **options):
    page = new_phone(**options)
    page.set_viewport_size(size)
    return page


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_home_counts_what_waits_on_the_phone(new_phone, users, size):
    page = phone_of(new_phone, size, service_workers="block")  # so that the route sees every request
    login(page, "petugas1", PASSWORD)
    page.goto("/kunjungan")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")
    page.click("text=Daftarkan pekerja")
    fill_worker(page, income="1000000")
    page.context.route(API, lambda route: route.abort())  # too weak a signal to send
    page.click("#submit")
    expect(page.locator('[data-outbox-flash]')).to_contain_text("Tersimpan di perangkat")

    page.goto("/")
    device = page.locator("[data-device]")
    expect(device.locator("[data-outbox-counter]")).to_have_text("1 menunggu dikirim")
    expect(device.locator(".none")).to_be_hidden()
    assert_no_horizontal_scroll(page)
    page.context.unroute(API)
    page.reload()  # the signal is back: the page sends on load, and the home says nothing waits
    expect(device.locator("[data-outbox-counter]")).to_have_attribute("data-count", "0", timeout=20_000)
    expect(device.locator(".none")).to_be_visible()
    expect(device.locator("[data-outbox-counter]")).to_be_hidden()


def returned_and_pending(app) -> str:
    client = app.test_client()
    officer = Officer(client, Auth(client))
    officer.auth.login("petugas1")
    visit_id = officer.start_visit()
    enroll(officer, visit_id)
    back = enroll(officer, visit_id, nik="1903011708920003", full_name="Nelayan Dua", birth_date="1992-08-17", sex="M")
    move(login_as(app, "koord1"), back, "returned", reason="nik_mismatch", note="NIK di KTP beda satu angka")
    return back


def before(badge) -> tuple[str, str]:
    return tuple(badge.evaluate("el => [getComputedStyle(el, '::before').content, getComputedStyle(el).fontWeight]"))


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_a_returned_registration_is_the_first_thing_the_officer_sees(app, new_phone, users, size):
    back = returned_and_pending(app)
    page = phone_of(new_phone, size)
    login(page, "petugas1", PASSWORD)
    card = page.locator("[data-returned]")
    expect(card).to_contain_text("NIK atau nama tidak cocok dengan KTP")
    expect(card).to_contain_text("NIK di KTP beda satu angka")
    assert card.bounding_box()["y"] < size["height"]  # on the first screen, without scrolling
    assert_no_horizontal_scroll(page)

    page.goto("/pendaftaran")  # the tabs show both statuses: each its own symbol, the returned one bold
    returned = before(page.locator('[data-filter="returned"] .badge'))
    pending = before(page.locator('[data-filter="pending"] .badge'))
    assert "!" in returned[0] and pending[0] not in ("none", "normal", returned[0])
    assert returned[1] == "700" and pending[1] != "700"
    assert_no_horizontal_scroll(page)
    page.click('[data-filter="returned"]')
    expect(page.locator("li[data-number]")).to_have_count(1)
    page.goto("/")
    page.locator("[data-returned]").get_by_role("link", name="Perbaiki").click()
    expect(page).to_have_url(re.compile(rf"/pendaftaran/{back}/ubah$"))
    expect(page.locator("[data-return-note]")).to_contain_text("NIK di KTP beda satu angka")


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_a_failed_location_says_what_failed_and_that_it_is_optional(new_phone, users, size):
    page = phone_of(new_phone, size)  # the site was never given the location permission
    login(page, "petugas1", PASSWORD)
    page.goto("/kunjungan")
    status = page.locator("[data-geo-status]")
    page.click("[data-geo-button]")
    expect(status).to_contain_text("izin lokasi untuk situs ini ditolak")
    expect(status).to_contain_text("Lokasi tidak wajib")
    assert "✕" not in status.inner_text()
    assert_no_horizontal_scroll(page)
    # a phone that cannot find itself in time
    page.evaluate("() => { navigator.geolocation.getCurrentPosition = (found, failed) => failed({ code: 3 }); }")
    page.click("[data-geo-button]")
    expect(status).to_contain_text("terlalu lama")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")  # and the visit starts without it
    expect(page.locator("h1")).to_contain_text("Kunjungan ke")


@pytest.mark.parametrize("size", SIZES, ids=ids)
def test_the_form_shows_the_months_and_when_the_discount_ends(app, new_phone, users, monkeypatch, size):
    today = local_today()
    this_month = (today.year, today.month)  # the discount made to end this month, whatever the test's date
    monkeypatch.setattr(contribution, "DISCOUNT", {"non_transport": (this_month, this_month),
                                                   "transport": ((2000, 1), (2000, 1))})
    page = phone_of(new_phone, size)
    open_form_in_toboali(page)
    page.select_option("#monthly_income", "1000000")
    page.check("#payment_period-1")  # 3 months: this one halved, the next two full
    stored = contribution.contribution_for(1_000_000, {"JKK", "JKM"}, 3, today).as_dict()
    with app.test_request_context():
        lines = [f"{line['months']}: {line['count']} × {format_rupiah(line['amount'])}"
                 for line in labels.schedule_lines(stored)]
        ends = labels.discount_note(stored)
    assert len(lines) == 2 and ends
    box = page.locator("#contribution")
    expect(box.locator('[data-show="schedule"] li')).to_have_text(lines)  # the server's words, to the letter
    expect(box.locator('[data-out="discount-end"]')).to_have_text(ends)
    expect(box.locator('[data-out="months"]')).to_have_text("untuk 3 bulan dibayar di muka")
    assert_no_horizontal_scroll(page)
    page.check("#payment_period-0")  # one month: nothing to break down
    expect(box.locator('[data-show="schedule"]')).to_be_hidden()
    expect(box.locator('[data-out="months"]')).to_have_text("untuk 1 bulan dibayar di muka")
    page.check("input[name=funding][value=apbd_kabupaten]")  # the district budget pays: no discount, no end to tell
    expect(box.locator('[data-out="discount-end"]')).to_be_hidden()
