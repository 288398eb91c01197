"""The protection fits a small phone: the worker's status page of a sponsored worker in arrears, and the staff
pages with a ledger that has a mismatched line, at 360 px."""
from tests.browser.conftest import login, sideways_overflow
from tests.conftest import PASSWORD
from tests.followup_helpers import add_months, month_start, paid_worker, pay, programme
from tests.test_status_protection import path_of

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Payment


def test_protection_pages_fit_360_px(app, users, phone):
    this = month_start(local_today())
    pid = programme(app, first_month=add_months(this, -7), months=6, name="Program CSR PT Timah Tbk Bangka Selatan")
    number = paid_worker(app, users["officer"], 1, paid=(add_months(this, -7), 6), funding="sponsor",
                         programme_id=pid, payment_period=12)
    pay(app, number, add_months(this, -9), 1)
    with app.app_context():
        line = db.session.scalar(db.select(Payment).order_by(Payment.first_month).limit(1))
        line.expected, line.amount = 16_800, 1_000
        db.session.commit()
    phone.set_viewport_size({"width": 360, "height": 740})
    phone.goto(path_of(app, number))
    assert phone.locator("h1").inner_text() == "Menunggak 2 bulan"
    assert sideways_overflow(phone) <= 0
    login(phone, "koord1", PASSWORD)
    for path in (f"/tinjau/{number}", "/tinjau?status=all&protection=in_arrears", f"/pendaftaran/{number}"):
        phone.goto(path)
        assert phone.locator("[data-protection]").first.is_visible(), path
        assert sideways_overflow(phone) <= 0, path
