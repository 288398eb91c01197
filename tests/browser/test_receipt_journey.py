"""The receipt's QR, read by a real decoder from what the phone's screen shows, opens the status page;
printed on A6 or on a 58 mm slip the receipt is one clean page whose QR still scans."""
import io
import re
import unicodedata
import zlib

import pytest
import zxingcpp
from PIL import Image, ImageChops
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, fill_worker, login
from tests.browser.test_enroll_journey import open_form_in_toboali
from tests.conftest import PASSWORD


def test_qr_on_the_phone_screen_opens_the_status_page_without_a_session(phone, new_phone, users):
    open_form_in_toboali(phone)
    phone.select_option("#monthly_income", "1000000")
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
    phone.select_option("#monthly_income", "1000000")
    phone.click("#submit")
    phone.click("text=Tanda terima (kode QR)")
    shot = phone.screenshot(full_page=True)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert [r.text.split("/s/")[0] for r in results] == [phone.url.split("/pendaftaran")[0]]


def test_the_58mm_slip_print_still_scans(phone, users):
    """Printed on a 58 mm thermal slip (48 mm printable, ~96 dpi here; thermal heads have 203)."""
    open_form_in_toboali(phone)
    phone.select_option("#monthly_income", "1000000")
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


# Printing: page.pdf() is what Chromium sends to a printer (A6 sheet, or a 58 mm thermal roll).

PT_PER_MM = 72 / 25.4
PX_PER_MM = 96 / 25.4
A6_PT = (105 * PT_PER_MM, 148 * PT_PER_MM)  # 297.6 x 419.5
SLIP_WIDTH_PT = 58 * PT_PER_MM  # 164.4
# the site's chrome: header, menu, footer, and the buttons and forms around the receipt
NOT_ON_PAPER = ["Pendaftaran BPU", "Beranda", "Kunjungan saya", "Pendaftaran saya", "Kotak keluar", "Kata sandi", "Keluar",
                "bukan penerima upah", "Kirim via WhatsApp", "Kirim via SMS", "Unduh kode QR", "Tampilan",
                "Buat tanda terima baru", "Tanda terima hilang"]
LONG_NAME = "Siti Nurhaliza Rahmawati Kusumaningrum Wijayakusuma Putri"
LONG_OCCUPATION = "Pengrajin anyaman rotan, pandan dan purun untuk pasar Toboali"


