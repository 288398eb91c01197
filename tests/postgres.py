"""Scratch PostgreSQL databases and Redis for the deployment tests (two app servers, backup and restore).

The server is TEST_DATABASE_URL's when it is set, else CI_POSTGRES_URL's (the one .ci/run uses), else
postgresql://postgres@127.0.0.1:5432. Each test makes its own database and drops it, so these tests run in
both of CI's passes, on SQLite too. Without a server they are skipped with that reason, except when CI is set.
"""
import os
import uuid

import pytest


def fail_or_skip(reason: str):
    if os.environ.get("CI"):
        pytest.fail(reason + " (CI is set: this test must run)")
    pytest.skip(reason)


def admin_url() -> str:
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("CI_POSTGRES_URL") \
        or "postgresql://postgres@127.0.0.1:5432/postgres"
    base = base.replace("postgresql+psycopg://", "postgresql://", 1)
    return base.rsplit("/", 1)[0] + "/postgres"


def run_sql(url: str, statement: str) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


@pytest.fixture
def scratch_postgres():
    """make(tag) -> the libpq URL of a new, empty database; every one made is dropped afterwards."""
    made = []

    def make(tag: str) -> str:
        name = f"outreach_{tag}_{uuid.uuid4().hex[:10]}"
        try:
            run_sql(admin_url(), f"CREATE DATABASE {name}")
        except Exception as error:  # noqa: BLE001 - any failure to reach the server means "no PostgreSQL here"
            fail_or_skip(f"no PostgreSQL to create a scratch database at {admin_url().rsplit('/', 1)[0]}: {error}")
        made.append(name)
        return admin_url().rsplit("/", 1)[0] + "/" + name

    yield make
    for name in made:
        run_sql(admin_url(), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        fail_or_skip(f"no Redis at {url}: {error}")
    return url
