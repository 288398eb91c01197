"""Login sessions kept on the server, so that logging out ends them wherever their cookies were copied to.

The session and remember-me cookies carry "<user id>:<nonce>:<token>" (User.get_id); the token names a row of
login_sessions by its SHA-256. A session ends at logout, at "log out everywhere" (the officer's, or an admin's
for any account), or at its fixed end: PERMANENT_SESSION_LIFETIME after login, or REMEMBER_COOKIE_DURATION
with "remember me"; using it does not push that end back. The database is shared, so every app server sees a
logout at once. Each request costs one indexed look-up (the user and their session together).
"""
import hashlib
import secrets

from flask import current_app

from outreach.domain.accounts import describe_device
from outreach.extensions import db
from outreach.models import LoginSession, User
from outreach.models.types import utcnow


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, remember: bool, user_agent: str | None) -> None:
    """A new session for `user` on this device; login_user() then puts its id in the cookies. The caller commits."""
    now = utcnow()
    # Expired sessions, of everyone: logging in is rare enough to carry the clean-up.
    db.session.execute(db.delete(LoginSession).where(LoginSession.expires_at < now))
    lifetime = current_app.config["REMEMBER_COOKIE_DURATION" if remember else "PERMANENT_SESSION_LIFETIME"]
    user.login_token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(token_hash=digest(user.login_token), user_id=user.id, created_at=now,
                                expires_at=now + lifetime, device=describe_device(user_agent)))


def user_for(session_id: str) -> User | None:
    """The user a cookie's id names, if its session is still open; else None (Flask-Login then logs out)."""
    user_id, nonce, token = (session_id.split(":") + ["", ""])[:3]
    if not (user_id.isdigit() and token):
        return None
    found = db.session.execute(SESSION_USER, {"token_hash": digest(token)}).first()
    if found is None:
        return None
    user, expires_at = found
    if str(user.id) != user_id or user.login_nonce != nonce or not user.active or expires_at <= utcnow():
        return None
    user.login_token = token
    return user


# Built once: every request of a logged-in user runs it.
SESSION_USER = (db.select(User, LoginSession.expires_at).join(LoginSession, LoginSession.user_id == User.id)
                .where(LoginSession.token_hash == db.bindparam("token_hash"), LoginSession.revoked_at.is_(None)))


def end(user: User) -> None:
    """Logout: this session only. The caller commits."""
    db.session.execute(db.update(LoginSession).where(LoginSession.token_hash == digest(user.login_token))
                       .values(revoked_at=utcnow()))


def end_all(user: User) -> None:
    """Every session of `user`, on every device (a lost phone, a deactivated account, a new password); the new
    nonce also voids the browsers the login throttle trusted. The caller commits."""
    db.session.execute(db.update(LoginSession).where(LoginSession.user_id == user.id,
                                                     LoginSession.revoked_at.is_(None)).values(revoked_at=utcnow()))
    user.login_nonce = User.new_nonce()


def open_sessions(user: User) -> list[LoginSession]:
    """The sessions of `user` still open, newest first."""
    return db.session.scalars(db.select(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None), LoginSession.expires_at > utcnow())
        .order_by(LoginSession.created_at.desc())).all()


def is_current(row: LoginSession, user: User) -> bool:
    return bool(user.login_token) and row.token_hash == digest(user.login_token)
