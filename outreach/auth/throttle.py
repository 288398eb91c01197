"""Slows down password guessing: after too many failures a username is locked for a while.

Failures are counted per typed username, existing or not, so a lock says nothing about
whether an account exists.
"""
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from outreach.extensions import db
from outreach.models import LoginThrottle
from outreach.models.types import utcnow


def minutes_locked(username: str) -> int:
    """Whole minutes (rounded up) until `username` may try again; 0 when it may now."""
    row = db.session.get(LoginThrottle, username)
    if row is None or row.locked_until is None:
        return 0
    left = (row.locked_until - utcnow()).total_seconds()
    return 0 if left <= 0 else int(-(-left // 60))


def record_failure(username: str) -> None:
    window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    now = utcnow()
    # Guessed usernames leave a row each: forget those whose window and lock are over, so the table stays small.
    db.session.execute(db.delete(LoginThrottle).where(
        LoginThrottle.username != username, LoginThrottle.first_failure_at < now - window,
        db.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    try:
        with db.session.begin_nested():
            row = db.session.get(LoginThrottle, username)
            if row is None:
                row = LoginThrottle(username=username, failures=0, first_failure_at=now)
                db.session.add(row)
            elif now - row.first_failure_at > window:
                row.failures, row.first_failure_at, row.locked_until = 0, now, None
            row.failures += 1
            if row.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
                row.locked_until = now + window
    except IntegrityError:  # a parallel first failure for the same name inserted the row
        record_failure(username)


def clear(username: str) -> None:
    db.session.execute(db.delete(LoginThrottle).where(LoginThrottle.username == username))
