"""Settings from the environment, with safe defaults for a laptop and hardening for production."""
import os
import secrets
from datetime import timedelta
from pathlib import Path

from outreach.domain.clock import TIMEZONE
from outreach.domain.regions import DEFAULT_DISTRICT
from outreach.files import write_private


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


def replica_bind(raw: str | None, instance_path: str) -> dict:
    if not raw:
        return {}
    return {"replica": {"url": database_url(raw, instance_path), "pool_pre_ping": True, "hide_parameters": True}}


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
        write_private(path, secrets.token_hex(32))
    return path.read_text().strip()


def public_address(production: bool) -> tuple[str | None, list[str] | None]:
    """PUBLIC_BASE_URL and TRUSTED_HOSTS. Without either, absolute URLs (a receipt's QR) follow the request's
    Host header, which anyone can forge: production needs one of them."""
    base = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/") or None
    hosts = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None
    if production and not (base or hosts):
        raise RuntimeError("PUBLIC_BASE_URL (e.g. https://bpu.example.go.id) or TRUSTED_HOSTS must be set when "
                           "OUTREACH_ENV=production: otherwise a forged Host header chooses where QR codes point")
    return base, hosts


def months(name: str, default: int) -> int:
    """A retention period in whole months, at least 1: the consent text promises it to every worker."""
    raw = os.environ.get(name, str(default))
    if not raw.strip().isdigit() or int(raw) < 1:
        raise RuntimeError(f"{name} must be a whole number of months, 1 or more, not {raw!r}")
    return int(raw)


def switch(name: str, default: bool = False) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off; anything else is refused rather than guessed."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise RuntimeError(f"{name} must be true or false, not {raw!r}")


def percent(name: str) -> float | None:
    raw = os.environ.get(name, "").strip().rstrip("%")
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        raise RuntimeError(f"{name} must be a percentage between 0 and 100, not {raw!r}")
    return value


