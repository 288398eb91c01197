"""Who may reach what: every route of the app, for every kind of visitor, on real ids (no IDOR).

Visitors: anonymous; the officer who owns the registration and visit; another officer of the same
kecamatan; the coordinator of that kecamatan; a coordinator of another kecamatan; an administrator.
A new route fails test_every_route_is_classified until it is placed in ACCESS.
"""
from datetime import date

import pytest

from tests.conftest import LEPAR, TOBOALI, Auth
from tests.enrollment import worker

EVERYONE = {"owner", "officer2", "coord", "coord_other", "admin"}
PUBLIC = {"auth.login_page", "main.healthz", "main.set_language", "static", "status.show", "status.lookup",
          "offline.service_worker", "offline.manifest", "offline.offline_page", "api.openapi_description",
          "api.message_reply"}  # the gateway's signed reply: its signature is its login (tests/test_messages.py)
# endpoint -> the visitors who get through (the others get 403; anonymous is sent to log in)
ACCESS = {
    "main.home": EVERYONE,
    "auth.logout": EVERYONE,
    "auth.change_password": EVERYONE,
    "admin.users": {"admin"},
    "admin.create_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.reset_password": {"admin"},
    "admin.end_sessions": {"admin"},  # the owner's sessions: after everyone else has used them
    "enroll.visits": {"owner", "officer2"},
    "enroll.visit": {"owner"},
    "enroll.close_visit": {"owner"},
    "enroll.register": {"owner"},
    "enroll.my_registrations": {"owner", "officer2"},
    "enroll.registration": {"owner", "coord", "admin"},
    "enroll.edit": {"owner"},
    "receipts.show": {"owner", "coord", "admin"},
    "receipts.png": {"owner", "coord", "admin"},
    "receipts.reissue": {"owner", "coord", "admin"},
    "review.queue": {"coord", "coord_other", "admin"},
    "review.bulk": {"coord", "coord_other", "admin"},
    "review.detail": {"coord", "admin"},
    "review.reveal": {"coord", "admin"},
    "review.move": {"coord", "admin"},
    "review.correct_kpj": {"coord", "admin"},
    "review.kpj_import": {"coord", "coord_other", "admin"},
    "review.export_rows": {"coord", "coord_other", "admin"},
    "review.audit_trail": {"coord", "coord_other", "admin"},
    "dashboard.show": {"coord", "coord_other", "admin"},
    "offline.outbox": {"owner", "officer2"},
    "enroll.correct_offline": {"owner", "officer2"},
    "api.session_info": EVERYONE,
    "api.create_registration": {"owner", "officer2"},
    "api.list_registrations": {"owner", "officer2"},
    "api.get_registration": {"owner", "coord", "admin"},
    "api.transition": {"coord", "admin"},  # officers may only resubmit their own returned ones
    "api.correct_kpj": {"coord", "admin"},
    "privacy.requests": {"coord", "coord_other", "admin"},
    "privacy.new_request": {"coord", "coord_other", "admin"},
    "privacy.request_detail": {"coord", "admin"},
    "privacy.close_request": {"coord", "admin"},
    "privacy.erase": {"coord", "admin"},
    "privacy.access_page": {"coord", "admin"},
    "privacy.access_json": {"coord", "admin"},
    "privacy.run_retention": {"admin"},  # a job, as `retention run --job` (tests/test_routine_jobs.py)
    "programmes.index": {"coord", "coord_other", "admin"},
    "programmes.create": {"admin"},
    "programmes.edit": {"admin"},
    "programmes.show": {"coord", "admin"},  # a programme of Toboali: not Lepar's coordinator
    "programmes.export_members": {"coord", "admin"},
    "tasks.show": {"coord"},  # a job: only the user who started it (an export's file holds personal data)
    "tasks.download": {"coord"},
    # Follow-up: officers and coordinators of the worker's kecamatan, whoever enrolled them (tests/test_followup.py).
    "followup.lists": EVERYONE,
    "followup.worker": {"owner", "officer2", "coord", "admin"},
    "followup.send_message": {"owner", "officer2", "coord", "admin"},
    "followup.visit_list": {"owner"},
    "followup.export_contacts": {"coord", "coord_other", "admin"},
    "followup.cohort": {"admin"},
    "followup.send_due_messages": {"admin"},  # a job, as `messages send --job` (tests/test_routine_jobs.py)
    "api.log_contact": {"owner", "officer2", "coord", "admin"},
    "api.record_payment": {"coord", "admin"},  # 409 before the KPJ; officers 403 (tests/test_payments_api.py)
    # Payments: coordinators of the worker's kecamatan and admins (tests/test_payment_pages.py).
    "payments.record": {"coord", "admin"},
    "payments.import_file": {"coord", "coord_other", "admin"},  # each sees only their own area's rows
    "payments.programme_month": {"coord", "admin"},  # a programme of Toboali: not Lepar's coordinator
}
ORDER = ["anonymous", "officer2", "coord_other", "owner", "coord", "admin"]  # state-changing visitors last


