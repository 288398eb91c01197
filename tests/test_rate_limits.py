"""Rate limits on the shared Redis that production uses, and a Redis outage that takes nothing down."""
import os
import socket
import uuid

import pytest
import redis

from outreach.extensions import limiter
from tests.conftest import make_app

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_is_up() -> bool:
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
        return True
    except (redis.RedisError, OSError):
        return False


needs_redis = pytest.mark.skipif(not redis_is_up() and not os.environ.get("CI"),
                                 reason=f"no Redis at {REDIS} (set TEST_REDIS_URL); CI runs this against one")


@pytest.fixture(autouse=True)
def own_storage():
    """Flask-Limiter keeps its storage on the Limiter, and ours is one per process (extensions.py): each app
    made here re-binds it, so put back the session app's storage for the tests that follow."""
    saved = limiter._storage, limiter._limiter, limiter._storage_dead
    yield
    limiter._storage, limiter._limiter, limiter._storage_dead = saved


def phone(app, address=None):
    """A client from an address of its own, so that counts left by other runs in Redis don't matter."""
    address = address or "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, address


def lookup(client):
    return client.post("/cek", data={"number": "BS-2611-000001", "birth_date": "1990-01-01"}).status_code


@needs_redis
def test_the_lookup_limit_lives_in_redis_and_survives_a_restart(database_url, app):
    """Behind gunicorn each worker is its own process: only a shared store makes the limit one limit."""
    config = {"RATELIMIT_STORAGE_URI": REDIS, "LOOKUP_RATE_LIMIT": "3 per minute"}
    client, address = phone(make_app(database_url, **config))
    assert [lookup(client) for _ in range(3)] == [200, 200, 200]
    assert redis.Redis.from_url(REDIS).keys(f"*{address}*")  # counted there, not in this process
    restarted = make_app(database_url, **config)  # a new storage connection, as another worker has
    assert lookup(phone(restarted, address)[0]) == 429


def test_a_redis_outage_does_not_take_login_or_lookup_down(database_url, app, users):
    gone = make_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", LOOKUP_RATE_LIMIT="2 per minute")
    client, _address = phone(gone)
    assert [lookup(client) for _ in range(3)] == [200, 200, 429]  # counted in memory meanwhile
    assert client.get("/masuk").status_code == 200


def test_a_redis_outage_is_logged_once_not_silently(database_url, app, caplog):
    gone = make_app(database_url, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", LOOKUP_RATE_LIMIT="5 per minute")
    client, _address = phone(gone)
    with caplog.at_level("WARNING"):
        for _ in range(3):
            lookup(client)
    warnings = [r for r in caplog.records
                if r.name == gone.logger.name and "rate limit storage unreachable" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


@needs_redis
def test_one_number_is_limited_whatever_the_addresses(database_url, app):
    """A known number's birth date is not guessed from many addresses: the tries for one number count together."""
    config = {"RATELIMIT_STORAGE_URI": REDIS, "LOOKUP_RATE_LIMIT": "100 per minute",
              "LOOKUP_NUMBER_RATE_LIMIT": "3 per hour"}
    limited = make_app(database_url, **config)
    number = f"BS-9{uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 1000000:06d}"  # its own count in Redis

    def guess(client, typed):
        return client.post("/cek", data={"number": typed, "birth_date": "1990-01-01"}).status_code

    tries = [guess(phone(limited)[0], typed) for typed in (number, number.lower(), number.replace("-", " "))]
    assert tries == [200, 200, 200]
    assert guess(phone(limited)[0], number) == 429  # a fourth address, the same number however typed
    other = f"BS-8{uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 1000000:06d}"  # a fixed one would keep its
    assert guess(phone(limited)[0], other) == 200  # count in a shared Redis across runs; not held back
