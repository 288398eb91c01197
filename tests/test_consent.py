"""Consent that says what UU PDP Art. 21 asks, versioned; how it was given; a minor's guardian's relation; and
the API taking entries queued by older pages that never asked."""
import pytest

from outreach import labels
from outreach.extensions import db
from outreach.models import Registration
from tests.enrollment import api_worker, field_errors, worker
from tests.review_helpers import current, enroll

MINOR = {"nik": "1903011508100001", "birth_date": "2010-08-15", "sex": "M", "guardian_name": "Rusdi"}
ART_21 = ("Data yang dicatat", "Untuk apa", "Siapa yang menerima", "Dasar hukum", "Berapa lama disimpan",
          "Hak Anda", "Caranya")


def test_the_form_reads_every_item_of_article_21_with_the_retention_in_force(app, officer, visit_id):
    app.config.update(RETENTION_REJECTED_MONTHS=4, RETENTION_RETURNED_MONTHS=9, RETENTION_MAX_MONTHS=48)
    try:
        page = officer.client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True)
    finally:
        app.config.update(RETENTION_REJECTED_MONTHS=6, RETENTION_RETURNED_MONTHS=6, RETENTION_MAX_MONTHS=60)
    assert 'data-consent-version="2026-12-v2"' in page
    assert all(f"<h3>{heading}</h3>" in page for heading in ART_21)
    for words in ("BPJS Ketenagakerjaan", "Undang-Undang No. 27 Tahun 2022", "Instruksi Presiden No. 2 Tahun 2021",
                  "setelah 4 bulan", "setelah 9 bulan", "paling lama 48 bulan", "3 × 24 jam",
                  "halaman status pendaftaran"):
        assert words in page, words
    # "Read aloud by the officer" is ticked on a new form (the usual way); the officer changes it if not.
    assert '<input checked id="consent_method-0" name="consent_method" type="radio" value="read_aloud">' in page


def test_the_english_consent_is_complete(app, officer, visit_id):
    officer.client.get("/bahasa/en?next=/")
    page = officer.client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True)
    for words in ("What is recorded", "Who receives it", "Legal basis", "How long it is kept", "Your rights",
                  "How to ask", "Read aloud by the officer"):
        assert words in page, words


@pytest.mark.parametrize("changes, field, message", [
    ({"consent_method": ""}, "consent_method",
     "Pilih bagaimana pekerja menerima pernyataan ini: dibacakan atau dibaca sendiri."),
    ({"consent_method": "by_telepathy"}, "consent_method",
     "Pilih bagaimana pekerja menerima pernyataan ini: dibacakan atau dibaca sendiri."),
    ({**MINOR, "guardian_relation": ""}, "guardian_relation",
     "Pekerja di bawah 18 tahun: pilih hubungan orang tua atau wali dengan pekerja."),
    ({**MINOR, "guardian_relation": "tetangga"}, "guardian_relation",
     "Pekerja di bawah 18 tahun: pilih hubungan orang tua atau wali dengan pekerja."),
])
def test_the_form_never_assumes_how_consent_was_given(app, officer, visit_id, changes, field, message):
    form = worker(**changes)
    response = officer.register(visit_id, form)
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)).get(field) == message


def test_a_post_without_the_method_is_refused_not_defaulted(app, officer, visit_id):
    form = worker()
    del form["consent_method"]
    assert officer.register(visit_id, form).status_code == 422


@pytest.mark.parametrize("method", ["read_aloud", "read_by_worker"])
def test_the_method_and_a_guardians_relation_are_recorded(app, officer, visit_id, method):
    number = enroll(officer, visit_id, consent_method=method, guardian_relation="ibu", **MINOR)
    r = current(app, number)
    assert (r.consent_method, r.guardian_relation, r.consent_version) == (method, "ibu", "2026-12-v2")
    assert "consent_method_unrecorded" not in r.flags and "guardian_relation_missing" not in r.flags


def test_an_adult_has_no_guardian_relation_whatever_is_sent(app, officer, visit_id):
    number = enroll(officer, visit_id, guardian_relation="ayah")
    assert current(app, number).guardian_relation is None


def test_an_entry_queued_by_an_older_page_is_taken_and_flagged(app, officer, visit_id):
    """The API is a contract: phones hold entries from pages that did not send these fields."""
    old = api_worker(**MINOR)
    del old["consent_method"], old["guardian_relation"]
    response = officer.api_post(old)
    assert response.status_code == 201, response.get_json()
    r = current(app, response.get_json()["number"])
    assert r.consent_method is None and r.guardian_relation is None
    assert set(r.flags) == {"minor", "consent_method_unrecorded", "guardian_relation_missing"}
    assert response.get_json()["consent_method"] is None


def test_the_api_refuses_an_empty_or_unknown_method_from_a_current_page(app, officer, visit_id):
    for value in ("", "telepati"):
        response = officer.api_post(api_worker(consent_method=value))
        assert response.status_code == 422
        assert "consent_method" in response.get_json()["errors"]
    assert officer.api_post(api_worker(consent_method=7)).get_json()["errors"]["consent_method"] == [
        "Isian harus berupa teks."]


def test_the_coordinator_sees_how_consent_was_given_and_the_flag(app, officer, visit_id, coordinator):
    old = api_worker()
    del old["consent_method"]
    number = officer.api_post(old).get_json()["number"]
    page = coordinator.get(f"/tinjau/{number}").get_data(as_text=True)
    assert 'data-consent-method=""' in page and "cara tidak dicatat" in page
    assert 'data-flag="consent_method_unrecorded"' in page
    assert number in coordinator.get("/tinjau?flag=consent_method_unrecorded").get_data(as_text=True)
    recorded = enroll(officer, visit_id, nik="1903011508900002", sex="M", consent_method="read_by_worker")
    assert "Dibaca sendiri oleh pekerja" in coordinator.get(f"/tinjau/{recorded}").get_data(as_text=True)


def test_old_registrations_keep_the_text_they_consented_to(app, officer, visit_id):
    number = enroll(officer, visit_id)
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        r.consent_version, r.consent_method = "2026-11-v1", None
        db.session.commit()
    page = officer.client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    assert 'data-consent-version="2026-11-v1"' in page
    assert "Pekerja menyetujui data pribadinya (NIK, nama, tanggal lahir" in page
    assert "Berapa lama disimpan" not in page
    assert 'name="consent_method"' not in page  # a correction does not consent again
    # The correction keeps the consent as it was given.
    token = officer.auth.token()
    officer.client.post(f"/pendaftaran/{number}/ubah", data={**worker(address="Dusun II"), "version": "1",
                                                             "csrf_token": token, "submit": "x"})
    r = current(app, number)
    assert (r.consent_version, r.consent_method, r.address) == ("2026-11-v1", None, "Dusun II")


def test_every_kept_version_has_its_text(app):
    with app.test_request_context():
        assert labels.CONSENT_VERSION in labels.CONSENT_TEXTS
        for version in labels.CONSENT_TEXTS:
            assert labels.consent_sections(version, app.config)
        assert labels.consent_sections("t", app.config) == []
