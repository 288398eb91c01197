"""Fixtures: an app on a database built by the migrations, a client that logs in like a browser."""
import os
import re
import time

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

os.environ.setdefault("SECRET_KEY", "test-secret-key")

from outreach import create_app  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import User  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

TOBOALI, LEPAR = "19.03.01", "19.03.02"
PASSWORD = "rahasia-123"
KEPT_TABLES = {"regions", "alembic_version"}
pytest_plugins = ["tests.enrollment", "tests.review_helpers"]  # the officer, visit and coordinator fixtures


def reset_postgres(url: str) -> None:
    """Start from an empty schema: TEST_DATABASE_URL names a scratch database."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url.replace("postgresql://", "postgresql+psycopg://", 1)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "outreach-test.db")


def make_app(database_url, **config):
    return create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "LOGIN_RATE_LIMIT": "10000 per minute",
        "LOOKUP_NUMBER_RATE_LIMIT": "10000 per minute",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # production uses scrypt; hashing speed is not under test
        "DASHBOARD_CACHE_SECONDS": 0,  # counted on every request (tests/test_dashboard.py turns it on)
        # A loaded test machine may take seconds to answer: not a weak signal (the browser tests that mean one
        # hang the request for good).
        "SW_PATIENCE_MS": 10_000,
        "DISTRICT_CODE": "19.03",  # Bangka Selatan, whatever the environment says (tests/test_districts.py: others)
        **config,
    })


@pytest.fixture(scope="session")
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        db.session.commit()
    return app


@pytest.fixture(autouse=True)
def clean_tables(request):
    """Empty every table but the reference data after each test that used the database."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    from outreach.services import jobs
    jobs.wait(app)  # a job a test started on a thread of this process is over before its tables go
    with app.app_context():
        emptied = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEPT_TABLES]
        if db.engine.dialect.name == "postgresql":
            truncate([t.name for t in emptied])
        else:
            for table in emptied:
                db.session.execute(table.delete())
            db.session.commit()


def truncate(names, tries=50):
    """One TRUNCATE: faster than a DELETE of every table (a few tests write 100,000 rows, each firing the count
    trigger).

    TRUNCATE takes each table's exclusive lock in turn, so a request a browser test's live server is still
    answering (a service worker's fetch) can hold one of them and wait for another: a deadlock. Giving up at
    once on a held lock (before PostgreSQL's deadlock check picks a victim, which may be the request) and trying
    again when the request is over never leaves the next test a full table.
    """
    for attempt in range(tries):
        try:
            db.session.execute(db.text("SET LOCAL lock_timeout = '200ms'"))
            db.session.execute(db.text("TRUNCATE " + ", ".join(names)))
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == tries - 1:
                raise
            time.sleep(0.1)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    def make(username, role="officer", kecamatan=TOBOALI, password=PASSWORD, **fields):
        with app.app_context():
            user = User(username=username, full_name=fields.pop("full_name", username.title()), role=role,
                        kecamatan_code=kecamatan if role != "admin" else None, **fields)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            return user.id
    return make


@pytest.fixture
def users(make_user):
    """One account per role; the officer and coordinator work in Toboali."""
    return {
        "officer": make_user("petugas1", "officer", full_name="Siti Aminah"),
        "coordinator": make_user("koord1", "coordinator"),
        "admin": make_user("admin1", "admin"),
    }


CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_from(response) -> str:
    match = CSRF.search(response.get_data(as_text=True))
    assert match, "page has no csrf-token meta"
    return match.group(1)


class Auth:
    """Logs in and out through the real forms, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD, remember=False, follow=False):
        token = csrf_from(self.client.get("/masuk"))
        data = {"username": username, "password": password, "csrf_token": token}
        if remember:
            data["remember"] = "y"
        return self.client.post("/masuk", data=data, follow_redirects=follow)

    def logout(self):
        token = csrf_from(self.client.get("/"))
        return self.client.post("/keluar", data={"csrf_token": token})

    def token(self, path="/"):
        return csrf_from(self.client.get(path))


@pytest.fixture
def auth(client):
    return Auth(client)
