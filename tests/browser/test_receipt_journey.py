"""The receipt's QR, read by a real decoder from what the phone's screen shows, opens the status page."""
import io

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll
from tests.browser.test_enroll_journey import open_form_in_toboali


def test_qr_on_the_phone_screen_opens_the_status_page_without_a_session(phone, new_phone, users):
    open_form_in_toboali(phone)
    phone.fill("#monthly_income", "1000000")
    phone.click("#submit")
    number = phone.locator("[data-registration]").get_attribute("data-registration")
    phone.click("text=Tanda terima (kode QR)")
    expect(phone.locator(".receipt-number")).to_have_text(number)
    assert_no_horizontal_scroll(phone)

    shot = phone.locator(".qr-box").screenshot()
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert len(results) == 1
    url = results[0].text
    assert "/s/" in url

    worker_phone = new_phone()  # another phone, no login, no cookies
    worker_phone.goto(url)
    section = worker_phone.locator("[data-status]")
    expect(section).to_have_attribute("data-status", "pending")
    expect(section).to_contain_text(number)
    expect(section).to_contain_text("S*** A*****")
    assert_no_horizontal_scroll(worker_phone)
    assert worker_phone.context.cookies() == []

    worker_phone.click('a[data-lang="en"]')
    expect(worker_phone.locator("h1")).to_have_text("Registered, awaiting verification")


def test_whole_receipt_screenshot_also_decodes(phone, users):
    open_form_in_toboali(phone)
    phone.fill("#monthly_income", "1000000")
    phone.click("#submit")
    phone.click("text=Tanda terima (kode QR)")
    shot = phone.screenshot(full_page=True)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert [r.text.split("/s/")[0] for r in results] == [phone.url.split("/pendaftaran")[0]]


def test_the_58mm_slip_print_still_scans(phone, users):
    """Printed on a 58 mm thermal slip (48 mm printable, ~96 dpi here; thermal heads have 203)."""
    open_form_in_toboali(phone)
    phone.fill("#monthly_income", "1000000")
    phone.click("#submit")
    phone.click("text=Tanda terima (kode QR)")
    phone.click("text=Tampilan struk 58 mm")
    phone.emulate_media(media="print")
    phone.set_viewport_size({"width": 182, "height": 1100})  # 48 mm at 96 dpi
    box = phone.locator(".qr-box svg").bounding_box()
    assert box["width"] >= 140  # ≥ 37 mm: large enough for a phone camera at arm's length
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(phone.screenshot(full_page=True))))
    assert len(results) == 1 and "/s/" in results[0].text
    assert phone.locator(".menu").is_hidden() and phone.locator(".no-print").first.is_hidden()
