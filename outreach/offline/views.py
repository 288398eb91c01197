"""The installable app: manifest, service worker, the offline page and the device outbox page.

The service worker caches the app shell (layout, CSS, scripts, the offline page) and the confirmed officer's
pages that work without signal (home, visits, outbox, the forms of the visits opened); never receipts,
reviews, status pages or API answers (static/js/sw.js). An entry the server refused is corrected on the enroll
blueprint's /outbox/perbaiki.
"""
import hashlib
import json

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import gettext as _

from outreach import district
from outreach.assets import asset, codings, respond
from outreach.security import role_required

bp = Blueprint("offline", __name__)
SHELL_FILES = ("site.css", "app.css", "js/forms.js", "js/outbox-core.js", "js/outbox.js", "js/outbox-form.js",
               "js/outbox-page.js", "js/outbox-contact.js", "js/sw.js", "icons/icon-192.png", "icons/icon-512.png")


def shell_version(assets: dict) -> str:
    """Changes whenever a shell file does, so that the worker installs a fresh cache and drops the old."""
    return hashlib.sha256(" ".join(assets[name].version for name in SHELL_FILES).encode()).hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    # The same script until a release (its settings and fingerprints): compressed once, at the strongest
    # settings, like a static file (a tenth smaller than compressing it for each answer).
    body = script().encode("utf-8")
    built = current_app.extensions.get("service_worker")
    if built is None or built[0] != body:
        built = current_app.extensions["service_worker"] = (body, codings(body))
    return respond(built[1], "application/javascript",
                   headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})


def script() -> str:
    assets = current_app.extensions["assets"]
    script = assets["js/sw.js"].bodies["identity"].decode("utf-8")
    # The shell by its fingerprinted addresses (those the pages link): a new file, a new address to fetch.
    settings = {"version": shell_version(assets), "patience": current_app.config["SW_PATIENCE_MS"],
                "shell": [asset(name) for name in SHELL_FILES if name != "js/sw.js"]
                + [url_for("offline.offline_page"), url_for("offline.manifest")],
                "urls": {"core": asset("js/outbox-core.js"),
                         "static": url_for("static", filename=""), "offline": url_for("offline.offline_page"),
                         "manifest": url_for("offline.manifest"), "login": url_for("auth.login_page"),
                         "logout": url_for("auth.logout"), "session": url_for("api.session_info"),
                         "registrations": url_for("api.create_registration"), "home": url_for("main.home"),
                         "visits": url_for("enroll.visits"), "visitForm": url_for("enroll.register", visit_id=0),
                         "visitFollowup": url_for("followup.visit_list", visit_id=0),
                         "outbox": url_for("offline.outbox"), "correct": url_for("enroll.correct_offline")}}
    return f"const SETTINGS = {json.dumps(settings)};\n{script}"


@bp.get("/manifest.webmanifest")
def manifest():
    data = {
        "name": _("Pendaftaran BPU %(district)s", district=district.current().short_name),
        "short_name": _("Daftar BPU"),
        "description": _("Pendaftaran pekerja informal ke BPJS Ketenagakerjaan oleh petugas lapangan."),
        "lang": "id",
        "start_url": url_for("main.home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f5f2",
        "theme_color": "#0b5d3b",
        "icons": [{"src": asset(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": "any"} for size in (192, 512)],
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/luring")
def offline_page():
    return render_template("offline/offline.html")


@bp.get("/outbox")
@role_required("officer")
def outbox():
    return render_template("offline/outbox.html")

