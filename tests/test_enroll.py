"""The officer's enrollment journey through the HTML forms: visits, the registration form and its rules."""
import re
from datetime import date, timedelta

import pytest

from outreach.domain.clock import local_today
from outreach.services import registrations as service
from outreach.extensions import db
from outreach.models import Registration, RegistrationEvent, Visit
from tests.conftest import Auth
from tests.enrollment import TOBOALI_DESA, Officer, field_errors, worker


def saved(app, number=None):
    with app.app_context():
        query = db.select(Registration)
        if number:
            query = query.where(Registration.number == number)
        return db.session.scalars(query).all()


# Visits

def test_officer_starts_a_visit_to_a_desa_of_their_kecamatan(app, officer, client):
    page = client.get("/kunjungan").get_data(as_text=True)
    assert '<optgroup label="Toboali">' in page and "Lepar" not in page.split("<select")[1].split("</select>")[0]
    visit_id = officer.start_visit(note="Pelabuhan ikan")
    page = client.get(f"/kunjungan/{visit_id}").get_data(as_text=True)
    assert "Kunjungan ke Toboali" in page and "Daftarkan pekerja" in page and "Pelabuhan ikan" in page


def test_a_desa_outside_the_officers_kecamatan_is_refused(officer, client, auth):
    token = auth.token("/kunjungan")
    page = client.post("/kunjungan", data={"village_code": "19.03.02.2001", "csrf_token": token}).get_data(as_text=True)
    assert "Pilih desa di kecamatan tugas Anda." in page


def test_visit_location_is_kept_when_given_and_ignored_when_odd(app, officer, client, auth):
    token = auth.token("/kunjungan")
    client.post("/kunjungan", data={"village_code": TOBOALI_DESA, "latitude": "-3.0123456", "longitude": "106.4567891",
                                    "accuracy": "12.7", "csrf_token": token})
    client.post("/kunjungan", data={"village_code": TOBOALI_DESA, "latitude": "999", "longitude": "x", "csrf_token": token})
    with app.app_context():
        first, second = db.session.scalars(db.select(Visit).order_by(Visit.id)).all()
        assert (first.latitude_e6, first.longitude_e6, first.accuracy_m) == (-3012346, 106456789, 12)
        assert first.location == "-3.01235, 106.45679"
        assert second.latitude_e6 is None and second.location is None


@pytest.mark.parametrize("latitude, longitude, accuracy", [
    ("-3.01", "106.45", "1e400"), ("-3.01", "106.45", "1e30"), ("-3.01", "106.45", "-5"), ("-3.01", "106.45", "nan"),
    ("nan", "106.45", "10"), ("inf", "-inf", "10"), ("1e400", "106.45", "10"), ("-3.01", "106.45", "x" * 10_000),
])
def test_an_absurd_location_starts_the_visit_without_it(app, officer, client, auth, latitude, longitude, accuracy):
    token = auth.token("/kunjungan")
    response = client.post("/kunjungan", data={"village_code": TOBOALI_DESA, "latitude": latitude,
                                               "longitude": longitude, "accuracy": accuracy, "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        (visit,) = db.session.scalars(db.select(Visit)).all()
        assert (visit.latitude_e6, visit.longitude_e6, visit.accuracy_m) == (None, None, None)


def test_closing_a_visit_lists_it_as_closed_and_stops_new_registrations(officer, client, auth, visit_id):
    token = auth.token()
    client.post(f"/kunjungan/{visit_id}/tutup", data={"csrf_token": token})
    assert "Ditutup" in client.get("/kunjungan").get_data(as_text=True)
    response = client.get(f"/kunjungan/{visit_id}/daftar")
    assert response.status_code == 302
    assert "sudah ditutup" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_another_officers_visit_is_off_limits(app, officer, visit_id, make_user):
    make_user("petugas2")
    other = app.test_client()
    Auth(other).login("petugas2")
    assert other.get(f"/kunjungan/{visit_id}").status_code == 403
    assert other.get(f"/kunjungan/{visit_id}/daftar").status_code == 403


# The form

def test_the_form_is_phone_friendly(officer, client, visit_id):
    page = client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True)
    nik_input = re.search(r'<input[^>]*id="nik"[^>]*>', page).group(0)
    assert 'autocomplete="off"' in nik_input and 'inputmode="numeric"' in nik_input
    assert re.search(r'<input[^>]*id="phone"[^>]*inputmode="tel"', page)
    assert re.search(r'<input[^>]*id="birth_date"[^>]*type="date"', page)
    assert re.search(rf'<option[^>]*selected value="{TOBOALI_DESA}"', page)  # the visit's desa by default
    assert 'type="radio"' in page


def income_options(page: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select[^>]*id="monthly_income"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(value, label, "selected" in attrs)
            for attrs, value, label in re.findall(r'<option([^>]*)value="([^"]*)"[^>]*>([^<]*)</option>', select)]


def test_income_is_chosen_from_the_33_brackets_of_the_regulation(officer, client, visit_id):
    """PP 44/2015 Lampiran II: each bracket shows its range and stores its base; the open first and last say so."""
    options = income_options(client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True))
    assert options[0] == ("", "— pilih —", False) and len(options) == 34
    assert options[1][:2] == ("1000000", "kurang dari Rp1.100.000 (dasar Rp1.000.000)")
    assert ("2950000", "Rp2.700.000 – Rp3.199.000", False) in options
    assert options[-1][:2] == ("20700000", "Rp20.200.000 ke atas")
    client.get("/bahasa/en?next=/")
    english = income_options(client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True))
    assert ("2950000", "Rp2,700,000 – Rp3,199,000", False) in english
    assert (english[1][1], english[-1][1]) == ("under Rp1,100,000 (base Rp1,000,000)", "Rp20,200,000 and above")


