"""Headers on every response, cookie hardening in production, bounded request bodies, secrets that stay secret."""
import io

import pytest

from outreach.config import database_url, from_env, secret_key
from tests.conftest import make_app


@pytest.mark.parametrize("path", ["/masuk", "/tidak-ada", "/healthz", "/sw.js", "/manifest.webmanifest",
                                  "/static/tidak-ada.css"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin" and headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/static/app.css", "/static/js/forms.js", "/static/icons/icon-192.png"])
def test_a_stylesheet_script_or_image_is_never_sniffed_and_carries_no_page_headers(client, path):
    """The page's CSP governs what it loads; a stylesheet, script or PNG is no document to frame or to police."""
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert not {"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"} & set(headers.keys())


def test_pages_carry_no_inline_script_and_nothing_from_other_hosts(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert "<script>" not in page and " on" + "click=" not in page
    assert "http://" not in page and "https://" not in page


def test_production_requires_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        secret_key(str(tmp_path), production=True)


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(str(tmp_path), production=False)
    assert len(first) == 64 and secret_key(str(tmp_path), production=False) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


@pytest.fixture
def production(monkeypatch):
    """The environment a production deployment must give (README, Security)."""
    monkeypatch.setenv("OUTREACH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bpu.example.go.id/")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    return monkeypatch


def test_production_cookies_are_secure(production, tmp_path):
    config = from_env(str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_session_cookie_is_httponly_and_samesite(auth, users):
    cookie = next(c for c in auth.login("petugas1").headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("raw, expected", [
    (None, "sqlite:////srv/instance/outreach.db"),
    ("postgresql://u@db/outreach", "postgresql+psycopg://u@db/outreach"),
    ("postgres://u@db/outreach", "postgresql+psycopg://u@db/outreach"),
    ("postgresql+psycopg://u@db/x", "postgresql+psycopg://u@db/x"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_database_url(raw, expected):
    assert database_url(raw, "/srv/instance") == expected


@pytest.mark.parametrize("raw", ["prod", "live", "staging"])
def test_an_unknown_environment_is_refused_rather_than_run_unhardened(monkeypatch, tmp_path, raw):
    monkeypatch.setenv("OUTREACH_ENV", raw)
    with pytest.raises(RuntimeError, match="OUTREACH_ENV"):
        from_env(str(tmp_path))


def test_environment_names_are_read_loosely_but_exactly(production, tmp_path):
    production.setenv("OUTREACH_ENV", "PRODUCTION")
    assert from_env(str(tmp_path))["OUTREACH_ENV"] == "production"


def test_production_refuses_to_start_where_a_forged_host_would_choose_the_qr_address(production, tmp_path):
    """Without PUBLIC_BASE_URL a forged Host put http://evil.example/s/… into a receipt's QR code."""
    production.delenv("PUBLIC_BASE_URL")
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL .* or TRUSTED_HOSTS must be set"):
        from_env(str(tmp_path))
    production.setenv("TRUSTED_HOSTS", " bpu.example.go.id, localhost ")
    assert from_env(str(tmp_path))["TRUSTED_HOSTS"] == ["bpu.example.go.id", "localhost"]
    production.setenv("PUBLIC_BASE_URL", "https://bpu.example.go.id/")
    assert from_env(str(tmp_path))["PUBLIC_BASE_URL"] == "https://bpu.example.go.id"


def test_production_refuses_a_short_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "abc")
    with pytest.raises(RuntimeError, match="at least 32"):
        secret_key(str(tmp_path), production=True)


def test_pages_are_never_stored_by_a_cache_but_static_files_are(auth, client, users):
    assert client.get("/masuk").headers["Cache-Control"] == "no-store"
    auth.login("petugas1")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/app.css").headers.get("Cache-Control", "")


def test_behind_trusted_proxies_each_client_address_has_its_own_limit(database_url, app):
    proxied = make_app(database_url, TRUSTED_PROXIES=1, LOOKUP_RATE_LIMIT="2 per minute")
    client = proxied.test_client()

    def lookup(address):
        return client.post("/cek", data={"number": "BS-2611-000001", "birth_date": "1990-01-01"},
                           headers={"X-Forwarded-For": address}).status_code

    assert [lookup("10.1.1.1") for _ in range(3)] == [200, 200, 429]
    assert lookup("10.1.1.2") == 200  # another worker behind the same proxy is not blocked


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(database_url, app):
    direct = make_app(database_url, LOOKUP_RATE_LIMIT="2 per minute").test_client()
    codes = [direct.post("/cek", data={"number": "X", "birth_date": "1990-01-01"},
                         headers={"X-Forwarded-For": f"10.1.1.{n}"}).status_code for n in range(3)]
    assert codes == [200, 200, 429]  # a client cannot dodge the limit by inventing addresses


class Body(io.RawIOBase):
    """A request body of `size` bytes, made up as it is read: counts how much of it the app read."""

    def __init__(self, size: int, byte: bytes = b"a"):
        self.size, self.position, self.served, self.byte = size, 0, 0, byte

    def readable(self):
        return True

    def seekable(self):  # the test client measures the body by seeking to its end
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self):
        return self.position

    def readinto(self, buffer):
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = self.byte * n
        self.position += n
        self.served += n
        return n


FORM, MULTIPART = "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"


@pytest.mark.parametrize("path, content_type", [("/cek", FORM), ("/masuk", FORM), ("/masuk", MULTIPART),
                                                ("/tinjau/kpj", MULTIPART)])
def test_a_body_past_the_cap_is_refused_before_a_byte_is_read(app, client, path, content_type):
    """300 MB posted to /cek grew a worker to 1.5 GB; /masuk read it all before refusing the missing CSRF token."""
    body = Body(app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(path, input_stream=body, content_type=content_type)
    assert response.status_code == 413 and body.served == 0
    assert "Kiriman terlalu besar" in response.get_data(as_text=True)


def test_a_form_or_json_body_is_held_to_the_smaller_cap_it_is_parsed_in(app, auth, client, users):
    """Parsed whole in memory: a MB of url-encoded form is refused though an upload of that size is not."""
    size = app.config["MAX_FORM_LENGTH"] + 1
    assert size < app.config["MAX_CONTENT_LENGTH"]
    body = Body(size, b"&")
    assert client.post("/cek", input_stream=body, content_type=FORM).status_code == 413 and body.served == 0
    auth.login("petugas1")
    response = client.post("/api/v1/registrations", input_stream=Body(size), content_type="application/json",
                           headers={"X-CSRFToken": auth.token()})
    assert response.status_code == 413 and response.is_json
    assert response.get_json()["error"] == "Kiriman terlalu besar"


def test_an_upload_under_the_cap_still_reaches_its_own_limit(auth, client, users):
    """The KPJ import's own 2 MB limit answers in its form, next to the field, under the request cap."""
    auth.login("koord1")
    page = client.post("/tinjau/kpj", data={"csrf_token": auth.token(), "preview": "x",
                                            "file": (io.BytesIO(b"number,kpj\n" + b"x" * 3_000_000), "kpj.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Berkas terlalu besar (paling besar 2 MB)." in page
