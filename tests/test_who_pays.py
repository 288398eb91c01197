"""Who pays, precisely (issue 13): the payer and its funding programme on the form and the API, the quota, the
settings that decide the discount (APBDes, boat transport), and the rule corrections: any income of Rp0 or more,
a worker who employs others, a second occupation."""
import json
import re
from datetime import date

import pytest

from outreach.extensions import db
from outreach.models import Programme, ProgrammeQuota, Registration
from tests.conftest import LEPAR, TOBOALI
from tests.enrollment import api_worker, field_errors, worker

ANOTHER = {"nik": "1903011203850002", "full_name": "Budi Santoso", "birth_date": "1985-03-12", "sex": "M"}
THIRD = {"nik": "1903012207800003", "full_name": "Joko Hidayat", "birth_date": "1980-07-22", "sex": "M"}


@pytest.fixture(autouse=True)
def november_2026(monkeypatch):
    """The form and the API count from 24 November 2026: a PP 50/2025 month for everyone, the APBD cohort of
    August 2025–January 2026 over."""
    from outreach.api import views as api
    from outreach.enroll import views as enroll
    for module in (api, enroll):
        monkeypatch.setattr(module, "local_today", lambda: date(2026, 11, 24))


@pytest.fixture
def make_programme(app):
    def make(name="APBD 2026", payer="apbd_kabupaten", first=date(2026, 10, 1), months=6, quota=None,
             kecamatan=None, **fields):
        with app.app_context():
            p = Programme(name=name, payer=payer, first_month=first, months=months, budget=50_000_000, quota=quota,
                          quotas=[ProgrammeQuota(kecamatan_code=k, quota=n) for k, n in (kecamatan or {}).items()],
                          **fields)
            db.session.add(p)
            db.session.commit()
            return p.id
    return make


def saved(app):
    with app.app_context():
        return db.session.scalars(db.select(Registration).order_by(Registration.id)).all()


@pytest.mark.parametrize("changes, field, message", [
    ({"funding": "apbd_kabupaten"}, "programme_id", "Pilih program pembiayaan yang membayar iuran pekerja ini."),
    ({"employs_others": "yes"}, "programs", "Pekerja yang mempekerjakan orang lain wajib ikut JHT: centang JHT."),
    ({"second_occupation": "nelayan"}, "second_occupation",
     "Pekerjaan kedua sama dengan pekerjaan utama: pilih yang lain, atau kosongkan."),
    ({"second_occupation": "astronot"}, "second_occupation", "Pilih pekerjaan kedua dari daftar, atau kosongkan."),
])
def test_the_new_questions_answer_next_to_their_field(app, officer, visit_id, changes, field, message):
    response = officer.register(visit_id, worker(**changes))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True)).get(field) == message
    assert saved(app) == []


def test_an_income_under_one_million_is_taken_on_the_minimum_base(app, officer):
    response = officer.api_post(api_worker(monthly_income=450_000))
    assert response.status_code == 201, response.get_json()
    r = saved(app)[0]
    assert r.monthly_income == 450_000 and r.contribution["base"] == 1_000_000
    assert r.contribution["monthly_normal"] == 16_800
    assert officer.api_post(api_worker(nik=ANOTHER["nik"], full_name="Budi Santoso", birth_date="1985-03-12", sex="M",
                                       monthly_income=0)).status_code == 201


def test_a_worker_who_employs_others_is_saved_with_jht_and_flagged(app, officer, client, visit_id, make_user):
    response = officer.register(visit_id, worker(employs_others="yes", programs=["JKK", "JKM", "JHT"],
                                                 second_occupation="pedagang"))
    assert response.status_code == 302
    r = saved(app)[0]
    assert r.employs_others is True and "employs_others" in r.flags and r.programs == ["JKK", "JKM", "JHT"]
    assert r.second_occupation == "pedagang"
    page = client.get(f"/pendaftaran/{r.number}").get_data(as_text=True)
    assert "Nelayan; Pedagang" in page


def test_the_form_offers_the_open_programmes_of_the_officers_kecamatan(officer, client, visit_id, make_programme):
    here = make_programme("APBD Toboali", kecamatan={TOBOALI: 5})
    everywhere = make_programme("CSR Timah", payer="sponsor", funder_name="PT Timah")
    make_programme("APBD Lepar", kecamatan={LEPAR: 5})
    make_programme("APBD 2025", first=date(2025, 8, 1))  # ended in January 2026
    page = client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True)
    select = re.search(r'<select[^>]*id="programme_id"[^>]*>(.*?)</select>', page, re.S).group(1)
    options = re.findall(r'<option([^>]*)value="(\d*)"[^>]*>([^<]*)</option>', select)
    assert [(value, label.split(" · ")[0]) for _attrs, value, label in options] == [
        ("", "— pilih program —"), (str(here), "APBD Toboali"), (str(everywhere), "CSR Timah")]
    assert 'data-payer="sponsor"' in options[2][0]


