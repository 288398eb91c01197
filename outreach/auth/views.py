"""Login, logout and password change."""
import functools
import secrets

from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from outreach.auth import throttle
from outreach.auth.forms import LoginForm, PasswordForm
from outreach.domain.accounts import normalise_username
from outreach.extensions import db, limiter, login
from outreach.models import User
from outreach.models.types import utcnow
from outreach.security import rerender_on_csrf_error, safe_next
from outreach.services import login_sessions

bp = Blueprint("auth", __name__)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated when used (the session can't hold a lazy one)."""
    return message


login.login_view = "auth.login_page"
login.login_message = N_("Silakan masuk untuk membuka halaman ini.")
login.login_message_category = "info"
login.localize_callback = _


@functools.cache
def dummy_hash(method: str) -> str:
    """A hash of the configured kind, checked when there is no account to check, so every failure costs the
    same: an unknown or deactivated username must not answer faster than a wrong password."""
    return generate_password_hash(secrets.token_hex(16), method)


@login.unauthorized_handler
def unauthorized():
    """The API answers 401 in JSON; pages send the visitor to the login form."""
    if request.path.startswith("/api/"):
        return jsonify(error=_("Sesi berakhir. Silakan masuk lagi.")), 401
    flash(_(login.login_message), login.login_message_category)
    return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))


@login.user_loader
def load_user(session_id: str):
    return login_sessions.user_for(session_id)


def locked_message(seconds: int) -> str:
    return _("Terlalu banyak percobaan yang gagal. Coba lagi dalam %(n)s menit.", n=throttle.minutes(seconds))


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@rerender_on_csrf_error
def login_page():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username, address = normalise_username(form.username.data), throttle.client_address()
        user = db.session.scalar(db.select(User).where(User.username == username))
        wait = throttle.seconds_locked(username, address, trusted=throttle.trusts(user))
        if wait:
            form.password.errors.append(locked_message(wait))
        else:
            # One hash checked on every path: the account's, or a stand-in when there is none to check.
            checked = user.password_hash if user and user.active else dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])
            if check_password_hash(checked, form.password.data) and user and user.active:
                throttle.clear(username, address)
                user.last_login_at = utcnow()
                login_sessions.start(user, form.remember.data, request.user_agent.string)
                db.session.commit()
                # A new CSRF token for the logged-in session: one seen before login must not outlive it.
                session.pop("csrf_token", None)
                g.pop("csrf_token", None)
                login_user(user, remember=form.remember.data)
                session.permanent = True  # the cookie's own expiry; the session row's end is what counts
                response = redirect(safe_next(request.args.get("next"), url_for("main.home")))
                return throttle.remember_browser(response, user)
            throttle.record_failure(username, address)
            db.session.commit()
            form.password.errors.append(_("Nama pengguna atau kata sandi salah."))
    return render_template("auth/login.html", form=form)


@bp.post("/keluar")
@login_required
def logout():
    """Ends this session on the server (a copied cookie is refused from now on); with `everywhere`, every
    session of the account, on every device: for a lost phone."""
    everywhere = request.form.get("everywhere") == "1"
    user = current_user._get_current_object()
    if everywhere:
        login_sessions.end_all(user)
    else:
        login_sessions.end(user)
    db.session.commit()
    logout_user()
    flash(_("Anda sudah keluar dari semua perangkat.") if everywhere else _("Anda sudah keluar."), "info")
    return redirect(url_for("auth.login_page"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def change_password():
    form = PasswordForm()
    user, address = current_user._get_current_object(), throttle.client_address()
    if form.validate_on_submit():
        # Guessing the current password counts against the same locks as guessing at the login form.
        wait = throttle.seconds_locked(user.username, address)
        if wait:
            form.current_password.errors.append(locked_message(wait))
        elif not user.check_password(form.current_password.data):
            throttle.record_failure(user.username, address)
            db.session.commit()
            form.current_password.errors.append(_("Kata sandi sekarang salah."))
        else:
            throttle.clear(user.username, address)
            user.set_password(form.new_password.data)
            login_sessions.end_all(user)  # every other device logs in again ...
            login_sessions.start(user, False, request.user_agent.string)  # ... and this one goes on
            db.session.commit()
            login_user(user, remember=False)
            flash(_("Kata sandi sudah diganti. Perangkat lain perlu masuk lagi."), "success")
            return throttle.remember_browser(redirect(url_for("main.home")), user)  # under the new nonce
    return render_template("auth/password.html", form=form, sessions=login_sessions.open_sessions(user),
                           is_current=login_sessions.is_current)