def read_pdf(pdf: bytes) -> list[dict]:
    """Each page's size (pt), text lines and paint colours, from a PDF as Chromium's Skia writes it: enough to
    check a printout without a PDF library (poppler is not installed here)."""
    xref = int(re.findall(rb"startxref\s+(\d+)", pdf)[-1])
    table = re.match(rb"xref\s+0 (\d+)\s+", pdf[xref:])
    entries = pdf[xref + table.end():]
    offsets = [int(entries[20 * n:20 * n + 10]) for n in range(int(table.group(1)))]  # 20-byte rows

    def dictionary(n):
        body = pdf[offsets[n]:]
        return body[:min(i for i in (body.find(b"stream"), body.find(b"endobj")) if i >= 0)]

    def stream(n):
        head = dictionary(n)
        start = offsets[n] + len(head) + len(b"stream")
        start += 2 if pdf[start:start + 2] == b"\r\n" else 1
        length = int(re.search(rb"/Length (\d+)", head).group(1))
        return zlib.decompress(pdf[start:start + length]).decode("latin-1") if length else ""

    def to_unicode(font):
        cmap, text = {}, stream(int(re.search(rb"/ToUnicode (\d+) 0 R", dictionary(font)).group(1)))
        for src, dst in re.findall(r"<([0-9A-F]+)> <([0-9A-F]+)>\s*$", text, re.M):
            cmap[int(src, 16)] = chr(int(dst, 16))
        for low, high, dst in re.findall(r"<([0-9A-F]+)> <([0-9A-F]+)> <([0-9A-F]+)>", text):
            for code in range(int(low, 16), int(high, 16) + 1):
                cmap[code] = chr(int(dst, 16) + code - int(low, 16))
        return cmap

    root = int(re.search(rb"/Root (\d+) 0 R", pdf[xref:]).group(1))
    tree = int(re.search(rb"/Pages (\d+) 0 R", dictionary(root)).group(1))
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[([^]]*)\]", dictionary(tree)).group(1)):
        page = dictionary(int(ref))
        fonts = {name.decode(): to_unicode(int(font)) for name, font in re.findall(rb"/(F\d+) (\d+) 0 R", page)}
        lines, cmap = [""], {}
        content = stream(int(re.search(rb"/Contents (\d+) 0 R", page).group(1)))
        for font, hexes, ty in re.findall(r"/(F\d+) [\d.]+ Tf|<([0-9A-F]+)> Tj|\S+ (\S+) T[dm]\b", content):
            if font:
                cmap = fonts[font]
            elif hexes:
                lines[-1] += "".join(cmap.get(int(hexes[i:i + 4], 16), "?") for i in range(0, len(hexes), 4))
            elif float(ty) != 0 and lines[-1]:  # a move down: a new line
                lines.append("")
        width, height = (float(v) for v in re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", page).groups())
        pages.append({"size": (width, height), "lines": [unicodedata.normalize("NFKC", line) for line in lines],
                      "colours": set(re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", content))})
    return pages


@pytest.fixture
def receipt_with_long_words(phone, users):
    """A worker with a long name, a long occupation and the largest amounts, on the receipt page."""
    login(phone, "petugas1", PASSWORD)
    phone.goto("/kunjungan")
    phone.select_option("#village_code", "19.03.01.1003")  # Tanjung Ketapang
    phone.click("#submit")
    phone.click("text=Daftarkan pekerja")
    fill_worker(phone, name=LONG_NAME)
    phone.select_option("#monthly_income", "20700000")  # the top bracket: the largest amounts
    phone.select_option("#occupation", "lainnya")
    phone.fill("#occupation_other", LONG_OCCUPATION)
    phone.check("#programs-JHT")
    phone.check("#payment_period-3")  # 12 months
    phone.click("#submit")
    phone.click("text=Tanda terima (kode QR)")
    expect(phone.locator(".receipt")).to_contain_text(LONG_NAME)
    return phone


def print_to_pdf(page) -> bytes:
    """What "Cetak" sends to the printer, once the page has loaded (stylesheet and all)."""
    page.wait_for_load_state("load")
    return page.pdf(prefer_css_page_size=True)


def check_print(page, pdf: bytes, page_width_mm: float, margin_mm: float) -> dict:
    """What both printouts must be: one page, nothing but the receipt, black on white, a QR that scans."""
    sheets = read_pdf(pdf)
    assert len(sheets) == 1, f"printed on {len(sheets)} pages"
    sheet = sheets[0]
    text = "\n".join(sheet["lines"])
    number = page.locator(".receipt-number").inner_text()
    assert number in text and "Tanjung Ketapang" in text  # the extraction works: the receipt is there
    for words in NOT_ON_PAPER:
        assert words not in text, f"{words!r} printed"
    for amount in page.locator(".receipt [data-out]").all_inner_texts():
        assert any(amount in line for line in sheet["lines"]), f"{amount} split across lines"
    assert sheet["colours"] <= {("0", "0", "0"), ("1", "1", "1")}, f"printed in colour or grey: {sheet['colours']}"

    # The same layout on screen, as a PDF rasteriser would show the paper (no pdftoppm here)
    page.emulate_media(media="print")
    width = round((page_width_mm - 2 * margin_mm) * PX_PER_MM)
    page.set_viewport_size({"width": width, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the print is wider than the paper"
    qr_mm = page.locator(".qr-box svg").bounding_box()["width"] / PX_PER_MM
    receipt_mm = page.locator(".receipt").bounding_box()["height"] / PX_PER_MM
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True))).convert("RGB")
    results = zxingcpp.read_barcodes(shot)
    assert len(results) == 1 and results[0].text == page.locator(".receipt-url").inner_text()
    colour = ImageChops.difference(shot, shot.convert("L").convert("RGB")).getextrema()
    assert max(high for _low, high in colour) <= 32 and shot.getpixel((0, 0)) == (255, 255, 255), "not black on white"
    page.emulate_media(media="null")  # back to the screen
    return {"size": sheet["size"], "qr_mm": qr_mm, "receipt_mm": receipt_mm}


def test_the_a6_print_is_one_clean_page_with_a_scannable_qr(receipt_with_long_words):
    page = receipt_with_long_words
    printed = check_print(page, print_to_pdf(page), 105, 5)
    width, height = printed["size"]
    assert abs(width - A6_PT[0]) < 1 and abs(height - A6_PT[1]) < 1, printed["size"]  # not US Letter
    assert printed["qr_mm"] >= 30
    assert printed["receipt_mm"] <= 148 - 2 * 5


def test_the_58mm_slip_print_is_one_narrow_page_with_a_scannable_qr(receipt_with_long_words):
    page = receipt_with_long_words
    page.click("text=Tampilan struk 58 mm")
    expect(page.locator(".receipt.slip")).to_be_visible()
    printed = check_print(page, print_to_pdf(page), 58, 5)
    assert abs(printed["size"][0] - SLIP_WIDTH_PT) < 1, printed["size"]
    assert printed["qr_mm"] >= 30
