"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Built from the code lists the app checks against (domain/codes, occupations, contribution, workflow), so a
new code is described the moment it is accepted; tests/test_openapi.py fails on a route without its path
here, and schemathesis fuzzes the running app against it. One function per path: a new route adds one and
names it in PATHS. Versioning rules: README, "API".
"""
from outreach.domain import codes, payments, protection, workflow
from outreach.domain import contribution as rules
from outreach.domain.occupations import CODES as OCCUPATIONS
from outreach.services.checks import LIMITS, TEXTS

JSON = "application/json"
TEXT_OR_NULL = {"type": ["string", "null"]}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict, description: str | None = None) -> dict:
    return {"description": description or "", "content": {JSON: {"schema": schema}}}


def errors(*codes_: int) -> dict:
    """The error answers of an operation: every one carries `error`, a sentence for the user."""
    words = {400: "the CSRF token (X-CSRFToken) is missing or stale: ask /session for a fresh one",
             401: "not logged in, or the session has ended", 403: "the role or the area does not allow it",
             404: "no such registration", 409: "a conflict: the client_id is taken, or the registration changed "
             "since the version sent", 413: "the body is larger than the server takes",
             422: "fields that fail their checks, by field (`errors`); nothing was saved"}
    return {str(code): body(ref("Error"), words[code]) for code in codes_}


NUMBER = {"name": "number", "in": "path", "required": True, "description": "The registration number, e.g. "
          "BS-2611-000149 (the prefix is the deployment's NUMBER_PREFIX)", "schema": {"type": "string"}}
GET_AUTH = [{"session": []}]
POST_AUTH = [{"session": [], "csrf": []}]


def session_path() -> dict:
    return {"get": {
        "operationId": "session", "summary": "Who is logged in, and a fresh CSRF token for the next POSTs",
        "security": GET_AUTH,
        "responses": {"200": body({"type": "object", "required": ["user_id", "role", "csrf_token"], "properties": {
            "user_id": {"type": "integer"}, "role": {"enum": ["officer", "coordinator", "admin"]},
            "csrf_token": {"type": "string"}}}, "the session"), **errors(401)}}}


def registrations_path() -> dict:
    return {
        "get": {
            "operationId": "listRegistrations", "summary": "The logged-in officer's own registrations, newest "
            "first, 50 a page", "security": GET_AUTH,
            "parameters": [
                {"name": "q", "in": "query", "description": "a piece of the name or number (at most 60 characters "
                 "are read)", "schema": {"type": "string"}},
                {"name": "status", "in": "query", "schema": {"enum": list(workflow.STATUSES)}},
                {"name": "before", "in": "query", "description": "next_before of the previous page; anything "
                 "else starts from the newest", "schema": {"type": "string"}},
            ],
            "responses": {"200": body({"type": "object", "required": ["registrations", "next_before"], "properties": {
                "registrations": {"type": "array", "items": ref("Registration")},
                "next_before": {"type": ["integer", "null"]}}}, "a page"), **errors(401, 403, 422)}},
        "post": {
            "operationId": "createRegistration", "summary": "Save a registration (the form's twin); sending the same "
            "client_id again answers the registration already saved (200), never a second one",
            "security": POST_AUTH, "requestBody": {"required": True, "content": {JSON: {"schema": ref("NewRegistration")}}},
            "responses": {"201": body(ref("Registration"), "saved"), "200": body(ref("Registration"), "saved before"),
                          **errors(400, 401, 403, 409, 413, 422)}}}


def registration_path() -> dict:
    return {"get": {
        "operationId": "getRegistration", "summary": "One registration with its history (a look by anyone but its "
        "officer is audited)", "security": GET_AUTH, "parameters": [NUMBER],
        "responses": {"200": body(ref("RegistrationDetail"), "the registration"), **errors(401, 403, 404)}}}


def transition_path() -> dict:
    return {"post": {
        "operationId": "transition", "summary": "Move a registration to another status (the coordinators' review; "
        "an officer resubmits their own returned one)", "security": POST_AUTH, "parameters": [NUMBER],
        "requestBody": {"required": True, "content": {JSON: {"schema": ref("Transition")}}},
        "responses": {"200": body(ref("RegistrationDetail"), "moved"), **errors(400, 401, 403, 404, 409, 413, 422)}}}


def kpj_path() -> dict:
    return {"post": {
        "operationId": "correctKpj", "summary": "Put right an active registration's mistyped KPJ number",
        "security": POST_AUTH, "parameters": [NUMBER],
        "requestBody": {"required": True, "content": {JSON: {"schema": ref("KpjCorrection")}}},
        "responses": {"200": body(ref("RegistrationDetail"), "corrected"), **errors(400, 401, 403, 404, 409, 413, 422)}}}


def contacts_path() -> dict:
    return {"post": {
        "operationId": "logContact", "summary": "Log a contact with a worker (the offline outbox sends these; a "
        "client_id already saved answers 200 with the same contact)", "security": POST_AUTH, "parameters": [NUMBER],
        "requestBody": {"required": True, "content": {JSON: {"schema": ref("Contact")}}},
        "responses": {"201": body({"type": "object"}, "logged"), "200": body({"type": "object"}, "logged before"),
                      **errors(400, 401, 403, 404, 409, 413, 422)}}}


def payments_path() -> dict:
    return {"post": {
        "operationId": "recordPayment", "summary": "Record a contribution payment (coordinators of the kecamatan, "
        "administrators); an amount unlike the rule is flagged (mismatch), not refused; the same payment sent "
        "again answers 200 and is recorded once", "security": POST_AUTH, "parameters": [NUMBER],
        "requestBody": {"required": True, "content": {JSON: {"schema": ref("Payment")}}},
        "responses": {"201": body(ref("RegistrationDetail"), "recorded, with the new protection"),
                      "200": body(ref("RegistrationDetail"), "recorded before"),
                      **errors(400, 401, 403, 404, 409, 413, 422)}}}


def reply_path() -> dict:
    return {"post": {
        "operationId": "messageReply", "summary": "A worker's reply passed on by the message gateway, signed with "
        "X-Outreach-Signature (sha256 HMAC of the raw body); BERHENTI stops automatic messages", "security": [],
        "requestBody": {"required": True, "content": {JSON: {"schema": {"type": "object", "properties": {
            "from": {"type": "string"}, "text": {"type": "string"}}}}}},
        "responses": {"200": body({"type": "object"}, "taken"), **errors(400, 403, 413, 422)}}}


def openapi_path() -> dict:
    return {"get": {"operationId": "openapi", "summary": "This description", "security": [],
                    "responses": {"200": body({"type": "object"}, "OpenAPI 3.1")}}}


# URL rule (as Flask writes it under /api/v1) -> the function describing it
PATHS = {
    "/api/v1/session": session_path,
    "/api/v1/registrations": registrations_path,
    "/api/v1/registrations/{number}": registration_path,
    "/api/v1/registrations/{number}/transition": transition_path,
    "/api/v1/registrations/{number}/kpj": kpj_path,
    "/api/v1/registrations/{number}/contacts": contacts_path,
    "/api/v1/registrations/{number}/payments": payments_path,
    "/api/v1/messages/reply": reply_path,
    "/api/v1/openapi.json": openapi_path,
}


def text(name: str) -> dict:
    limit = {"maxLength": LIMITS[name]} if name in LIMITS else {}
    return {"type": ["string", "null"], **limit}


def new_registration() -> dict:
    """What the form asks; the types are checked (a wrong type is a 422 beside the field), and every rule after
    that (NIK, age, contribution...) answers 422 with the field's message."""
    props = {name: text(name) for name in TEXTS}
    props.update({
        "client_id": {"type": "string", "format": "uuid", "description": "made by the device, once per registration"},
        "nik": {"type": ["string", "null"], "description": "16 digits; spaces, dots and dashes between groups are "
                "dropped. Kemendagri codes; a NIK of another regency is accepted and flagged"},
        "birth_date": {"type": ["string", "null"], "description": "YYYY-MM-DD (DD-MM-YYYY is read too)"},
        "sex": {"enum": [*codes.SEXES, None]},
        "village_code": {"type": ["string", "null"], "description": "a desa of the deployment's district"},
        "occupation": {"enum": [*OCCUPATIONS, None]},
        "monthly_income": {"type": ["integer", "string", "null"], "description": f"whole Rupiah, {rules.MIN_INCOME}-"
                           f"{rules.MAX_INCOME}, or its digits as text"},
        "programs": {"type": ["array", "null"], "items": {"type": "string", "enum": list(rules.PROGRAMS)},
                     "description": "JKK and JKM always; JHT optional"},
        "payment_period": {"type": ["integer", "string", "null"], "description": "months paid at once: "
                           + ", ".join(map(str, rules.PERIODS))},
        "funding": {"enum": [*rules.FUNDING, *rules.FUNDING_ALIASES, None], "description": "who pays; "
                    + ", ".join(f"`{old}` is read as `{new}`" for old, new in rules.FUNDING_ALIASES.items())},
        "heir_relation": {"enum": [*codes.HEIR_RELATIONS, None]},
        "guardian_relation": {"enum": [*codes.GUARDIAN_RELATIONS, None]},
        "consent": {"type": ["boolean", "string", "null"], "description": "true: the worker consented"},
        "consent_method": {"enum": [*codes.CONSENT_METHODS, None]},
        "visit_id": {"type": ["integer", "null"], "description": "one of the officer's open visits"},
        "captured_at": {"type": ["string", "null"], "description": "ISO 8601 time the phone captured it offline; "
                        "unreadable or implausible times are ignored"},
    })
    return {"type": "object", "required": ["client_id"], "properties": props}


