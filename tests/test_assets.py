"""Fingerprinted static files kept a year, and compression that leaves streams, validators and /healthz alone."""
import gzip
import hashlib
import json
import re

import brotli
from flask import Response

from outreach import assets
from outreach.offline.views import SHELL_FILES, shell_version
from tests.review_helpers import enroll

LINKED = re.compile(r'<(?:link rel="stylesheet"|script) (?:href|src)="([^"]+)"')
FINGERPRINT = re.compile(r"^/static/[\w./-]+\?v=[0-9a-f]{10}$")


def test_every_page_links_its_css_and_scripts_by_fingerprint(client, officer, visit_id):
    for path in ("/", f"/kunjungan/{visit_id}/daftar", "/outbox", "/luring"):
        linked = LINKED.findall(client.get(path).get_data(as_text=True))
        assert linked and all(FINGERPRINT.match(url) for url in linked), (path, linked)


def test_a_file_address_is_built_once_and_keeps_the_mount_point(app):
    from flask import url_for
    version = app.extensions["assets"]["site.css"].version
    for root in ("", "/outreach", ""):  # served at the root, then behind a proxy's prefix: each its own address
        with app.test_request_context(base_url=f"http://localhost{root}/"):
            assert assets.asset("site.css") == url_for("static", filename="site.css", v=version)
            assert assets.asset("site.css") == f"{root}/static/site.css?v={version}"
            assert assets.asset("tidak-ada.css") == f"{root}/static/tidak-ada.css"
    css = app.extensions["assets"]["site.css"]
    app.extensions["assets"]["site.css"] = assets.Asset("0123456789", css.mimetype, css.bodies)  # a new release
    try:
        with app.test_request_context():
            assert assets.asset("site.css") == "/static/site.css?v=0123456789"
    finally:
        app.extensions["assets"]["site.css"] = css


def test_a_fingerprinted_file_is_kept_a_year_and_any_other_is_checked_again(app, client):
    version = app.extensions["assets"]["app.css"].version
    kept = client.get(f"/static/app.css?v={version}")
    assert kept.status_code == 200 and kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for stale in ("/static/app.css", "/static/app.css?v=0000000000"):  # an older page's link: today's file, checked
        response = client.get(stale)
        assert response.headers["Cache-Control"] == "no-cache" and response.data == kept.data
    assert client.get("/static/tidak-ada.css").status_code == 404


