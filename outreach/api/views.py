"""JSON API, version 1: the registration form's twin, for the offline outbox and scripts.

Session auth with the CSRF token in `X-CSRFToken`; the same submission call as the HTML form
(services.registrations.submit): this module only turns its outcomes into JSON.
"""
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from outreach import audit
from outreach.api import openapi
from outreach.domain import followup as rules
from outreach.domain.clock import local_today
from outreach.domain.masking import mask_nik
from outreach.domain.phone import normalise_mobile
from outreach.domain.workflow import REASONS, RETURN_REASONS, STATUSES
from outreach.extensions import csrf, db
from outreach.inputs import as_int
from outreach.models import Registration
from outreach.models.types import utcnow
from outreach.security import role_required
from outreach.services import contacts, gateway, messages, payments, receipts, registrations, review
from outreach.services.access import duplicate_link, registration_for

bp = Blueprint("api", __name__)
PAGE = 50


def represent(r: Registration) -> dict:
    return {
        "number": r.number,
        "client_id": r.client_id,
        "status": r.status,
        "full_name": r.full_name,
        "nik": mask_nik(r.nik),
        "village_code": r.village_code,
        "visit_id": r.visit_id,
        "occupation": r.occupation,
        "programs": r.programs,
        "payment_period": r.payment_period,
        "funding": r.funding,
        "programme_id": r.programme_id,
        "second_occupation": r.second_occupation,
        "employs_others": r.employs_others,
        "contribution": r.contribution,
        "flags": r.flags,
        "consent_version": r.consent_version,
        "consent_method": r.consent_method,
        "created_at": r.created_at.isoformat(),
        "captured_at": r.captured_at.isoformat() if r.captured_at else None,
        "url": receipts.public_url("enroll.registration", number=r.number),
        "receipt_url": receipts.public_url("receipts.show", number=r.number),
    }


def with_status_url(r: Registration, token: str | None = None) -> dict:
    """One registration's answer, with its status page (a receipt look-up, unless its `token` is given: not for
    every row of a list); an erased one has no status page to send the worker to."""
    return represent(r) | {"status_url": None if r.erased else receipts.status_url(r, token)}


def unprocessable(errors: dict, **extra):
    """422 with each field's messages; `error` is the first of them, as every error answer has one."""
    errors = {k: [str(m) for m in v] for k, v in errors.items() if v}
    first = next((m for messages in errors.values() for m in messages), _("Periksa isian."))
    return jsonify(error=first, errors=errors, **extra), 422


def move_fields(data: dict, names: tuple, reason_is_code: bool = False) -> tuple[dict, dict]:
    """The texts of a move (reason, note, kpj...) and `version`, each of its JSON type or absent; what is not is
    a field error, never quietly dropped (a client must learn that its `reason` was not read)."""
    texts, problems = {}, {}
    for name in names:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            problems[name] = [_("Isian harus berupa teks.")]
        texts[name] = value
    version = data.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        problems["version"] = [_("version harus bilangan bulat.")]
    reason = texts.get("reason")
    if reason_is_code and "reason" not in problems and reason is not None and reason not in REASONS + RETURN_REASONS:
        problems["reason"] = [_("Alasan tidak dikenal: pilih salah satu dari %(codes)s.",
                                codes=", ".join(RETURN_REASONS + REASONS))]
    return texts, problems


@bp.get("/session")
@role_required("officer", "coordinator", "admin")
def session_info():
    """Who is logged in and a fresh CSRF token: the outbox asks before sending, since a page cached
    offline carries an old token and may belong to another officer's session."""
    return jsonify(user_id=current_user.id, role=current_user.role, csrf_token=generate_csrf())


@bp.post("/registrations")
@role_required("officer")
def create_registration():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return unprocessable({"_": [_("Kirim data pendaftaran sebagai objek JSON.")]})
    client_id = registrations.canonical_client_id(data.get("client_id"))
    if client_id is None:
        return unprocessable({"client_id": [_("client_id harus UUID yang dibuat perangkat.")]})
    captured_at = registrations.parse_captured_at(data.get("captured_at"), utcnow())
    outcome = registrations.submit(data, current_user.id, client_id, local_today(), data.get("visit_id"), captured_at)
    if outcome.kind == "client_id_taken":
        return client_id_taken()
    if outcome.kind == "refused":
        db.session.commit()  # a NIK found registered is audited, saved or not
        return unprocessable(outcome.checked.errors, **duplicate_of(outcome.checked.duplicate))
    answer = with_status_url(outcome.registration, outcome.token)  # before the commit expires what it reads
    db.session.commit()
    return jsonify(answer), 201 if outcome.kind == "created" else 200


