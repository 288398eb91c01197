"""A renewal visit without signal: the officer opens a visit, which keeps that desa's follow-up list on the phone,
walks out of signal, logs two contacts (one "paid"), and back in signal the server has each exactly once; the
coordinator's lists shrink."""
from datetime import timedelta

from playwright.sync_api import expect

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Contact
from tests.browser.conftest import PHONES, assert_no_horizontal_scroll, login
from tests.browser.test_offline_hardships import wait_until
from tests.browser.test_offline_journey import counter
from tests.browser.test_offline_pages import kept, open_visit
from tests.conftest import PASSWORD
from tests.followup_helpers import add_months, month_start, paid_worker


def contacts(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(c.outcome, c.client_id) for c in db.session.scalars(db.select(Contact).order_by(Contact.id))]


def inactive_count(page) -> str:
    page.goto("/tindak-lanjut?daftar=inactive")
    return page.locator('[data-count="inactive"]').inner_text()


@PHONES
def test_contacts_logged_offline_on_a_visit_reach_the_server_once(app, new_phone, users, viewport):
    lapsed = add_months(month_start(local_today()), -8)  # the APBD cohort's situation: lapsed, to reactivate
    first = paid_worker(app, users["officer"], 1, paid=(lapsed, 1), full_name="Ahmad Nelayan")
    second = paid_worker(app, users["officer"], 2, paid=(lapsed, 1), full_name="Sari Petani")
    coordinator = new_phone(viewport=viewport)
    login(coordinator, "koord1", PASSWORD)
    assert inactive_count(coordinator) == "2"

    page = new_phone(viewport=viewport)
    login(page, "petugas1", PASSWORD)
    open_visit(page)
    link = page.locator("a[data-followup-link]")
    expect(link).to_contain_text("Tindak lanjut di desa ini: 2 pekerja")
    followup_url = link.get_attribute("href")
    wait_until(page, lambda: kept(page, followup_url), seconds=20)  # kept with the visit, not opened yet
    page.goto(followup_url)
    expect(page.locator("[data-log-contact]")).to_have_count(2)
    assert_no_horizontal_scroll(page)

    page.context.set_offline(True)  # out of signal at the first house
    page.reload()  # the list comes from the phone
    expect(page.locator(f'[data-actions-for="{first}"] [data-log-contact]')).to_be_visible()
    page.click(f'[data-actions-for="{first}"] [data-log-contact]')
    form = page.locator("form[data-opened]")
    form.locator("label", has_text="Sudah bayar").click()
    form.locator('button[type="submit"], input[type="submit"]').click()
    expect(page.locator(f'[data-actions-for="{first}"] [data-done]')).to_be_visible()
    expect(counter(page)).to_have_attribute("data-count", "1")

    page.click(f'[data-actions-for="{second}"] [data-log-contact]')
    form = page.locator("form[data-opened]")
    form.locator("label", has_text="Akan bayar").first.click()
    form.locator('input[type="submit"]').click()  # no date yet: said at the field, nothing kept
    expect(form.locator('[data-js-error="will_pay_on"]')).to_be_visible()
    form.locator('input[name="will_pay_on"]').fill((local_today() + timedelta(days=10)).isoformat())
    form.locator('input[type="submit"]').click()
    expect(page.locator(f'[data-actions-for="{second}"] [data-done]')).to_be_visible()
    expect(counter(page)).to_have_attribute("data-count", "2")
    assert_no_horizontal_scroll(page)
    assert contacts(app) == []

    page.context.set_offline(False)  # back in signal: the page sends on its own
    expect(counter(page)).to_have_attribute("data-count", "0", timeout=20_000)
    sent = contacts(app)
    assert sorted(outcome for outcome, _id in sent) == ["paid", "will_pay"] and len({i for _o, i in sent}) == 2
    with app.app_context():  # the time each was logged on the phone, before the server had them
        times = db.session.execute(db.select(Contact.captured_at, Contact.at)).all()
    assert len(times) == 2 and all(captured is not None and captured <= at for captured, at in times)
    page.reload()
    expect(page.locator("[data-log-contact]")).to_have_count(0)  # both hidden until their next date
    assert contacts(app) == sent  # nothing sent twice
    assert inactive_count(coordinator) == "0"  # the coordinator's list shrank
