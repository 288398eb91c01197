"""The payment pages on a small phone: the form, a ledger with a flagged amount, and a payment file's preview
(ready, and with problems) scroll nowhere sideways at 390 or 360 px; a payment typed on the phone is recorded."""
import pytest

from outreach.extensions import db
from outreach.models import Payment
from tests.browser.conftest import login, sideways_overflow
from tests.conftest import PASSWORD
from tests.followup_helpers import paid_worker

SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]


def preview(page, text: str) -> None:
    page.goto("/bayar/impor")
    page.set_input_files("#file", {"name": "bayar.csv", "mimeType": "text/csv", "buffer": text.encode()})
    page.click("#preview")
    page.locator("ol.import").wait_for()


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_payment_pages_fit_the_phone_and_a_payment_is_recorded(phone, app, users, size):
    number = paid_worker(app, users["officer"], 1, full_name="Nelayan Pelabuhan Sadai Toboali Kepulauan")
    phone.set_viewport_size(size)
    login(phone, "koord1", PASSWORD)
    phone.goto(f"/bayar/{number}")
    assert sideways_overflow(phone) <= 0
    phone.fill("#months", "1")
    phone.fill("#amount", "1000")
    phone.click("#submit")
    phone.locator("[data-payment]").wait_for()
    assert sideways_overflow(phone) <= 0, "the ledger with a flagged amount"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 1
    header = "nik,kpj,bulan_awal,jumlah_bulan,jumlah,tgl_bayar,saluran\n"
    preview(phone, header + ",10000000001,2026-01,2,33600,2026-01-20,kantor pos\n")
    assert sideways_overflow(phone) <= 0, "a ready preview"
    preview(phone, header + "1903011500000099,,2026-13,1,banyak,2999-01-01,kurir\n")
    assert sideways_overflow(phone) <= 0, "a preview with problems"
