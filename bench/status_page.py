"""Figures for the worker's status page and the manual lookup (issue: QR receipts and status page).

Prints: bytes transferred for the status page with its CSS (target ≤ 15 KB), gzip sizes, and the median
time of /s/<token> and of /cek for an unknown number versus a wrong birth date (they should be alike).
Run: python bench/status_page.py   (SQLite in a temporary folder; nothing else needed)
"""
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench")

from flask_migrate import upgrade  # noqa: E402

from outreach import create_app  # noqa: E402
from outreach.extensions import db  # noqa: E402
from outreach.models import User  # noqa: E402
from outreach.services.regions import load_regions  # noqa: E402

ROUNDS = 300


def timed(call, rounds=ROUNDS) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def protected(app, number: str) -> None:
    from datetime import date

    from outreach.domain.clock import local_today
    from outreach.domain.followup import programme_end
    from outreach.models import Payment, Registration
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        first = date(local_today().year, local_today().month, 1)
        db.session.add(Payment(registration_id=r.id, first_month=first, months=3, amount=50_400, expected=50_400,
                               paid_on=first, channel="bank", source="typed"))
        r.status, r.kpj, r.paid_through = "active", "12345678901", programme_end(first, 3)
        db.session.commit()


def main() -> None:
    folder = tempfile.mkdtemp()
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db", "LOOKUP_RATE_LIMIT": "100000 per minute",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        db.session.commit()
        officer = User(username="petugas", full_name="Petugas", role="officer", kecamatan_code="19.03.01")
        officer.set_password("rahasia-123")
        db.session.add(officer)
        db.session.commit()
    client = app.test_client()
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/masuk").get_data(as_text=True)).group(1)
    client.post("/masuk", data={"username": "petugas", "password": "rahasia-123", "csrf_token": token})
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").get_data(as_text=True)).group(1)
    body = {"client_id": "8a6e0804-2bd0-4d6f-b2b6-1c6e9a9a0001", "nik": "1903015508900001", "full_name": "Siti Aminah",
            "birth_place": "Toboali", "birth_date": "1990-08-15", "sex": "F", "phone": "081234567890",
            "address": "Dusun I", "village_code": "19.03.01.1001", "occupation": "nelayan", "monthly_income": 1000000,
            "programs": ["JKK", "JKM", "JHT"], "payment_period": 3, "funding": "self", "heir_name": "Ahmad",
            "heir_relation": "pasangan", "consent": True}
    created = client.post("/api/v1/registrations", json=body, headers={"X-CSRFToken": token}).get_json()
    path = "/s/" + created["status_url"].rsplit("/s/", 1)[1]

    worker = app.test_client()
    page = worker.get(path).data
    css = b"".join(worker.get(href.decode()).data for href in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', page))
    print(f"status page HTML      {len(page):6d} B   gzip {len(gzip.compress(page)):5d} B")
    print(f"its stylesheets       {len(css):6d} B   gzip {len(gzip.compress(css)):5d} B")
    total, total_gz = len(page) + len(css), len(gzip.compress(page)) + len(gzip.compress(css))
    print(f"transferred, first visit {total:6d} B uncompressed ({total / 1024:.1f} KB), {total_gz} B gzipped"
          f"   target ≤ 15 KB: {'met' if total <= 15 * 1024 else 'MISSED'}")
    print(f"GET /s/<token>        median {timed(lambda: worker.get(path)):.2f} ms over {ROUNDS}")
    protected(app, created["number"])  # the same worker with a KPJ and three months paid: the protection, the bill
    page = worker.get(path).data
    print(f"with a KPJ, paid      {len(page):6d} B; with its CSS {len(page) + len(css):6d} B"
          f"   target ≤ 15 KB: {'met' if len(page) + len(css) <= 15 * 1024 else 'MISSED'}")
    print(f"GET /s/<token> (paid) median {timed(lambda: worker.get(path)):.2f} ms over {ROUNDS}")
    unknown = timed(lambda: worker.post("/cek", data={"number": "BS-0101-999999", "birth_date": "1990-08-15"}))
    wrong = timed(lambda: worker.post("/cek", data={"number": created["number"], "birth_date": "1990-08-16"}))
    print(f"POST /cek unknown no. median {unknown:.2f} ms; wrong birth date median {wrong:.2f} ms;"
          f" difference {abs(unknown - wrong):.2f} ms")


if __name__ == "__main__":
    main()
