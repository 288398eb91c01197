"""An officer in a village, on a phone: start a visit, enroll a fisher, watch the contribution, save."""
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.models import Registration
from tests.browser.conftest import assert_no_horizontal_scroll, fill_worker, login
from tests.conftest import PASSWORD


def open_form_in_toboali(page):
    login(page, "petugas1", PASSWORD)
    page.goto("/kunjungan")
    page.select_option("#village_code", "19.03.01.1001")
    page.click("#submit")
    page.click("text=Daftarkan pekerja")
    fill_worker(page)


def test_officer_enrolls_a_fisher_on_the_phone(phone, users):
    login(phone, "petugas1", PASSWORD)
    phone.click("text=Kunjungan saya")
    phone.wait_for_load_state("load")  # the search filters once forms.js has run; typed before, it does nothing
    phone.fill("#village-search", "ketapang")  # the desa search (JS) narrows the list
    expect(phone.locator("#village_code")).to_have_value("19.03.01.1003")
    phone.click("#submit")
    expect(phone.locator("h1")).to_have_text("Kunjungan ke Tanjung Ketapang")
    phone.click("text=Daftarkan pekerja")

    expect(phone.locator("#village_code")).to_have_value("19.03.01.1003")
    assert_no_horizontal_scroll(phone)
    fill_worker(phone)
    income = phone.locator("#monthly_income")
    expect(income.locator("option")).to_have_count(34)  # "— pilih —" and the 33 brackets of PP 44/2015
    phone.select_option("#monthly_income", label="Rp1.900.000 – Rp2.099.000")
    expect(income).to_have_value("2000000")  # the bracket's base
    monthly = phone.locator('#contribution [data-out="monthly"]')
    normal = phone.locator('#contribution [data-out="normal"]')
    expect(normal).to_have_text("Rp26.800")  # JKK 20.000 + JKM 6.800
    without_jht = monthly.inner_text()
    phone.check("#programs-JHT")
    expect(normal).to_have_text("Rp66.800")  # + JHT 40.000
    with_jht = monthly.inner_text()
    assert with_jht != without_jht
    phone.check("#payment_period-1")  # 3 months
    expect(phone.locator('#contribution [data-out="months"]')).to_have_text("untuk 3 bulan dibayar di muka")
    period_shown = phone.locator('#contribution [data-out="period"]').inner_text()
    assert_no_horizontal_scroll(phone)
    phone.set_viewport_size({"width": 360, "height": 740})  # a smaller phone
    assert_no_horizontal_scroll(phone)
    phone.set_viewport_size({"width": 390, "height": 844})

    phone.click("#submit")
    expect(phone.locator("[data-registration]")).to_have_attribute("data-status", "pending")
    # the server's figure is the one the script showed
    expect(phone.locator('.contribution [data-out="period"]')).to_have_text(period_shown)
    number = phone.locator("[data-registration]").get_attribute("data-registration")

    phone.click("text=Pendaftaran saya")
    row = phone.locator(f'li[data-number="{number}"]')
    expect(row).to_contain_text("Siti Aminah")
    expect(row.locator("[data-status]")).to_have_text("Menunggu verifikasi")
    assert_no_horizontal_scroll(phone)


def test_the_form_works_without_javascript(new_phone, users):
    page = new_phone(java_script_enabled=False)
    open_form_in_toboali(page)
    page.select_option("#monthly_income", "2950000")  # Rp2.700.000 – Rp3.199.000
    page.check("#programs-JHT")
    page.click("#preview")  # "Hitung iuran": the server computes the figure
    expect(page.locator('#contribution [data-out="normal"]')).to_have_text("Rp95.300")  # 29.500 + 6.800 + 59.000
    expect(page.locator("#full_name")).to_have_value("Siti Aminah")
    expect(page.locator("#monthly_income")).to_have_value("2950000")  # the bracket stays chosen
    page.click("#submit")
    expect(page.locator("[data-registration]")).to_have_attribute("data-status", "pending")


