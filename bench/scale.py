"""Issue 15's table, measured over HTTP on a database loaded by bench/scale_load.py.

Serves the app as the README deploys it (gunicorn, sync workers, 30 s timeout; jobs on an RQ worker), and for
each row prints the figure next to GET /healthz measured back to back in the same run (this machine is shared:
wall-clock figures swing, ratios much less), as the median of --runs runs with their range; CPU per request is
read from /proc (the gunicorn workers', and PostgreSQL's). Rows: POST /api/v1/registrations (8 and 16
connections; then a retry storm, which must stay exactly once), the status page, the queue (coordinator and
admin, each filter), the dashboard, the follow-up lists (a coordinator's, an officer's desa), a CSV export of
everything (rows/s, the worker's peak RSS), a kecamatan's XLSX, a 30,000-row KPJ preview.
Run: python bench/scale.py --database postgresql://postgres@127.0.0.1:5432/outreach_scale [--runs 3]
"""
import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scale_load import PASSWORD, SECRET, token_of  # noqa: E402

BIN = Path(sys.executable).parent
COORD_QUEUE = ["/tinjau", "/tinjau?status=active", "/tinjau?occupation=petani", "/tinjau?funding=apbd_kabupaten",
               "/tinjau?flag=employs_others", "/tinjau?q=zulkarnaen", "/tinjau?q=xylofon", "/tinjau?q=BS-2611-00",
               "/tinjau?q=0042"]