def registration() -> dict:
    return {"type": "object", "required": ["number", "client_id", "status", "created_at", "url", "receipt_url"],
            "properties": {
                "number": {"type": "string"}, "client_id": {"type": "string"},
                "status": {"enum": list(workflow.STATUSES)}, "full_name": TEXT_OR_NULL,
                "nik": {**TEXT_OR_NULL, "description": "masked: the last four digits"},
                "village_code": TEXT_OR_NULL, "visit_id": {"type": ["integer", "null"]},
                "occupation": {"enum": [*OCCUPATIONS, None]},
                "programs": {"type": ["array", "null"], "items": {"type": "string"}},
                "payment_period": {"type": ["integer", "null"]}, "funding": {"enum": [*rules.FUNDING, None]},
                "contribution": {"type": ["object", "null"]},
                "flags": {"type": ["array", "null"], "items": {"enum": list(codes.FLAGS)}},
                "consent_version": TEXT_OR_NULL, "consent_method": {"enum": [*codes.CONSENT_METHODS, None]},
                "created_at": {"type": "string"}, "captured_at": TEXT_OR_NULL,
                "url": {"type": "string"}, "receipt_url": {"type": "string"},
                "status_url": {**TEXT_OR_NULL, "description": "the worker's status page; null once erased"}}}


