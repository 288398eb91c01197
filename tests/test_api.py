"""The JSON twin of the registration form: what the offline outbox will call."""
import threading
import uuid
from datetime import datetime, timezone

import pytest

from outreach.services import registrations as service
from outreach.extensions import db
from outreach.models import Registration
from tests.conftest import Auth
from tests.enrollment import Officer, api_worker


def rows(app):
    with app.app_context():
        return db.session.scalars(db.select(Registration)).all()


def test_201_with_number_status_and_contribution(app, officer, visit_id):
    response = officer.api_post(api_worker(visit_id=visit_id, programs=["JKK", "JKM", "JHT"], monthly_income=2_000_000,
                                           payment_period=3))
    body = response.get_json()
    assert response.status_code == 201
    assert body["status"] == "pending" and body["number"].startswith("BS-")
    assert body["contribution"]["monthly_normal"] == 66_800 and body["contribution"]["months"] == 3
    assert body["nik"] == "************0001" and "1903015508900001" not in response.get_data(as_text=True)
    assert rows(app)[0].visit_id == visit_id


def test_a_repeated_client_id_returns_the_same_registration(app, officer):
    payload = api_worker()
    first = officer.api_post(payload)
    again = officer.api_post(payload)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["number"] == again.get_json()["number"]
    assert len(rows(app)) == 1


def test_422_lists_errors_per_field_in_the_active_language(officer, client):
    response = officer.api_post(api_worker(nik="1903015508900001", birth_date="1990-08-16", monthly_income=-5,
                                           programs=["JHT"], payment_period=2, phone="12"))
    errors = response.get_json()["errors"]
    assert response.status_code == 422
    assert errors["birth_date"] == ["Tanggal lahir tidak sesuai dengan NIK."]
    assert set(errors) == {"birth_date", "monthly_income", "programs", "payment_period", "phone"}
    client.get("/bahasa/en?next=/")
    english = officer.api_post(api_worker(birth_date="1990-08-16")).get_json()["errors"]
    assert english == {"birth_date": ["The birth date does not match the NIK."]}


def test_duplicate_nik_answers_422_with_the_existing_registration(officer):
    number = officer.api_post(api_worker()).get_json()["number"]
    response = officer.api_post(api_worker())
    body = response.get_json()
    assert response.status_code == 422
    assert body["duplicate"] == {"number": number, "status": "pending",
                                 "url": f"http://localhost/pendaftaran/{number}/tanda-terima"}
    assert body["errors"]["nik"] == [f"NIK ini sudah terdaftar: {number} (Menunggu verifikasi)."]
    assert officer.client.get(body["duplicate"]["url"]).status_code == 200  # the receipt, to show the worker


def test_another_officers_duplicate_links_to_its_public_status_page(app, officer, make_user):
    """The officer may not open a colleague's registration, but can show the worker where it stands."""
    number = officer.api_post(api_worker()).get_json()["number"]
    make_user("petugas2")
    other = logged_in(app, "petugas2")
    body = other.api_post(api_worker()).get_json()
    url = body["duplicate"]["url"]
    assert body["duplicate"]["number"] == number and "/s/" in url
    assert other.client.get(f"/pendaftaran/{number}/tanda-terima").status_code == 403
    status_page = app.test_client().get(url.replace("http://localhost", ""))
    page = status_page.get_data(as_text=True)
    assert status_page.status_code == 200 and number in page
    assert "Siti Aminah" not in page and "1903015508900001" not in page


def logged_in(app, username) -> Officer:
    client = app.test_client()
    officer = Officer(client, Auth(client))
    officer.auth.login(username)
    return officer


def test_bad_client_ids_and_bodies_are_422_not_500(officer):
    assert officer.api_post(api_worker(client_id="not-a-uuid")).status_code == 422
    assert officer.api_post(["a", "list"]).status_code == 422
    assert officer.api_post(api_worker(visit_id="1")).status_code == 422
    assert officer.api_post(api_worker(visit_id=999_999)).status_code == 422
    weird = api_worker(full_name={"a": 1}, programs="JKK", payment_period=[1], nik=1903015508900001)
    assert officer.api_post(weird).status_code == 422


TEXT, NUMBER, LIST, FLAG = ("Isian harus berupa teks.", "Isian harus berupa bilangan bulat.",
                            "Isian harus berupa daftar teks.", "Isian harus berupa true atau false.")


