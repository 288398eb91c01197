"""Page weight (issue 15): bytes a phone receives, compressed, for the pages officers and workers open most.

A phone that sends `Accept-Encoding: gzip, deflate, br` (as Chrome on Android does) against the app started on
a temporary SQLite database with `flask demo --no-serve` (the demo officer, 300 sample rows). Each page counts
its HTML and what it links (stylesheets, scripts, the manifest), response headers included, as a browser's
"transferred" column does. The first visit is the officer's: the login page, home, the service worker and
the shell it precaches (each address fetched once: the pages' own files are in the browser's cache already);
the pages it keeps for use without signal come after, and are shown apart. A repeat view counts the static
files the browser would have to ask about again (no `immutable` lifetime on their answer): the goal is none.
Run: python bench/page_weight.py   (several runs, their median and spread; nothing else needed)
"""
import json
import os
import re
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from outreach import create_app  # noqa: E402

PHONE = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br", "HTTP_USER_AGENT": "bench/page_weight (Android)"}
LINKS = re.compile(r'<(?:link rel="(?:stylesheet|manifest)"|script) (?:href|src)="([^"]+)"')
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')
RUNS = 5
KB = 1024
GOALS = {"registration form + CSS/JS": 30 * KB, "officer's home + CSS/JS": 30 * KB,
         "status page + CSS": 15 * KB, "first visit + SW precache": 40 * KB}


def wire(response) -> Counter:
    """One answer's bytes: its (compressed) body, and its status line and headers as HTTP/1.1 sends them (over
    HTTP/2, a proxy's usual way to phones, repeated headers shrink to a few bytes each)."""
    head = len(f"HTTP/1.1 {response.status}\r\n") + sum(len(f"{k}: {v}\r\n") for k, v in response.headers.items()) + 2
    return Counter(body=len(response.data), head=head)


class Phone:
    """A browser's view of the app: each address fetched once, then kept (what the HTTP cache does)."""

    def __init__(self, client, env=PHONE):
        self.client, self.seen, self.env = client, set(), env

    def get(self, url) -> Counter:
        if url in self.seen:
            return Counter()
        self.seen.add(url)
        response = self.client.get(url, environ_base=self.env)
        assert response.status_code == 200, (url, response.status)
        return wire(response)

    def page(self, path) -> tuple[Counter, list[str]]:
        """A page and what it links, fetched as a fresh browser would; (bytes, its linked addresses)."""
        response = self.client.get(path, environ_base=self.env)
        assert response.status_code == 200, (path, response.status)
        linked = LINKS.findall(self.client.get(path).get_data(as_text=True))  # plain copy to read the links
        return wire(response) + sum((self.get(url) for url in linked), Counter()), linked


def prepare():
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "LOOKUP_RATE_LIMIT": "100000 per minute",
                      "LOGIN_RATE_LIMIT": "100000 per minute"})
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    return app


def login(app):
    client = app.test_client()
    token = TOKEN.search(client.get("/masuk").get_data(as_text=True)).group(1)
    response = client.post("/masuk", data={"username": "petugas", "password": "petugas-demo", "csrf_token": token})
    assert response.status_code == 302, "demo officer could not log in"
    return client


def visit_form(client) -> tuple[str, str]:
    page = client.get("/kunjungan").get_data(as_text=True)
    village = re.search(r'<select[^>]*name="village_code".*?<option[^>]*value="([^"]+)"', page, re.S).group(1)
    response = client.post("/kunjungan", data={"village_code": village, "note": "", "csrf_token": TOKEN.search(page).group(1)})
    return f"/kunjungan/{int(response.headers['Location'].rsplit('/', 1)[1])}/daftar", village