def test_static_files_are_compressed_when_asked_and_plain_when_not(client):
    plain = client.get("/static/js/outbox-core.js")
    assert "Content-Encoding" not in plain.headers and b"function" in plain.data
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = client.get("/static/js/outbox-core.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data) / 2
    br = client.get("/static/js/outbox-core.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == plain.data
    refused = client.get("/static/js/outbox-core.js", headers={"Accept-Encoding": "br;q=0, gzip"})
    assert refused.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in client.get("/static/js/outbox-core.js", headers={"Accept-Encoding": "identity"}).headers
    png = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in png.headers and png.mimetype == "image/png"


def test_each_coding_has_its_validator_and_a_known_one_gets_304(client):
    for coding in ("gzip", "br", "identity"):
        first = client.get("/static/site.css", headers={"Accept-Encoding": coding})
        etag = first.headers["ETag"]
        assert etag.endswith(f'-{coding}"')
        again = client.get("/static/site.css", headers={"Accept-Encoding": coding, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""


def test_pages_are_compressed_and_still_never_stored(client, officer):
    plain = client.get("/")
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and b"user-id" in gzip.decompress(page.data)
    assert page.headers["Cache-Control"] == "no-store" and "Accept-Encoding" in page.headers["Vary"]
    assert len(page.data) < len(plain.data) / 2
    br = client.get("/sw.js", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br" and b"SETTINGS" in brotli.decompress(br.data)


def test_healthz_and_small_answers_go_out_plain(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert "Content-Encoding" not in response.headers


def test_a_compressed_answer_keeps_its_etag_checked(app):
    """A view's ETag names the plain body: the compressed one gets its own, and a client holding it gets 304."""
    body = "<p>halo</p>" * 200
    with app.test_request_context("/", headers={"Accept-Encoding": "gzip"}):
        response = Response(body, mimetype="text/html")
        response.set_etag("abc")
        first = assets.compress(response)
        assert first.headers["ETag"] == '"abc-gzip"' and first.status_code == 200
    with app.test_request_context("/", headers={"Accept-Encoding": "gzip", "If-None-Match": '"abc-gzip"'}):
        response = Response(body, mimetype="text/html")
        response.set_etag("abc")
        assert assets.compress(response).status_code == 304


def test_a_streamed_export_still_streams_when_compression_is_accepted(app, officer, visit_id, coordinator):
    number = enroll(officer, visit_id)
    response = coordinator.get("/tinjau/ekspor.csv", headers={"Accept-Encoding": "gzip, br"})
    assert response.is_streamed and "Content-Encoding" not in response.headers
    body = response.get_data()
    assert body.startswith("\ufeff".encode()) and number.encode() in body


def test_the_worker_precaches_the_fingerprinted_shell_and_changes_with_it(app, client):
    body = client.get("/sw.js").get_data(as_text=True)
    settings = json.loads(re.search(r"const SETTINGS = (\{.*\});", body).group(1))
    static = [url for url in settings["shell"] if url.startswith("/static/")]
    assert len(static) == len(SHELL_FILES) - 1 and all(FINGERPRINT.match(url) for url in static)
    assert FINGERPRINT.match(settings["urls"]["core"])
    for url in static:
        assert client.get(url).headers["Cache-Control"].endswith("immutable")
    table = dict(app.extensions["assets"])
    before = shell_version(table)
    table["app.css"] = assets.Asset("0123456789", "text/css", {"identity": b""})  # a release that changed app.css
    assert shell_version(table) != before == settings["version"]
    icons = json.loads(client.get("/manifest.webmanifest").data)["icons"]
    assert all(FINGERPRINT.match(icon["src"]) for icon in icons)


def test_a_static_answer_carries_no_session_for_a_shared_cache_to_keep(app, client, officer):
    """`public` files for a year: a refreshed session cookie on them could be handed to the next officer by a
    proxy's cache, and `Vary: Cookie` would make the browser fetch them again after every page."""
    url = f"/static/app.css?v={app.extensions['assets']['app.css'].version}"
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.headers["Vary"]
    assert "Set-Cookie" in client.get("/").headers  # pages still refresh it
    assert client.get("/").status_code == 200  # and the officer is still logged in


def test_a_stylesheet_is_served_without_its_comments(app, client):
    from outreach import ROOT
    source = (ROOT / "outreach" / "static" / "site.css").read_bytes()
    served = client.get("/static/site.css").data
    assert b"/*" in source and b"/*" not in served and served == assets.without_comments(source)
    assert assets.without_comments(b'a{content:"/* kept */"}/* gone */b{}') == b'a{content:"/* kept */"}b{}'
    assert app.extensions["assets"]["site.css"].version == hashlib.sha256(served).hexdigest()[:10]


def test_the_service_worker_is_compressed_once_at_the_strongest_setting_and_again_after_a_release(client,
                                                                                                   monkeypatch):
    plain = client.get("/sw.js").data
    br = client.get("/sw.js", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == plain
    assert len(br.data) == len(brotli.compress(plain, quality=11))
    assert client.get("/sw.js", headers={"Accept-Encoding": "br"}).data == br.data
    from outreach.offline import views
    monkeypatch.setattr(views, "shell_version", lambda assets: "0123456789ab")  # a new release
    after = brotli.decompress(client.get("/sw.js", headers={"Accept-Encoding": "br"}).data)
    assert b'"version": "0123456789ab"' in after and after == client.get("/sw.js").data