def test_a_sponsored_worker_joins_a_programme(app, officer, visit_id, make_programme):
    programme = make_programme("CSR Timah", payer="sponsor")
    response = officer.register(visit_id, worker(funding="sponsor", programme_id=str(programme)))
    assert response.status_code == 302
    r = saved(app)[0]
    assert (r.funding, r.programme_id, r.sponsor_name) == ("sponsor", programme, None)


@pytest.mark.parametrize("programme, message", [
    ({"payer": "apbdes"}, "Pilih program pembiayaan dari daftar, sesuai pembayar iurannya."),
    ({"kecamatan": {LEPAR: 5}}, "Program ini tidak berlaku di kecamatan tempat tinggal pekerja."),
    ({"first": date(2025, 8, 1)}, "Program ini sudah berakhir."),
    ({"quota": 0}, "Kuota program ini sudah penuh."),
    ({"kecamatan": {TOBOALI: 0, LEPAR: 5}}, "Kuota program ini sudah penuh."),
])
def test_a_programme_that_cannot_take_the_worker_says_why(app, officer, visit_id, make_programme, programme, message):
    programme_id = make_programme(**programme)
    response = officer.register(visit_id, worker(funding="apbd_kabupaten", programme_id=str(programme_id)))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True))["programme_id"] == message
    assert saved(app) == []


def test_the_quota_counts_members_and_not_the_rejected(app, officer, make_programme):
    programme = make_programme(quota=1)
    first = officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme))
    assert first.status_code == 201
    second = officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme, **ANOTHER))
    assert second.status_code == 422 and second.get_json()["errors"] == {"programme_id": ["Kuota program ini sudah penuh."]}
    with app.app_context():
        db.session.scalar(db.select(Registration)).status = "rejected"
        db.session.commit()
    assert officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme, **ANOTHER)).status_code == 201


def test_the_last_place_is_checked_again_under_the_programmes_lock(app, officer, make_programme, monkeypatch):
    """Two officers taking the last place at once both pass the form's check; the save holds the programme's row
    and counts again, so the second is refused (checks.problem passing is what a race looks like)."""
    from outreach.services import programmes
    programme = make_programme(quota=1)
    assert officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme)).status_code == 201
    monkeypatch.setattr(programmes, "problem", lambda *args, **kwargs: None)
    late = officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme, **ANOTHER))
    assert late.status_code == 422 and late.get_json()["errors"]["programme_id"] == ["Kuota program ini sudah penuh."]
    assert len(saved(app)) == 1


def test_older_phones_keep_sending_apbd_without_a_programme(app, officer):
    """An entry queued by an older page: `apbd` is the regency's budget, and a missing programme_id is flagged
    for the coordinator, never a 422 that would strand it on the phone."""
    payload = api_worker(funding="apbd")
    payload.pop("programme_id", None)
    response = officer.api_post(payload)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["funding"] == "apbd_kabupaten" and body["programme_id"] is None
    assert "programme_missing" in body["flags"]


def test_the_api_links_a_programme_under_the_old_code(app, officer, make_programme):
    programme = make_programme()
    response = officer.api_post(api_worker(funding="apbd", programme_id=programme))
    assert response.status_code == 201 and response.get_json()["programme_id"] == programme
    assert "programme_missing" not in response.get_json()["flags"]


def test_a_correction_keeps_a_programme_that_has_ended_since(app, officer, client, auth, make_programme):
    programme = make_programme(first=date(2025, 8, 1))  # ended in January 2026
    with app.app_context():  # registered while it ran
        db.session.get(Programme, programme).first_month = date(2026, 8, 1)
        db.session.commit()
    number = officer.api_post(api_worker(funding="apbd_kabupaten", programme_id=programme)).get_json()["number"]
    with app.app_context():
        db.session.get(Programme, programme).first_month = date(2025, 8, 1)
        db.session.commit()
    page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    assert re.search(rf'<option[^>]* selected value="{programme}"', page)
    form = {**worker(funding="apbd_kabupaten", programme_id=str(programme), address="Dusun II"),
            "csrf_token": auth.token(), "submit": "x"}
    assert client.post(f"/pendaftaran/{number}/ubah", data=form).status_code == 302
    assert saved(app)[0].address == "Dusun II" and saved(app)[0].programme_id == programme


