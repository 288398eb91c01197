"""The follow-up lists: the queries agree with the domain's rules; a contact hides a worker until its next date;
officers see their kecamatan a desa at a time, coordinators filter by desa, officer and programme; counts on home."""
from datetime import date, datetime, timedelta, timezone

import pytest

from outreach.domain import followup as rules
from outreach.domain.clock import local_day, local_today
from outreach.domain.occupations import TRANSPORT
from outreach.extensions import db
from outreach.models import Programme, Registration
from outreach.services import contacts, followup
from tests.conftest import LEPAR
from tests.followup_helpers import add_months, month_start, paid_worker, pay, programme
from tests.review_helpers import login_as

TODAY = date(2026, 11, 26)  # the non-transport discount ends with December 2026
UTC = timezone.utc


@pytest.fixture
def cohort(app, users):
    """One worker per situation, on 26 November 2026 (numbers BT-00000001...)."""
    o = users["officer"]
    apbd = programme(app)  # Aug 2025 - Jan 2026: long over
    csr = programme(app, first_month=date(2026, 7, 1), months=6, payer="sponsor", name="CSR Timah")  # to Dec 2026
    made = {
        "never_paid_old": paid_worker(app, o, 1, kpj_at=datetime(2026, 11, 1, tzinfo=UTC)),
        "never_paid_new": paid_worker(app, o, 2, kpj_at=datetime(2026, 11, 20, tzinfo=UTC)),
        "apbd_lapsed": paid_worker(app, o, 3, funding="apbd_kabupaten", programme_id=apbd),
        "arrears": paid_worker(app, o, 4, paid=(date(2026, 9, 1), 1)),
        "csr_ending": paid_worker(app, o, 5, funding="sponsor", programme_id=csr),
        "discount": paid_worker(app, o, 6, paid=(date(2026, 11, 1), 1)),
        "driver_ending": paid_worker(app, o, 7, paid=(date(2026, 11, 1), 1), occupation="pengemudi_ojek"),
        "well_paid": paid_worker(app, o, 8, paid=(date(2026, 11, 1), 6)),
        "pending": paid_worker(app, o, 9, status="pending", kpj=None, kpj_at=None),
        "lepar": paid_worker(app, o, 10, paid=(date(2026, 1, 1), 1), village_code="19.03.02.2001",
                             kecamatan_code=LEPAR),
    }
    pay(app, made["apbd_lapsed"], date(2025, 8, 1), 6, apbd)
    pay(app, made["csr_ending"], date(2026, 7, 1), 6, csr)
    return made


def twin(r: Registration, today: date) -> str | None:
    """domain.followup.follows() on one row: what the queries must agree with."""
    end = None
    if r.programme_id:
        p = db.session.get(Programme, r.programme_id)
        end = rules.programme_end(p.first_month, p.months)
    situation = rules.Situation(kpj_at=local_day(r.kpj_at) if r.kpj_at else None, paid_through=r.paid_through,
                                funding=r.funding, transport=r.occupation in TRANSPORT, programme_end=end)
    return rules.follows(situation, today) if r.status == "active" else None


def test_the_lists_are_the_domain_rules_as_queries(app, cohort):
    expected = {"no_first_payment": ["never_paid_old"], "inactive": ["apbd_lapsed"], "in_arrears": ["arrears"],
                "programme_ending": ["csr_ending"], "discount_ending": ["discount"], "ending": ["driver_ending"]}
    with app.test_request_context():
        scope = followup.Scope(kecamatan="19.03.01")
        for name, who in expected.items():
            rows, _after = followup.page(name, scope, TODAY)
            assert [r.number for r in rows] == [cohort[w] for w in who], name
            assert all(twin(r, TODAY) == name for r in rows)
        assert followup.counts(scope, TODAY) == {name: len(who) for name, who in expected.items()}
        everyone = db.session.scalars(db.select(Registration)).all()
        listed = {cohort[w] for who in expected.values() for w in who}
        assert {r.number for r in everyone if twin(r, TODAY) and r.kecamatan_code == "19.03.01"} == listed


