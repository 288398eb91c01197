"""What a phone keeps of workers once its officer logs out: nothing of those already sent."""
from playwright.sync_api import expect

from tests.browser.test_offline_journey import counter, expect_all_sent, fill, no_sw_phone, start_visit  # noqa: F401

SENT_NAMES = """new Promise(function (resolve) {
  var open = indexedDB.open("outreach-outbox");
  open.onsuccess = function () {
    var tx = open.result.transaction("sent"), req = tx.objectStore("sent").getAll();
    req.onsuccess = function () { resolve(req.result.map(function (r) { return r.name || null; })); open.result.close(); };
  };
})"""


def test_logging_out_clears_the_names_of_workers_already_sent(app, no_sw_phone, users):
    page = no_sw_phone
    form_url = start_visit(page)
    page.goto(form_url)
    page.context.set_offline(True)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.set_offline(False)
    expect_all_sent(page)
    assert page.evaluate(SENT_NAMES) == ["Nelayan Satu"]  # the outbox page lists it while the officer is in
    page.click('button[data-action="logout"]')
    expect(page.locator(".flash")).to_have_text("Anda sudah keluar.")
    assert page.evaluate(SENT_NAMES) == []