@pytest.fixture
def world(app, officer, visit_id, make_user, users):
    number = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    make_user("petugas2")
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    logins = {"owner": "petugas1", "officer2": "petugas2", "coord": "koord1", "coord_other": "koord_lepar",
              "admin": "admin1"}
    with app.app_context():  # a data-subject request about the registration (Toboali)
        from outreach.extensions import db
        from outreach.models import PrivacyRequest, Programme, ProgrammeQuota, Registration
        from outreach.models.types import utcnow
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        request = PrivacyRequest(registration_id=r.id, kecamatan_code=r.kecamatan_code, kind="access",
                                 identified_by="in_person", received_at=utcnow(), due_at=utcnow(),
                                 recorded_by=users["coordinator"])
        db.session.add(request)
        programme = Programme(name="APBD Toboali", payer="apbd_kabupaten", first_month=date(2026, 1, 1), months=12,
                              budget=1_000_000, quotas=[ProgrammeQuota(kecamatan_code=TOBOALI, quota=10)])
        db.session.add(programme)
        from outreach.models import Job
        job = Job(kind="export_queue", user_id=users["coordinator"], params={}, state="done", attempts=1,
                  filename="pendaftaran.csv", mimetype="text/csv")  # only who started a job sees it
        db.session.add(job)
        db.session.commit()
        request_id, programme_id, job_id = request.id, programme.id, job.id
    return {"number": number, "visit_id": visit_id, "user_id": users["officer"], "logins": logins,
            "request_id": request_id, "programme_id": programme_id, "job_id": job_id}


def routes(app, world):
    args = {"user_id": world["user_id"], "code": "en", "filename": "app.css", "visit_id": world["visit_id"],
            "number": world["number"], "token": "x" * 32, "fmt": "csv", "request_id": world["request_id"],
            "programme_id": world["programme_id"], "job_id": world["job_id"]}
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, rule.build({k: args[k] for k in rule.arguments})[1]


def test_every_route_is_classified(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == PUBLIC | set(ACCESS), "place new routes in ACCESS"


def test_every_route_for_every_visitor(app, world):
    for visitor in ORDER:
        client = app.test_client()
        auth = Auth(client)
        if visitor != "anonymous":
            auth.login(world["logins"][visitor])
        for endpoint, method, path in routes(app, world):
            if endpoint in PUBLIC or endpoint == "auth.logout":
                continue
            token = auth.token("/masuk" if visitor == "anonymous" else "/")
            kwargs = {"headers": {"X-CSRFToken": token}}
            if endpoint.startswith("api.") and method == "POST":
                kwargs["json"] = {"to": "verified"}
            elif method == "POST":
                kwargs["data"] = {"csrf_token": token}
            response = client.open(path, method=method, **kwargs)
            response.get_data()  # let streamed responses (exports) finish and release their context
            status, where = response.status_code, response.headers.get("Location", "")
            if visitor == "anonymous":
                assert status == 401 if path.startswith("/api/") else (status == 302 and where.startswith("/masuk")), \
                    (endpoint, status)
            elif visitor in ACCESS[endpoint]:
                assert status not in (401, 403) and not where.startswith("/masuk"), (visitor, endpoint, status)
            else:
                assert status == 403, (visitor, endpoint, status)


def test_a_coordinator_cannot_widen_the_queue_to_another_kecamatan(app, world):
    client = app.test_client()
    Auth(client).login("koord_lepar")
    page = client.get("/tinjau?kecamatan=19.03.01").get_data(as_text=True)
    assert world["number"] not in page
    export = client.get("/tinjau/ekspor.csv?kecamatan=19.03.01").get_data(as_text=True)
    assert world["number"] not in export and "1903015508900001" not in export


def test_bulk_actions_skip_registrations_outside_the_kecamatan(app, world):
    client = app.test_client()
    auth = Auth(client)
    auth.login("koord_lepar")
    client.post("/tinjau/massal", data={"csrf_token": auth.token(), "to": "verified", "number": world["number"]})
    owner = app.test_client()
    Auth(owner).login("petugas1")
    assert owner.get(f"/api/v1/registrations/{world['number']}").get_json()["status"] == "pending"
