"""The coordinator's payment page (/bayar/<number>) and a programme's month paid (/bayar/program/<id>): recorded
once, a different amount said with its difference, errors next to their fields, only the worker's kecamatan."""
import html
import re
from datetime import date

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import AuditEvent, Payment, Programme, ProgrammeQuota, Registration
from tests.conftest import LEPAR, TOBOALI
from tests.followup_helpers import paid_worker
from tests.review_helpers import login_as


def form(**changes) -> dict:
    today = local_today()
    return {"first_month": today.strftime("%Y-%m"), "months": "3", "amount": "50400",
            "paid_on": today.isoformat(), "channel": "bank", "note": ""} | changes


def post(client, number, **changes):
    return client.post(f"/bayar/{number}", data=form(csrf_token=client.auth.token(), **changes))


def rule_amount(app, number, months=3) -> str:
    """What the rule asks for `months` months from this month (the discount of PP 50/2025 may apply)."""
    from outreach.services import payments
    today = local_today()
    with app.test_request_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        return str(payments.expected(r, (today.year, today.month), months))


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def test_the_page_offers_this_month_and_the_expected_amount(app, users):
    number = paid_worker(app, users["officer"], 1)
    page = login_as(app, "koord1").get(f"/bayar/{number}")
    assert page.status_code == 200
    body = text_of(page)
    assert f'value="{local_today().strftime("%Y-%m")}"' in body and f'value="{local_today().isoformat()}"' in body
    assert "Sesuai aturan: Rp" in body and "Menunggu iuran pertama" in body and "Belum ada pembayaran." in body
    assert count(app, AuditEvent, AuditEvent.action == "view") == 1  # the ledger was looked at


def test_a_payment_recorded_protects_until_the_end_of_its_last_month(app, users):
    number = paid_worker(app, users["officer"], 2)
    coord = login_as(app, "koord1")
    amount = rule_amount(app, number)
    answer = post(coord, number, note="bayar di BRI", amount=amount)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/bayar/{number}")
    body = text_of(coord.get(f"/bayar/{number}"))
    assert "Pembayaran BT-00000002 dicatat." in body and "Terlindungi" in body and "sampai " in body
    assert 'data-mismatch="no"' in body and "Dicatat koordinator" in body and "Bank" in body
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        (p,) = db.session.scalars(db.select(Payment)).all()
        assert p.note == "bayar di BRI" and p.recorded_by == users["coordinator"] and r.paid_through > local_today()
    assert post(coord, number, amount=amount).status_code == 302  # the same payment again: recorded once
    assert "sudah tercatat" in text_of(coord.get(f"/bayar/{number}"))
    assert count(app, Payment) == 1


def test_an_amount_unlike_the_rule_is_recorded_and_its_difference_said(app, users):
    number = paid_worker(app, users["officer"], 3)
    coord = login_as(app, "koord1")
    assert post(coord, number, months="1", amount="Rp 1.000").status_code == 302
    body = text_of(coord.get(f"/bayar/{number}"))
    assert "jumlahnya berbeda dari aturan: seharusnya Rp" in body and "selisih -Rp" in body
    assert 'data-mismatch="yes"' in body and "Berbeda dari aturan" in body
    with app.app_context():
        p = db.session.scalar(db.select(Payment))
        assert p.amount == 1_000 and p.expected > 1_000


def test_bad_fields_are_422_each_next_to_its_field(app, users):
    number = paid_worker(app, users["officer"], 4)
    answer = post(login_as(app, "koord1"), number, first_month="2026-13", months="0", amount="banyak",
                  paid_on="2999-01-01", channel="kurir")
    assert answer.status_code == 422
    body = text_of(answer)
    for name, words in (("first_month", "TTTT-BB"), ("months", "1 sampai 24"), ("amount", "angka saja"),
                        ("paid_on", "masa depan"), ("channel", "tempat membayar")):
        assert re.search(rf'id="{name}-error">[^<]*{words}', body), name
    assert 'value="banyak"' in body  # what was typed stays
    assert count(app, Payment) == 0