def client_id_taken():
    message = _("client_id ini sudah dipakai. Buat client_id baru lalu kirim lagi.")
    return jsonify(error=message, errors={"client_id": [message]}), 409


def duplicate_of(existing: Registration | None) -> dict:
    """The registration that already holds the NIK, with the page the officer may open to show the worker:
    its receipt if theirs, else its public status page."""
    if existing is None:
        return {}
    url = duplicate_link(current_user, existing, external=True)
    return {"duplicate": {"number": existing.number, "status": existing.status, "url": url}}


@bp.get("/registrations")
@role_required("officer")
def list_registrations():
    q = (request.args.get("q") or "").strip()[:60]
    status = request.args.get("status")
    if status is not None and status not in STATUSES:
        return unprocessable({"status": [_("Status tidak dikenal: pilih salah satu dari %(codes)s.",
                                           codes=", ".join(STATUSES))]})
    rows, next_before = registrations.own_registrations(current_user.id, q, as_int(request.args.get("before")), PAGE,
                                                        status)
    return jsonify(registrations=[represent(r) for r in rows], next_before=next_before)


def history(r: Registration) -> list[dict]:
    return [{"kind": e.kind, "at": e.at.isoformat(), "by": e.user.full_name if e.user else None,
             "changes": {k: v for k, v in e.changes.items() if k != "nik"}} for e in r.events]


def payment_json(p) -> dict:
    return {"first_month": p.first_month.strftime("%Y-%m"), "months": p.months, "amount": p.amount,
            "expected": p.expected, "mismatch": p.mismatch, "paid_on": p.paid_on.isoformat(), "channel": p.channel,
            "source": p.source, "programme_id": p.programme_id}


def detailed(r: Registration) -> dict:
    lines = payments.ledger(r)
    return with_status_url(r) | {"version": r.version, "kpj": r.kpj, "reason": r.reason, "history": history(r),
                                 "protection": payments.protection_of(r, lines=lines).as_dict(),
                                 "payments": [payment_json(p) for p in lines]}


@bp.get("/registrations/<number>")
@role_required("officer", "coordinator", "admin")
def get_registration(number: str):
    r = registration_for(current_user, number)  # audits a look by anyone but its own officer
    db.session.commit()
    return jsonify(detailed(r))


@bp.post("/registrations/<number>/transition")
@role_required("officer", "coordinator", "admin")
def transition(number: str):
    r = registration_for(current_user, number, audited=False)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("to"), str):
        return unprocessable({"to": [_("Sebutkan status tujuan (to).")]})
    texts, problems = move_fields(data, ("reason", "note", "kpj"), reason_is_code=True)
    if data.get("no_change_needed") not in (None, True, False):
        problems["no_change_needed"] = [_("Isian harus berupa true atau false.")]
    if problems:
        return unprocessable(problems)
    version = data.get("version")
    no_change = data.get("no_change_needed") is True  # returned -> pending without an edit: said, not assumed
    try:
        review.transition(r, data["to"], current_user._get_current_object(), version, no_change_needed=no_change,
                          **texts)
    except review.Refused as refusal:
        db.session.rollback()
        db.session.refresh(r)
        if refusal.status == 403:  # a move this role may not make: the attempt stays in the trail
            audit.record("refused", r, attempt="transition", to=data["to"][:12], why="forbidden")
            db.session.commit()
        return jsonify(error=refusal.messages[0], messages=refusal.messages, errors=refusal.fields,
                       registration=detailed(r)), refusal.status
    db.session.commit()
    return jsonify(detailed(r))


@bp.post("/registrations/<number>/kpj")
@role_required("coordinator", "admin")
def correct_kpj(number: str):
    """An active registration's mistyped KPJ put right: {kpj, reason, version}; answers as transition does."""
    r = registration_for(current_user, number, audited=False)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return unprocessable({"kpj": [_("Kirim kpj, reason dan version sebagai objek JSON.")]})
    texts, problems = move_fields(data, ("kpj", "reason"))  # the reason here is free text: why it was wrong
    if problems:
        return unprocessable(problems)
    version = data.get("version")
    try:
        review.correct_kpj(r, texts["kpj"], texts["reason"], current_user._get_current_object(), version)
    except review.Refused as refusal:
        db.session.rollback()
        db.session.refresh(r)
        return jsonify(error=refusal.messages[0], messages=refusal.messages, errors=refusal.fields,
                       registration=detailed(r)), refusal.status
    db.session.commit()
    return jsonify(detailed(r))


