"""Shared pieces of the enrollment tests: a valid worker, and an officer in the middle of a visit."""
import re
import uuid

import pytest

TOBOALI_DESA = "19.03.01.1001"
SITI = {  # a fisherwoman of Toboali, born 15 August 1990
    "nik": "1903015508900001", "full_name": "Siti Aminah", "birth_place": "Toboali", "birth_date": "1990-08-15",
    "sex": "F", "phone": "0812-3456-7890", "address": "Dusun I RT 01 RW 02", "village_code": TOBOALI_DESA,
    "occupation": "nelayan", "occupation_other": "", "work_location": "Pelabuhan Sadai",
    "monthly_income": "1.000.000", "programs": ["JKK", "JKM"], "payment_period": "1", "funding": "self",
    "sponsor_name": "", "heir_name": "Ahmad Fauzi", "heir_relation": "pasangan", "heir_phone": "",
    "guardian_name": "", "guardian_relation": "", "consent": "y", "consent_method": "read_aloud", "notes": "",
}


def worker(**changes) -> dict:
    return {**SITI, **changes}


def api_worker(**changes) -> dict:
    data = {**SITI, "consent": True, "monthly_income": 1_000_000, "payment_period": 1,
            "client_id": str(uuid.uuid4()), **changes}
    return data


CLIENT_ID = re.compile(r'id="client_id" name="client_id" type="hidden" value="([^"]+)"')
ERRORS = re.compile(r'<p class="error" id="([\w-]+)-error">([^<]*)</p>')


def field_errors(page: str) -> dict:
    import html
    return {name: html.unescape(text) for name, text in ERRORS.findall(page)}


class Officer:
    """An officer's phone in the test client: visits, the registration form, the API."""

    def __init__(self, client, auth):
        self.client, self.auth = client, auth

    def start_visit(self, village=TOBOALI_DESA, note="") -> int:
        token = self.auth.token("/kunjungan")
        response = self.client.post("/kunjungan", data={"village_code": village, "note": note, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def open_form(self, visit_id):
        page = self.client.get(f"/kunjungan/{visit_id}/daftar").get_data(as_text=True)
        return CLIENT_ID.search(page).group(1)

    def register(self, visit_id, data, client_id=None, preview=False):
        client_id = client_id or self.open_form(visit_id)
        token = self.auth.token()
        form = {**data, "client_id": client_id, "csrf_token": token}
        form["preview" if preview else "submit"] = "x"
        return self.client.post(f"/kunjungan/{visit_id}/daftar", data=form)

    def api_post(self, payload):
        return self.client.post("/api/v1/registrations", json=payload, headers={"X-CSRFToken": self.auth.token()})


@pytest.fixture
def officer(auth, client, users):
    auth.login("petugas1")
    return Officer(client, auth)


@pytest.fixture
def visit_id(officer):
    return officer.start_visit()