def test_garbage_never_500s(app, users):
    number = paid_worker(app, users["officer"], 5)
    coord = login_as(app, "koord1")
    for junk in ({"months": "9" * 50}, {"amount": "-5"}, {"first_month": "\x00"}, {"paid_on": "31/02/2026"},
                 {"channel": ""}, {"note": "x" * 5000}):
        assert post(coord, number, **junk).status_code in (302, 422), junk
    assert coord.get("/bayar/BT-XXXX").status_code == 404


def test_no_csrf_token_no_payment(app, users):
    number = paid_worker(app, users["officer"], 6)
    coord = login_as(app, "koord1")
    answer = coord.post(f"/bayar/{number}", data=form())
    assert answer.status_code == 400 and 'value="50400"' in answer.get_data(as_text=True)
    assert count(app, Payment) == 0


def test_officers_and_other_kecamatan_are_refused_and_the_refusal_audited(app, users, make_user):
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    number = paid_worker(app, users["officer"], 7)
    officer, other = login_as(app, "petugas1"), login_as(app, "koord_lepar")
    assert officer.get(f"/bayar/{number}").status_code == 403
    assert post(officer, number).status_code == 403
    assert other.get(f"/bayar/{number}").status_code == 403
    assert post(other, number).status_code == 403
    assert count(app, Payment) == 0
    assert count(app, AuditEvent, AuditEvent.action == "refused") == 2
    assert post(login_as(app, "admin1"), number).status_code == 302


def test_before_the_kpj_the_page_says_so_and_records_nothing(app, users):
    number = paid_worker(app, users["officer"], 8, status="submitted", kpj=None, kpj_at=None)
    coord = login_as(app, "koord1")
    page = coord.get(f"/bayar/{number}")
    assert page.status_code == 200 and "data-no-kpj" in page.get_data(as_text=True)
    answer = post(coord, number)
    assert answer.status_code == 409 and "sudah punya KPJ" in text_of(answer)
    assert "Catat pembayaran</a>" not in coord.get(f"/tinjau/{number}").get_data(as_text=True)
    assert count(app, Payment) == 0


def test_the_review_page_links_to_the_payment_page_once_there_is_a_kpj(app, users):
    number = paid_worker(app, users["officer"], 9)
    page = login_as(app, "koord1").get(f"/tinjau/{number}").get_data(as_text=True)
    assert f'href="/bayar/{number}" data-pay>Catat pembayaran</a>' in page


# A programme's month paid

def programme_with_members(app, users, kecamatan=TOBOALI) -> tuple[int, list[str]]:
    with app.app_context():
        p = Programme(name="APBD 2026", payer="apbd_kabupaten", first_month=date(2026, 1, 1), months=12,
                      budget=10_000_000, quotas=[ProgrammeQuota(kecamatan_code=TOBOALI, quota=10),
                                                 ProgrammeQuota(kecamatan_code=LEPAR, quota=10)])
        db.session.add(p)
        db.session.commit()
        pid = p.id
    fields = {"programme_id": pid, "funding": "apbd_kabupaten"}
    numbers = [paid_worker(app, users["officer"], 20, **fields), paid_worker(app, users["officer"], 21, **fields),
               paid_worker(app, users["officer"], 22, status="submitted", kpj=None, kpj_at=None, **fields),
               paid_worker(app, users["officer"], 23, kecamatan_code=LEPAR, village_code="19.03.02.2001", **fields)]
    return pid, numbers


def month_paid(client, pid, month="2026-03", paid_on="2026-03-05", token=True):
    data = {"month": month, "paid_on": paid_on} | ({"csrf_token": client.auth.token()} if token else {})
    return client.post(f"/bayar/program/{pid}", data=data)


