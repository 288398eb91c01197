"""The dashboard: coverage per desa and kecamatan against targets, counts, the weekly trend in WIB."""
import re

from tests.conftest import Auth
from tests.review_helpers import bulk_rows, enroll


def test_dashboard_shows_coverage_against_a_target(app, officer, visit_id, coordinator):
    enroll(officer, visit_id)
    enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M")
    token = coordinator.auth.token("/dasbor")
    response = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.01.1001",
                                                 "informal_workers": "8"})
    assert response.status_code == 302
    page = coordinator.get("/dasbor").get_data(as_text=True)
    assert "25.0% (2/8)" in page and "Nelayan" in page and 'x1="21"' in page
    assert 'data-coverage="19.03.01"' in page  # the kecamatan as a whole: the sum of its desa targets
    assert 'data-count="pending"><strong>2</strong>' in page
    refused = coordinator.post("/dasbor", data={"csrf_token": token, "region_code": "19.03.02.2001",
                                                "informal_workers": "abc"}).get_data(as_text=True)
    assert "Isi angka 1 sampai 1.000.000." in refused


def test_admin_sees_kecamatan_and_drills_into_one(app, officer, visit_id, users):
    enroll(officer, visit_id)
    admin = app.test_client()
    admin.auth = Auth(admin)
    admin.auth.login("admin1")
    overview = admin.get("/dasbor").get_data(as_text=True)
    assert 'data-coverage="19.03.02"' in overview and "Cakupan per kecamatan" in overview
    token = admin.auth.token("/dasbor?kecamatan=19.03.01")
    admin.post("/dasbor?kecamatan=19.03.01", data={"csrf_token": token, "region_code": "19.03.01", "informal_workers": "4"})
    drilled = admin.get("/dasbor?kecamatan=19.03.01").get_data(as_text=True)
    assert "Kecamatan Toboali" in drilled and "25.0% (1/4)" in drilled and 'data-coverage="19.03.01.1001"' in drilled


def test_kecamatan_coverage_counts_only_the_desa_that_have_targets(app, officer, visit_id, coordinator):
    enroll(officer, visit_id)
    enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M", village_code="19.03.01.1002")
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

    from outreach.dashboard.views import WEEKS
    from outreach.domain.clock import LOCAL_TZ
    today = datetime.now(LOCAL_TZ).date()
    monday = today - timedelta(days=today.weekday())
    morning = datetime.combine(monday, datetime.min.time(), tzinfo=LOCAL_TZ).replace(hour=6, minute=30)
    bulk_rows(app, users["officer"], 1, created_at=morning.astimezone(timezone.utc))
    page = coordinator.get("/dasbor").get_data(as_text=True)
    weeks = page.split("Pendaftaran per minggu")[1]
    values = re.findall(r'<span class="bar-value">(\d+)</span>', weeks)
    assert len(values) == WEEKS and values[-1] == "1" and set(values[:-1]) == {"0"}