def test_a_bracket_chosen_is_saved_as_its_base_and_kept_when_the_form_comes_back(app, officer, visit_id):
    page = officer.register(visit_id, worker(monthly_income="2950000", heir_name="")).get_data(as_text=True)
    assert [value for value, _label, chosen in income_options(page) if chosen] == ["2950000"]
    officer.register(visit_id, worker(monthly_income="2950000"))
    assert saved(app)[0].monthly_income == 2_950_000


def test_enrolling_a_fisher_leaves_a_pending_registration(app, officer, client, visit_id):
    response = officer.register(visit_id, worker())
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Pendaftaran {number}" in page and "Menunggu verifikasi" in page
    assert "************0001" in page and "1903015508900001" not in page
    assert "Daftarkan pekerja berikutnya" in page
    (r,) = saved(app)
    assert r.status == "pending" and r.nik == "1903015508900001" and r.phone == "+6281234567890"
    assert r.programs == ["JKK", "JKM"] and r.kecamatan_code == "19.03.01" and r.visit_id == visit_id
    assert r.consent_version == "2026-12-v2" and r.consent_at is not None and r.consent_method == "read_aloud"
    assert r.contribution["monthly_normal"] == 16_800 and isinstance(r.contribution["period_total"], int)
    assert r.number.startswith("BS-") and len(r.number) == len("BS-2611-000001")
    with app.app_context():
        assert [e.kind for e in db.session.scalars(db.select(RegistrationEvent))] == ["created"]


def test_numbers_follow_each_other(app, officer, visit_id):
    officer.register(visit_id, worker())
    officer.register(visit_id, worker(nik="1903011508900002", full_name="Budi", sex="M"))
    first, second = sorted(r.number for r in saved(app))
    assert int(second[-6:]) == int(first[-6:]) + 1 and first[:8] == second[:8]


def test_the_same_form_sent_twice_saves_once(app, officer, visit_id):
    client_id = officer.open_form(visit_id)
    first = officer.register(visit_id, worker(), client_id=client_id)
    second = officer.register(visit_id, worker(), client_id=client_id)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(saved(app)) == 1