def test_the_programme_page_offers_its_months(app, users):
    pid, _numbers = programme_with_members(app, users)
    page = login_as(app, "admin1").get(f"/program/{pid}").get_data(as_text=True)
    assert f'action="/bayar/program/{pid}"' in page
    assert page.count("<option value=\"2026-") == 12 and '<option value="2026-12">' in page


def test_an_admin_records_a_programme_month_for_every_member_with_a_kpj(app, users):
    pid, _numbers = programme_with_members(app, users)
    admin = login_as(app, "admin1")
    answer = month_paid(admin, pid)
    assert answer.status_code == 302
    body = text_of(admin.get(f"/program/{pid}"))
    assert "Bulan 2026-03: 3 dicatat lunas, 0 sudah tercatat, 1 menunggu KPJ." in body
    assert count(app, Payment, Payment.programme_id == pid) == 3
    month_paid(admin, pid)
    assert "0 dicatat lunas, 3 sudah tercatat" in text_of(admin.get(f"/program/{pid}"))
    assert count(app, Payment) == 3


def test_a_coordinator_records_only_their_kecamatan_members(app, users, make_user):
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    pid, _numbers = programme_with_members(app, users)
    coord = login_as(app, "koord1")
    month_paid(coord, pid)
    assert "2 dicatat lunas, 0 sudah tercatat, 1 menunggu KPJ" in text_of(coord.get(f"/program/{pid}"))
    with app.app_context():
        kecamatan = db.session.scalars(db.select(Registration.kecamatan_code).join(
            Payment, Payment.registration_id == Registration.id)).all()
    assert set(kecamatan) == {TOBOALI}
    lepar = login_as(app, "koord_lepar")
    month_paid(lepar, pid)
    assert "1 dicatat lunas" in text_of(lepar.get(f"/program/{pid}"))


def test_programme_month_refusals(app, users, make_user):
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    pid, _numbers = programme_with_members(app, users)
    with app.app_context():  # a programme of Toboali only
        p = Programme(name="Desa", payer="apbdes", first_month=date(2026, 1, 1), months=3, budget=1,
                      quotas=[ProgrammeQuota(kecamatan_code=TOBOALI, quota=5)])
        db.session.add(p)
        db.session.commit()
        toboali_only = p.id
    assert month_paid(login_as(app, "koord_lepar"), toboali_only, "2026-01", "2026-01-05").status_code == 403
    assert month_paid(login_as(app, "petugas1"), pid).status_code == 403
    admin = login_as(app, "admin1")
    assert month_paid(admin, pid, token=False).status_code == 400
    assert admin.post("/bayar/program/99999", data={"csrf_token": admin.auth.token()}).status_code == 404
    for month, paid_on in (("2025-12", "2026-01-05"), ("2027-01", "2026-01-05"), ("x", "2026-01-05"),
                           ("2026-02", "2999-01-01"), ("2026-02", "kemarin")):
        assert month_paid(admin, pid, month, paid_on).status_code == 302
    assert count(app, Payment) == 0


def test_a_programme_month_records_what_the_programme_pays_not_the_workers_own_jht(app, users):
    """A JKK + JKM programme pays JKK + JKM for a member who also took JHT (the worker pays JHT): on an income of
    Rp2.000.000, Rp20.000 + Rp6.800 a month, not Rp66.800. The programme's line is what the budget paid, as its
    committed amount and member export count it."""
    pid, _numbers = programme_with_members(app, users)
    jht = paid_worker(app, users["officer"], 24, programme_id=pid, funding="apbd_kabupaten",
                      programs=["JKK", "JKM", "JHT"], monthly_income=2_000_000)
    assert month_paid(login_as(app, "admin1"), pid).status_code == 302
    with app.app_context():
        line = db.session.scalar(db.select(Payment).join(Registration, Registration.id == Payment.registration_id)
                                 .where(Registration.number == jht))
        assert (line.amount, line.expected, line.mismatch) == (26_800, 26_800, False)
