"""An officer in a village, on a phone: start a visit, enroll a fisher, watch the contribution, save."""
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, fill_worker, login
from tests.conftest import PASSWORD


def open_form_in_toboali(page):
    login(page, "petugas1", PASSWORD)
    page.goto("/kunjungan")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")
    page.click("text=Daftarkan pekerja")
    fill_worker(page)


def test_officer_enrolls_a_fisher_on_the_phone(phone, users):
    login(phone, "petugas1", PASSWORD)
    phone.click("text=Kunjungan saya")
    phone.fill("#village-search", "ketapang")  # the desa search (JS) narrows the list
    expect(phone.locator("#village_code")).to_have_value("19.03.01.1003")
    phone.click("#submit")
    expect(phone.locator("h1")).to_have_text("Kunjungan ke Tanjung Ketapang")
    phone.click("text=Daftarkan pekerja")

    expect(phone.locator("#village_code")).to_have_value("19.03.01.1003")
    assert_no_horizontal_scroll(phone)
    fill_worker(phone)
    phone.fill("#monthly_income", "2.000.000")
    monthly = phone.locator('#contribution [data-out="monthly"]')
    normal = phone.locator('#contribution [data-out="normal"]')
    expect(normal).to_have_text("Rp26.800")  # JKK 20.000 + JKM 6.800
    without_jht = monthly.inner_text()
    phone.check("#programs-JHT")
    expect(normal).to_have_text("Rp66.800")  # + JHT 40.000
    with_jht = monthly.inner_text()
    assert with_jht != without_jht
    phone.check("#payment_period-1")  # 3 months
    expect(phone.locator('#contribution [data-out="months"]')).to_have_text("3")
    period_shown = phone.locator('#contribution [data-out="period"]').inner_text()
    assert_no_horizontal_scroll(phone)

    phone.click("#submit")
    expect(phone.locator("[data-registration]")).to_have_attribute("data-status", "pending")
    # the server's figure is the one the script showed
    expect(phone.locator('.contribution [data-out="period"]')).to_have_text(period_shown)
    number = phone.locator("[data-registration]").get_attribute("data-registration")

    phone.click("text=Pendaftaran saya")
    row = phone.locator(f'li[data-number="{number}"]')
    expect(row).to_contain_text("Siti Aminah")
    expect(row.locator("[data-status]")).to_have_text("Menunggu verifikasi")
    assert_no_horizontal_scroll(phone)


def test_the_form_works_without_javascript(new_phone, users):
    page = new_phone(java_script_enabled=False)
    open_form_in_toboali(page)
    page.fill("#monthly_income", "1000000")
    page.click("#preview")  # "Hitung iuran": the server computes the figure
    expect(page.locator('#contribution [data-out="normal"]')).to_have_text("Rp16.800")
    expect(page.locator("#full_name")).to_have_value("Siti Aminah")
    page.click("#submit")
    expect(page.locator("[data-registration]")).to_have_attribute("data-status", "pending")


def test_a_mistake_is_shown_next_to_its_field_and_nothing_is_lost(phone, users):
    open_form_in_toboali(phone)
    phone.fill("#birth_date", "1990-08-16")
    phone.fill("#monthly_income", "1000000")
    phone.click("#submit")
    expect(phone.locator("#birth_date-error")).to_have_text("Tanggal lahir tidak sesuai dengan NIK.")
    expect(phone.locator("#heir_name")).to_have_value("Ahmad Fauzi")
    expect(phone.locator("#consent")).to_be_checked()
