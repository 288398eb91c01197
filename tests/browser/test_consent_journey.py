"""The consent on the phone: read from the form, how it was given and a minor's guardian captured without
signal, and sent by the outbox with the rest; the privacy pages at the narrowest phone."""
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.models import Registration
from tests.browser.conftest import assert_no_horizontal_scroll, fill_worker, login
from tests.browser.test_offline_journey import expect_all_sent, start_visit
from tests.conftest import PASSWORD

NARROW = {"width": 360, "height": 740}


def test_how_consent_was_given_travels_with_an_offline_capture(app, new_phone, users):
    page = new_phone(service_workers="block")
    page.goto(start_visit(page))
    expect(page.locator(".consent h3")).to_have_count(7)  # every item of UU PDP Art. 21
    expect(page.locator("#consent_method-0")).to_be_checked()  # read aloud: the usual way
    page.context.set_offline(True)
    fill_worker(page, nik="1903011508100001", name="Nelayan Muda", sex="M", born="2010-08-15")
    page.select_option("#monthly_income", "1000000")
    page.check("#consent_method-1")  # this worker read it himself
    page.fill("#guardian_name", "Rusdi")
    page.select_option("#guardian_relation", "ayah")
    page.click("#submit")
    expect(page.locator('[data-outbox-flash]')).to_contain_text("Tersimpan di perangkat")
    page.context.set_offline(False)
    page.goto("/outbox")
    expect_all_sent(page)
    with app.app_context():
        r = db.session.scalar(db.select(Registration))
        assert (r.consent_method, r.guardian_name, r.guardian_relation) == ("read_by_worker", "Rusdi", "ayah")
        assert "consent_method_unrecorded" not in r.flags and "guardian_relation_missing" not in r.flags


def test_the_consent_form_and_the_requests_register_fit_the_narrowest_phone(app, new_phone, users):
    page = new_phone()
    page.set_viewport_size(NARROW)
    page.goto(start_visit(page))
    expect(page.locator(".consent")).to_be_visible()
    assert_no_horizontal_scroll(page)
    coordinator = new_phone()
    coordinator.set_viewport_size(NARROW)
    login(coordinator, "koord1", PASSWORD)
    coordinator.goto("/privasi/baru")
    expect(coordinator.locator("#kind-group")).to_be_visible()
    assert_no_horizontal_scroll(coordinator)
    coordinator.goto("/privasi")
    expect(coordinator.locator("[data-open]")).to_be_visible()
    assert_no_horizontal_scroll(coordinator)
