"""POST /api/v1/registrations/<number>/payments and the protection in GET: recorded once, checked against the
rule (a different amount is flagged, not refused), refused outside the coordinator's area and to officers."""
from datetime import date

from outreach.domain.clock import local_today
from outreach.extensions import db
from outreach.models import AuditEvent, Payment, Registration, RegistrationEvent
from tests.conftest import LEPAR
from tests.followup_helpers import paid_worker
from tests.test_contacts_api import logged_in


def post(client, number, **body):
    return client.post(f"/api/v1/registrations/{number}/payments", json=body,
                       headers={"X-CSRFToken": client.auth.token()})


def this_month() -> str:
    return local_today().strftime("%Y-%m")


def body(**changes):
    return {"first_month": this_month(), "months": 3, "amount": 50_400, "paid_on": local_today().isoformat(),
            "channel": "bank"} | changes


def test_a_payment_protects_until_the_last_day_of_its_last_month(app, users):
    number = paid_worker(app, users["officer"], 1)
    coord = logged_in(app, "koord1")
    before = coord.get(f"/api/v1/registrations/{number}").get_json()
    assert before["protection"]["state"] == "awaiting_first_payment" and before["payments"] == []
    answer = post(coord, number, **body())
    assert answer.status_code == 201, answer.get_json()
    data = answer.get_json()
    today = local_today()
    assert data["protection"]["state"] == "protected"
    assert data["protection"]["until"] > today.isoformat() and data["protection"]["unpaid_months"] == 0
    assert data["payment"]["months"] == 3 and data["payment"]["channel"] == "bank"
    assert len(data["payments"]) == 1
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        assert r.paid_through.isoformat() == data["protection"]["until"]
        assert db.session.scalar(db.select(db.func.count()).select_from(RegistrationEvent)
                                 .where(RegistrationEvent.kind == "payment")) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "payment")) == 1


def test_the_same_payment_sent_twice_is_recorded_once(app, users):
    number = paid_worker(app, users["officer"], 2)
    coord = logged_in(app, "koord1")
    assert post(coord, number, **body()).status_code == 201
    again = post(coord, number, **body())
    assert again.status_code == 200 and len(again.get_json()["payments"]) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 1


def test_an_amount_unlike_the_rule_is_flagged_not_refused(app, users):
    number = paid_worker(app, users["officer"], 3)
    answer = post(logged_in(app, "koord1"), number, **body(amount="Rp 1.000", months="1"))
    assert answer.status_code == 201
    payment = answer.get_json()["payment"]
    assert payment["amount"] == 1_000 and payment["mismatch"] is True and payment["expected"] > 1_000


def test_bad_fields_are_422_each_next_to_its_field(app, users):
    number = paid_worker(app, users["officer"], 4)
    answer = post(logged_in(app, "koord1"), number, first_month="2026-13", months=0, amount="banyak",
                  paid_on="2999-01-01", channel="kurir")
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert set(errors) == {"first_month", "months", "amount", "paid_on", "channel"}
    assert "TTTT-BB" in errors["first_month"][0]
    for nonsense in (None, [], "x", 5):
        assert logged_in(app, "koord1").post(f"/api/v1/registrations/{number}/payments", json=nonsense,
                                             headers={"X-CSRFToken": "x"}).status_code in (400, 422)


def test_no_payment_before_the_kpj_and_none_by_an_officer_or_another_area(app, users, make_user):
    make_user("koord_lepar", "coordinator", kecamatan=LEPAR)
    number = paid_worker(app, users["officer"], 5)
    pending = paid_worker(app, users["officer"], 6, status="pending", kpj=None, kpj_at=None)
    assert post(logged_in(app, "koord1"), pending, **body()).status_code == 409
    assert post(logged_in(app, "petugas1"), number, **body()).status_code == 403
    assert post(logged_in(app, "koord_lepar"), number, **body()).status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Payment)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "refused")) >= 2


def test_arrears_and_lapse_read_from_the_ledger(app, users):
    today = local_today()
    i = today.year * 12 + today.month - 1 - 2  # paid through two months ago: one month unpaid
    first = date(i // 12, i % 12 + 1, 1)
    number = paid_worker(app, users["officer"], 7)
    coord = logged_in(app, "koord1")
    assert post(coord, number, **body(first_month=first.strftime("%Y-%m"), months=1,
                                      paid_on=first.isoformat())).status_code == 201
    protection = coord.get(f"/api/v1/registrations/{number}").get_json()["protection"]
    assert protection["state"] == "in_arrears" and protection["unpaid_months"] == 2
