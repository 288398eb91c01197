"""Issue 13's journey on phones: a worker with a KPJ reads "Belum ada pembayaran" on their QR status page; a
coordinator opens the registration, records the payment the branch reported (three months, by the rule's
amount), and the worker's page now says "Terlindungi sampai <the last day of the third month>"; no NIK, birth
date or phone on it."""
from datetime import date

import pytest
from babel.dates import format_date
from playwright.sync_api import expect

from outreach.domain import contribution
from outreach.domain.clock import local_today
from outreach.domain.protection import last_day
from outreach.extensions import db
from outreach.models import Registration
from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.conftest import PASSWORD
from tests.followup_helpers import paid_worker

SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]


def status_path(app, number) -> str:
    from outreach.services import receipts
    with app.test_request_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        return "/s/" + receipts.status_url(r).rsplit("/s/", 1)[1]


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_a_recorded_payment_protects_the_worker_until_its_last_month(app, users, new_phone, size):
    number = paid_worker(app, users["officer"], 1)
    path = status_path(app, number)
    worker = new_phone()
    worker.set_viewport_size(size)
    worker.goto(path)
    expect(worker.locator("section[data-protection]")).to_have_attribute("data-protection", "awaiting_first_payment")
    expect(worker.locator("h1")).to_have_text("Belum ada pembayaran")

    coordinator = new_phone()
    coordinator.set_viewport_size(size)
    login(coordinator, "koord1", PASSWORD)
    coordinator.goto(f"/tinjau/{number}")
    coordinator.click("[data-pay]")
    today = local_today()
    coordinator.fill("#first_month", today.strftime("%Y-%m"))
    coordinator.fill("#months", "3")
    expected = contribution.month_totals(1_000_000, ["JKK", "JKM"], (today.year, today.month), 3, "self")
    coordinator.fill("#amount", str(sum(expected)))
    coordinator.fill("#paid_on", today.isoformat())
    coordinator.select_option("#channel", "minimarket")
    coordinator.click("#submit")
    expect(coordinator.locator("[data-payment]")).to_have_count(1)
    expect(coordinator.locator('[data-payment]')).to_have_attribute("data-mismatch", "no")
    assert_no_horizontal_scroll(coordinator)

    until = last_day(contribution.add_months(today.year, today.month, 2))
    worker.reload()
    expect(worker.locator("section[data-protection]")).to_have_attribute("data-protection", "protected")
    expect(worker.locator("h1")).to_have_text(f"Terlindungi sampai {format_date(until, 'd MMMM y', locale='id')}")
    body = worker.locator("body").inner_text()
    assert "1903" not in body and "1990" not in body and "0812" not in body  # no NIK, birth year or phone
    expect(worker.locator("body")).to_contain_text("NIK")  # how to pay: the NIK said at the counter
    assert_no_horizontal_scroll(worker)
    assert until >= date(today.year, today.month, 1)
