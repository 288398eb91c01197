"""Two app servers, one database, one Redis: nothing a request needs lives on one server.

Two gunicorn processes on their own ports share a scratch PostgreSQL database and Redis; an officer and a
coordinator walk their journeys alternating between them (server A and server B, as a load balancer would
send them): log in on A, register on B, preview a KPJ import on A and apply it on B, be rate limited by
tries spread over both, log out on A and be refused on B."""
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade

from outreach.extensions import db
from outreach.models import User
from outreach.services.regions import load_regions
from tests.conftest import PASSWORD, make_app
from tests.enrollment import CLIENT_ID, worker
from tests.postgres import redis_url, scratch_postgres  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
DIGEST = re.compile(r'name="digest" type="hidden" value="([0-9a-f]{64})"')


class Browser:
    """One person's browser: its cookies go to whichever server the load balancer picks."""

    def __init__(self, ports: dict, cookies: dict | None = None):
        self.ports, self.cookies = ports, dict(cookies or {})

    def request(self, server, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.ports[server], timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value and morsel["max-age"] != "0" and "1970" not in morsel["expires"]:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        conn.close()
        return response

    def token(self, server, path="/"):
        page = self.request(server, "GET", path)
        if page.status == 302:  # not logged in: the login page carries one too
            page = self.request(server, "GET", page.getheader("Location"))
        return CSRF.search(page.text)[1]

    def form(self, server, path, fields):
        body = urlencode({**fields, "csrf_token": self.token(server)}, doseq=True)
        return self.request(server, "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def json(self, server, method, path, payload=None):
        return self.request(server, method, path, None if payload is None else json.dumps(payload),
                            {"Content-Type": "application/json", "X-CSRFToken": self.token(server)})

    def upload(self, server, path, fields, filename, content: bytes):
        boundary = uuid.uuid4().hex
        out = io.BytesIO()
        for name, value in {**fields, "csrf_token": self.token(server)}.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                  f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
        out.write(f"--{boundary}--\r\n".encode())
        return self.request(server, "POST", path, out.getvalue(),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict) -> tuple[subprocess.Popen, int, list]:
    """gunicorn wsgi:app on a free port; returns once it listens (the app is loaded first: --preload)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--preload", "--workers", "1", "--bind",
                                f"127.0.0.1:{port}", "wsgi:app"], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    log = []
    for line in process.stderr:  # ends when gunicorn says it listens, or when it dies
        log.append(line)
        if "Listening at" in line:
            break
    else:
        process.wait(timeout=10)
        pytest.fail("gunicorn did not start:\n" + "".join(log))
    threading.Thread(target=lambda: log.extend(process.stderr), daemon=True).start()  # keep the pipe drained
    return process, port, log


def prepare(url: str) -> None:
    """The schema by the migrations, the regions, an officer and a coordinator of Toboali."""
    app = make_app(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        for username, role in (("petugas", "officer"), ("koord", "coordinator")):
            user = User(username=username, full_name=username.title(), role=role, kecamatan_code="19.03.01")
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def servers(scratch_postgres, redis_url, tmp_path):  # noqa: F811
    url = scratch_postgres("twoservers")
    prepare(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "FLASK_"))}
    env.update(DATABASE_URL=url, SECRET_KEY="two-servers-" + uuid.uuid4().hex, RATELIMIT_STORAGE_URI=redis_url,
               RATELIMIT_KEY_PREFIX="twoservers-" + uuid.uuid4().hex, LOOKUP_RATE_LIMIT="4 per minute",
               OUTREACH_ENV="development")
    # Each server has an instance folder of its own, as on two machines: nothing may be shared through it.
    started = [start_server(env | {"INSTANCE_PATH": str(tmp_path / name)}) for name in ("a", "b")]
    try:
        yield {"A": started[0][1], "B": started[1][1]}
    finally:
        for process, _port, _log in started:  # only the processes this fixture started
            process.terminate()
            process.wait(timeout=20)


def test_one_officer_and_one_coordinator_across_two_servers(servers):
    officer, coordinator = Browser(servers), Browser(servers)

    # The officer logs in on A and registers a worker on B.
    login = officer.request("A", "GET", "/masuk")
    assert login.status == 200
    assert officer.form("A", "/masuk", {"username": "petugas", "password": PASSWORD}).status == 302
    visit = officer.form("B", "/kunjungan", {"village_code": "19.03.01.1001", "note": ""})
    assert visit.status == 302, visit.text[:300]
    visit_id = visit.getheader("Location").rsplit("/", 1)[1]
    client_id = CLIENT_ID.search(officer.request("A", "GET", f"/kunjungan/{visit_id}/daftar").text)[1]
    saved = officer.form("B", f"/kunjungan/{visit_id}/daftar", {**worker(), "client_id": client_id, "submit": "x"})
    assert saved.status == 302, saved.text[:500]
    number = saved.getheader("Location").rsplit("/", 1)[1]
    assert number.startswith("BS-")

    # The coordinator logs in on B, verifies on A, submits on B.
    assert coordinator.form("B", "/masuk", {"username": "koord", "password": PASSWORD}).status == 302
    for server, target in (("A", "verified"), ("B", "submitted")):
        version = json.loads(coordinator.request(server, "GET", f"/api/v1/registrations/{number}").text)
        moved = coordinator.json(server, "POST", f"/api/v1/registrations/{number}/transition",
                                 {"to": target, "version": version["version"]})
        assert moved.status == 200, moved.text[:300]

    # A KPJ file previewed on A is applied on B: the previewed file waits in the database.
    preview = coordinator.upload("A", "/tinjau/kpj", {"preview": "x"}, "kpj.csv",
                                 f"number,kpj\n{number},12345678901\n".encode())
    assert preview.status == 200 and "1 dari 1 baris siap." in preview.text
    applied = coordinator.form("B", "/tinjau/kpj", {"digest": DIGEST.search(preview.text)[1], "apply": "x"})
    assert applied.status == 302, applied.text[:500]
    active = json.loads(coordinator.request("A", "GET", f"/api/v1/registrations/{number}").text)
    assert (active["status"], active["kpj"]) == ("active", "12345678901")

    # Rate limits are counted once for both: 4 lookups a minute, tried alternately on A and B.
    worker_phone = Browser(servers)
    answers = [worker_phone.request(server, "POST", "/cek", urlencode({"number": "BS-0101-000001",
                                                                       "birth_date": "1990-08-15"}),
                                    {"Content-Type": "application/x-www-form-urlencoded"}).status
               for server in "ABABA"]
    assert answers == [200, 200, 200, 200, 429]

    # Logged out on A, the same cookie is refused on B.
    copied = Browser(servers, officer.cookies)
    assert copied.request("B", "GET", "/api/v1/session").status == 200
    assert officer.form("A", "/keluar", {}).status == 302
    refused = copied.request("B", "GET", "/api/v1/session")
    assert refused.status == 401 and "Sesi berakhir" in refused.text
