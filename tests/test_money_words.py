"""Money words: the months of a period and their amounts, when the PP 50/2025 discount ends, month counts in
both languages, Indonesian messages to workers, and a failed location said in words."""
import html
import re
from datetime import date
from urllib.parse import unquote

import pytest

from outreach.domain.contribution import contribution_for
from outreach.extensions import db
from outreach.models import Registration
from tests.enrollment import worker

NOVEMBER_2026 = date(2026, 11, 24)  # three months from here: Nov and Dec halved, January 2027 full


def text(response) -> str:
    """What the page reads like: tags dropped, entities and spaces resolved."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def saved(app, officer, visit_id, months: int, start: date = NOVEMBER_2026) -> str:
    """A fisher's registration whose contribution counts from `start` (the clock of the test run aside)."""
    number = officer.register(visit_id, worker(payment_period=str(months))).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        r.contribution = contribution_for(1_000_000, {"JKK", "JKM"}, months, start).as_dict() | {"start": start.isoformat()}
        db.session.commit()
    return number


@pytest.mark.parametrize("path, lines, english", [
    # the printed receipt names months short, so that each line fits A6 and a 58 mm slip
    ("/pendaftaran/{}/tanda-terima", ["Nov – Des 2026: 2 bulan × Rp8.400", "Jan 2027: 1 bulan × Rp16.800"],
     "Nov – Dec 2026: 2 months × Rp8,400"),
    ("/pendaftaran/{}", ["November – Desember 2026: 2 bulan × Rp8.400", "Januari 2027: 1 bulan × Rp16.800"],
     "November – December 2026: 2 months × Rp8,400"),
])
def test_receipt_and_registration_show_the_months_and_when_the_discount_ends(app, client, officer, visit_id,
                                                                              path, lines, english):
    number = saved(app, officer, visit_id, 3)
    page = text(client.get(path.format(number)))
    assert "Rp33.600" in page  # the period, as before
    assert all(line in page for line in lines)
    assert ("Potongan 50% iuran JKK dan JKM (PP 50/2025) berlaku sampai iuran bulan Desember 2026; "
            "sesudahnya iurannya Rp16.800 sebulan.") in page
    client.get("/bahasa/en")
    page = text(client.get(path.format(number)))
    assert english in page and "2027: 1 month × Rp16,800" in page
    assert "applies up to the contribution for December 2026; after that the contribution is Rp16,800 a month" in page


def test_equal_months_need_no_breakdown_and_no_discount_no_end(app, client, officer, visit_id):
    same = saved(app, officer, visit_id, 1)  # one month, discounted: no breakdown, but the end of the discount
    page = client.get(f"/pendaftaran/{same}/tanda-terima").get_data(as_text=True)
    assert "data-schedule" not in page and "berlaku sampai iuran bulan Desember 2026" in html.unescape(page)
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == same))
        r.contribution = contribution_for(1_000_000, {"JKK", "JKM"}, 1, date(2027, 5, 1)).as_dict()
        db.session.commit()
    page = client.get(f"/pendaftaran/{same}/tanda-terima").get_data(as_text=True)
    assert "data-schedule" not in page and "data-discount-end" not in page


@pytest.mark.parametrize("months, words", [("1", "for 1 month paid in advance"), ("3", "for 3 months paid in advance")])
def test_month_counts_read_right_in_english(client, officer, visit_id, months, words):
    client.get("/bahasa/en")
    preview = officer.register(visit_id, worker(payment_period=months), preview=True)  # "Hitung iuran"
    page = text(preview)
    assert preview.status_code == 200 and words in page and "1 months" not in page
    form = client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True)
    assert '"1": "for 1 month paid in advance"' in html.unescape(form)  # the script's words for every period
    assert '"3": "for 3 months paid in advance"' in html.unescape(form)


def test_whatsapp_and_sms_speak_indonesian_to_the_worker_whatever_the_officer_reads(client, officer, visit_id):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    client.get("/bahasa/en")
    page = client.get(f"/pendaftaran/{number}/tanda-terima").get_data(as_text=True)
    assert "Send via WhatsApp" in page  # the officer's screen is in English
    whatsapp = unquote(html.unescape(re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1)))
    sms = unquote(html.unescape(re.search(r'href="(sms:[^"]+)"', page).group(1)))
    for link in (whatsapp, sms):
        assert f"Halo Siti Aminah, pendaftaran BPJS Ketenagakerjaan Anda nomor {number} sudah kami terima" in link
        assert "Hello" not in link and "registration" not in link


@pytest.mark.parametrize("language, words", [
    ("id", {"denied": "izin lokasi", "unavailable": "tidak dapat menentukan posisinya", "timeout": "terlalu lama"}),
    ("en", {"denied": "denied this site permission", "unavailable": "cannot find its position", "timeout": "too long"}),
])
def test_a_failed_location_has_words_for_each_failure_and_says_it_is_optional(client, officer, language, words):
    client.get(f"/bahasa/{language}")
    page = html.unescape(client.get("/kunjungan").get_data(as_text=True))
    for failure, what in words.items():
        message = re.search(rf'data-{failure}="([^"]+)"', page).group(1)
        assert what in message and ("tidak wajib" in message if language == "id" else "optional" in message)
