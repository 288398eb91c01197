"""Issuing receipts and finding them again from a status token (the token itself: outreach/domain/tokens.py)."""
import hashlib
import hmac
from datetime import datetime
from functools import lru_cache

from flask import current_app, request, url_for

from outreach import audit
from outreach.domain import tokens
from outreach.domain.codes import REISSUE_REASONS
from outreach.extensions import db
from outreach.models import Receipt, Registration, RegistrationEvent
from outreach.models.types import utcnow


def receipt_key() -> bytes:
    return key_from(current_app.config.get("RECEIPT_KEY"), current_app.config["SECRET_KEY"])


@lru_cache(maxsize=4)  # derived once, not for each of a POST's tokens
def key_from(receipt_key: str | None, secret_key: str) -> bytes:
    if receipt_key:
        return receipt_key.encode()
    return hmac.new(secret_key.encode(), b"outreach receipt tokens", hashlib.sha256).digest()


def issue(registration: Registration, user_id: int, first: bool = False, at: datetime | None = None) -> str:
    """A new receipt (the first, or a re-issue), and its token: earlier ones stop working. The caller commits.
    `first`: the registration was made in this transaction and has no receipt to replace (one statement less per
    POST); `at`: when it was handed over, if not now. One INSERT and no ORM object: every registration makes one,
    and flushing an object costs about twice the CPU of the statement."""
    now = utcnow()
    if not first:
        db.session.execute(db.update(Receipt).where(Receipt.registration_id == registration.id,
                                                    Receipt.replaced_at.is_(None)).values(replaced_at=now))
    salt = tokens.new_salt()
    token = tokens.derive_token(receipt_key(), salt)
    db.session.execute(db.insert(Receipt.__table__), {"registration_id": registration.id, "salt": salt,
                                                      "token_hash": tokens.token_hash(token), "issued_by": user_id,
                                                      "issued_at": at or now})
    return token


def current(registration: Registration) -> Receipt:
    """The receipt in force. Every registration has one: create() issues it, and migration 0008 gave one to
    those saved before receipts existed."""
    return db.session.scalars(db.select(Receipt).where(Receipt.registration_id == registration.id,
                                                       Receipt.replaced_at.is_(None)).order_by(Receipt.id.desc())).first()


def reissue(registration: Registration, user_id: int, reason: str, note: str | None = None) -> str:
    """A new receipt in place of the one the worker holds, and why (codes.REISSUE_REASONS, an optional note),
    in the registration's history and the audit trail."""
    if reason not in REISSUE_REASONS:
        raise ValueError("unknown reissue reason")
    token = issue(registration, user_id)
    why = {"reason": reason} | ({"note": note} if note else {})
    db.session.add(RegistrationEvent(registration_id=registration.id, user_id=user_id, kind="receipt_reissued",
                                     changes=why))
    audit.record("reissue_receipt", registration, user_id=user_id, **why)
    return token


def token_of(receipt: Receipt) -> str:
    return tokens.derive_token(receipt_key(), receipt.salt)


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the public address (PUBLIC_BASE_URL), else on the request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    return base + url_for(endpoint, **values)


def status_url(registration: Registration, token: str | None = None) -> str:
    """The worker's status page; `token`: the receipt in force's, when the caller has it (no query)."""
    return public_url("status.show", token=token or token_of(current(registration)))
