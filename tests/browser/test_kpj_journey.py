"""A coordinator on a small phone previews the branch's KPJ file as it comes (Indonesian headers, a bad row),
and puts right a mistyped KPJ."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.conftest import PASSWORD
from tests.review_helpers import bulk_rows

NAME = "Siti Aminah binti Abdullah Rahman Hakim Syahputra"  # a long cell the preview must not spread sideways


def choose(page, text):
    page.goto("/tinjau/kpj")
    page.set_input_files("#file", {"name": "kpj-cabang.csv", "mimeType": "text/csv", "buffer": text.encode()})
    page.click("#preview")


SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]


@pytest.mark.parametrize("size", SIZES)
def test_a_file_with_a_bad_row_says_what_is_wrong_and_offers_nothing_to_apply(app, users, new_phone, size):
    a, b = bulk_rows(app, users["officer"], 2, status="submitted")
    phone = new_phone()
    phone.set_viewport_size(size)
    login(phone, "koord1", PASSWORD)
    choose(phone, f"No. Pendaftaran;Nama Peserta;Alamat Lengkap;NO_KPJ\n"
                  f"{a};{NAME};Dusun Sadai RT 01 RW 02 Kecamatan Tukak Sadai;1111 1111 111\n"
                  f"{b};{NAME};Dusun I;123\n")
    expect(phone.locator('[data-column="number"]')).to_contain_text("No. Pendaftaran")
    expect(phone.locator('[data-column="kpj"]')).to_contain_text("NO_KPJ")
    problems = phone.locator("[data-problems]")
    expect(problems).to_contain_text("1 baris bermasalah (dari 2).")
    expect(problems).to_contain_text("Nomor KPJ bukan 11 angka: 1 baris (baris 3)")
    expect(phone.locator('[data-ok="no"]')).to_contain_text("Nomor KPJ harus 11 angka.")
    expect(phone.locator("#apply")).to_have_count(0)
    assert_no_horizontal_scroll(phone)
    # Readable: a registration number is never broken across lines, and every row fits the screen.
    expect(phone.locator("[data-key]")).to_have_count(2)
    assert phone.eval_on_selector_all("[data-key]", "keys => keys.every(k => k.getClientRects().length === 1)")
    assert phone.eval_on_selector_all(
        ".import .row", "rows => rows.every(r => r.getBoundingClientRect().right <= window.innerWidth)")

    choose(phone, f"no_pendaftaran,kpj\n{a},11111111111\n{b},22222222222\n")
    expect(phone.locator("[data-ready]")).to_have_text("2 dari 2 baris siap.")
    assert_no_horizontal_scroll(phone)
    phone.click("#apply")
    expect(phone.locator(".flash-success")).to_contain_text("2 nomor KPJ dicatat")


@pytest.mark.parametrize("size", SIZES)
def test_a_mistyped_kpj_is_corrected_with_a_reason(app, users, new_phone, size):
    (number,) = bulk_rows(app, users["officer"], 1, status="active", kpj="11111111111", contribution={"monthly": 16_800})
    phone = new_phone()
    phone.set_viewport_size(size)
    login(phone, "koord1", PASSWORD)
    phone.goto(f"/tinjau/{number}")
    fix = phone.locator("#kpj-correction")
    fix.locator("#fix-kpj").fill("1111 1111 112")
    phone.click("#fix-submit")  # without a reason: told next to the field, the number kept
    expect(phone.locator("#fix-reason-error")).to_contain_text("Tulis alasan koreksi")
    expect(phone.locator("#fix-kpj")).to_have_value("1111 1111 112")
    assert_no_horizontal_scroll(phone)
    phone.fill("#fix-reason", "Salah ketik dari berkas cabang")
    phone.click("#fix-submit")
    expect(phone.locator(".flash-success")).to_contain_text("dikoreksi")
    expect(phone.locator('[data-kind="kpj_corrected"]')).to_contain_text("Nomor KPJ dikoreksi: 11111111111 → 11111111112")
    expect(phone.locator("[data-registration]")).to_have_attribute("data-status", "active")
    assert_no_horizontal_scroll(phone)