def registration_detail() -> dict:
    return {"allOf": [ref("Registration"), {"type": "object", "required": ["version", "history"], "properties": {
        "version": {"type": "integer", "description": "send it back with a move: a stale one answers 409"},
        "kpj": TEXT_OR_NULL,
        "reason": {"enum": [*workflow.REASONS, *workflow.RETURN_REASONS, None], "description": "why it was "
                   "returned (returnReasons) or rejected (rejectReasons)"},
        "history": {"type": "array", "items": {"type": "object", "required": ["kind", "at"], "properties": {
            "kind": {"type": "string"}, "at": {"type": "string"}, "by": TEXT_OR_NULL,
            "changes": {"type": "object"}}}},
        "protection": {"type": "object", "properties": {
            "state": {"enum": list(protection.STATES)}, "until": TEXT_OR_NULL,
            "unpaid_months": {"type": "integer"}}},
        "payments": {"type": "array", "items": {"type": "object"}}}}]}


def transition() -> dict:
    return {"type": "object", "required": ["to"], "properties": {
        "to": {"enum": [s for s in workflow.STATUSES if s != "erased"]},
        "version": {"type": ["integer", "null"]},
        "reason": {"type": ["string", "null"], "description": "required to return (one of returnReasons) or "
                   "reject (one of rejectReasons)",
                   "enum": [*sorted(set(workflow.REASONS) | set(workflow.RETURN_REASONS)), None]},
        "note": {"type": ["string", "null"], "description": "for the officer; never shown to the worker"},
        "kpj": {"type": ["string", "null"], "description": "11 digits, to make it active"},
        "no_change_needed": {"type": ["boolean", "null"], "description": "an officer resubmits a returned one "
                             "unchanged: said, not assumed"}}}


