"""The API fuzzed against its own description (schemathesis): as an officer and as a coordinator, no 500, no
answer outside the description (status, content type, body), and no 2xx for a request the description calls
invalid. In-process on the WSGI app, a bounded number of examples per operation."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from tests.conftest import Auth
from tests.review_helpers import move
from tests.enrollment import Officer, worker

EXAMPLES = 150  # per mode and role, spread over the operations: the whole file runs well under two minutes
CONFIG = {
    "generation": {"with-security-parameters": False},
    # The rules beyond a JSON schema (a NIK's region and birth date, the age, the contribution) refuse some
    # schema-valid requests with 422 and the field's message: that is the API working, not failing.
    # ignored_auth would send the role's own cookies with its "invalid" ones (they are passed on every call);
    # a request without a session is tests/test_access.py's: 401 on every API route.
    "checks": {"positive_data_acceptance": {"enabled": False}, "ignored_auth": {"enabled": False}},
}


def logged_in(app, role):
    """The role's session cookie and CSRF token, and registrations it may see (one returned, one submitted)."""
    client = app.test_client()
    officer = Officer(client, Auth(client))
    officer.auth.login("petugas1")
    visit = officer.start_visit()
    numbers = [officer.register(visit, worker(nik=f"190301550890000{i}", full_name=f"Siti {i}"))
               .headers["Location"].rsplit("/", 1)[1] for i in (1, 2)]
    coordinator = app.test_client()
    coordinator.auth = Auth(coordinator)
    coordinator.auth.login("koord1")
    move(coordinator, numbers[0], "returned", reason="incomplete", note="RT/RW")
    move(coordinator, numbers[1], "verified")
    move(coordinator, numbers[1], "submitted")
    client = officer.client if role == "officer" else coordinator
    token = Auth(client).token()
    cookies = {c.key: c.value for c in client._cookies.values()}
    # identity: in-process, schemathesis reads the body as sent and would not undo the app's gzip or brotli
    return {"headers": {"X-CSRFToken": token, "Accept-Encoding": "identity"}, "cookies": cookies, "numbers": numbers}


def call(case, real, session):
    if real is not None and case.path_parameters and "number" in case.path_parameters:
        case.path_parameters["number"] = session["numbers"][real]  # a registration that exists
    case.call_and_validate(headers=session["headers"], cookies=session["cookies"])


def fuzz(app, session):
    """Every operation, with data that fits the description and data that does not."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG))
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        @given(case=schema.as_strategy(generation_mode=mode), real=st.sampled_from([None, 0, 1]))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case, real):
            call(case, real, session)

        run()


@pytest.mark.parametrize("role", ["officer", "coordinator"])
def test_api_holds_to_its_description(app, users, role):
    fuzz(app, logged_in(app, role))