def test_a_contact_hides_the_worker_until_its_next_date(app, cohort, users):
    scope = followup.Scope(kecamatan="19.03.01")
    with app.test_request_context():
        from outreach.models import User
        officer = db.session.get(User, users["officer"])
        r = db.session.scalar(db.select(Registration).where(Registration.number == cohort["arrears"]))
        logged = contacts.log(r, officer, {"channel": "phone", "outcome": "will_pay", "will_pay_on": "2026-12-05"},
                              "3f1c2c9e-0000-4000-8000-000000000001", TODAY)
        db.session.commit()
        assert logged.kind == "created" and r.next_contact_on == date(2026, 12, 6)
        assert followup.counts(scope, TODAY)["in_arrears"] == 0

        def listed(day):  # in December the worker (paid through September) has lapsed
            return [x.number for x in followup.page("inactive", scope, day)[0]]
        assert cohort["arrears"] not in listed(date(2026, 12, 5))
        assert cohort["arrears"] in listed(date(2026, 12, 6))


@pytest.mark.parametrize("outcome", ["moved", "died"])
def test_moved_and_died_leave_the_lists(app, cohort, users, outcome):
    scope = followup.Scope(kecamatan="19.03.01")
    with app.test_request_context():
        from outreach.models import User
        r = db.session.scalar(db.select(Registration).where(Registration.number == cohort["apbd_lapsed"]))
        contacts.log(r, db.session.get(User, users["coordinator"]), {"channel": "visit", "outcome": outcome},
                     "3f1c2c9e-0000-4000-8000-000000000002", TODAY)
        db.session.commit()
        assert r.next_contact_on is None and r.last_outcome == outcome
        later = [x.number for x in followup.page("inactive", scope, TODAY + timedelta(days=400))[0]]
        assert cohort["apbd_lapsed"] not in later and cohort["arrears"] in later


def test_a_late_offline_contact_does_not_override_a_newer_one(app, cohort, users):
    with app.test_request_context():
        from outreach.models import User
        officer = db.session.get(User, users["officer"])
        r = db.session.scalar(db.select(Registration).where(Registration.number == cohort["arrears"]))
        now = datetime(2026, 11, 26, 5, tzinfo=UTC)
        contacts.log(r, officer, {"channel": "phone", "outcome": "no_answer"}, "3f1c2c9e-0000-4000-8000-000000000003",
                     TODAY, captured_at=now)
        contacts.log(r, officer, {"channel": "visit", "outcome": "refused"}, "3f1c2c9e-0000-4000-8000-000000000004",
                     TODAY, captured_at=now - timedelta(hours=3))  # logged earlier, without signal
        db.session.commit()
        assert (r.last_outcome, r.next_contact_on) == ("no_answer", date(2026, 11, 29))
        assert len(contacts.history(r)) == 2


def test_officer_list_is_a_desa_of_their_kecamatan(app, users, client, auth):
    today = local_today()
    o = users["officer"]
    lapsed = paid_worker(app, o, 21, paid=(add_months(month_start(today), -8), 1), full_name="Budi Santoso")
    other_desa = paid_worker(app, o, 22, paid=(add_months(month_start(today), -8), 1), village_code="19.03.01.2004")
    auth.login("petugas1")
    page = client.get("/tindak-lanjut?daftar=inactive").get_data(as_text=True)
    assert "data-pick-desa" in page and lapsed not in page  # a desa at a time
    page = client.get("/tindak-lanjut?daftar=inactive&desa=19.03.01.1001").get_data(as_text=True)
    assert lapsed in page and other_desa not in page
    assert "B*** S******" in page and "Budi Santoso" not in page  # masked
    assert "+62812******90" in page and 'href="tel:+6281234567890"' in page
    assert client.get("/tindak-lanjut?daftar=inactive&desa=19.03.02.2001").get_data(as_text=True).count("data-number") == 0


