"""Who may open what: every route of the app, by role. New routes must be placed in this table."""
import pytest

from tests.conftest import Auth

PUBLIC = {"auth.login_page", "main.healthz", "main.set_language", "static", "status.show", "status.lookup"}
# endpoint -> roles allowed (logged-in roles not listed get 403)
LOGGED_IN = {
    "main.home": {"officer", "coordinator", "admin"},
    "auth.logout": {"officer", "coordinator", "admin"},
    "auth.change_password": {"officer", "coordinator", "admin"},
    "admin.users": {"admin"},
    "admin.create_user": {"admin"},
    "admin.edit_user": {"admin"},
    "admin.reset_password": {"admin"},
    "enroll.visits": {"officer"},
    "enroll.visit": {"officer"},
    "enroll.close_visit": {"officer"},
    "enroll.register": {"officer"},
    "enroll.my_registrations": {"officer"},
    "enroll.registration": {"officer", "coordinator", "admin"},  # further limited per registration
    "enroll.edit": {"officer"},
    "receipts.show": {"officer", "coordinator", "admin"},  # further limited per registration
    "receipts.png": {"officer", "coordinator", "admin"},
    "receipts.reissue": {"officer", "coordinator", "admin"},
    "api.create_registration": {"officer"},
    "api.list_registrations": {"officer"},
}
SAMPLE_ARGS = {"user_id": 1, "code": "en", "filename": "app.css", "visit_id": 1, "number": "BS-2611-000001",
               "token": "x" * 32}


def routes(app):
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else "POST"
        yield rule.endpoint, method, rule.build({k: SAMPLE_ARGS[k] for k in rule.arguments})[1]


def test_every_route_is_classified(app):
    endpoints = {endpoint for endpoint, _m, _p in routes(app)}
    assert endpoints == PUBLIC | set(LOGGED_IN), "add new routes to the access table"


def test_anonymous_visitors_reach_only_public_routes(app, client):
    for endpoint, method, path in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(path, method=method)
        if method == "POST":
            assert response.status_code in (302, 400), (endpoint, response.status_code)  # CSRF or login first
        elif path.startswith("/api/"):
            assert response.status_code == 401 and response.is_json, endpoint
        else:
            assert response.status_code == 302 and response.headers["Location"].startswith("/masuk"), endpoint


@pytest.mark.parametrize("role, username", [("officer", "petugas1"), ("coordinator", "koord1"), ("admin", "admin1")])
def test_logged_in_roles(app, users, role, username):
    client = app.test_client()
    auth = Auth(client)
    auth.login(username)
    for endpoint, method, path in routes(app):
        if endpoint in PUBLIC or endpoint == "auth.logout":
            continue
        token = auth.token()
        data = {"csrf_token": token} if method == "POST" else None
        status = client.open(path, method=method, data=data, headers={"X-CSRFToken": token}).status_code
        if role in LOGGED_IN[endpoint]:
            assert status != 403, (role, endpoint)
        else:
            assert status == 403, (role, endpoint, status)