def test_a_mistake_is_shown_next_to_its_field_and_nothing_is_lost(phone, users):
    open_form_in_toboali(phone)
    phone.fill("#birth_date", "1990-08-16")
    phone.select_option("#monthly_income", "1000000")
    phone.click("#submit")
    expect(phone.locator("#birth_date-error")).to_have_text("Tanggal lahir tidak sesuai dengan NIK.")
    expect(phone.locator("#heir_name")).to_have_value("Ahmad Fauzi")
    expect(phone.locator("#consent")).to_be_checked()
    expect(phone.locator("#monthly_income")).to_have_value("1000000")


def test_the_live_figure_of_a_correction_is_the_one_saved(phone, users, app):
    """Editing counts from the registration's own months: script, preview and save agree."""
    open_form_in_toboali(phone)
    phone.select_option("#monthly_income", "1000000")
    phone.click("#submit")
    number = phone.locator("[data-registration]").get_attribute("data-registration")
    with app.app_context():  # saved in March 2026, just before the PP 50/2025 discount months
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        r.contribution = {**r.contribution, "start": "2026-03-15"}
        db.session.commit()
    phone.goto(f"/pendaftaran/{number}/ubah")
    expect(phone.locator("#monthly_income")).to_have_value("1000000")  # the saved bracket, preselected
    phone.select_option("#monthly_income", "4950000")
    phone.check("#payment_period-2")  # 6 months
    live = phone.locator('#contribution [data-out="period"]')
    # March at the normal 56.300 (JKK 49.500 + JKM 6.800), April–August halved to 28.150 each
    expect(live).to_have_text("Rp197.050")
    live = live.inner_text()
    phone.click("#submit")
    phone.goto(f"/pendaftaran/{number}")
    expect(phone.locator('.contribution [data-out="period"]')).to_have_text(live)


def test_the_live_figure_follows_the_server_rules(phone, users, monkeypatch):
    """The script types no rule: with other rates, bounds, flat amount, discount month, discounted programmes and
    budget payers, the figure it shows is the server's."""
    from outreach.domain import contribution
    from outreach.domain.clock import local_today

    today = local_today()
    next_month = contribution.add_months(today.year, today.month, 1)
    for name, value in {"JKK_PERMILLE": 30, "JHT_PERMILLE": 35, "JKK_MIN": 70_000, "JKK_MAX": 80_000,
                        "JKM_FLAT": 7_100, "BASIC": ("JKM",), "BUDGET_FUNDED": ("sponsor",),
                        "DISCOUNT": {"non_transport": (next_month, next_month), "transport": ((2000, 1), (2000, 1))}
                        }.items():
        monkeypatch.setattr(contribution, name, value)

    def expect_the_server_figure(income, funding):
        c = contribution.contribution_for(income, {"JKK", "JKM", "JHT"}, 3, today, funding)
        for out, amount in (("normal", c.monthly_normal_total), ("monthly", c.first_month_total),
                            ("period", c.period_total)):
            expect(phone.locator(f'#contribution [data-out="{out}"]')).to_have_text(f"Rp{amount:,}".replace(",", "."))
        return c

    open_form_in_toboali(phone)
    phone.select_option("#monthly_income", "2000000")
    phone.check("#programs-JHT")
    phone.check("#payment_period-1")  # 3 months, the second one discounted
    c = expect_the_server_figure(2_000_000, "self")
    assert c.monthly_normal["JKK"] == 70_000 and c.discount_applied  # the minimum JKK, JKM halved in one month
    phone.select_option("#monthly_income", "2950000")
    assert expect_the_server_figure(2_950_000, "self").monthly_normal["JKK"] == 80_000  # the maximum
    phone.check('input[name="funding"][value="sponsor"]')  # a sponsor pays: here, no discount
    assert not expect_the_server_figure(2_950_000, "sponsor").discount_applied
