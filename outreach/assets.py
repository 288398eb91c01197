"""Static files fingerprinted and compressed once at start, and pages compressed on their way out.

Pages link /static/<name>?v=<hash of the file> (the `asset()` template helper): a phone keeps such a file for a
year without asking again, since a changed file gets a new address. Only a request carrying the current hash
is called immutable; one without it (or with an old one, from a page an older release left in the service
worker's cache) gets the file as it is now, to be revalidated. The text files' gzip and brotli copies are made
here once, at their strongest settings, not per request. HTML and JSON answers are compressed as they leave
(`compress`), except streamed ones (exports): they go out as they are written, never buffered.
"""
import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Response, current_app, has_request_context, request, url_for
from flask.sessions import SecureCookieSessionInterface

YEAR = 31536000
IMMUTABLE = f"public, max-age={YEAR}, immutable"
# Text worth compressing; images (PNG) are compressed already.
TEXT_FILES = (".css", ".js", ".svg", ".json", ".webmanifest", ".txt", ".html")
TEXT_ANSWERS = {"text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
                "application/json", "application/manifest+json", "application/problem+json", "image/svg+xml"}
MIN_SIZE = 500  # below this the saving is about the size of the header that announces it
CODINGS = ("br", "gzip")  # brotli first: a fifth smaller than gzip on this CSS and JS


@dataclass(frozen=True)
class Asset:
    version: str  # the first 10 hex digits of the file's SHA-256
    mimetype: str
    bodies: dict  # coding ("identity", "gzip", "br") -> bytes


def scan(folder: str) -> dict[str, Asset]:
    """Every file under `folder` by its name relative to it ("js/sw.js"), read once."""
    found = {}
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".css":
            data = without_comments(data)
        bodies = codings(data) if path.suffix in TEXT_FILES else {"identity": data}
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        found[path.relative_to(root).as_posix()] = Asset(hashlib.sha256(data).hexdigest()[:10], mimetype, bodies)
    return found


CSS_COMMENT = re.compile(rb"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|/\*.*?\*/""", re.S)


def without_comments(css: bytes) -> bytes:
    """A stylesheet as browsers read it, its comments (written for us, a third of its compressed size) left
    out; a string that holds "/*" is kept whole."""
    return CSS_COMMENT.sub(lambda m: m.group(1) or b"", css)


def codings(data: bytes) -> dict:
    """A text's bodies by coding: as it is, and gzip and brotli at their strongest settings (made once)."""
    if len(data) < MIN_SIZE:
        return {"identity": data}
    # mtime 0: the same bytes on every server
    return {"identity": data, "gzip": gzip.compress(data, 9, mtime=0), "br": brotli.compress(data, quality=11)}


def init_app(app) -> None:
    app.extensions["assets"] = scan(app.static_folder)
    app.extensions["asset_urls"] = {}  # (script root, name, version) -> its address, as asset() builds them
    app.view_functions["static"] = serve  # the endpoint and its /static/<path> rule stay Flask's
    app.add_template_global(asset)
    app.after_request(compress)
    app.session_interface = Sessions()


class Sessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, but a static file's answer carries no session: a cookie refreshed on it
    could be kept by a shared cache along with the `public` file and handed to the next officer, and its
    `Vary: Cookie` would make a browser fetch the file again each time the cookie changes (every page).
    A request without the cookie (a worker's phone on a status page) gets its empty session without the
    signing serializer being built for nothing."""

    def open_session(self, app, request):
        if app.secret_key and self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if request.endpoint != "static":
            super().save_session(app, session, response)


def asset(name: str) -> str:
    """The fingerprinted address of a static file: asset('app.css') -> /static/app.css?v=1a2b3c4d5e. Built
    once per file, version and mount point: a page links several, and url_for takes longer than the lookup."""
    found = current_app.extensions["assets"].get(name)
    if found is None:  # a typo shows as a 404 in the browser, not as a 500 for the whole page
        return url_for("static", filename=name)
    if not has_request_context():
        return url_for("static", filename=name, v=found.version)
    built, key = current_app.extensions["asset_urls"], (request.script_root, name, found.version)
    if key not in built:
        built[key] = url_for("static", filename=name, v=found.version)
    return built[key]


def chosen(offered) -> str:
    """The best coding the request accepts among those `offered`; identity when it accepts none."""
    accepted = request.accept_encodings
    best = max((c for c in CODINGS if c in offered), key=lambda c: accepted.quality(c), default=None)
    return best if best and accepted.quality(best) > 0 else "identity"


def respond(bodies: dict, mimetype: str, **options) -> Response:
    """An answer in the best of `bodies` (codings()) that the request accepts."""
    coding = chosen(bodies)
    response = Response(bodies[coding], mimetype=mimetype, **options)
    if coding != "identity":
        response.headers["Content-Encoding"] = coding
    if len(bodies) > 1:
        response.vary.add("Accept-Encoding")
    return response


def serve(filename: str):
    found = current_app.extensions["assets"].get(filename)
    if found is None:  # a file added after start (or none at all: 404)
        return current_app.send_static_file(filename)
    response = respond(found.bodies, found.mimetype)
    coding = response.headers.get("Content-Encoding", "identity")
    response.set_etag(f"{found.version}-{coding}")  # each coding its own validator (RFC 9110 8.8.3)
    response.headers["Cache-Control"] = IMMUTABLE if request.args.get("v") == found.version else "no-cache"
    return response.make_conditional(request)


def compress(response: Response) -> Response:
    """gzip or brotli for an HTML or JSON answer the client accepts it for. A streamed answer (exports) is
    left alone, so that it still goes out row by row."""
    if response.mimetype not in TEXT_ANSWERS or response.is_streamed or response.direct_passthrough:
        return response
    response.vary.add("Accept-Encoding")
    if ("Content-Encoding" in response.headers or response.status_code in (204, 206, 304)
            or (response.content_length or 0) < MIN_SIZE):
        return response
    coding = chosen(CODINGS)
    if coding == "identity":
        return response
    data = response.get_data()
    # level 6 and quality 5: a few milliseconds for a page, most of the saving of the slowest settings
    response.set_data(gzip.compress(data, 6, mtime=0) if coding == "gzip" else brotli.compress(data, quality=5))
    response.headers["Content-Encoding"] = coding
    etag, weak = response.get_etag()
    if etag:  # the compressed body is another representation: another validator, checked again
        response.set_etag(f"{etag}-{coding}", weak)
        response.make_conditional(request)
    return response