def test_preview_shows_the_contribution_without_saving(app, officer, visit_id):
    response = officer.register(visit_id, worker(monthly_income="2000000", programs=["JKK", "JKM", "JHT"],
                                                 payment_period="3"), preview=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and saved(app) == []
    assert 'data-out="normal">Rp66.800' in page  # 20.000 + 6.800 + 40.000, the normal tariff


def test_jkk_and_jkm_cannot_be_dropped_from_the_form(app, officer, visit_id):
    officer.register(visit_id, worker(programs=["JHT"]))
    assert saved(app)[0].programs == ["JKK", "JKM", "JHT"]


@pytest.mark.parametrize("changes, field, message", [
    ({"nik": ""}, "nik", "Isi NIK (16 angka pada KTP)."),
    ({"nik": "19030155089"}, "nik", "NIK harus 16 angka."),
    ({"nik": "9903015508900001"}, "nik", "Dua angka pertama NIK bukan kode provinsi yang dikenal."),
    ({"nik": "1999015508900001"}, "nik", "Empat angka pertama NIK bukan kode kabupaten/kota yang dikenal."),
    ({"nik": "1903005508900001"}, "nik", "Angka ke-5 dan ke-6 NIK (kode kecamatan) tidak boleh 00."),
    ({"nik": "1903017308900001"}, "nik", "Angka ke-7 sampai ke-12 NIK bukan tanggal lahir yang benar."),
    ({"nik": "1903015508900000"}, "nik", "Empat angka terakhir NIK tidak boleh 0000."),
    ({"birth_date": "1990-08-16"}, "birth_date", "Tanggal lahir tidak sesuai dengan NIK."),
    ({"birth_date": "16-08-1990"}, "birth_date", "Tanggal lahir tidak sesuai dengan NIK."),
    ({"birth_date": "kemarin"}, "birth_date", "Tanggal lahir tidak valid (contoh: 15-08-1990)."),
    ({"birth_date": ""}, "birth_date", "Isi tanggal lahir."),
    ({"sex": "M"}, "sex", "Jenis kelamin tidak sesuai dengan NIK."),
    ({"sex": ""}, "sex", "Pilih jenis kelamin."),
    ({"nik": "1903011508120001", "birth_date": "2012-08-15", "sex": "M"}, "birth_date",
     "Pekerja harus berusia minimal 15 tahun."),
    ({"nik": "1903011508600001", "birth_date": "1960-08-15", "sex": "M"}, "birth_date",
     "Tidak dapat didaftarkan sebagai peserta BPU (ketentuan BPJS Ketenagakerjaan: belum berusia 65 tahun saat mendaftar). Untuk pengecualian, hubungi kantor cabang BPJS Ketenagakerjaan."),
    ({"nik": "1903011508100001", "birth_date": "2010-08-15", "sex": "M"}, "guardian_name",
     "Pekerja di bawah 18 tahun: isi nama orang tua atau wali yang menyetujui."),
    ({"full_name": " "}, "full_name", "Isi nama lengkap sesuai KTP."),
    ({"full_name": "A" * 121}, "full_name", "Paling banyak 120 karakter."),
    ({"phone": "021-7654321"}, "phone", "Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."),
    ({"address": ""}, "address", "Isi alamat (jalan atau dusun, RT/RW)."),
    ({"village_code": "11.01.01.2001"}, "village_code", "Pilih desa di Kabupaten Bangka Selatan."),
    ({"occupation": "astronot"}, "occupation", "Pilih pekerjaan dari daftar."),
    ({"occupation": "lainnya"}, "occupation_other", "Tuliskan pekerjaannya."),
    ({"monthly_income": "1000000001"}, "monthly_income", "Penghasilan sebulan paling banyak Rp1.000.000.000: periksa angkanya."),
    ({"monthly_income": "1,5 juta"}, "monthly_income", "Tulis penghasilan dalam Rupiah utuh, mis. 1.500.000."),
    ({"payment_period": "2"}, "payment_period", "Pilih masa iuran: 1, 3, 6 atau 12 bulan."),
    ({"funding": "pemda"}, "funding", "Pilih siapa yang membayar iuran."),
    ({"funding": "sponsor"}, "sponsor_name", "Isi nama sponsor yang membayar."),
    ({"heir_name": ""}, "heir_name", "Isi nama ahli waris."),
    ({"heir_relation": ""}, "heir_relation", "Pilih hubungan ahli waris dengan pekerja."),
    ({"heir_phone": "12345"}, "heir_phone", "Nomor HP tidak valid: gunakan nomor seluler Indonesia, mis. 0812-3456-7890."),
    ({"consent": ""}, "consent", "Pekerja harus menyetujui pemakaian datanya sebelum didaftarkan."),
])
def test_every_rule_answers_next_to_its_field_and_keeps_the_rest(app, officer, visit_id, changes, field, message):
    response = officer.register(visit_id, worker(**changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page).get(field) == message
    assert 'value="Pelabuhan Sadai"' in page  # nothing typed is lost
    assert saved(app) == []


def test_errors_in_english(officer, client, visit_id):
    client.get("/bahasa/en?next=/")
    page = officer.register(visit_id, worker(birth_date="1990-08-16")).get_data(as_text=True)
    assert field_errors(page)["birth_date"] == "The birth date does not match the NIK."


def test_minor_with_guardian_is_saved_and_flagged(app, officer, visit_id):
    response = officer.register(visit_id, worker(nik="1903011508100001", birth_date="2010-08-15", sex="M",
                                                 guardian_name="Rusdi", guardian_relation="ayah"))
    assert response.status_code == 302
    r = saved(app)[0]
    assert r.flags == ["minor"] and (r.guardian_name, r.guardian_relation) == ("Rusdi", "ayah")


def test_migrant_worker_from_outside_the_district_is_saved_and_flagged(app, officer, visit_id):
    officer.register(visit_id, worker(nik="3201015508900001"))
    assert saved(app)[0].flags == ["outside_district"]


def test_the_nik_may_be_typed_with_spaces_and_dots(app, officer, visit_id):
    officer.register(visit_id, worker(nik="1903 01.55 0890.0001"))
    assert saved(app)[0].nik == "1903015508900001"


def test_a_nik_already_registered_blocks_and_links_to_the_registration(app, officer, client, visit_id):
    first = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    response = officer.register(visit_id, worker(full_name="Siti A."))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(page)["nik"] == f"NIK ini sudah terdaftar: {first} (Menunggu verifikasi)."
    assert f'<a href="/pendaftaran/{first}/tanda-terima">{first}</a>' in page and "Tunjukkan tanda terimanya" in page
    assert len(saved(app)) == 1


def test_another_officers_registration_of_the_nik_links_to_its_public_status_page(app, officer, visit_id, make_user):
    """The officer may not open a colleague's registration (403), but can show the worker where it stands."""
    first = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    make_user("petugas2")
    other_client = app.test_client()
    other = Officer(other_client, Auth(other_client))
    other.auth.login("petugas2")
    page = other.register(other.start_visit(), worker()).get_data(as_text=True)
    link = re.search(rf'<a href="([^"]+)">{first}</a>', page).group(1)
    assert "/s/" in link and "petugas lain" in page
    status = app.test_client().get(link.replace("http://localhost", ""))
    assert status.status_code == 200 and first in status.get_data(as_text=True)
    assert "Siti Aminah" not in status.get_data(as_text=True)


def test_a_client_id_of_another_officers_form_saves_a_new_registration(app, officer, visit_id, make_user):
    client_id = officer.open_form(visit_id)
    officer.register(visit_id, worker(), client_id=client_id)
    make_user("petugas2")
    other_client = app.test_client()
    other = Officer(other_client, Auth(other_client))
    other.auth.login("petugas2")
    response = other.register(other.start_visit(), worker(nik="1903011508900002", sex="M", full_name="Budi"),
                              client_id=client_id)
    assert response.status_code == 302
    assert sorted(r.full_name for r in saved(app)) == ["Budi", "Siti Aminah"]


def test_a_rejected_registration_does_not_block_a_new_one(app, officer, visit_id):
    officer.register(visit_id, worker())
    with app.app_context():
        db.session.execute(db.update(Registration).values(status="rejected"))
        db.session.commit()
    assert officer.register(visit_id, worker()).status_code == 302
    assert sorted(r.status for r in saved(app)) == ["pending", "rejected"]


def test_same_name_and_birth_date_in_the_same_desa_is_a_probable_duplicate(app, officer, visit_id):
    officer.register(visit_id, worker())
    officer.register(visit_id, worker(nik="1903025508900007", full_name="SITI  AMINAH"))
    flags = {r.nik: r.flags for r in saved(app)}
    assert flags["1903025508900007"] == ["probable_duplicate"] and flags["1903015508900001"] == []


# Long, but the whole body under MAX_FORM_LENGTH (256 KB); a larger one is refused unread, 413 (test_security).
@pytest.mark.parametrize("value", ["\x00\x01", "💥" * 800, "<script>alert(1)</script>", "' OR 1=1 --", "9" * 10_000])
def test_no_input_of_any_length_or_character_breaks_the_form(app, officer, visit_id, value):
    data = {name: value for name in worker() if name != "programs"}
    data["programs"] = [value]
    response = officer.register(visit_id, data)
    assert response.status_code == 422
    assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


# Pendaftaran saya, and corrections

def test_my_registrations_newest_first_and_searchable(app, officer, client, visit_id):
    officer.register(visit_id, worker())
    officer.register(visit_id, worker(nik="1903011508900002", full_name="Budi Santoso", sex="M"))
    page = client.get("/pendaftaran").get_data(as_text=True)
    assert page.index("Budi Santoso") < page.index("Siti Aminah")
    found = client.get("/pendaftaran?q=siti").get_data(as_text=True)
    assert "Siti Aminah" in found and "Budi Santoso" not in found
    number = next(r.number for r in saved(app) if r.full_name == "Budi Santoso")
    by_number = client.get(f"/pendaftaran?q={number[-6:]}").get_data(as_text=True)
    assert "Budi Santoso" in by_number and "Siti Aminah" not in by_number
    for wildcard in ("%", "_", "BS-%"):  # searched as typed, not as patterns that match everything
        page = client.get("/pendaftaran", query_string={"q": wildcard}).get_data(as_text=True)
        assert "Budi Santoso" not in page and "Siti Aminah" not in page


def test_officers_see_only_their_own_registrations(app, officer, visit_id, make_user):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    make_user("petugas2")
    other = app.test_client()
    Auth(other).login("petugas2")
    assert other.get(f"/pendaftaran/{number}").status_code == 403
    assert "Siti Aminah" not in other.get("/pendaftaran").get_data(as_text=True)


def test_coordinator_of_the_kecamatan_sees_it_and_the_flags_one_elsewhere_does_not(app, officer, visit_id, make_user):
    number = officer.register(visit_id, worker(nik="3201015508900001")).headers["Location"].rsplit("/", 1)[1]
    make_user("koord_lepar", "coordinator", kecamatan="19.03.02")
    here, there = app.test_client(), app.test_client()
    Auth(here).login("koord1")
    Auth(there).login("koord_lepar")
    page = here.get(f"/pendaftaran/{number}").get_data(as_text=True)
    assert "NIK dari luar Kabupaten Bangka Selatan" in page
    assert there.get(f"/pendaftaran/{number}").status_code == 403


def test_officer_corrects_a_pending_registration_and_the_edit_is_recorded(app, officer, client, visit_id, auth):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    assert 'value="Siti Aminah"' in page and 'value="0812' in page
    token = auth.token()
    response = client.post(f"/pendaftaran/{number}/ubah", data={
        **worker(monthly_income="3.000.000", programs=["JKK", "JKM", "JHT"]), "csrf_token": token, "submit": "x"})
    assert response.status_code == 302
    (r,) = saved(app)
    assert r.monthly_income == 3_000_000 and r.programs == ["JKK", "JKM", "JHT"]
    with app.app_context():
        edit = db.session.scalars(db.select(RegistrationEvent).where(RegistrationEvent.kind == "edited")).one()
        assert edit.changes["monthly_income"] == [1_000_000, 3_000_000]
        assert edit.changes["programs"] == [["JKK", "JKM"], ["JKK", "JKM", "JHT"]]
        assert "nik" not in edit.changes


def test_an_edit_racing_a_coordinators_move_is_refused_not_merged(app, officer, client, visit_id, auth, monkeypatch):
    """The coordinator verifies while the officer's correction is on its way: the verification stands."""
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    real_store = service.store_fields

    def coordinator_moves_meanwhile(registration, checked, start):
        real_store(registration, checked, start)
        with db.engine.begin() as other:  # another request, committed between the check and the write
            other.execute(db.update(Registration).values(status="verified", version=Registration.version + 1))

    monkeypatch.setattr(service, "store_fields", coordinator_moves_meanwhile)
    response = client.post(f"/pendaftaran/{number}/ubah", data={
        **worker(address="Dusun II"), "csrf_token": auth.token(), "submit": "x"})
    assert response.status_code == 302
    assert "baru saja diubah koordinator" in client.get(response.headers["Location"]).get_data(as_text=True)
    (r,) = saved(app)
    assert (r.status, r.version, r.address) == ("verified", 2, worker()["address"])


def test_a_returned_registration_shows_the_note_and_goes_back_to_pending_when_corrected(
        app, officer, client, visit_id, auth, users):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        r = db.session.scalar(db.select(Registration))
        r.status = "returned"
        db.session.add(RegistrationEvent(registration_id=r.id, user_id=users["coordinator"], kind="transition",
                                         changes={"from": "pending", "to": "returned", "note": "Foto KTP buram"}))
        db.session.commit()
    assert "Catatan koordinator: Foto KTP buram" in client.get(f"/pendaftaran/{number}").get_data(as_text=True)
    assert "Catatan koordinator: Foto KTP buram" in client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    token = auth.token()
    client.post(f"/pendaftaran/{number}/ubah", data={**worker(address="Dusun II"), "csrf_token": token, "submit": "x"})
    assert saved(app)[0].status == "pending"


def test_a_verified_registration_can_no_longer_be_edited(app, officer, client, visit_id):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    with app.app_context():
        db.session.execute(db.update(Registration).values(status="verified"))
        db.session.commit()
    response = client.get(f"/pendaftaran/{number}/ubah")
    assert response.status_code == 302
    assert "tidak dapat diubah lagi" in client.get(response.headers["Location"]).get_data(as_text=True)


def registration_counted_from(app, day: date, **changes) -> None:
    """Move the (only) registration back to `day`, as if it had been saved then."""
    with app.app_context():
        r = db.session.scalar(db.select(Registration))
        r.contribution = {**r.contribution, "start": day.isoformat()}
        for name, value in changes.items():
            setattr(r, name, value)
        db.session.commit()


def edit(client, auth, number, data, preview=False):
    return client.post(f"/pendaftaran/{number}/ubah", data={**data, "csrf_token": auth.token(),
                                                            "preview" if preview else "submit": "x"})


def test_a_correction_shows_and_saves_the_contribution_of_the_registrations_own_months(
        app, officer, client, visit_id, auth):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    registration_counted_from(app, date(2026, 3, 15))  # before the PP 50/2025 discount months
    page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    assert "&#34;start&#34;: &#34;2026-03&#34;" in page  # the script counts from the same month
    preview = edit(client, auth, number, worker(payment_period="3"), preview=True).get_data(as_text=True)
    # March at the full tariff, April and May halved (PP 50/2025)
    assert 'data-out="monthly">Rp16.800' in preview and 'data-out="period">Rp33.600' in preview
    edit(client, auth, number, worker(payment_period="3"))
    (r,) = saved(app)
    assert (r.contribution["monthly"], r.contribution["period_total"]) == (16_800, 33_600)
    assert r.contribution["start"] == "2026-03-15"


def test_a_worker_who_turned_65_since_registering_can_still_be_corrected(app, officer, client, visit_id, auth):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    registered = local_today() - timedelta(days=400)
    born = (registered - timedelta(days=200)).replace(day=1)
    born = born.replace(year=born.year - 64)  # 64 when registered, 65 today
    nik = f"190301{born:%d%m%y}0001"
    registration_counted_from(app, registered, nik=nik, birth_date=born, sex="M")
    response = edit(client, auth, number, worker(nik=nik, birth_date=born.isoformat(), sex="M", address="Dusun II"))
    assert response.status_code == 302, field_errors(response.get_data(as_text=True))
    assert saved(app)[0].address == "Dusun II"


def test_a_correction_preselects_the_income_bracket_and_keeps_the_amount_if_unchanged(
        app, officer, client, visit_id, auth):
    number = officer.register(visit_id, worker(monthly_income="3.000.000")).headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/pendaftaran/{number}/ubah").get_data(as_text=True)
    assert [value for value, _label, chosen in income_options(page) if chosen] == ["2950000"]
    edit(client, auth, number, worker(monthly_income="2950000"))
    assert saved(app)[0].monthly_income == 3_000_000  # the same bracket: nothing changed
    edit(client, auth, number, worker(monthly_income="3450000"))
    assert saved(app)[0].monthly_income == 3_450_000

