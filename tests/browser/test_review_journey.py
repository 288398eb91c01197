"""Coordinator and officer on their phones take one registration from pending to active; the worker sees it."""
import io

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.browser.test_enroll_journey import open_form_in_toboali
from tests.conftest import PASSWORD


def test_from_pending_to_active_with_a_correction_on_the_way(new_phone, users):
    officer = new_phone()
    open_form_in_toboali(officer)
    officer.select_option("#monthly_income", "1000000")
    officer.click("#submit")
    number = officer.locator("[data-registration]").get_attribute("data-registration")
    officer.click("text=Tanda terima (kode QR)")
    qr = zxingcpp.read_barcodes(Image.open(io.BytesIO(officer.locator(".qr-box").screenshot())))[0].text

    coordinator = new_phone()
    login(coordinator, "koord1", PASSWORD)
    coordinator.click("nav.menu >> text=Antrean")
    coordinator.click('.tabs a[data-count="pending"]')
    coordinator.click("summary")
    coordinator.select_option("#desa", "19.03.01.1001")
    coordinator.click("text=Tampilkan")
    assert_no_horizontal_scroll(coordinator)
    coordinator.click(f'li[data-number="{number}"] a')
    expect(coordinator.locator("[data-registration]")).to_have_attribute("data-status", "pending")
    assert_no_horizontal_scroll(coordinator)
    returning = coordinator.locator('form[data-target="returned"]')
    returning.locator("textarea").fill("Nomor RT/RW belum ada di alamat")
    returning.locator("button").click()  # without a reason: told next to the field, the note kept
    expect(coordinator.locator("#returned-reason-error")).to_have_text("Pilih alasan pengembalian.")
    expect(returning.locator("textarea")).to_have_value("Nomor RT/RW belum ada di alamat")
    returning.locator("select").select_option("incomplete")
    returning.locator("button").click()
    expect(coordinator.locator("[data-registration]")).to_have_attribute("data-status", "returned")

    worker = new_phone()
    worker.goto(qr)  # the worker reads the category and the next step, never the coordinator's note
    expect(worker.locator("section[data-status]")).to_have_attribute("data-status", "returned")
    expect(worker.locator("[data-reason]")).to_have_text("Sebagian data pendaftaran Anda salah atau belum lengkap.")
    expect(worker.locator("body")).not_to_contain_text("RT/RW")

    officer.goto(f"/pendaftaran/{number}")
    expect(officer.locator("[data-return-note]")).to_contain_text("Nomor RT/RW belum ada di alamat")
    officer.click("text=Ubah data")
    officer.fill("#address", "Dusun I RT 01 RW 02 No. 5")  # a real correction: an unchanged form is refused
    officer.click("#submit")
    expect(officer.locator("[data-registration]")).to_have_attribute("data-status", "pending")

    coordinator.reload()
    expect(coordinator.locator("[data-registration]")).to_have_attribute("data-status", "pending")
    coordinator.locator('form[data-target="verified"] button').click()
    expect(coordinator.locator("[data-registration]")).to_have_attribute("data-status", "verified")
    coordinator.locator('form[data-target="submitted"] button').click()
    expect(coordinator.locator("[data-registration]")).to_have_attribute("data-status", "submitted")
    activating = coordinator.locator('form[data-target="active"]')
    activating.locator("input[name='active-kpj']").fill("12345678901")
    activating.locator("button").click()
    expect(coordinator.locator("[data-registration]")).to_have_attribute("data-status", "active")

    worker.goto(qr)
    expect(worker.locator("section[data-status]")).to_have_attribute("data-status", "active")
    expect(worker.locator("section[data-status]")).to_have_attribute("data-protection", "awaiting_first_payment")
    expect(worker.locator("h1")).to_have_text("Belum ada pembayaran")  # registered is not protected yet
    expect(worker.locator(".steps")).to_contain_text("berakhiran 8901")