def kpj_correction() -> dict:
    return {"type": "object", "required": ["kpj", "reason"], "properties": {
        "kpj": {"type": "string", "description": "the right 11 digits"},
        "reason": {"type": "string", "description": "why the old one was wrong"},
        "version": {"type": ["integer", "null"]}}}


def contact() -> dict:
    return {"type": "object", "required": ["client_id", "channel", "outcome"], "properties": {
        "client_id": {"type": "string", "description": "a UUID made by the device"},
        "channel": {"type": "string", "description": "visit, phone, whatsapp, sms"},
        "outcome": {"type": "string", "description": "paid, will_pay, no_answer, refused, moved, died, wrong_number, other"},
        "will_pay_on": {"type": ["string", "null"]}, "next_on": {"type": ["string", "null"]},
        "note": {"type": ["string", "null"]}, "captured_at": {"type": ["string", "null"]},
        "visit_id": {"type": ["integer", "null"]}}}


def payment() -> dict:
    return {"type": "object", "required": ["first_month", "months", "amount", "paid_on", "channel"], "properties": {
        "first_month": {"type": "string", "description": "YYYY-MM, the first month paid for"},
        "months": {"type": "integer", "minimum": 1, "maximum": payments.MAX_MONTHS},
        "amount": {"type": "integer", "description": "whole Rupiah"},
        "paid_on": {"type": "string", "description": "YYYY-MM-DD"},
        "channel": {"enum": list(payments.CHANNELS)},
        "note": {"type": ["string", "null"]}}}


def error() -> dict:
    messages = {"type": "array", "items": {"type": "string"}}
    return {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string", "description": "a sentence for the user, in their language"},
        "message": {"type": "string"}, "messages": messages,
        "errors": {"type": "object", "additionalProperties": messages, "description": "field -> its messages"},
        "registration": ref("RegistrationDetail"),
        "duplicate": {"type": "object", "properties": {"number": {"type": "string"}, "status": {"type": "string"},
                                                       "url": {"type": "string"}}}}}


def description() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "outreach API", "version": "1",
                 "description": "Enrolling informal workers into BPJS Ketenagakerjaan: the registration form's twin "
                 "and the coordinators' review. Log in through /masuk (a session cookie); send the CSRF token of "
                 "/api/v1/session as X-CSRFToken with every POST. Messages come in the user's language."},
        "paths": {path: describe() for path, describe in PATHS.items()},
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
                "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"}},
            "schemas": {"NewRegistration": new_registration(), "Registration": registration(),
                        "RegistrationDetail": registration_detail(), "Transition": transition(),
                        "KpjCorrection": kpj_correction(), "Contact": contact(), "Payment": payment(),
                        "Error": error()},
            # The code lists a client needs, each with the codes the app accepts today.
            "x-codes": {"statuses": list(workflow.STATUSES), "occupations": list(OCCUPATIONS),
                        "payers": list(rules.FUNDING), "payerAliases": dict(rules.FUNDING_ALIASES),
                        "programs": list(rules.PROGRAMS), "paymentPeriods": list(rules.PERIODS),
                        "heirRelations": list(codes.HEIR_RELATIONS), "guardianRelations": list(codes.GUARDIAN_RELATIONS),
                        "sexes": list(codes.SEXES), "consentMethods": list(codes.CONSENT_METHODS),
                        "flags": list(codes.FLAGS), "returnReasons": list(workflow.RETURN_REASONS),
                        "rejectReasons": list(workflow.REASONS), "paymentChannels": list(payments.CHANNELS),
                        "protectionStates": list(protection.STATES)}},
    }
