"""Who pays, on a phone: the programme choice follows the payer and hides when the worker pays, "employs others"
ticks JHT, a sponsored worker is saved with the programme; the programme pages fit a small phone."""
import pytest
from playwright.sync_api import expect

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Programme, ProgrammeQuota, Registration
from tests.browser.conftest import PHONES, fill_worker, login, sideways_overflow
from tests.conftest import LEPAR, PASSWORD, TOBOALI


@pytest.fixture
def open_programmes(app):
    """A sponsor's programme open in Toboali and an APBD one of the whole district, both running this month."""
    first = local_today().replace(day=1)
    with app.app_context():
        csr = Programme(name="CSR PT Timah Toboali Pelabuhan dan Pesisir", payer="sponsor", first_month=first,
                        months=12, budget=40_320_000, quota=200, funder_name="PT Timah Tbk",
                        quotas=[ProgrammeQuota(kecamatan_code=TOBOALI, quota=150),
                                ProgrammeQuota(kecamatan_code=LEPAR, quota=50)])
        apbd = Programme(name="Pekerja rentan APBD Kabupaten", payer="apbd_kabupaten", first_month=first, months=6,
                         budget=178_214_400, quota=1768, basis="SK Bupati Bangka Selatan Nomor 188.45/123/2025")
        db.session.add_all([csr, apbd])
        db.session.commit()
        return {"sponsor": str(csr.id), "apbd_kabupaten": str(apbd.id)}


def offered(page) -> list[str]:
    """The programme options the officer can see (the placeholder aside)."""
    return page.eval_on_selector_all("#programme_id option", "os => os.filter(o => o.value && !o.hidden).map(o => o.value)")


def test_the_programme_follows_the_payer_and_the_sponsored_worker_is_saved(phone, users, app, open_programmes):
    login(phone, "petugas1", PASSWORD)
    phone.goto("/kunjungan")
    phone.select_option("#village_code", "19.03.01.1001")
    phone.click("#submit")
    phone.click("text=Daftarkan pekerja")
    phone.wait_for_load_state("load")
    fill_worker(phone, income="1000000")
    programme = phone.locator("[data-programme]")
    expect(programme).to_be_hidden()  # the worker pays: nothing to choose
    phone.check("#funding-5")  # a sponsor
    expect(programme).to_be_visible()
    assert offered(phone) == [open_programmes["sponsor"]]
    phone.check("#funding-1")  # the regency's budget
    assert offered(phone) == [open_programmes["apbd_kabupaten"]]
    phone.check("#funding-5")
    phone.select_option("#programme_id", open_programmes["sponsor"])
    phone.check("#employs_others-1")  # "Ya": JHT is required, so it is ticked, and the figure follows
    expect(phone.locator("#programs-JHT")).to_be_checked()
    expect(phone.locator('#contribution [data-out="normal"]')).to_have_text("Rp36.800")
    phone.click("#submit")
    expect(phone.locator("[data-registration]")).to_have_attribute("data-status", "pending")
    with app.app_context():
        r = db.session.scalar(db.select(Registration))
        assert (r.funding, str(r.programme_id), r.employs_others, r.programs) == (
            "sponsor", open_programmes["sponsor"], True, ["JKK", "JKM", "JHT"])
        assert "employs_others" in r.flags


@PHONES
def test_programme_pages_fit_the_phone(new_phone, users, app, open_programmes, viewport):
    from tests.enrollment import Officer, api_worker
    from tests.conftest import Auth

    client = app.test_client()
    Auth(client).login("petugas1")
    officer = Officer(client, Auth(client))
    response = officer.api_post(api_worker(funding="sponsor", programme_id=int(open_programmes["sponsor"]),
                                           full_name="Siti Aminah Binti Abdurrahman Wahid Pelabuhan Sadai"))
    assert response.status_code == 201, response.get_json()
    for username in ("koord1", "admin1"):
        page = new_phone(viewport=viewport)
        login(page, username, PASSWORD)
        paths = ["/program", f"/program/{open_programmes['sponsor']}", f"/program/{open_programmes['apbd_kabupaten']}"]
        if username == "admin1":
            paths += ["/program/baru", f"/program/{open_programmes['sponsor']}/ubah"]
        wide = []
        for path in paths:
            page.goto(path)
            if (overflow := sideways_overflow(page)) > 0:
                wide.append((username, path, overflow))
        assert wide == []
