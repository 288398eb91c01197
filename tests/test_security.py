"""Headers on every response, cookie hardening in production, and secrets that stay secret."""
import pytest

from outreach.config import database_url, from_env, secret_key


@pytest.mark.parametrize("path", ["/masuk", "/tidak-ada", "/healthz", "/static/app.css"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


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


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("OUTREACH_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
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
