"""The worker's status page says the protection and its date (never a bare "active"), how to pay and how much,
who pays until when: and still no NIK, birth date, phone or address, small and in a few queries."""
import html
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import event

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Registration, User
from outreach.services import receipts
from tests.followup_helpers import add_months, month_start, paid_worker, pay, programme
from tests.test_layout import ROOT
from tests.test_receipts import number, status_path  # noqa: F401  (the fixture and the helper)

PRIVATE = ("19030115", "1990-08-15", "15 Agustus 1990", "15-08-1990", "081234567890", "6281234567890", "Dusun I")


def long(d: date) -> str:
    return format_date(d, "d MMMM y", locale="id")


def path_of(app, number) -> str:
    with app.test_request_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        return "/s/" + receipts.token_of(receipts.current(r))


class Seen(list):
    """The statements run, and the isolation level each ran in."""
    def __init__(self):
        super().__init__()
        self.isolation = []


@contextmanager
def counted(app):
    seen = Seen()
    with app.app_context():
        engine = db.engine

    def count(conn, _cursor, statement, *_args):
        seen.append(statement)
        seen.isolation.append(conn.get_execution_options().get("isolation_level"))
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def page_of(app, number) -> str:
    response = app.test_client().get(path_of(app, number))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def last_day(first: date, months: int) -> date:
    return add_months(first, months) - timedelta(days=1)


def states(this):
    """(state, payment (first month, months) or None, what the heading says)."""
    return [
        ("protected", (this, 3), f"Terlindungi sampai {long(last_day(this, 3))}"),
        ("awaiting_first_payment", None, "Belum ada pembayaran"),
        ("in_arrears", (add_months(this, -3), 2), "Menunggak 2 bulan"),
        ("inactive", (add_months(this, -8), 3), f"Tidak aktif sejak {long(add_months(this, -3))}"),
    ]


@pytest.mark.parametrize("i", range(4))
def test_each_state_reads_with_its_date_and_nothing_private(app, users, i):
    state, paid, heading = states(month_start(local_today()))[i]
    number = paid_worker(app, users["officer"], 1, paid=paid)
    path = path_of(app, number)
    with app.app_context():  # the usual case: the officer's number is the contact (no fallback look-ups)
        db.session.get(User, users["officer"]).phone = "+6281377770000"
        db.session.commit()
    with counted(app) as queries:
        response = app.test_client().get(path)
    page = html.unescape(response.get_data(as_text=True))
    assert f'data-protection="{state}"' in page and f"<h1>{heading}</h1>" in page
    assert "Terdaftar (KPJ terbit)" in page  # the workflow's step, beside the protection
    assert "Sebutkan NIK Anda di loket" in page and "Jangan pernah membayar" in page
    assert "Pembayaran berikutnya" in page and "data-due" in page
    for private in PRIVATE:
        assert private not in page, private
    css = (ROOT / "outreach" / "static" / "site.css").stat().st_size
    assert len(response.get_data()) + css <= 15 * 1024
    assert len(queries) == 1, " | ".join(" ".join(q.split())[-120:] for q in queries)  # ledger and contact included
    assert queries.isolation == ["AUTOCOMMIT"]  # no BEGIN, COMMIT or ROLLBACK around it (status/query.py)


def test_without_a_kpj_the_page_keeps_the_workflow_status(app, users, number, client):
    page = html.unescape(app.test_client().get(status_path(client, number)).get_data(as_text=True))
    assert "<h1>Terdaftar, menunggu verifikasi</h1>" in page and "data-protection" not in page
    assert "setelah nomor peserta (KPJ) terbit" in page and "Jangan pernah membayar" in page


def test_the_next_bill_shows_the_month_the_discount_ends(app, users, monkeypatch):
    """Paid through November 2026 on a quarterly period: December still halved, then the full amount."""
    import outreach.status.views as views
    monkeypatch.setattr(views, "local_today", lambda: date(2026, 11, 26))
    number = paid_worker(app, users["officer"], 1, paid=(date(2026, 11, 1), 1), payment_period=3)
    page = html.unescape(page_of(app, number))
    assert "<h1>Terlindungi sampai 30 November 2026</h1>" in page
    assert "Rp42.000 untuk 3 bulan (Desember 2026 – Februari 2027)" in page
    assert "Desember 2026: 1 bulan × Rp8.400" in page and "Januari – Februari 2027: 2 bulan × Rp16.800" in page


def test_a_sponsored_worker_reads_who_pays_until_when_and_what_follows(app, users):
    this = month_start(local_today())
    pid = programme(app, first_month=add_months(this, -2), months=6, name="APBD Bangka Selatan")
    end = last_day(add_months(this, -2), 6)
    number = paid_worker(app, users["officer"], 1, paid=(add_months(this, -2), 3), funding="apbd_kabupaten",
                         programme_id=pid)
    page = html.unescape(page_of(app, number))
    month = format_date(end, "MMMM y", locale="id")
    assert f"Iuran Anda dibayar oleh APBD Bangka Selatan sampai bulan {month}. Sesudah itu Anda membayar sendiri." in page
    after = format_date(add_months(end, 1), "MMMM y", locale="id")
    assert after in page and "Pembayaran berikutnya yang Anda bayar sendiri, mulai Rp" in page
    assert "Iuran Anda dibayar oleh Pemerintah" not in page  # no endless promise


def test_a_programme_not_begun_says_from_when_it_pays(app, users):
    this = month_start(local_today())
    begins = add_months(this, 2)
    pid = programme(app, first_month=begins, months=6, name="APBD 2027")
    number = paid_worker(app, users["officer"], 1, funding="apbd_kabupaten", programme_id=pid)
    page = html.unescape(page_of(app, number))
    start = format_date(begins, "MMMM y", locale="id")
    month = format_date(last_day(begins, 6), "MMMM y", locale="id")
    assert (f"Iuran Anda akan dibayar oleh APBD 2027 mulai bulan {start} sampai bulan {month}. "
            "Sesudah itu Anda membayar sendiri.") in page
    assert "<h1>Belum ada pembayaran</h1>" in page  # nothing paid yet: not protected before it begins


def test_a_programme_that_ended_leaves_the_worker_paying(app, users):
    this = month_start(local_today())
    pid = programme(app, first_month=add_months(this, -7), months=6, name="APBD 2025")
    number = paid_worker(app, users["officer"], 1, paid=(add_months(this, -7), 6), funding="apbd_kabupaten",
                         programme_id=pid)
    page = html.unescape(page_of(app, number))
    assert "APBD 2025 membayar iuran Anda sampai bulan" in page and "Sekarang Anda membayar sendiri." in page
    assert "Menunggak 2 bulan" in page


def test_a_budget_payer_without_a_programme_is_not_promised_protection(app, users):
    number = paid_worker(app, users["officer"], 1, funding="apbd_kabupaten")
    page = html.unescape(page_of(app, number))
    assert "Pembayar iuran yang direncanakan" in page and "Perlindungan hanya berjalan untuk bulan yang sudah dibayar" in page
    assert "<h1>Belum ada pembayaran</h1>" in page