def test_coordinator_filters_by_desa_officer_and_programme(app, users, make_user, coordinator):
    today = local_today()
    o, o2 = users["officer"], make_user("petugas2")
    p = programme(app, first_month=add_months(month_start(today), -12), months=6)
    gone = add_months(month_start(today), -8)
    a = paid_worker(app, o, 31, paid=(gone, 1))
    b = paid_worker(app, o2, 32, paid=(gone, 1), village_code="19.03.01.2004")
    c = paid_worker(app, o, 33, programme_id=p, funding="apbd_kabupaten")
    pay(app, c, add_months(month_start(today), -12), 6, p)
    lepar = paid_worker(app, o, 34, paid=(gone, 1), village_code="19.03.02.2001", kecamatan_code=LEPAR)

    def listed(query):
        page = coordinator.get("/tindak-lanjut?daftar=inactive" + query).get_data(as_text=True)
        return {n for n in (a, b, c, lepar) if f'data-number="{n}"' in page}

    assert listed("") == {a, b, c}
    assert listed("&desa=19.03.01.2004") == {b}
    assert listed(f"&petugas={o2}") == {b}
    assert listed(f"&program={p}") == {c}
    assert listed("&desa=19.03.02.2001") == set()  # another kecamatan's desa: nothing
    home = coordinator.get("/").get_data(as_text=True)
    assert 'data-count="inactive"><a href="/tindak-lanjut?daftar=inactive"><strong>3</strong>' in home


def test_counts_on_the_officers_home_and_the_visits_list(app, users, officer, visit_id, client):
    today = local_today()
    paid_worker(app, users["officer"], 41, paid=(add_months(month_start(today), -8), 1))
    paid_worker(app, users["officer"], 42, kpj_at=datetime.now(UTC) - timedelta(days=30))
    home = client.get("/").get_data(as_text=True)
    assert 'data-count="inactive"><a href="/tindak-lanjut?daftar=inactive"><strong>1</strong>' in home
    assert 'data-count="no_first_payment"><a href="/tindak-lanjut?daftar=no_first_payment"><strong>1</strong>' in home
    visit = client.get(f"/kunjungan/{visit_id}").get_data(as_text=True)
    assert f'href="/kunjungan/{visit_id}/tindak-lanjut" data-cache-page data-followup-link>' in visit
    assert "Tindak lanjut di desa ini: 2 pekerja" in visit
    page = client.get(f"/kunjungan/{visit_id}/tindak-lanjut").get_data(as_text=True)
    assert page.count("data-log-contact=") == 2 and 'id="contact-form-template"' in page


def test_the_worker_page_logs_a_contact_and_shows_the_heirs_checklist_after_a_death(app, users, client, auth):
    number = paid_worker(app, users["officer"], 51, paid=(add_months(month_start(local_today()), -8), 1))
    auth.login("koord1")
    page = client.get(f"/tindak-lanjut/pekerja/{number}").get_data(as_text=True)
    assert "data-jkm-checklist" not in page and 'data-list="inactive"' in page
    token = auth.token(f"/tindak-lanjut/pekerja/{number}")
    response = client.post(f"/tindak-lanjut/pekerja/{number}", data={
        "csrf_token": token, "client_id": "3f1c2c9e-0000-4000-8000-000000000051", "channel": "visit",
        "outcome": "died", "note": "Meninggal di laut"})
    assert response.status_code == 302
    page = client.get(f"/tindak-lanjut/pekerja/{number}").get_data(as_text=True)
    assert "data-jkm-checklist" in page and "Surat keterangan kematian" in page
    assert 'data-outcome="died"' in page and "Meninggal di laut" in page
    with app.app_context():
        r = db.session.scalar(db.select(Registration).where(Registration.number == number))
        assert [e.kind for e in r.events] == ["contact"] and r.events[0].changes["outcome"] == "died"
    missing = client.post(f"/tindak-lanjut/pekerja/{number}", data={"csrf_token": token, "channel": "visit",
                                                                      "client_id": ""})
    assert missing.status_code == 422 and "Pilih hasilnya." in missing.get_data(as_text=True)


