"""The dashboard: coverage per desa and kecamatan against targets, counts, the weekly trend in WIB."""
import re
from datetime import date

from outreach.domain.clock import local_today
from tests.conftest import Auth
from tests.followup_helpers import add_months, month_start, paid_worker, pay, programme
from tests.review_helpers import bulk_rows, enroll, login_as


def this_month() -> date:
    return month_start(local_today())


def counts_row(page: str, code: str) -> list[str]:
    """The coverage table's cells for a region: registered, KPJ, protected, target, coverage."""
    row = page.split(f'data-counts="{code}">')[1].split("</tr>")[0]
    return re.findall(r"<td>([^<]*)</td>", row)[1:]


def test_dashboard_shows_coverage_against_a_target(app, officer, visit_id, coordinator, users):
    enroll(officer, visit_id)
    enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M")
    paid_worker(app, users["officer"], 7, paid=(this_month(), 1))  # protected today
    token = coordinator.auth.token("/dasbor")
    response = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001",
                                                 "informal_workers": "8"})
    assert response.status_code == 302
    page = coordinator.get("/dasbor").get_data(as_text=True)
    assert "12.5% (1/8)" in page and "Nelayan" in page and 'x1="21"' in page  # coverage counts the protected
    assert counts_row(page, "19.03.01.1001") == ["3", "1", "1", "8", "12,5%"]  # registered, KPJ, protected
    assert 'data-coverage="19.03.01"' in page  # the kecamatan as a whole: the sum of its desa targets
    assert 'data-count="pending"><strong>2</strong>' in page
    refused = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.02.2001",
                                                "informal_workers": "abc"}).get_data(as_text=True)
    assert "Isi angka 1 sampai 1.000.000." in refused


def test_admin_sees_kecamatan_and_drills_into_one(app, officer, visit_id, users):
    enroll(officer, visit_id)
    paid_worker(app, users["officer"], 7, paid=(this_month(), 1))
    admin = app.test_client()
    admin.auth = Auth(admin)
    admin.auth.login("admin1")
    overview = admin.get("/dasbor").get_data(as_text=True)
    assert 'data-coverage="19.03.02"' in overview and "Cakupan per kecamatan" in overview
    token = admin.auth.token("/dasbor?kecamatan=19.03.01")
    admin.post("/dasbor?kecamatan=19.03.01", data={"csrf_token": token, "region_code": "19.03.01", "informal_workers": "4"})
    drilled = admin.get("/dasbor?kecamatan=19.03.01").get_data(as_text=True)
    assert "Kecamatan Toboali" in drilled and "25.0% (1/4)" in drilled and 'data-coverage="19.03.01.1001"' in drilled


def test_kecamatan_coverage_counts_only_the_desa_that_have_targets(app, officer, visit_id, coordinator, users):
    enroll(officer, visit_id)
    paid_worker(app, users["officer"], 7, paid=(this_month(), 1))
    paid_worker(app, users["officer"], 8, paid=(this_month(), 1), village_code="19.03.01.1002")
    token = coordinator.auth.token("/dasbor")
    coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001", "informal_workers": "8"})
    page = coordinator.get("/dasbor").get_data(as_text=True)
    total = page.split('data-coverage="19.03.01"')[1].split("</div>")[0]
    assert "12.5% (1/8)" in total and "1 dari" in total  # Budi's desa has no target: not in either number


def test_target_form_errors_answer_422(coordinator, users):
    token = coordinator.auth.token("/dasbor")
    response = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001",
                                                 "informal_workers": "0"})
    assert response.status_code == 422 and "Isi angka 1 sampai 1.000.000." in response.get_data(as_text=True)


def test_weekly_trend_counts_a_morning_registration_on_its_wib_day(app, users, coordinator):
    """Monday 06:30 WIB is Sunday 23:30 UTC: it belongs to the week that starts that Monday."""
    from datetime import datetime, timedelta, timezone

    from outreach.services.dashboard import WEEKS
    from outreach.domain.clock import LOCAL_TZ
    today = datetime.now(LOCAL_TZ).date()
    monday = today - timedelta(days=today.weekday())
    morning = datetime.combine(monday, datetime.min.time(), tzinfo=LOCAL_TZ).replace(hour=6, minute=30)
    bulk_rows(app, users["officer"], 1, created_at=morning.astimezone(timezone.utc))
    page = coordinator.get("/dasbor").get_data(as_text=True)
    weeks = page.split("Pendaftaran per minggu")[1]
    values = re.findall(r'<span class="bar-value">(\d+)</span>', weeks)
    assert len(values) == WEEKS and values[-1] == "1" and set(values[:-1]) == {"0"}


def test_only_workers_paid_through_today_count_as_protected(app, users, coordinator):
    """Protected, in arrears, inactive after an ended programme, awaiting a first payment, and pending: one
    protected, four registered, four with a KPJ."""
    officer = users["officer"]
    apbd = programme(app)  # Aug 2025 – Jan 2026, over
    paid_worker(app, officer, 1, paid=(add_months(this_month(), -1), 2))  # paid through the end of this month
    paid_worker(app, officer, 2, paid=(add_months(this_month(), -3), 2))  # last month unpaid: in arrears
    paid_worker(app, officer, 3, paid=(date(2025, 8, 1), 6), funding="apbd_kabupaten", programme_id=apbd)
    paid_worker(app, officer, 4)  # a KPJ, no payment yet
    bulk_rows(app, officer, 1, start=5)  # pending
    paid_worker(app, officer, 6, paid=(this_month(), 1), kecamatan_code="19.03.02", village_code="19.03.02.2001")
    page = coordinator.get("/dasbor").get_data(as_text=True)
    assert counts_row(page, "19.03.01.1001") == ["5", "4", "1", "–", "–"]
    assert 'data-counts="19.03.02' not in page  # the coordinator's kecamatan only
    admin = login_as(app, "admin1")
    overview = admin.get("/dasbor").get_data(as_text=True)
    assert counts_row(overview, "19.03.01") == ["5", "4", "1", "–", "–"]
    assert counts_row(overview, "19.03.02")[:3] == ["1", "1", "1"]
    # a coordinator cannot drill into another kecamatan
    assert 'data-counts="19.03.02' not in coordinator.get("/dasbor?kecamatan=19.03.02").get_data(as_text=True)


