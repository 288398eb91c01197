"""Slows down password guessing without handing a guesser the power to lock the real user out.

Failures are counted per typed username, existing or not (a lock says nothing about whether an account
exists), twice:
- per username and client address: LOGIN_MAX_FAILURES failures within LOGIN_LOCK_MINUTES lock that address
  out of that username for LOGIN_LOCK_MINUTES. A guesser locks their own address, not the officer's phone.
- per username over every address (the row of address ANY): past LOGIN_ACCOUNT_MAX_FAILURES in the same
  window, a browser that has never logged in to the account waits LOGIN_SLOWDOWN_SECONDS before each try,
  doubling with each further failure up to the lock's length. A browser that has logged in to it before (a
  signed cookie, voided when the account's nonce changes) is not slowed: guessers on many addresses slow
  each other down, never the officer on their own phone.
"""
import math
from datetime import timedelta

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from outreach.extensions import db
from outreach.models import LoginThrottle, User
from outreach.models.types import utcnow

ANY = "*"  # the address of the per-username row; no client address looks like it
DEVICE_COOKIE = "known_logins"
MAX_KNOWN = 5  # accounts remembered per browser: a phone shared by a few officers


def client_address() -> str:
    """The client's address as the trusted proxies saw it (security.py), as it fits the column."""
    return (request.remote_addr or "unknown")[:45]


def seconds_locked(username: str, address: str, trusted: bool = False) -> int:
    """Seconds until this address may try `username` again; 0 when it may now."""
    now, wait = utcnow(), 0
    for key in (address,) if trusted else (address, ANY):
        row = db.session.get(LoginThrottle, (username, key))
        if row is not None and row.locked_until is not None:
            wait = max(wait, math.ceil((row.locked_until - now).total_seconds()))
    return max(wait, 0)


def minutes(seconds: int) -> int:
    return math.ceil(seconds / 60)


def record_failure(username: str, address: str) -> None:
    """Counts a failure against the username from this address, and against the username from anywhere."""
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
    now = utcnow()
    # Guessed usernames leave rows: forget those whose window and lock are over, so the table stays small.
    db.session.execute(db.delete(LoginThrottle).where(
        LoginThrottle.username != username, LoginThrottle.first_failure_at < now - window,
        db.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    for key in (address, ANY):
        row = count(username, key, now, window)
        if key != ANY and row.failures >= config["LOGIN_MAX_FAILURES"]:
            row.locked_until = now + window
        elif key == ANY and row.failures >= config["LOGIN_ACCOUNT_MAX_FAILURES"]:
            doublings = min(row.failures - config["LOGIN_ACCOUNT_MAX_FAILURES"], 16)
            delay = timedelta(seconds=config["LOGIN_SLOWDOWN_SECONDS"] * 2 ** doublings)
            row.locked_until = now + min(delay, window)


def count(username: str, address: str, now, window) -> LoginThrottle:
    try:
        with db.session.begin_nested():
            row = db.session.get(LoginThrottle, (username, address))
            if row is None:
                row = LoginThrottle(username=username, address=address, failures=0, first_failure_at=now)
                db.session.add(row)
            elif now - row.first_failure_at > window:
                row.failures, row.first_failure_at, row.locked_until = 0, now, None
            row.failures += 1
        return row
    except IntegrityError:  # a parallel first failure for the same name inserted the row
        return count(username, address, now, window)


def clear(username: str, address: str) -> None:
    """A success clears this address's count; the per-username count stays, or a guesser's many addresses
    would start afresh each time the officer logs in."""
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.username == username,
                                                      LoginThrottle.address == address))


def serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="outreach known logins")


def known_logins() -> list[str]:
    try:
        known = serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return [k for k in known if isinstance(k, str)] if isinstance(known, list) else []


def trusts(user: User | None) -> bool:
    """Whether this browser has logged in to `user` since its nonce last changed."""
    return user is not None and f"{user.id}:{user.login_nonce}" in known_logins()


def remember_browser(response, user: User):
    """After a successful login: this browser is not slowed down for this account from now on."""
    mine = f"{user.id}:{user.login_nonce}"
    known = [mine] + [k for k in known_logins() if k != mine and not k.startswith(f"{user.id}:")]
    response.set_cookie(DEVICE_COOKIE, serializer().dumps(known[:MAX_KNOWN]), max_age=365 * 24 * 3600,
                        path=url_for("auth.login_page"), httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
