"""The worker's public page: Indonesian first whatever the phone's language, and always someone to call."""
import html
import re

import pytest

from outreach.extensions import db
from outreach.models import User
from tests.test_receipts import number, status_path  # noqa: F401  (the fixture and the helper)
from tests.test_status_protection import counted


def test_the_status_page_speaks_indonesian_on_an_english_phone(app, client, number):
    path = status_path(client, number)
    stranger = app.test_client()
    page = stranger.get(path, headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id">' in page and "Terdaftar, menunggu verifikasi" in page
    stranger.get("/bahasa/en?next=" + path)  # the switcher still works
    assert "Registered, awaiting verification" in stranger.get(path).get_data(as_text=True)


def test_the_contact_falls_back_to_a_coordinator_of_the_kecamatan_then_the_office(app, client, number, users):
    path = status_path(client, number)
    stranger = app.test_client()
    with app.app_context():  # the officer has no phone on file
        assert db.session.get(User, users["officer"]).phone is None
        db.session.get(User, users["coordinator"]).phone = "+6281377778888"
        db.session.commit()
    page = stranger.get(path).get_data(as_text=True)
    assert 'href="tel:+6281377778888"' in page and "Koord1" in page
    with app.app_context():
        db.session.get(User, users["coordinator"]).phone = None
        db.session.commit()
    app.config["OFFICE_PHONE"] = "0717-123456"
    try:
        page = stranger.get(path).get_data(as_text=True)
    finally:
        app.config["OFFICE_PHONE"] = ""
    assert "Pemerintah Kabupaten Bangka Selatan" in page and 'href="tel:0717-123456"' in page

    # No number anywhere: still a way to reach someone, never just the regency's name; the fallbacks are read
    # with the page, in its one query.
    with counted(app) as queries:
        contact = re.search(r"<dd data-contact>(.*?)</dd>", stranger.get(path).get_data(as_text=True), re.S)[1]
    assert "Belum ada nomor telepon" in contact and "Kantor Camat Toboali" in contact
    assert len(queries) == 1, queries
    app.config["OFFICE_ADDRESS"] = "Dinas Tenaga Kerja, Jl. Jenderal Sudirman, Toboali"
    try:
        assert "Dinas Tenaga Kerja, Jl. Jenderal Sudirman" in stranger.get(path).get_data(as_text=True)
    finally:
        app.config["OFFICE_ADDRESS"] = ""


def test_the_first_coordinator_with_a_number_is_the_one_named(app, client, number, make_user):
    path = status_path(client, number)
    for name, phone, active, kecamatan in (("Koord Lama", "+6281300000001", False, "19.03.01"),
                                           ("Koord Lain", "+6281300000002", True, "19.03.02"),
                                           ("Koord Dua", "+6281300000003", True, "19.03.01"),
                                           ("Koord Tiga", "+6281300000004", True, "19.03.01")):
        make_user(name.lower().replace(" ", ""), "coordinator", kecamatan=kecamatan, full_name=name, phone=phone,
                  active=active)
    contact = re.search(r"<dd data-contact>(.*?)</dd>", app.test_client().get(path).get_data(as_text=True), re.S)[1]
    assert "Koord Dua" in contact and "+6281300000003" in contact  # not the inactive one, nor another kecamatan's


def test_a_signed_in_officer_reads_a_status_page_in_their_own_language(app, client, number):
    path = status_path(client, number)
    client.get("/bahasa/en?next=/")  # saved on the officer's account
    client.delete_cookie("lang")
    assert "Registered, awaiting verification" in client.get(path).get_data(as_text=True)
    assert "Terdaftar, menunggu verifikasi" in app.test_client().get(path).get_data(as_text=True)


def test_the_element_the_readme_names_carries_the_status(app, client, number):
    """Scripts and checks outside the app find the status where the README says it is."""
    from tests.test_layout import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"Its\s+`<(\w+) class=\"([^\"]+)\">`\s+carries\s+`data-status=", readme)
    assert named, "the README names the element that carries data-status"
    page = app.test_client().get(status_path(client, number)).get_data(as_text=True)
    assert f'<{named[1]} class="{named[2]}" data-status="pending">' in page


@pytest.mark.parametrize("period, indonesian, english", [
    (1, "setiap bulan", "every month"), (3, "setiap 3 bulan", "every 3 months"), (12, "setiap 12 bulan", "every 12 months"),
])
def test_the_status_page_says_how_much_and_how_often(app, client, number, period, indonesian, english):
    from outreach.domain.money import format_rupiah
    from outreach.models import Registration

    path = status_path(client, number)
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        r.payment_period, r.contribution = period, {**r.contribution, "period_total": 16_800 * period}
        db.session.commit()
    stranger = app.test_client()
    amount = format_rupiah(16_800 * period)
    page = html.unescape(stranger.get(path).get_data(as_text=True))
    assert f"{amount} {indonesian}" in page and "setiap 1 bulan" not in page
    stranger.get("/bahasa/en?next=" + path)
    page = html.unescape(stranger.get(path).get_data(as_text=True))
    assert f"{format_rupiah(16_800 * period, 'en')} {english}" in page and "every 1 month" not in page


@pytest.mark.parametrize("typed", ["{n}", "{lower}", "{compact}", "{spaced}"])
def test_the_lookup_takes_the_number_as_a_worker_types_it(app, client, number, typed):
    path = status_path(client, number)
    _bs, period, serial = number.split("-")
    typed = typed.format(n=number, lower=number.lower(), compact=f"bs{period}{serial}", spaced=f"BS {period} {serial}")
    response = app.test_client().post("/cek", data={"number": typed, "birth_date": "15-08-1990"})
    assert response.status_code == 302 and response.headers["Location"].endswith(path), typed


def test_the_site_root_and_the_login_page_lead_a_worker_to_the_lookup(client):
    for start in ("/", "/masuk"):
        page = client.get(start, follow_redirects=True).get_data(as_text=True)
        assert re.search(r'<a href="/cek"[^>]*>Cek status pendaftaran</a>', page), start
