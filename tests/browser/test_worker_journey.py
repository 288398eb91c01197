"""A worker without the QR, on a small phone: from the site's address to their status, typing the number as it
comes, and reading how much to pay, how often, and whom to ask."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll
from tests.enrollment import worker

SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_a_worker_finds_the_lookup_types_the_number_loosely_and_reads_the_status(phone, officer, visit_id, size):
    response = officer.register(visit_id, worker())
    number = response.headers["Location"].rsplit("/", 1)[1]
    phone.set_viewport_size(size)

    phone.goto("/")  # the site's address, as a worker would type it: the login page, with a way for them
    phone.get_by_role("link", name="Cek status pendaftaran").click()
    expect(phone.locator("h1")).to_have_text("Cek status pendaftaran")
    assert_no_horizontal_scroll(phone)
    phone.fill("#number", number.replace("-", "").lower())  # "bs2611000001", as typed on a phone keyboard
    phone.fill("#birth_date", "1990-08-15")
    phone.click("#submit")

    expect(phone.locator("section[data-status]")).to_have_attribute("data-status", "pending")
    expect(phone.locator("[data-contribution]")).to_contain_text("setiap bulan")
    expect(phone.locator("[data-contribution]")).not_to_contain_text("setiap 1 bulan")
    contact = phone.locator("[data-contact]")  # nobody has a phone on file: where to go instead
    expect(contact).to_contain_text("Kantor Camat Toboali")
    assert_no_horizontal_scroll(phone)
