"""Staff read the protection wherever they read a status: the registration pages (with the ledger), the queue
(a filter by state, a badge per row), the officer's lists, the exports."""
import csv
import html
import io
import zipfile
from datetime import timedelta

import pytest
from babel.dates import format_date

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import Payment
from tests.followup_helpers import add_months, month_start, paid_worker, pay
from tests.review_helpers import bulk_rows, login_as

STATES = ("registered", "awaiting_first_payment", "protected", "in_arrears", "inactive")


def long(d) -> str:
    return format_date(d, "d MMMM y", locale="id")


@pytest.fixture
def five(app, users):
    """One registration in each protection state: {state: number}."""
    this = month_start(local_today())
    officer = users["officer"]
    return {"registered": bulk_rows(app, officer, 1, start=1)[0],
            "awaiting_first_payment": paid_worker(app, officer, 2),
            "protected": paid_worker(app, officer, 3, paid=(this, 3)),
            "in_arrears": paid_worker(app, officer, 4, paid=(add_months(this, -3), 2)),
            "inactive": paid_worker(app, officer, 5, paid=(add_months(this, -8), 3))}


def test_the_registration_pages_show_the_protection_and_the_ledger(app, users):
    this = month_start(local_today())
    number = paid_worker(app, users["officer"], 1, paid=(add_months(this, -3), 2))
    pay(app, number, add_months(this, -5), 1)
    with app.app_context():  # the older line was paid short
        line = db.session.scalar(db.select(Payment).order_by(Payment.first_month).limit(1))
        line.expected, line.amount = 16_800, 10_000
        db.session.commit()
    until = long(add_months(this, -1) - timedelta(days=1))
    for who, path in (("petugas1", f"/pendaftaran/{number}"), ("koord1", f"/tinjau/{number}")):
        page = html.unescape(login_as(app, who).get(path).get_data(as_text=True))
        block = page[page.index('id="perlindungan"'):]
        block = block[:block.index("</section>")]
        assert 'data-protection="in_arrears"' in block and "Menunggak 2 bulan" in block, who
        assert "Perlindungan berakhir</dt><dd data-until" in block and until in block
        assert 'data-unpaid="2"' in block and block.count('class="row"') == 2
        assert "Bank" in block and "Dicatat koordinator" in block
        assert block.count("data-mismatch") == 1 and "Tidak sesuai: seharusnya Rp16.800" in block
        assert "Aktif<" not in page


def test_without_a_kpj_the_block_says_so_without_a_ledger(app, users):
    number = paid_worker(app, users["officer"], 1, status="submitted", kpj=None, kpj_at=None)
    page = login_as(app, "koord1").get(f"/tinjau/{number}").get_data(as_text=True)
    assert 'data-protection="registered"' in page and "data-ledger" not in page


@pytest.mark.parametrize("state", STATES)
def test_the_queue_filters_by_protection_state(app, five, state):
    page = html.unescape(login_as(app, "koord1").get(f"/tinjau?status=all&protection={state}").get_data(as_text=True))
    shown = [s for s, number in five.items() if f'data-number="{number}"' in page]
    assert shown == [state]
    if state != "registered":  # the row says it, masked as ever
        assert f'<span class="badge" data-protection="{state}">' in page and "19030115" not in page


def test_the_queue_ignores_an_unknown_state(app, five):
    page = login_as(app, "koord1").get("/tinjau?status=all&protection=aktif").get_data(as_text=True)
    assert all(f'data-number="{n}"' in page for n in five.values())


def test_the_officers_list_shows_the_protection(app, five):
    page = html.unescape(login_as(app, "petugas1").get("/pendaftaran").get_data(as_text=True))
    this = month_start(local_today())
    assert f"Terlindungi sampai {long(add_months(this, 3) - timedelta(days=1))}" in page
    assert "Menunggak 2 bulan" in page and "Belum ada pembayaran" in page
    assert f"Tidak aktif sejak {long(add_months(this, -3))}" in page


def test_the_exports_carry_the_protection_and_its_date(app, five):
    coord = login_as(app, "koord1")
    rows = list(csv.reader(io.StringIO(coord.get("/tinjau/ekspor.csv?status=all").get_data().decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Perlindungan", "Terlindungi sampai"]
    by_number = {row[0]: row[-2:] for row in rows[1:]}
    this = month_start(local_today())
    assert by_number[five["protected"]] == ["protected", (add_months(this, 3) - timedelta(days=1)).isoformat()]
    assert by_number[five["awaiting_first_payment"]] == ["awaiting_first_payment", ""]
    assert {by_number[n][0] for n in five.values()} == set(STATES)
    only = list(csv.reader(io.StringIO(coord.get("/tinjau/ekspor.csv?status=all&protection=inactive")
                                      .get_data().decode("utf-8-sig"))))
    assert [row[0] for row in only[1:]] == [five["inactive"]]
    data = coord.get("/tinjau/ekspor.xlsx?status=all").get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        text = book.read("xl/worksheets/sheet1.xml").decode()  # constant memory: strings inline
    assert "Menunggak" in text and "Tidak aktif" in text and "Terlindungi sampai" in text


def test_the_receipt_says_until_when_the_worker_is_protected(app, users):
    from tests.followup_helpers import pay
    from tests.review_helpers import login_as
    number = paid_worker(app, users["officer"], 77)
    today = local_today()
    pay(app, number, today.replace(day=1), 1)
    page = login_as(app, "petugas1").get(f"/pendaftaran/{number}/tanda-terima").get_data(as_text=True)
    assert 'data-protection="protected"' in page and "Terlindungi sampai" in page
