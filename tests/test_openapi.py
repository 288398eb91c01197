"""/api/v1/openapi.json is kept true: every route, method and code list of the API is in it, and it is a valid
OpenAPI 3.1 document (tests/test_api_fuzz.py then fuzzes the app against it)."""
import re

from outreach.domain import codes, workflow
from outreach.domain import contribution as rules
from outreach.domain.occupations import CODES as OCCUPATIONS

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def described(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_every_api_route_and_method_is_described(app, client):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            routes |= {(path, method.lower()) for method in rule.methods & METHODS}
    paths = described(client)["paths"]
    assert routes == {(path, method) for path, ops in paths.items() for method in ops}


def test_the_code_lists_are_the_ones_the_app_checks_against(client):
    doc = described(client)
    found = doc["components"]["x-codes"]
    assert found["heirRelations"] == list(codes.HEIR_RELATIONS)
    assert found["occupations"] == list(OCCUPATIONS)
    assert found["payers"] == list(rules.FUNDING) and found["payerAliases"] == {"apbd": "apbd_kabupaten"}
    assert found["returnReasons"] == list(workflow.RETURN_REASONS)
    assert found["rejectReasons"] == list(workflow.REASONS)
    new = doc["components"]["schemas"]["NewRegistration"]["properties"]
    assert new["heir_relation"]["enum"][:-1] == list(codes.HEIR_RELATIONS)
    assert set(new["funding"]["enum"]) == set(rules.FUNDING) | {"apbd", None}
    transition = doc["components"]["schemas"]["Transition"]["properties"]
    assert set(transition["reason"]["enum"]) == set(workflow.REASONS) | set(workflow.RETURN_REASONS) | {None}


def test_every_operation_says_its_error_shape_and_codes(client):
    doc = described(client)
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            answers = op["responses"]
            assert any(code.startswith("2") for code in answers), (path, method)
            if op.get("security") != []:
                assert "401" in answers, (path, method)
            if method == "post":
                assert {"400", "422"} <= set(answers), (path, method)
            for code, answer in answers.items():
                if code >= "400":
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_it_is_a_valid_openapi_31_document(client):
    from schemathesis.openapi import from_dict
    doc = described(client)
    assert doc["openapi"] == "3.1.0"
    schema = from_dict(doc)
    schema.validate()  # against the OpenAPI 3.1 meta-schema: raises on a malformed description
    assert sorted(op.ok().label for op in schema.get_all_operations()) == sorted(
        f"{method.upper()} {path}" for path, ops in doc["paths"].items() for method in ops)