def from_env(instance_path: str) -> dict:
    env = environment(os.environ.get("OUTREACH_ENV"))
    production = env == "production"
    base_url, trusted_hosts = public_address(production)
    return {
        # The regency or city this deployment serves, by its Kemendagri code (README, "A new district"):
        # scopes, checks, the desa loaded, names on pages. NUMBER_PREFIX unset: derived from the district
        # (outreach/domain/district.py); numbers already issued keep theirs.
        "DISTRICT_CODE": os.environ.get("DISTRICT_CODE", DEFAULT_DISTRICT).strip(),
        "NUMBER_PREFIX": os.environ.get("NUMBER_PREFIX", "").strip() or None,
        # The share of informal workers covered when the campaign started, and where that figure comes from;
        # unset: data/deployments.csv's (21%, Tropedo.id, October 2024 for Bangka Selatan), else none.
        "COVERAGE_BASELINE_PCT": percent("COVERAGE_BASELINE_PCT"),
        "COVERAGE_BASELINE_SOURCE": os.environ.get("COVERAGE_BASELINE_SOURCE", "").strip() or None,
        # How long one app process reuses the dashboard's counts for a scope (0: count on every request): a
        # million registrations take about a second to count (README, "Dashboard").
        "DASHBOARD_CACHE_SECONDS": int(os.environ.get("DASHBOARD_CACHE_SECONDS", 60)),
        "OUTREACH_ENV": env,
        "SECRET_KEY": secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL"), instance_path),
        # hide_parameters: database errors must not write NIKs or birth dates into the logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # A read replica for the dashboard's and exports' reads (outreach/replica.py); unset: all on the primary.
        "SQLALCHEMY_BINDS": replica_bind(os.environ.get("DATABASE_REPLICA_URL"), instance_path),
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
        # A response sets the session cookie only when it changed the session. Refreshed on every response, a
        # page the service worker fetched with the cookie of a moment ago would write that old session back over
        # a newer one (a flash message, a fresh CSRF token) set by the page the officer opened meanwhile.
        "SESSION_REFRESH_EACH_REQUEST": False,
        # A long form typed in a village must survive a slow officer: tokens last as long as the session.
        "WTF_CSRF_TIME_LIMIT": None,
        # The largest request body: an import's file (the KPJ CSV's own limit is 2 MB; room for a larger one).
        # Past it the answer is 413 before a byte is read; give the proxy the same (client_max_body_size).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_UPLOAD_MB", 10)) * 1024 * 1024,
        # Bodies parsed whole in memory (url-encoded forms, JSON): the longest, a registration or a page of the
        # queue's bulk action, are a few KB; 10 MB of tiny fields would take ~0.5 GB to parse (inputs.py).
        "MAX_FORM_LENGTH": 256 * 1024,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Long work (services/jobs.py) on RQ through this Redis; unset: on a thread of the app's process.
        # How long a kept page (home, visits, outbox, a visit's form) waits for the network before the service
        # worker answers with the kept copy: a weak signal must not leave the officer staring at a blank page.
        "SW_PATIENCE_MS": 4000,
        "JOBS_REDIS_URL": os.environ.get("JOBS_REDIS_URL", "").strip() or None,
        "JOB_TIMEOUT": 3600,  # seconds a job may run on an RQ worker
        # A running job silent this long lost its worker: run again from the start. Above JOB_TIMEOUT (RQ stops a
        # job by then), so that a long import applying in one transaction is never taken for a dead one.
        "JOB_STALE_SECONDS": 3660,
        "EXPORT_INLINE_ROWS": 5000,  # more rows than this: the export is a job, not one response
        "IMPORT_INLINE_ROWS": 1000,  # more rows than this: applying an import is a job
        "PAYMENT_INLINE_ROWS": 5000,  # a payment file longer than this is checked, and applied, by a job
        # Keeps this deployment's counts apart in a Redis that other deployments (districts) also use.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down must not take login and /cek down with it: count in memory until it is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Proxies in front of the app (nginx, a load balancer): how many X-Forwarded-* hops to believe, so
        # that rate limits count each client address, not the proxy's. 0 when the app faces clients directly.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", 0)),
        # Per client address, on top of the per-username locks below (auth/throttle.py).
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "30 per minute"),
        "PASSWORD_HASH_METHOD": "scrypt",
        # Failures of one username from one address before that address is locked out of it, and for how long.
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", 5)),
        "LOGIN_LOCK_MINUTES": int(os.environ.get("LOGIN_LOCK_MINUTES", 15)),
        # Failures of one username from all addresses before browsers that never logged in to it are slowed
        # down: a wait before each try, doubling with each failure (at most LOGIN_LOCK_MINUTES).
        "LOGIN_ACCOUNT_MAX_FAILURES": int(os.environ.get("LOGIN_ACCOUNT_MAX_FAILURES", 20)),
        "LOGIN_SLOWDOWN_SECONDS": int(os.environ.get("LOGIN_SLOWDOWN_SECONDS", 30)),
        # BPU age bounds at registration (data/bpu_rules.md): refuse under MIN and from MAX on,
        # flag under ADULT (guardian consent).
        "BPU_MIN_AGE": int(os.environ.get("BPU_MIN_AGE", 15)),
        "BPU_ADULT_AGE": int(os.environ.get("BPU_ADULT_AGE", 18)),
        "BPU_MAX_AGE": int(os.environ.get("BPU_MAX_AGE", 65)),
        # PP 50/2025 (data/bpu_rules.md): whether contributions paid from the village budget (APBDes / dana desa)
        # get the discount, which excludes APBN and APBD; no source decides, so excluded unless set.
        "APBDES_DISCOUNTED": switch("APBDES_DISCOUNTED"),
        # Whether inter-island boatmen (Toboali–Lepar–Pongok) count as transport BPU for the discount; no source
        # decides, so non-transport unless set.
        "BOAT_TRANSPORT": switch("BOAT_TRANSPORT"),
        # Where receipts' QR codes point: the public address, e.g. https://bpu.bangkaselatankab.go.id
        # (a receipt printed behind a proxy must still point outward). Unset: the request's own host.
        "PUBLIC_BASE_URL": base_url,
        # The host names the app answers to (Flask refuses others with 400), e.g. bpu.example.go.id,localhost.
        "TRUSTED_HOSTS": trusted_hosts,
        # Keys the receipts' status tokens; unset, it is derived from SECRET_KEY. Changing it voids printed QRs.
        "RECEIPT_KEY": os.environ.get("RECEIPT_KEY"),
        "LOOKUP_RATE_LIMIT": os.environ.get("LOOKUP_RATE_LIMIT", "10 per minute"),
        # Tries for one registration number, from all addresses together: a birth date is not guessed from many.
        "LOOKUP_NUMBER_RATE_LIMIT": os.environ.get("LOOKUP_NUMBER_RATE_LIMIT", "10 per hour"),
        # NIKs an officer may find already registered in an hour, before the form stops saying whose they are.
        "NIK_MATCH_LIMIT": int(os.environ.get("NIK_MATCH_LIMIT", "30")),
        # Shown on the public status page when neither the officer nor a coordinator has a phone on file; with
        # no OFFICE_PHONE either, the page tells the worker where to go: OFFICE_ADDRESS, else the kecamatan's office.
        # OFFICE_NAME unset: "Pemerintah " and the district's name (outreach/district.py).
        "OFFICE_NAME": os.environ.get("OFFICE_NAME", "").strip() or None,
        "OFFICE_PHONE": os.environ.get("OFFICE_PHONE", ""),
        "OFFICE_ADDRESS": os.environ.get("OFFICE_ADDRESS", ""),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # How long personal data is kept after a registration's last change (README, "Personal data"); applied
        # by `flask retention run`, and read to the worker in the consent text.
        "RETENTION_REJECTED_MONTHS": months("RETENTION_REJECTED_MONTHS", 6),
        "RETENTION_RETURNED_MONTHS": months("RETENTION_RETURNED_MONTHS", 6),
        "RETENTION_MAX_MONTHS": months("RETENTION_MAX_MONTHS", 60),
        # Follow-up (README, "Follow-up"): days after the KPJ before a missing first payment is chased.
        "FOLLOWUP_FIRST_PAYMENT_DAYS": int(os.environ.get("FOLLOWUP_FIRST_PAYMENT_DAYS", 14)),
        # Automatic messages (`flask messages send`): the gateway adapter and its address and key. Unset URL: the
        # command queues and sends nothing; officers still send from their phones.
        "MESSAGE_GATEWAY": os.environ.get("MESSAGE_GATEWAY", "http"),
        "MESSAGE_GATEWAY_URL": os.environ.get("MESSAGE_GATEWAY_URL", "").strip() or None,
        "MESSAGE_GATEWAY_SECRET": os.environ.get("MESSAGE_GATEWAY_SECRET", ""),
        "MESSAGE_GATEWAY_TIMEOUT": float(os.environ.get("MESSAGE_GATEWAY_TIMEOUT", 10)),
        "MESSAGE_MAX_ATTEMPTS": int(os.environ.get("MESSAGE_MAX_ATTEMPTS", 6)),
        "MESSAGE_RETRY_SECONDS": int(os.environ.get("MESSAGE_RETRY_SECONDS", 300)),
    }
