"""Home page, language switcher and the load balancer's health check."""
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import text

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.i18n import LOCALE_COOKIE
from outreach.security import safe_next
from outreach.services import followup, privacy, worklist

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    """An officer's work page (visits to continue, returned registrations, today's counts); for coordinators
    and admins, the queue and the data-subject requests past their 3x24 hours (templates/privacy/_overdue.html)."""
    # The follow-up lists' counts for officers and coordinators (their kecamatan; admins open the lists).
    counts = None if current_user.has_role("admin") else followup.counts(followup.scope_for(current_user), local_today())
    if not current_user.has_role("officer"):
        return render_template("main/home.html", overdue_requests=privacy.overdue(current_user),
                               followup_counts=counts)
    return render_template("main/home.html", followup_counts=counts, visits=worklist.open_visits(current_user.id),
                           returned=worklist.returned(current_user.id),
                           counts=worklist.counts_by_status(current_user.id),
                           today=worklist.today(current_user.id, local_today()))


@bp.get("/bahasa/<code>")
def set_language(code: str):
    """The language switcher: a plain link, so it works without JavaScript and on public pages."""
    target = safe_next(request.args.get("next"), url_for("main.home"))
    response = redirect(target)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "take me out of rotation"
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