def rules_of(page: str) -> dict:
    import html
    return json.loads(html.unescape(re.search(r'data-rules="([^"]*)"', page).group(1)))


def test_the_apbdes_setting_decides_its_discount(app, officer, client, visit_id, make_programme):
    """PP 50/2025 excludes APBN and APBD; whether APBDes is either no source says: excluded unless the district
    sets APBDES_DISCOUNTED. November 2026 is a discounted month."""
    programme = make_programme("Dana Desa", payer="apbdes", quota=10)
    first = officer.api_post(api_worker(funding="apbdes", programme_id=programme)).get_json()
    assert first["contribution"]["monthly"] == 16_800
    assert rules_of(client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True))["budgetFunded"][-1] == "apbdes"
    app.config["APBDES_DISCOUNTED"] = True
    try:
        second = officer.api_post(api_worker(funding="apbdes", programme_id=programme, **ANOTHER)).get_json()
        rules = rules_of(client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True))
    finally:
        app.config["APBDES_DISCOUNTED"] = False
    assert second["contribution"]["monthly"] == 8_400
    assert rules["budgetFunded"] == ["apbd_kabupaten", "apbd_provinsi", "apbn"]


def test_the_boat_setting_decides_whether_boatmen_are_transport(app, officer, client, visit_id):
    """Transport BPU keep the discount until March 2027 (others until December 2026): a boatman's 6 months from
    November 2026 show the difference."""
    def monthly(**changes):
        return officer.api_post(api_worker(occupation="pengemudi_perahu", payment_period=6, **changes)).get_json()
    assert monthly()["contribution"]["by_month"] == [8_400] * 2 + [16_800] * 4
    assert "pengemudi_perahu" not in rules_of(client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True))["transport"]
    app.config["BOAT_TRANSPORT"] = True
    try:
        boat = monthly(**ANOTHER)
        sopir = officer.api_post(api_worker(occupation="sopir", payment_period=6, **THIRD)).get_json()
        rules = rules_of(client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True))
    finally:
        app.config["BOAT_TRANSPORT"] = False
    assert boat["contribution"]["by_month"] == [8_400] * 5 + [16_800]
    assert sopir["contribution"]["by_month"] == [8_400] * 5 + [16_800]
    assert "pengemudi_perahu" in rules["transport"] and "sopir" in rules["transport"]


@pytest.mark.parametrize("changes, errors", [
    ({"programme_id": [1]}, {"programme_id": ["Isian harus berupa bilangan bulat."]}),
    ({"programme_id": 1.0, "funding": "apbn"}, {"programme_id": ["Isian harus berupa bilangan bulat."]}),
    ({"employs_others": [True]}, {"employs_others": ["Isian harus berupa true atau false."]}),
    ({"second_occupation": ["sopir"]}, {"second_occupation": ["Isian harus berupa teks."]}),
    *[({"programme_id": value, "funding": "apbn"},
       {"programme_id": ["Pilih program pembiayaan yang membayar iuran pekerja ini."]})
      for value in (10**30, -1, 0, "", "1e3", "x" * 50)],
    ({"programme_id": 999_999, "funding": "apbn"},
     {"programme_id": ["Pilih program pembiayaan dari daftar, sesuai pembayar iurannya."]}),
])
def test_no_programme_answer_is_a_crash(app, officer, changes, errors):
    response = officer.api_post(api_worker(**changes))
    assert response.status_code == 422 and response.get_json()["errors"] == errors
    assert saved(app) == []


@pytest.mark.parametrize("attempt", range(4))
def test_two_officers_taking_the_last_place_at_once_make_one_member(app, users, make_user, make_programme, attempt):
    """The last place, asked for by two phones at the same moment: one member, and the other told the quota is full
    (PostgreSQL holds the programme's row with SELECT … FOR UPDATE until the first commits)."""
    from tests.test_api import post_at_once
    programme = make_programme(quota=1)
    answers = post_at_once(app, [api_worker(funding="apbd_kabupaten", programme_id=programme),
                                 api_worker(funding="apbd_kabupaten", programme_id=programme, **ANOTHER)])
    assert sorted(code for code, _number in answers) == [201, 422], answers
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Registration.id))) == 1