def test_protection_ends_with_the_last_day_paid(app, users, coordinator):
    """Paid through yesterday: not protected today; through today: protected."""
    from datetime import timedelta

    from outreach.extensions import db
    from outreach.models import Registration
    today = local_today()
    paid_worker(app, users["officer"], 1, paid_through=today)
    paid_worker(app, users["officer"], 2, paid_through=today - timedelta(days=1))
    assert counts_row(coordinator.get("/dasbor").get_data(as_text=True), "19.03.01.1001")[:3] == ["2", "2", "1"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(Registration.paid_through >= today)) == 1


def test_programme_block_shows_budget_used_and_places(app, users, coordinator):
    from outreach.extensions import db
    from outreach.models import Programme, ProgrammeQuota
    from outreach.services import programmes
    officer = users["officer"]
    apbd = programme(app, first_month=date(2026, 1, 1), months=12)
    with app.app_context():
        p = db.session.get(Programme, apbd)
        p.quota = 10
        p.quotas = [ProgrammeQuota(kecamatan_code="19.03.01", quota=4), ProgrammeQuota(kecamatan_code="19.03.02", quota=6)]
        db.session.commit()
    for i in range(3):  # joined in January 2026 (paid_worker's start): twelve months each
        paid_worker(app, officer, i, funding="apbd_kabupaten", programme_id=apbd, monthly_income=1_000_000 + i * 500_000)
    paid_worker(app, officer, 3, funding="apbd_kabupaten", programme_id=apbd, status="rejected", kpj=None)
    paid_worker(app, officer, 4, funding="apbd_kabupaten", programme_id=apbd,
                kecamatan_code="19.03.02", village_code="19.03.02.2001")
    with app.test_request_context():
        p = db.session.get(Programme, apbd)
        whole = programmes.summary(p)
        local = programmes.summary(p, "19.03.01")
        use = next(u for u in programmes.uses(db.select(programmes.Registration)) if u.programme.id == apbd)
        assert (use.members, use.committed, use.quota) == (whole.members, whole.committed, 10) == (4, whole.committed, 10)
        assert whole.committed > 0
    page = coordinator.get("/dasbor").get_data(as_text=True)
    row = page.split(f'data-programme="{apbd}">')[1].split("</tr>")[0]
    assert "3 / 4<br><small>75%</small>" in row  # the coordinator's kecamatan: its members against its quota
    assert f"{local.committed:,}".replace(",", ".") in row
    admin = login_as(app, "admin1").get("/dasbor").get_data(as_text=True)
    assert "4 / 10<br><small>40%</small>" in admin.split(f'data-programme="{apbd}">')[1].split("</tr>")[0]


def test_programme_uses_take_one_query_whatever_the_members(app, users):
    """The amounts are worked out per group of members who cost the same, in one grouped query."""
    from sqlalchemy import event

    from outreach.extensions import db
    from outreach.services import programmes
    apbd = programme(app)
    bulk_rows(app, users["officer"], 40, status="active", funding="apbd_kabupaten", programme_id=apbd)
    with app.test_request_context():
        statements = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            use = next(u for u in programmes.uses(db.select(programmes.Registration)) if u.programme.id == apbd)
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert use.members == 40 and use.committed == programmes.summary(use.programme).committed
        assert len(statements) <= 3  # the groups, the programmes, their quotas


def test_counts_are_kept_a_while_per_scope(app, users, coordinator):
    """With DASHBOARD_CACHE_SECONDS set, each scope's counts are a snapshot shared by every server: a new payment
    shows once a job has counted again, which a view asks for when the snapshot is older than that."""
    from datetime import timedelta
    from outreach.extensions import db
    from outreach.models import DashboardSnapshot
    from outreach.models.types import utcnow
    from outreach.services import jobs
    app.config["DASHBOARD_CACHE_SECONDS"] = 60
    try:
        paid_worker(app, users["officer"], 1, paid=(this_month(), 1))
        assert counts_row(coordinator.get("/dasbor").get_data(as_text=True), "19.03.01.1001")[:3] == ["1", "1", "1"]
        paid_worker(app, users["officer"], 2, paid=(this_month(), 1))
        assert counts_row(coordinator.get("/dasbor").get_data(as_text=True), "19.03.01.1001")[:3] == ["1", "1", "1"]
        admin = login_as(app, "admin1").get("/dasbor").get_data(as_text=True)  # another scope: counted now
        assert counts_row(admin, "19.03.01")[:3] == ["2", "2", "2"]
        with app.app_context():  # a minute later
            db.session.execute(db.update(DashboardSnapshot).values(made_at=utcnow() - timedelta(minutes=2)))
            db.session.commit()
        stale = coordinator.get("/dasbor").get_data(as_text=True)  # answered at once, from the old counts...
        assert counts_row(stale, "19.03.01.1001")[:3] == ["1", "1", "1"]
        jobs.wait(app)  # ...while a job counts again
        assert counts_row(coordinator.get("/dasbor").get_data(as_text=True), "19.03.01.1001")[:3] == ["2", "2", "2"]
        with app.app_context():
            assert db.session.get(DashboardSnapshot, "19.03.01").asked_at is None
    finally:
        app.config["DASHBOARD_CACHE_SECONDS"] = 0