@pytest.mark.parametrize("field, value, message", [
    ("village_code", ["19.03.01.1001"], TEXT),
    ("village_code", {"code": "19.03.01.1001"}, TEXT),
    ("funding", ["self"], TEXT),
    ("funding", {"self": 1}, TEXT),
    ("heir_relation", ["anak"], TEXT),
    ("occupation", ["nelayan"], TEXT),
    ("sex", ["F"], TEXT),
    ("birth_date", 19900815, TEXT),
    ("nik", 1903015508900001, TEXT),
    ("full_name", 12345, TEXT),
    ("full_name", True, TEXT),
    ("phone", 81234567890, TEXT),
    ("notes", {"a": 1}, TEXT),
    ("consent", ["y"], FLAG),
    ("consent", {"y": 1}, FLAG),
    ("consent", 1, FLAG),
    ("monthly_income", [1_000_000], NUMBER),
    ("monthly_income", {"amount": 1_000_000}, NUMBER),
    ("monthly_income", 1.5, NUMBER),
    ("monthly_income", 1_000_000.0, NUMBER),
    ("monthly_income", True, NUMBER),
    ("payment_period", 1.9, NUMBER),
    ("payment_period", True, NUMBER),
    ("payment_period", [1], NUMBER),
    ("programs", "JKK", LIST),
    ("programs", ["JKK", "JKM", 3], LIST),
])
def test_a_field_of_the_wrong_json_type_is_a_422_on_that_field(app, officer, field, value, message):
    response = officer.api_post(api_worker(**{field: value}))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {field: [message]}
    assert rows(app) == []


@pytest.mark.parametrize("value", [10**30, 2**40, -1, 0, True, 1.0, "1", [1], {"id": 1}])
def test_a_visit_id_that_is_no_visit_is_a_422(app, officer, visit_id, value):
    response = officer.api_post(api_worker(visit_id=value))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"visit_id": ["Kunjungan tidak ditemukan."]}
    assert rows(app) == []


def test_a_closed_visit_takes_only_what_was_captured_while_it_was_open(app, officer, visit_id):
    """The outbox may reach the server after the officer closed the visit; a new capture may not."""
    captured_on_the_boat = datetime.now(timezone.utc).isoformat()
    officer.client.post(f"/kunjungan/{visit_id}/tutup", data={"csrf_token": officer.auth.token()})
    late = officer.api_post(api_worker(visit_id=visit_id))
    assert late.status_code == 422
    assert late.get_json()["errors"] == {
        "visit_id": ["Kunjungan ini sudah ditutup. Mulai kunjungan baru untuk mendaftarkan pekerja."]}
    assert rows(app) == []
    synced = officer.api_post(api_worker(visit_id=visit_id, captured_at=captured_on_the_boat))
    assert synced.status_code == 201 and synced.get_json()["visit_id"] == visit_id


def test_payment_period_may_be_digits_as_text_like_the_form_sends(app, officer):
    assert officer.api_post(api_worker(payment_period="3")).get_json()["payment_period"] == 3
    assert officer.api_post(api_worker(nik="1903011508900002", sex="M", full_name="Budi",
                                       payment_period="1.9")).status_code == 422


# Long, but the whole body under MAX_FORM_LENGTH (256 KB); a larger one is refused unread, 413 (test_security).
@pytest.mark.parametrize("value", ["x" * 10_000, "9" * 5_000, "💥" * 800])
def test_very_long_values_in_every_field_are_a_422_not_a_500(app, officer, value):
    payload = {name: value for name in api_worker()} | {"programs": [value], "visit_id": None}
    response = officer.api_post(payload)
    assert response.status_code == 422 and "client_id" in response.get_json()["errors"]
    response = officer.api_post(payload | {"client_id": str(uuid.uuid4())})
    assert response.status_code == 422 and len(response.get_json()["errors"]) > 10
    assert rows(app) == []


def test_a_client_id_of_another_officer_reveals_nothing(app, officer, make_user):
    payload = api_worker()
    officer.api_post(payload)
    make_user("petugas2")
    other = logged_in(app, "petugas2")
    response = other.api_post(payload | {"nik": "1903011508900002", "sex": "M", "full_name": "Budi"})
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    message = "client_id ini sudah dipakai. Buat client_id baru lalu kirim lagi."
    assert response.get_json()["errors"] == {"client_id": [message]}
    assert "Siti" not in text and "BS-" not in text and "/s/" not in text
    assert len(rows(app)) == 1


def test_csrf_header_is_required(officer, client):
    response = client.post("/api/v1/registrations", json=api_worker())
    assert response.status_code == 400 and response.is_json


def test_session_expired_is_401_json(client):
    response = client.get("/api/v1/registrations")
    assert response.status_code == 401 and response.get_json()["error"] == "Sesi berakhir. Silakan masuk lagi."


def test_coordinators_cannot_enroll(app, users):
    client = app.test_client()
    auth = Auth(client)
    auth.login("koord1")
    response = client.post("/api/v1/registrations", json=api_worker(), headers={"X-CSRFToken": auth.token()})
    assert response.status_code == 403


def test_another_officers_visit_is_refused(app, officer, make_user):
    make_user("petugas2")
    other_client = app.test_client()
    other = Officer(other_client, Auth(other_client))
    other.auth.login("petugas2")
    theirs = other.start_visit()
    response = officer.api_post(api_worker(visit_id=theirs))
    assert response.status_code == 422 and "visit_id" in response.get_json()["errors"]


