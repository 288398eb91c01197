"""Headers on every response, the proxies we trust, a word when rate limits lose Redis, the role checks views
use, and safe redirects."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user, login_required
from werkzeug.middleware.proxy_fix import ProxyFix

from outreach.extensions import limiter

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Static files that are never a document: the page's CSP governs them, no one frames them, and what they fetch
# (a stylesheet's images) is same-origin under that CSP. They go without the CSP, X-Frame-Options and
# Referrer-Policy: a third of their headers, on a phone's first visit (bench/page_weight.py).
SUBRESOURCES = {"text/css", "text/javascript", "application/javascript", "image/png"}


def init_app(app) -> None:
    production = app.config["OUTREACH_ENV"] == "production"
    hops = app.config["TRUSTED_PROXIES"]
    if hops:  # the client's address and scheme as the proxy saw them (rate limits, Secure cookies, URLs)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.after_request
    def set_headers(response):
        if request.endpoint != "static" and "Cache-Control" not in response.headers:
            # Pages carry names, NIKs (masked or revealed) and CSRF tokens: no shared or back-button cache.
            response.headers["Cache-Control"] = "no-store"
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if production:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" or response.mimetype not in SUBRESOURCES:
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    # Templates get current_user as Flask-Login's proxy, not the user it would load for every page rendered: a
    # page that never asks (a worker's status page) reads no session for it.
    app.context_processor(lambda: {"current_user": current_user})
    warn_once_when_limits_fall_back(app)


def warn_once_when_limits_fall_back(app) -> None:
    """With Redis gone, Flask-Limiter counts in memory and says so only on a logger nothing prints. Each worker
    then counts alone (a limit is multiplied by the workers): say it once per outage, on the app's log."""
    state = {"warned": False}

    @app.teardown_request  # after Flask-Limiter's own after_request, where it may find Redis gone
    def warn(_error=None):
        fallen_back = limiter._storage_dead  # Flask-Limiter's flag; it has no public one
        if fallen_back and not state["warned"]:
            app.logger.warning("rate limit storage unreachable: limits are counted in memory, per worker, until "
                               "it is back (RATELIMIT_STORAGE_URI)")
        state["warned"] = fallen_back


def role_required(*roles):
    """Log in first, then 403 for anyone whose role is not among `roles`."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def rerender_on_csrf_error(view):
    """Mark a view whose FlaskForm re-checks CSRF itself, so an expired token re-renders the
    form with what was typed (errors.py) instead of a bare 400 that loses a long form."""
    view.rerender_on_csrf_error = True
    return view


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never bounce a user to another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target
            or not target.isprintable()):  # a CR/LF would end up in the Location header
        return default
    return target