ADMIN_QUEUE = COORD_QUEUE + ["/tinjau?kecamatan=19.03.02"]
FOLLOWUP = ("no_first_payment", "inactive", "in_arrears", "programme_ending", "discount_ending", "ending")
COORD_FOLLOWUP = [f"/tindak-lanjut?daftar={name}" for name in FOLLOWUP]  # issue 14: p95 < 150 ms
OFFICER_FOLLOWUP = [f"/tindak-lanjut?daftar={name}&desa=19.03.01.1001" for name in FOLLOWUP] + ["/"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as the README runs it, and one RQ worker; stopped on exit."""

    def __init__(self, database: str, workers: int, redis: str):
        self.port = free_port()
        self.env = {**os.environ, "DATABASE_URL": database, "SECRET_KEY": SECRET, "OUTREACH_ENV": "development",
                    "JOBS_REDIS_URL": redis, "LOGIN_RATE_LIMIT": "100000 per minute",
                    "LOOKUP_RATE_LIMIT": "100000 per minute", "INSTANCE_PATH": f"/tmp/outreach-scale-{self.port}"}
        self.gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(workers), "--worker-class", "sync", "--timeout", "30",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=self.env)
        self.worker = subprocess.Popen([str(BIN / "flask"), "--app", "outreach", "jobs", "worker"], cwd=ROOT,
                                       env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def worker_pids(self) -> list[int]:
        return children(self.gunicorn.pid)

    def stop(self) -> None:
        for process in (self.gunicorn, self.worker):
            process.terminate()
            process.wait(10)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                pass
    return found


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


DATABASE_NAME = ""


def postgres_pids() -> list[int]:
    """The server processes of this database's connections (others' work on the machine is not counted)."""
    out = subprocess.run(["pgrep", "-f", f"postgres: .* {DATABASE_NAME} "], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def get(port: int, path: str, cookie: str = "", method: str = "GET", body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    sent = {"Cookie": cookie, "Accept-Encoding": "gzip", **(headers or {})}
    conn.request(method, path, body=body, headers=sent)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data, response


def login(port: int, username: str) -> tuple[str, str]:
    status, page, response = get(port, "/masuk", headers={"Accept-Encoding": "identity"})
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    body = f"username={username}&password={PASSWORD}&csrf_token={token}"
    _s, _d, response = get(port, "/masuk", cookie, "POST", body, {"Content-Type": "application/x-www-form-urlencoded"})
    cookie = session_cookie(response, cookie)
    _s, data, response = get(port, "/api/v1/session", cookie, headers={"Accept-Encoding": "identity"})
    return session_cookie(response, cookie), json.loads(data)["csrf_token"]  # the token lives in the new session


def session_cookie(response, old: str) -> str:
    new = [v.split(";")[0] for name, v in response.getheaders() if name == "Set-Cookie" and v.startswith("session=")]
    return new[-1] if new else old


def hammer(port: int, make, connections: int, seconds: float):
    """`connections` threads calling make() -> (path, cookie, method, body, headers) for `seconds`; the
    latencies (ms) and the non-2xx count."""
    stop, latencies, errors, lock = time.monotonic() + seconds, [], [0], threading.Lock()

    def run(n):
        while time.monotonic() < stop:
            path, cookie, method, body, headers = make(n)
            start = time.perf_counter()
            status, _d, _r = get(port, path, cookie, method, body, headers)
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                errors[0] += status >= 300
    threads = [threading.Thread(target=run, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, errors[0]


def p95(values) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * 0.95) - 1)] if values else float("nan")


def spread(values, digits: int = 1) -> str:
    return f"{statistics.median(values):,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def throughput(server, make, connections, seconds):
    """(requests/s, p95 ms, app CPU ms/request, DB CPU ms/request, errors)"""
    app0, db0 = cpu_seconds(server.worker_pids()), cpu_seconds(postgres_pids())
    latencies, errors = hammer(server.port, make, connections, seconds)
    n = max(len(latencies), 1)
    return (n / seconds, p95(latencies), (cpu_seconds(server.worker_pids()) - app0) * 1000 / n,
            (cpu_seconds(postgres_pids()) - db0) * 1000 / n, errors)


def nik_of(i: int):
    day, month, year, seq = 1 + i % 28, 1 + (i // 28) % 12, 70 + (i // 336) % 30, 1 + (i // 10080) % 9999
    return f"190301{day + 40:02d}{month:02d}{year:02d}{seq:04d}", f"19{year:02d}-{month:02d}-{day:02d}"


def post_maker(sessions, start):
    counter = iter(range(start, start + 10_000_000))

    def make(n):
        cookie, csrf = sessions[n % len(sessions)]
        nik, born = nik_of(next(counter))
        body = json.dumps({"client_id": str(uuid.uuid4()), "nik": nik, "birth_date": born, "sex": "F",
                           "full_name": "Siti Aminah", "birth_place": "Toboali", "phone": "0812-3456-7890",
                           "address": "Dusun I", "village_code": "19.03.01.1001", "occupation": "nelayan",
                           "monthly_income": 1_000_000, "programs": ["JKK", "JKM"], "payment_period": 1,
                           "funding": "self", "heir_name": "Ahmad", "heir_relation": "pasangan", "consent": True,
                           "consent_method": "read_aloud"})
        return "/api/v1/registrations", cookie, "POST", body, {"Content-Type": "application/json",
                                                               "X-CSRFToken": csrf}
    return make


def sequential(port, cookie, paths, rounds):
    """p95 (ms) of each path, each asked `rounds` times one after another."""
    out = {}
    for path in paths:
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            status, _d, _r = get(port, path, cookie)
            samples.append((time.perf_counter() - start) * 1000)
            assert status == 200, (path, status)
        out[path] = p95(samples)
    return out


def peak_rss_mb(pids) -> float:
    best = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    best = max(best, int(line.split()[1]) / 1024)
        except OSError:
            pass
    return best


def job_run(server, cookie, path):
    """Start an export job, follow it to the end: (rows/s, seconds, the RQ worker's peak RSS in MB)."""
    start = time.perf_counter()
    status, _d, response = get(server.port, path, cookie)
    where = response.getheader("Location") or ""
    if status != 302 or "/tugas/" not in where:
        raise SystemExit(f"{path}: no job ({status})")
    job = where.rsplit("/", 1)[1]
    rss = 0.0
    while True:
        rss = max(rss, peak_rss_mb([server.worker.pid, *children(server.worker.pid)]))
        status, page, _r = get(server.port, f"/tugas/{job}", cookie, headers={"Accept-Encoding": "identity"})
        if b"Selesai" in page or b"Gagal" in page:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - start
    rows = int(re.search(rb"(\d[\d.,]*) dari", page).group(1).replace(b".", b"").replace(b",", b"")) \
        if b" dari " in page else 0
    return rows / seconds, seconds, rss, b"Gagal" in page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13", help="the jobs' Redis (a db of your own)")
    parser.add_argument("--skip-throughput", action="store_true", help="only the pages, exports and the preview")
    options = parser.parse_args()
    global DATABASE_NAME
    DATABASE_NAME = options.database.rsplit("/", 1)[1]
    from bench.scale_load import app_for
    from outreach.extensions import db
    from outreach.models import Registration
    from outreach.services import receipts
    app = app_for(options.database)
    with app.app_context():
        key = receipts.receipt_key()
        # The loader's rows only: their receipts' salts are md5 of their ids (bench/scale_load.py); a row POSTed
        # by an earlier run has a real salt, and a token derived for it would be a 404 of the bench's own making.
        top = db.session.scalar(db.text("SELECT max(registration_id) FROM receipts "
                                        "WHERE salt = md5(registration_id::text)"))
        total = db.session.scalar(db.select(db.func.count()).select_from(Registration))
        submitted = db.session.scalars(db.select(Registration.number).where(
            Registration.status == "submitted", Registration.kecamatan_code == "19.03.01").limit(30_000)).all()
    print(f"{total:,} registrations; gunicorn {options.workers} sync workers; {os.cpu_count()} cores; "
          f"load {os.getloadavg()[0]:.1f}")
    server = Server(options.database, options.workers, options.redis)
    try:
        officers = [login(server.port, f"bench-petugas{i}") for i in range(16)]
        coord, _t = login(server.port, "bench-koord")
        admin, _t = login(server.port, "bench-admin")
        healthz = lambda n: ("/healthz", "", "GET", None, {})  # noqa: E731
        status = lambda n: (f"/s/{token_of(key, random.randint(1, top))}", "", "GET", None, {})  # noqa: E731
        rows = {}
        for run in range(0 if options.skip_throughput else options.runs):
            start = random.randint(0, 9_000_000)
            for connections in (8, 16):
                h = throughput(server, healthz, connections, options.seconds / 2)
                p = throughput(server, post_maker(officers, start + connections * 100_000), connections,
                               options.seconds)
                rows.setdefault(f"POST at {connections}", []).append((p, h))
            h = throughput(server, healthz, 16, options.seconds / 2)
            s = throughput(server, status, 16, options.seconds)
            rows.setdefault("status page at 16", []).append((s, h))
        print("\nthroughput (median of runs, range)      req/s          p95 ms      app CPU ms  DB CPU ms  "
              "/healthz req/s  ratio")
        for name, samples in rows.items():
            print(f"  {name:<36} {spread([s[0][0] for s in samples]):>16} {spread([s[0][1] for s in samples]):>14} "
                  f"{spread([s[0][2] for s in samples]):>12} {spread([s[0][3] for s in samples]):>10} "
                  f"{spread([s[1][0] for s in samples]):>16} {spread([s[0][0] / s[1][0] for s in samples], 2):>15}"
                  f"  errors {sum(s[0][4] for s in samples)}")
        retry_storm(server, app, officers[0], random.randint(0, 9_000_000))
        for who, cookie, paths in (("coordinator", coord, COORD_QUEUE + ["/dasbor"]),
                                   ("admin", admin, ADMIN_QUEUE + ["/dasbor"]),
                                   ("coordinator's follow-up lists", coord, COORD_FOLLOWUP),
                                   ("officer's follow-up lists (a desa) and home", officers[0][0], OFFICER_FOLLOWUP)):
            runs = [sequential(server.port, cookie, paths, options.rounds) for _ in range(options.runs)]
            health = [p95([hammer(server.port, healthz, 1, 1)[0][0]]) for _ in range(3)]
            print(f"\n{who}: p95 ms per page (median of runs, range); /healthz p95 {statistics.median(health):.1f}")
            for path in paths:
                print(f"  {path:<50} {spread([r[path] for r in runs])}")
        exports = [job_run(server, admin, "/tinjau/ekspor.csv") for _ in range(options.runs)]
        print(f"\nCSV export of all ({total:,} rows, a job): {spread([e[0] for e in exports])} rows/s, "
              f"{spread([e[1] for e in exports])} s, worker peak RSS {spread([e[2] for e in exports])} MB, "
              f"failed {sum(e[3] for e in exports)}")
        xlsx = job_run(server, coord, "/tinjau/ekspor.xlsx")
        print(f"XLSX export of a kecamatan (a job): {xlsx[0]:,.0f} rows/s, {xlsx[1]:.1f} s, "
              f"{'failed' if xlsx[3] else 'done'}")
        preview_kpj(server, coord, submitted)
    finally:
        server.stop()


def retry_storm(server, app, session, start, rounds=10, at_once=20):
    """The outbox's worst case: `at_once` concurrent POSTs of one client_id, `rounds` times. Exactly once means
    one 201 and the rest 200 with the same number each round, one row and one receipt per client_id, and the
    month's numbers without a gap (number_sequences.last is the count of the month's numbers and the highest)."""
    from outreach.extensions import db
    from outreach.models import NumberSequence, Receipt, Registration
    make, client_ids, bad = post_maker([session], start), [], []
    for _ in range(rounds):
        path, cookie, method, body, headers = make(0)
        headers = {**headers, "Accept-Encoding": "identity"}
        client_ids.append(json.loads(body)["client_id"])
        gate, answers = threading.Barrier(at_once), []

        def post():
            gate.wait()
            status, data, _r = get(server.port, path, cookie, method, body, headers)
            answers.append((status, json.loads(data).get("number") if status < 300 else data[:80]))
        threads = [threading.Thread(target=post) for _ in range(at_once)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(status for status, _n in answers)
        if codes != [200] * (at_once - 1) + [201] or len({n for _s, n in answers}) != 1:
            bad.append(answers)
    with app.app_context():
        made = db.session.execute(db.select(Registration.id, Registration.number).where(
            Registration.client_id.in_(client_ids))).all()
        receipts_n = db.session.scalar(db.select(db.func.count()).select_from(Receipt).where(
            Receipt.registration_id.in_([r.id for r in made])))
        month = made[0].number.rsplit("-", 1)[0] if made else ""  # BS-2611
        period = month.rsplit("-", 1)[-1]
        last = db.session.scalar(db.select(NumberSequence.last).where(NumberSequence.period == period))
        numbers = db.session.scalars(db.select(Registration.number).where(
            Registration.number.like(f"{month}-%"))).all()
    top = max((int(n.rsplit("-", 1)[1]) for n in numbers), default=0)
    gaps = last - len(numbers) if last == top else f"sequence at {last}, highest number {top}"
    print(f"\nretry storm: {rounds} rounds x {at_once} concurrent POSTs of one client_id: {len(made)} rows, "
          f"{receipts_n} receipts, {len(bad)} rounds not answered 201 once and 200 else, month {period}: "
          f"{len(numbers):,} numbers, gaps {gaps}")


def preview_kpj(server, cookie, numbers):
    """A 30,000-row KPJ file previewed in the request (must answer well within gunicorn's 30 s)."""
    status, page, response = get(server.port, "/tinjau/kpj", cookie, headers={"Accept-Encoding": "identity"})
    cookie = session_cookie(response, cookie)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    lines = "number,kpj\n" + "".join(f"{n},{40_000_000_000 + i}\n" for i, n in enumerate(numbers))
    boundary = "benchboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"preview\"\r\n\r\nx\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"kpj.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n{lines}\r\n--{boundary}--\r\n").encode()
    start = time.perf_counter()
    status, _d, _r = get(server.port, "/tinjau/kpj", cookie, "POST", body,
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    print(f"KPJ preview of {len(numbers):,} rows: {time.perf_counter() - start:.1f} s, HTTP {status}")


if __name__ == "__main__":
    main()