def test_list_is_the_officers_own_newest_first_and_searchable(app, officer, make_user):
    officer.api_post(api_worker())
    officer.api_post(api_worker(nik="1903011508900002", full_name="Budi Santoso", sex="M"))
    listing = officer.client.get("/api/v1/registrations").get_json()["registrations"]
    assert [r["full_name"] for r in listing] == ["Budi Santoso", "Siti Aminah"]
    found = officer.client.get("/api/v1/registrations?q=budi").get_json()["registrations"]
    assert [r["full_name"] for r in found] == ["Budi Santoso"]
    for wildcard in ("%", "_", "%%", "BS-%", "BS-____-"):  # typed characters, not patterns that match everything
        found = officer.client.get("/api/v1/registrations", query_string={"q": wildcard}).get_json()
        assert found["registrations"] == []
    make_user("petugas2")
    other = app.test_client()
    Auth(other).login("petugas2")
    assert other.get("/api/v1/registrations").get_json()["registrations"] == []


def post_at_once(app, payloads) -> list:
    """POST each payload from its own logged-in officer session, all released at the same moment."""
    sessions = []
    for _ in payloads:
        client = app.test_client()
        auth = Auth(client)
        auth.login("petugas1")
        sessions.append((client, auth.token()))
    start = threading.Barrier(len(payloads))
    answers = []

    def post(payload, client, token):
        start.wait()
        response = client.post("/api/v1/registrations", json=payload, headers={"X-CSRFToken": token})
        answers.append((response.status_code, response.get_json().get("number")))

    threads = [threading.Thread(target=post, args=(payload, *session)) for payload, session in zip(payloads, sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return answers


@pytest.mark.parametrize("attempt", range(8))
def test_two_concurrent_posts_of_one_client_id_make_exactly_one_row(app, users, attempt):
    """The outbox retries while the first attempt is still in flight: the server must keep one, and the
    retry gets the saved registration (200), never a 422 for a "duplicate" of itself."""
    payload = api_worker()
    answers = post_at_once(app, [payload, payload])
    codes = [code for code, _number in answers]
    assert len(codes) == 2 and set(codes) <= {200, 201} and codes.count(201) == 1, answers
    assert len({number for _code, number in answers}) == 1
    assert len(rows(app)) == 1


def test_a_retry_that_sees_its_own_row_as_a_nik_duplicate_answers_200(app, officer, monkeypatch):
    """The race above, made certain: the retry looked up its client_id just before the original committed,
    so its checks find the original's NIK. It is the same form: 200 with the saved registration."""
    payload = api_worker()
    first = officer.api_post(payload).get_json()
    real, looked = service.by_client_id, []

    def not_yet_committed(client_id, officer_id):
        looked.append(client_id)
        return None if len(looked) == 1 else real(client_id, officer_id)

    monkeypatch.setattr(service, "by_client_id", not_yet_committed)
    again = officer.api_post(payload)
    assert again.status_code == 200 and again.get_json()["number"] == first["number"]
    assert len(rows(app)) == 1


def test_concurrent_different_workers_get_distinct_numbers(app, users):
    niks = [f"19030115089{n:05d}" for n in range(1, 7)]
    answers = post_at_once(app, [api_worker(nik=nik, sex="M", client_id=str(uuid.uuid4())) for nik in niks])
    assert [code for code, _number in answers] == [201] * len(niks)
    numbers = [r.number for r in rows(app)]
    assert len(numbers) == len(set(numbers)) == len(niks)


def test_captured_at_is_kept_beside_created_at(app, officer):
    body = officer.api_post(api_worker(captured_at="2026-11-20T07:15:00.000Z")).get_json()
    assert body["captured_at"] == "2026-11-20T07:15:00+00:00"
    (r,) = rows(app)
    assert r.captured_at.isoformat() == "2026-11-20T07:15:00+00:00" and r.created_at > r.captured_at


@pytest.mark.parametrize("raw", ["kemarin", "2099-01-01T00:00:00Z", "1999-01-01T00:00:00Z", 12345, "x" * 100])
def test_implausible_captured_at_is_dropped_not_refused(app, officer, raw):
    response = officer.api_post(api_worker(captured_at=raw))
    assert response.status_code == 201 and response.get_json()["captured_at"] is None


def test_session_endpoint_gives_the_user_and_a_fresh_token(officer, client, users):
    body = client.get("/api/v1/session").get_json()
    assert body["user_id"] == users["officer"] and body["role"] == "officer" and body["csrf_token"]
    assert client.post("/api/v1/registrations", json=api_worker(),
                       headers={"X-CSRFToken": body["csrf_token"]}).status_code == 201


def test_the_old_regency_budget_code_is_still_accepted(app, officer):
    """Phones hold entries made by older pages: `apbd` is the regency's budget, saved as apbd_kabupaten."""
    saved = officer.api_post(api_worker(funding="apbd"))
    assert saved.status_code == 201 and saved.get_json()["funding"] == "apbd_kabupaten"