@bp.post("/registrations/<number>/payments")
@role_required("officer", "coordinator", "admin")
def record_payment(number: str):
    """{first_month: "YYYY-MM", months, amount, paid_on: "YYYY-MM-DD", channel} -> 201 with the new protection;
    the same payment sent again -> 200, recorded once; 422 with field errors; 403/409 as for transitions."""
    r = registration_for(current_user, number, audited=False)
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return unprocessable({"first_month": [_("Kirim first_month, months, amount, paid_on dan channel sebagai "
                                                "objek JSON.")]})
    note = data.get("note") if isinstance(data.get("note"), str) else None
    try:
        done = payments.record(r, data, current_user._get_current_object(), note=note)
    except review.Refused as refusal:
        db.session.rollback()
        if refusal.status == 403:
            audit.record("refused", r, attempt="payment", why="forbidden")
            db.session.commit()
        return jsonify(error=refusal.messages[0], messages=refusal.messages, errors=refusal.fields), refusal.status
    db.session.commit()
    return jsonify(detailed(r) | {"payment": payment_json(done.payment)}), 201 if done.created else 200


def contact_json(r: Registration, c) -> dict:
    return {"client_id": c.client_id, "number": r.number, "channel": c.channel, "outcome": c.outcome,
            "will_pay_on": c.will_pay_on.isoformat() if c.will_pay_on else None,
            "next_on": c.next_on.isoformat() if c.next_on else None, "at": c.at.isoformat(),
            "captured_at": c.captured_at.isoformat() if c.captured_at else None}


@bp.post("/registrations/<number>/contacts")
@role_required("officer", "coordinator", "admin")
def log_contact(number: str):
    """A contact with a worker (the offline outbox sends these): {client_id, channel, outcome, will_pay_on,
    next_on, note, captured_at, visit_id, consent_method, event}. 201 new; 200 with the same contact for a
    client_id already saved; 409 for another user's client_id; 422 with {errors}; 403 outside the user's area."""
    r = db.session.scalar(db.select(Registration).where(Registration.number == number))
    if r is None:
        return jsonify(error=_("Pendaftaran tidak ditemukan.")), 404
    if not contacts.may_follow_up(current_user, r):
        audit.record("refused", r, attempt="contact", why="not_permitted")
        db.session.commit()
        return jsonify(error=_("Pekerja ini di luar wilayah Anda.")), 403
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return unprocessable({"_": [_("Kirim kontak sebagai objek JSON.")]})
    client_id = registrations.canonical_client_id(data.get("client_id"))
    if client_id is None:
        return unprocessable({"client_id": [_("client_id harus UUID yang dibuat perangkat.")]})
    captured_at = registrations.parse_captured_at(data.get("captured_at"), utcnow())
    logged = contacts.log(r, current_user._get_current_object(), data, client_id, local_today(), captured_at,
                          data.get("visit_id"))
    if logged.kind == "client_id_taken":
        return client_id_taken()
    if logged.kind == "refused":
        return unprocessable(logged.errors)
    db.session.commit()
    return jsonify(contact_json(r, logged.contact)), 201 if logged.kind == "created" else 200


@bp.post("/messages/reply")
@csrf.exempt
def message_reply():
    """A worker's reply, passed on by the gateway and signed as the app signs what it sends (X-Outreach-Signature
    over the raw body with MESSAGE_GATEWAY_SECRET): {"from": E.164, "text"}. "BERHENTI" stops automatic messages."""
    body = request.get_data(cache=True)
    if not gateway.signed(current_app.config.get("MESSAGE_GATEWAY_SECRET", ""), body,
                          request.headers.get(gateway.SIGNATURE_HEADER)):
        return jsonify(error="signature"), 403
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("from"), str):
        return jsonify(error="body"), 422
    phone = normalise_mobile(data["from"])
    stopped = messages.stop(phone) if phone and rules.asks_to_stop(data.get("text")) else 0
    db.session.commit()
    return jsonify(stopped=stopped)


@bp.get("/openapi.json")
def openapi_description():
    """The description of this API (OpenAPI 3.1), built from the code lists the app checks against."""
    return jsonify(openapi.description())