def test_the_contact_log_is_exported_and_the_export_audited(app, users, coordinator, client, auth):
    number = paid_worker(app, users["officer"], 61, paid=(add_months(month_start(local_today()), -8), 1))
    auth.login("petugas1")
    client.post(f"/api/v1/registrations/{number}/contacts", headers={"X-CSRFToken": auth.token()},
                json={"client_id": "3f1c2c9e-0000-4000-8000-000000000061", "channel": "sms", "outcome": "paid"})
    client.post(f"/api/v1/registrations/{number}/contacts", headers={"X-CSRFToken": auth.token()},
                json={"client_id": "3f1c2c9e-0000-4000-8000-000000000062", "channel": "visit", "outcome": "other",
                      "note": "=HYPERLINK(\"http://x\")"})
    csv = coordinator.get("/tindak-lanjut/kontak.csv").get_data(as_text=True)
    assert csv.startswith("\ufeffnumber,village_code,at") and f"{number},19.03.01.1001," in csv and ",sms,paid," in csv
    assert ",petugas1,\"'=HYPERLINK(" in csv  # a note a spreadsheet would run as a formula is kept inert
    with app.app_context():
        from outreach.models import AuditEvent
        actions = db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["contact", "contact", "export"]


def test_pages_follow_the_keyset_without_gaps_or_repeats(app, users):
    o = users["officer"]
    for i in range(35):  # lapsed in two different months, so pages cross a change of paid_through
        paid_worker(app, o, 100 + i, paid=(date(2026, 1 if i % 2 else 2, 1), 1))
    scope = followup.Scope(kecamatan="19.03.01")
    with app.test_request_context():
        first, after = followup.page("inactive", scope, TODAY)
        second, end = followup.page("inactive", scope, TODAY, after)
        assert len(first) == 30 and len(second) == 5 and end is None
        seen = [r.number for r in first + second]
        assert len(set(seen)) == 35
        assert [r.paid_through for r in first + second] == sorted(r.paid_through for r in first + second)
        assert followup.page("inactive", scope, TODAY, "nonsense")[0] == first  # an odd cursor: the first page


@pytest.mark.parametrize("after", ["~2026-01-01T00:00:00~1",  # no time zone
                                   "2026-01-01~2026-01-05T00:00:00+00:00~99999999999999999999999",  # no such id
                                   "0001-01-01~0001-01-01T00:00:00+14:00~1"])  # before the year 1 in UTC
def test_an_odd_cursor_is_the_first_page_not_an_error(app, users, coordinator, after):
    number = paid_worker(app, users["officer"], 1, paid=(add_months(month_start(local_today()), -8), 1))
    for name in ("inactive", "no_first_payment"):
        response = coordinator.get("/tindak-lanjut", query_string={"daftar": name, "after": after})
        assert response.status_code == 200
    assert f'data-number="{number}"' in coordinator.get(
        "/tindak-lanjut", query_string={"daftar": "inactive", "after": after}).get_data(as_text=True)


