"""Settings from the environment, with safe defaults for a laptop and hardening for production."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from outreach.domain.clock import TIMEZONE


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL: SQLite in the instance folder unless DATABASE_URL says otherwise.

    `postgres://` and `postgresql://` URLs are pointed at psycopg 3, the driver we ship.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "outreach.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


ENVIRONMENTS = ("development", "production")
MIN_SECRET_LENGTH = 32  # signs every session: a short one can be guessed offline from a cookie


def environment(raw: str | None) -> str:
    """OUTREACH_ENV, exactly one of ENVIRONMENTS: a typo such as "prod" must not quietly drop the hardening."""
    env = (raw or "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"OUTREACH_ENV must be one of {', '.join(ENVIRONMENTS)}, not {raw!r}")
    return env


def secret_key(instance_path: str, production: bool) -> str:
    """SECRET_KEY from the environment; in development, one generated once and kept on disk."""
    key = os.environ.get("SECRET_KEY")
    if key:
        if production and len(key) < MIN_SECRET_LENGTH:
            raise RuntimeError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production")
        return key
    if production:
        raise RuntimeError("SECRET_KEY must be set when OUTREACH_ENV=production")
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_env(instance_path: str) -> dict:
    env = environment(os.environ.get("OUTREACH_ENV"))
    production = env == "production"
    return {
        "OUTREACH_ENV": env,
        "SECRET_KEY": secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        # hide_parameters: database errors must not write NIKs or birth dates into the logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": TIMEZONE,
        "LANGUAGES": ("id", "en"),
        # Officers stay logged in on their own phone for a month when they tick "remember me".
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
        # A long form typed in a village must survive a slow officer: tokens last as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not take login and /cek down with it: count in memory until it is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Proxies in front of the app (nginx, a load balancer): how many X-Forwarded-* hops to believe, so
        # that rate limits count each client address, not the proxy's. 0 when the app faces clients directly.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        # Per client address, on top of the per-username lock below.
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", 15)),
        # BPU age bounds at registration (data/bpu_rules.md): refuse under MIN and from MAX on,
        # flag under ADULT (guardian consent).
        "BPU_MIN_AGE": int(os.environ.get("BPU_MIN_AGE", 15)),
        "BPU_ADULT_AGE": int(os.environ.get("BPU_ADULT_AGE", 18)),
        "BPU_MAX_AGE": int(os.environ.get("BPU_MAX_AGE", 65)),
        # Where receipts' QR codes point: the public address, e.g. https://bpu.bangkaselatankab.go.id
        # (a receipt printed behind a proxy must still point outward). Unset: the request's own host.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").rstrip("/") or None,
        # Keys the receipts' status tokens; unset, it is derived from SECRET_KEY. Changing it voids printed QRs.
        "RECEIPT_KEY": os.environ.get("RECEIPT_KEY"),
        "LOOKUP_RATE_LIMIT": os.environ.get("LOOKUP_RATE_LIMIT", "10 per minute"),
        # Shown on the public status page when neither the officer nor a coordinator has a phone on file; with
        # no OFFICE_PHONE either, the page tells the worker where to go: OFFICE_ADDRESS, else the kecamatan's office.
        "OFFICE_NAME": os.environ.get("OFFICE_NAME", "Pemerintah Kabupaten Bangka Selatan"),
        "OFFICE_PHONE": os.environ.get("OFFICE_PHONE", ""),
        "OFFICE_ADDRESS": os.environ.get("OFFICE_ADDRESS", ""),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
    }
