"""The worker's public page: Indonesian first whatever the phone's language, and always someone to call."""
import re

from outreach.extensions import db
from outreach.models import User
from tests.test_receipts import number, status_path  # noqa: F401  (the fixture and the helper)


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


def test_the_element_the_readme_names_carries_the_status(app, client, number):
    """Scripts and checks outside the app find the status where the README says it is."""
    from tests.test_layout import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = re.search(r"Its\s+`<(\w+) class=\"([^\"]+)\">`\s+carries\s+`data-status=", readme)
    assert named, "the README names the element that carries data-status"
    page = app.test_client().get(status_path(client, number)).get_data(as_text=True)
    assert f'<{named[1]} class="{named[2]}" data-status="pending">' in page