def test_an_inactive_worker_is_reactivated_by_the_branchs_payment_not_a_new_registration(app, users, coordinator):
    from tests.test_contacts_api import logged_in
    from tests.test_payment_import import kpj, upload
    today = local_today()
    number = paid_worker(app, users["officer"], 1, paid=(add_months(month_start(today), -8), 1))
    scope = followup.Scope(kecamatan="19.03.01")

    def state():
        with app.test_request_context():
            r = db.session.scalar(db.select(Registration).where(Registration.number == number))
            listed = [x.number for x in followup.page("inactive", scope, today + timedelta(days=30))[0]]
            everyone = db.session.scalar(db.select(db.func.count(Registration.id)))
            return r.kpj, followup.which_list(r, today), number in listed, everyone

    assert state() == (kpj(1), "inactive", True, 1)
    phone = logged_in(app, "petugas1")  # the officer records "paid"; the branch's import confirms it
    assert phone.post(f"/api/v1/registrations/{number}/contacts", headers={"X-CSRFToken": phone.auth.token()}, json={
        "client_id": "3f1c2c9e-0000-4000-8000-000000000091", "channel": "visit", "outcome": "paid"}).status_code == 201
    month = month_start(today).strftime("%Y-%m")
    assert upload(coordinator, f"kpj,first_month,months,amount,paid_on\n{kpj(1)},{month},3,33600,{today}\n",
                  apply=True).status_code == 302
    kpj_after, list_after, still_inactive, registrations = state()
    assert (kpj_after, still_inactive, registrations) == (kpj(1), False, 1) and list_after != "inactive"


def test_a_row_shows_desa_protection_amount_due_last_contact_next_date_and_actions(app, users, coordinator):
    from tests.test_contacts_api import logged_in
    today = local_today()
    lapsed = add_months(month_start(today), -8)
    number = paid_worker(app, users["officer"], 1, paid=(lapsed, 1))
    phone = logged_in(app, "petugas1")  # not met today; to be tried again today (the list shows it again)
    assert phone.post(f"/api/v1/registrations/{number}/contacts", headers={"X-CSRFToken": phone.auth.token()}, json={
        "client_id": "3f1c2c9e-0000-4000-8000-000000000092", "channel": "visit", "outcome": "no_answer",
        "next_on": today.isoformat()}).status_code == 201
    page = coordinator.get("/tindak-lanjut?daftar=inactive").get_data(as_text=True)
    row = page[page.index(f'data-number="{number}"'):]
    row = row[:row.index("</li>")]
    with app.test_request_context():
        from outreach.domain.followup import amount_due
        from outreach.i18n import long_date
        due = amount_due(None, [], 1, add_months(lapsed, 1) - timedelta(days=1), today, False)
        ended, on = long_date(add_months(lapsed, 1) - timedelta(days=1)), long_date(today)
    assert "· Toboali</span>" in row  # the desa
    assert 'data-protection="inactive">Tidak aktif' in row and f"berakhir {ended}" in row
    assert f'data-due="{due.total}"' in row and "Iuran berikutnya: Rp" in row
    assert 'data-last-outcome="no_answer"' in row and "Tidak menjawab / tidak bertemu" in row
    assert f"Jadwal hubungi: {on}" in row
    assert f'href="/tindak-lanjut/pekerja/{number}">Catat kontak</a>' in row and 'href="tel:+6281234567890"' in row


def test_a_discount_ending_row_says_what_a_month_costs_after_it(app, cohort, coordinator, monkeypatch):
    """Paid through November 2026: December is still halved, then the bill doubles (PP 50/2025 ends)."""
    import outreach.followup.views as views
    monkeypatch.setattr(views, "local_today", lambda: TODAY)
    page = coordinator.get("/tindak-lanjut?daftar=discount_ending").get_data(as_text=True)
    row = page[page.index(f'data-number="{cohort["discount"]}"'):]
    row = row[:row.index("</li>")]
    with app.test_request_context():
        situation = db.session.scalar(db.select(Registration).where(Registration.number == cohort["discount"]))
        due = followup.describe([situation], TODAY)[0].due
    assert due.monthly_after > due.total  # one month due, at the discounted rate
    assert f'data-after="{due.monthly_after}"' in row and "potongan PP 50/2025 berakhir" in row
    well = coordinator.get("/tindak-lanjut?daftar=ending").get_data(as_text=True)  # a driver keeps the discount
    assert "data-after" not in well[well.index(f'data-number="{cohort["driver_ending"]}"'):]
