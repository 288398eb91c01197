"""Login, logout and password change."""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
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

bp = Blueprint("auth", __name__)


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated when used (the session can't hold a lazy one)."""
    return message


login.login_view = "auth.login_page"
login.login_message = N_("Silakan masuk untuk membuka halaman ini.")
login.login_message_category = "info"
login.localize_callback = _

# Checked against when the username is unknown, so both paths cost one hash.
DUMMY_HASH = generate_password_hash("not-a-real-password")


@login.unauthorized_handler
def unauthorized():
    """The API answers 401 in JSON; pages send the visitor to the login form."""
    if request.path.startswith("/api/"):
        return jsonify(error=_("Sesi berakhir. Silakan masuk lagi.")), 401
    flash(_(login.login_message), login.login_message_category)
    return redirect(url_for("auth.login_page", next=request.full_path.rstrip("?")))


@login.user_loader
def load_user(session_id: str):
    user_id, _sep, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user and user.login_nonce == nonce else None


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@rerender_on_csrf_error
def login_page():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = normalise_username(form.username.data)
        wait = throttle.minutes_locked(username)
        if wait:
            form.password.errors.append(_("Terlalu banyak percobaan yang gagal. Coba lagi dalam %(n)s menit.", n=wait))
        else:
            user = db.session.scalar(db.select(User).where(User.username == username))
            if user and user.active and user.check_password(form.password.data):
                throttle.clear(username)
                user.last_login_at = utcnow()
                db.session.commit()
                login_user(user, remember=form.remember.data)
                session.permanent = True  # PERMANENT_SESSION_LIFETIME ends it; "remember me" outlives it
                return redirect(safe_next(request.args.get("next"), url_for("main.home")))
            if user is None:
                check_password_hash(DUMMY_HASH, form.password.data)
            throttle.record_failure(username)
            db.session.commit()
            form.password.errors.append(_("Nama pengguna atau kata sandi salah."))
    return render_template("auth/login.html", form=form)


@bp.post("/keluar")
@login_required
def logout():
    logout_user()
    flash(_("Anda sudah keluar."), "info")
    return redirect(url_for("auth.login_page"))


@bp.route("/kata-sandi", methods=["GET", "POST"])
@login_required
@rerender_on_csrf_error
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        # Guessing the current password counts against the same lock as guessing at the login form.
        wait = throttle.minutes_locked(current_user.username)
        if wait:
            form.current_password.errors.append(_("Terlalu banyak percobaan yang gagal. Coba lagi dalam %(n)s menit.", n=wait))
        elif not current_user.check_password(form.current_password.data):
            throttle.record_failure(current_user.username)
            db.session.commit()
            form.current_password.errors.append(_("Kata sandi sekarang salah."))
        else:
            throttle.clear(current_user.username)
            current_user.set_password(form.new_password.data)
            db.session.commit()
            # The new nonce ended every other session; keep this one.
            login_user(current_user._get_current_object(), remember=False)
            flash(_("Kata sandi sudah diganti. Perangkat lain perlu masuk lagi."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)
