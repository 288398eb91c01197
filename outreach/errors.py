"""Error pages in the active language, JSON errors under /api/, and the CSRF safety net.

The pages render without the database too: with it down, the layout's "who is logged in" would fail again
inside the error page and leave the visitor gunicorn's bare English one.
"""
import logging
import traceback

from flask import current_app, g, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from outreach import audit
from outreach.extensions import db, login

log = logging.getLogger(__name__)

MESSAGES = {
    400: (_l("Permintaan tidak dapat diproses"), _l("Ada yang tidak beres dengan permintaan ini. Kembali dan coba lagi.")),
    403: (_l("Akses ditolak"), _l("Akun Anda tidak punya izin untuk membuka halaman ini.")),
    404: (_l("Halaman tidak ditemukan"), _l("Alamat ini tidak ada atau sudah dipindahkan.")),
    405: (_l("Permintaan tidak dapat diproses"), _l("Cara membuka halaman ini tidak didukung.")),
    413: (_l("Kiriman terlalu besar"), _l("Isian atau berkas yang dikirim melebihi batas yang diterima server. Periksa lalu kirim lagi.")),
    410: (_l("Data sudah dihapus"), _l("Data pribadi pendaftaran ini sudah dihapus dan tidak dapat ditampilkan lagi.")),
    429: (_l("Terlalu banyak permintaan"), _l("Anda mengirim terlalu banyak permintaan. Tunggu sebentar, lalu coba lagi.")),
    500: (_l("Terjadi kesalahan pada server"), _l("Maaf, terjadi kesalahan. Data yang sudah tersimpan aman. Coba lagi sebentar lagi.")),
    503: (_l("Layanan sedang terganggu"), _l("Server tidak dapat menghubungi basis data. Data yang sudah tersimpan aman. Coba lagi sebentar lagi.")),
}
CSRF_MESSAGE = _l("Sesi formulir sudah kedaluwarsa. Isian Anda masih ada: periksa lalu kirim lagi.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def seconds_to_wait(error) -> int | None:
    """A rate limit's window (Flask-Limiter adds Retry-After only after this handler has run)."""
    item = getattr(getattr(error, "limit", None), "limit", None)
    return item.get_expiry() if item is not None else None


def rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone: nothing to undo
        pass


def user_or_visitor() -> None:
    """Load who is logged in now, or, when the database cannot say, render the page as for a visitor."""
    try:
        current_user._get_current_object()
    except SQLAlchemyError:
        rollback()
        g._login_user = login.anonymous_user()


def error_response(code: int, message: str | None = None, wait: int | None = None):
    user_or_visitor()  # before any word: the language is the user's own choice
    title, text = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    if wants_json():
        return jsonify(error=str(title), message=str(message or text)), code
    # A worker on the public pages (status, /cek) gets their layout and a way back to /cek, not the staff login.
    public = request.blueprint == "status"
    return render_template("errors/error.html", code=code, title=title, text=message or text, public=public,
                           wait=wait), code


def init_app(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if wants_json():
            return error_response(400, str(CSRF_MESSAGE))
        view = current_app.view_functions.get(request.endpoint)
        if request.method == "POST" and getattr(view, "rerender_on_csrf_error", False):
            # The view's FlaskForm fails its own CSRF check and renders itself with the typed data.
            try:
                response = make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
            except HTTPException as raised:  # e.g. the view's own rate limit
                return http_error(raised)
            if response.status_code == 200:  # the form again; a redirect (e.g. to log in) passes through
                response.status_code = 400
            return response
        return error_response(400, str(CSRF_MESSAGE))

    @app.errorhandler(HTTPException)
    def http_error(error):
        if error.code == 403:
            audit_refusal()
        original = error.get_response()
        if error.code not in MESSAGES or isinstance(error, SecurityError):  # a Host not in TRUSTED_HOSTS: no
            return original  # URL can be built for it, so no page either; it is no visitor's own address
        response = make_response(*error_response(error.code, wait=seconds_to_wait(error)))
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):  # what the client needs to act on
            if header in original.headers:
                response.headers[header] = original.headers[header]
        return response

    def audit_refusal() -> None:
        """A registration refused to this user (services.access.registration_for) leaves a trace: the request's
        work is rolled back, the refusal alone is committed."""
        attempt = g.pop("refused_attempt", None)
        if attempt is None or not current_user.is_authenticated:
            return
        db.session.rollback()
        audit.refused(current_user.id, attempt["registration_id"], attempt["kecamatan_code"],
                      attempt=attempt["attempt"], why="not_permitted")
        db.session.commit()

    def log_exception(exc_info) -> None:
        """Where it broke (route, exception type, stack), never what it said: an exception's message
        or the request's data may carry a NIK or a birth date (UU PDP)."""
        kind, _value, tb = exc_info
        log.error("unhandled error on %s %s: %s\n%s", request.method, request.url_rule, kind.__name__,
                  "".join(traceback.format_tb(tb)))

    app.log_exception = log_exception

    @app.errorhandler(InternalServerError)
    def server_error(error):
        # The failed transaction must not break the error page itself (base.html reads current_user).
        rollback()
        return error_response(500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        """The database is down or unreachable (or refused this transaction): a page saying so, or JSON."""
        log.error("database unavailable on %s %s: %s", request.method, request.url_rule,
                  type(getattr(error, "orig", error)).__name__)
        rollback()
        return error_response(503)