def status_path(client, village) -> str:
    token = TOKEN.search(client.get("/").get_data(as_text=True)).group(1)
    body = {"client_id": "8a6e0804-2bd0-4d6f-b2b6-1c6e9a9a0002", "nik": "1903015508900001", "full_name": "Siti Aminah",
            "birth_place": "Toboali", "birth_date": "1990-08-15", "sex": "F", "phone": "081234567890",
            "address": "Dusun I", "village_code": village, "occupation": "nelayan", "monthly_income": 1000000,
            "programs": ["JKK", "JKM", "JHT"], "payment_period": 3, "funding": "self", "heir_name": "Ahmad",
            "heir_relation": "pasangan", "consent": True}
    created = client.post("/api/v1/registrations", json=body, headers={"X-CSRFToken": token}).get_json()
    return "/s/" + created["status_url"].rsplit("/s/", 1)[1]


def measure(app, form, status, env=PHONE) -> dict:
    figures = {}
    figures["registration form + CSS/JS"] = Phone(login(app), env).page(form)[0]
    home, home_links = Phone(login(app), env).page("/")
    figures["officer's home + CSS/JS"] = home
    figures["status page + CSS"] = Phone(app.test_client(), env).page(status)[0]

    # First visit: the login page, then home; the worker registers and precaches its shell.
    client = app.test_client()
    phone = Phone(client, env)
    first = phone.page("/masuk")[0]
    token = TOKEN.search(client.get("/masuk").get_data(as_text=True)).group(1)
    client.post("/masuk", data={"username": "petugas", "password": "petugas-demo", "csrf_token": token})
    first += phone.page("/")[0] + phone.get("/sw.js")
    settings = json.loads(re.search(r"const SETTINGS = (\{.*\});", client.get("/sw.js").get_data(as_text=True)).group(1))
    first += phone.get(settings["urls"]["core"]) + sum((phone.get(url) for url in settings["shell"]), Counter())
    figures["first visit + SW precache"] = first
    # then the pages outbox.js asks the worker to keep (outbox, its correction form, visits, home again)
    kept = [settings["urls"][name] for name in ("outbox", "correct", "visits", "home")]
    figures["  then pages kept offline"] = sum((wire(client.get(path, environ_base=env)) for path in kept), Counter())

    # Repeat view of home: the HTML again; static files without an immutable lifetime would be asked about.
    statics = [url for url in home_links if url.startswith("/static/")]
    figures["repeat home: HTML"] = wire(client.get("/", environ_base=env))
    figures["repeat: static revalidations"] = Counter(body=sum(
        "immutable" not in client.get(url, environ_base=env).headers.get("Cache-Control", "") for url in statics))
    return figures


def main() -> None:
    app = prepare()
    client = login(app)
    form, village = visit_form(client)
    status = status_path(client, village)
    runs = [measure(app, form, status) for _ in range(RUNS)]
    plain_run = measure(app, form, status, {"HTTP_ACCEPT_ENCODING": "identity"})  # no compression, for scale
    trivial = len(app.test_client().get("/healthz").data)  # the trivial endpoint, for scale
    print(f"page weight, median of {RUNS} runs, Accept-Encoding: {PHONE['HTTP_ACCEPT_ENCODING']}; /healthz body {trivial} B;"
          " plain: bodies without compression")
    print(f"{'what':31s} {'goal':>7s} {'plain':>9s} {'bodies':>9s} {'+headers':>9s} {'spread':>7s}  met (bodies / +headers)")
    for name in runs[0]:
        bodies = statistics.median(run[name]["body"] for run in runs)
        wires = [run[name]["body"] + run[name]["head"] for run in runs]
        spread = max(wires) - min(wires)
        if "revalidations" in name:
            print(f"{name:31s} {0:>7d} {plain_run[name]['body']:>9d} {bodies:>9.0f} {'':>9s} {spread:>7.0f}  "
                  f"{'yes' if bodies == 0 else 'NO'}")
            continue
        goal, whole = GOALS.get(name), statistics.median(wires)
        met = "-" if goal is None else " / ".join("yes" if v <= goal else "NO" for v in (bodies, whole))
        goal_text = f"≤{goal // KB} KB" if goal else "-"
        plain = plain_run[name]["body"] / KB
        print(f"{name:31s} {goal_text:>7s} {plain:>6.1f} KB {bodies / KB:>6.1f} KB {whole / KB:>6.1f} KB {spread:>5.0f} B  {met}")


if __name__ == "__main__":
    main()
