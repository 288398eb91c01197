"""CPU per POST /api/v1/registrations in the app's own process (issue 15's row), against /healthz in the same run.

An officer logged in through the real form posts complete registrations with fresh client_ids and NIKs, as the
outbox does; CPU is time.process_time() around each request (this process only: the database's is not counted).
Prints the median of --runs runs of --posts POSTs each with their range, /healthz measured between them, the
ratio, and with --profile the lines of outreach/ where the CPU went (samples of a CPU-time timer, charged to the
innermost frame in our code). The machine is shared: compare ratios, or before/after runs made back to back.
Run: python bench/registration_cpu.py --database postgresql://postgres@127.0.0.1:5432/<scratch> [--profile 25]
"""
import argparse
import collections
import json
import os
import re
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-for-registration-cpu")

from flask_migrate import upgrade  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import User  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

PASSWORD = "bench-password"


def logged_in(app):
    """A test client of an officer logged in through /masuk, and the CSRF token of its session."""
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        if not db.session.scalar(db.select(User).where(User.username == "bench-cpu")):
            officer = User(username="bench-cpu", full_name="Bench CPU", role="officer", kecamatan_code="19.03.01")
            officer.set_password(PASSWORD)
            db.session.add(officer)
        db.session.commit()
    client = app.test_client()
    page = client.get("/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/masuk", data={"username": "bench-cpu", "password": PASSWORD, "csrf_token": token})
    return client, client.get("/api/v1/session").get_json()["csrf_token"]


def poster(client, token):
    counter = iter(range(time.time_ns() // 1000 % 10_000_000, 10**9))  # NIKs no earlier run has used
    headers = {"Content-Type": "application/json", "X-CSRFToken": token, "Accept-Encoding": "gzip"}

    def post():
        i = next(counter)
        day, month, year, seq = 1 + i % 28, 1 + (i // 28) % 12, 70 + (i // 336) % 30, 1 + (i // 10080) % 9999
        body = {"client_id": str(uuid.uuid4()), "nik": f"190301{day + 40:02d}{month:02d}{year:02d}{seq:04d}",
                "birth_date": f"19{year:02d}-{month:02d}-{day:02d}", "sex": "F", "full_name": "Siti Aminah",
                "birth_place": "Toboali", "phone": "0812-3456-7890", "address": "Dusun I",
                "village_code": "19.03.01.1001", "occupation": "nelayan", "monthly_income": 1_000_000,
                "programs": ["JKK", "JKM"], "payment_period": 1, "funding": "self", "heir_name": "Ahmad",
                "heir_relation": "pasangan", "consent": True, "consent_method": "read_aloud"}
        response = client.post("/api/v1/registrations", data=json.dumps(body), headers=headers)
        assert response.status_code == 201, (response.status_code, response.get_data(as_text=True)[:300])
    return post


def cpu_ms(call, times: int) -> float:
    samples = []
    for _ in range(times):
        start = time.process_time()
        call()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def where_cpu_goes(post, times: int, top: int) -> None:
    """Each SIGPROF (CPU time, the kernel's tick) charged to the innermost line of outreach/ on the stack."""
    counts, package = collections.Counter(), str(ROOT / "outreach") + os.sep

    def sample(_signal, frame):
        while frame is not None and not frame.f_code.co_filename.startswith(package):
            frame = frame.f_back
        counts[f"{frame.f_code.co_filename.removeprefix(package)}:{frame.f_lineno} {frame.f_code.co_name}"
               if frame else "(Flask, Werkzeug, extensions, test client)"] += 1
    signal.signal(signal.SIGPROF, sample)
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
    for _ in range(times):
        post()
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    total = sum(counts.values())
    print(f"\nwhere the CPU goes ({total} samples over {times} POSTs):")
    for line, n in counts.most_common(top):
        print(f"  {100 * n / total:5.1f}%  {line}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True, help="a scratch database (PostgreSQL as in production)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--profile", type=int, default=0, help="print this many lines of where the CPU goes")
    options = parser.parse_args()
    url = options.database.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "NIK_MATCH_LIMIT": 10**9})
    client, token = logged_in(app)
    post = poster(client, token)
    for _ in range(50):  # compiled statements, prepared statements, caches
        post()
    health = lambda: client.get("/healthz")  # noqa: E731
    posts, healths = [], []
    for _ in range(options.runs):
        posts.append(cpu_ms(post, options.posts))
        healths.append(cpu_ms(health, options.posts // 2))
    ratios = [p / h for p, h in zip(posts, healths)]
    spread = lambda v: f"{statistics.median(v):.2f} ({min(v):.2f}–{max(v):.2f})"  # noqa: E731
    print(f"POST /api/v1/registrations  CPU ms per request, median of {options.runs} runs of {options.posts}: "
          f"{spread(posts)}")
    print(f"GET /healthz                CPU ms per request: {spread(healths)}")
    print(f"ratio POST / healthz        {spread(ratios)}")
    if options.profile:
        where_cpu_goes(post, options.posts, options.profile)


if __name__ == "__main__":
    main()
