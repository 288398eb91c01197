"""Shared pieces of the review tests: a logged-in coordinator, registrations made and moved through the app."""
from datetime import date

import pytest

from outreach.extensions import db
from outreach.models import Registration
from tests.conftest import Auth
from tests.enrollment import worker


def enroll(officer, visit_id, **changes) -> str:
    response = officer.register(visit_id, worker(**changes))
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture
def coordinator(app, users):
    client = app.test_client()
    auth = Auth(client)
    auth.login("koord1")
    client.auth = auth
    return client


def api(client, number, **body):
    return client.post(f"/api/v1/registrations/{number}/transition", json=body,
                       headers={"X-CSRFToken": client.auth.token()})


def current(app, number) -> Registration:
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        db.session.expunge(r)
        return r


def move(client, number, to, **fields):
    version = client.get(f"/api/v1/registrations/{number}").get_json()["version"]
    data = {"csrf_token": client.auth.token(), "to": to, f"{to}-version": version}
    data.update({f"{to}-{k}": v for k, v in fields.items()})
    return client.post(f"/tinjau/{number}/status", data=data)


def submitted(app, officer, visit_id, coordinator, n) -> list[str]:
    numbers = []
    for i in range(1, n + 1):
        number = enroll(officer, visit_id, nik=f"19030115089{i:05d}", sex="M", full_name=f"Nelayan {i}")
        move(coordinator, number, "verified")
        move(coordinator, number, "submitted")
        numbers.append(number)
    return numbers


def bulk_rows(app, officer_id, n, start=0, **overrides) -> list[str]:
    """n registrations written straight to the table (the queue's tests need many, and control of dates)."""
    from outreach.models.types import utcnow
    now = utcnow()
    base = {"status": "pending", "officer_id": officer_id, "birth_place": "Toboali", "birth_date": date(1990, 8, 15),
            "sex": "M", "phone": "+6281234567890", "address": "Dusun I", "village_code": "19.03.01.1001",
            "kecamatan_code": "19.03.01", "occupation": "nelayan", "monthly_income": 1_000_000,
            "programs": ["JKK", "JKM"], "payment_period": 1, "funding": "self", "heir_name": "Ahli",
            "heir_relation": "anak", "consent_version": "t", "contribution": {}, "flags": [], "version": 1,
            "is_demo": False, "consent_at": now, "created_at": now, "updated_at": now}
    rows = [{**base, "number": f"BT-{i:08d}", "client_id": f"00000000-0000-4000-8000-{i:012d}",
             "nik": f"19030115{i:08d}", "nik_last4": f"{i:08d}"[-4:], "full_name": f"Pekerja {i}",
             "name_key": f"PEKERJA {i}", **overrides} for i in range(start, start + n)]
    with app.app_context():
        db.session.execute(db.insert(Registration), rows)
        db.session.commit()
    return [r["number"] for r in rows]


def login_as(app, username):
    client = app.test_client()
    client.auth = Auth(client)
    client.auth.login(username)
    return client
