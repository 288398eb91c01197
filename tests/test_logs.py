"""Status tokens stay out of the access logs of the servers that run the app."""
import logging
import types
from datetime import timedelta

import pytest

from outreach.logs import mask_status_tokens

TOKEN = "Q2hhbmdlZCBieSB0aGUgdGVzdHMgb25seQ"


@pytest.mark.parametrize("raw, masked", [
    (f"GET /s/{TOKEN} HTTP/1.1", "GET /s/[token] HTTP/1.1"),
    (f"/s/{TOKEN}", "/s/[token]"),
    (f"/s/{TOKEN}?lang=en", "/s/[token]?lang=en"),
    (f"https://bpu.example.go.id/s/{TOKEN}", "https://bpu.example.go.id/s/[token]"),
    ("GET /static/js/sw.js HTTP/1.1", "GET /static/js/sw.js HTTP/1.1"),
    ("POST /cek HTTP/1.1", "POST /cek HTTP/1.1"),
    ("/s/", "/s/"),
])
def test_mask_status_tokens(raw, masked):
    assert mask_status_tokens(raw) == masked


@pytest.fixture
def gunicorn_logger(tmp_path):
    """gunicorn's own Logger writing its access log to a file; its handlers are taken off again afterwards."""
    from gunicorn.config import Config
    from gunicorn.glogging import Logger
    made = []

    def make(access_format=None):
        config = Config()
        config.set("accesslog", str(tmp_path / "access.log"))
        if access_format:
            config.set("access_log_format", access_format)
        made.append(Logger(config))
        return made[-1]

    yield make
    for logger in made:
        for log in (logger.access_log, logger.error_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
                handler.close()


def test_gunicorns_access_log_prints_no_status_token(app, tmp_path, gunicorn_logger):
    """With gunicorn's default format, and with one that prints the path, the referrer and the raw URI too."""
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/s/{TOKEN}", "PATH_INFO": f"/s/{TOKEN}", "QUERY_STRING": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.9",
               "HTTP_REFERER": f"https://bpu.example.go.id/s/{TOKEN}"}
    request = types.SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = types.SimpleNamespace(status="200 OK", response_length=512, sent=512, headers=[])
    for access_format in (None, '%(U)s "%(f)s" %({raw_uri}e)s'):
        logger = gunicorn_logger(access_format)
        logger.access(response, request, environ, timedelta(milliseconds=10))
        for handler in logger.access_log.handlers:
            handler.flush()
    written = (tmp_path / "access.log").read_text()
    assert "/s/[token]" in written and TOKEN not in written
    assert written.count("\n") == 2


def test_the_development_servers_request_log_prints_no_status_token(app, caplog):
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        logging.getLogger("werkzeug").info('127.0.0.1 - - [27/Nov/2026 10:00:00] "%s" %s %s',
                                           f"GET /s/{TOKEN} HTTP/1.1", "200", "-")
    assert "/s/[token]" in caplog.text and TOKEN not in caplog.text
