"""A typed NIK that is already registered: audited, and limited per officer and hour."""
from outreach.extensions import db
from tests.enrollment import api_worker, worker


def test_nik_matches_are_audited_and_limited(app, officer, visit_id, monkeypatch):
    """An officer can no longer test the district's NIKs one after another: each match is audited, and past the
    hourly limit the form stops saying whose NIK it is (no number, no link)."""
    from outreach.models import AuditEvent
    first = officer.register(visit_id, worker()).headers["Location"].rsplit("/", 1)[1]
    app.config["NIK_MATCH_LIMIT"] = 2
    try:
        for _ in range(2):
            page = officer.register(visit_id, worker(full_name="Orang Lain")).get_data(as_text=True)
            assert first in page
        page = officer.api_post(api_worker(full_name="Orang Lain"))
        assert page.status_code == 422 and "duplicate" not in page.get_json()
        assert first not in page.get_data(as_text=True)
        assert "Terlalu banyak NIK terdaftar" in page.get_json()["errors"]["nik"][0]
    finally:
        app.config["NIK_MATCH_LIMIT"] = 30
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "nik_match")).all()
        assert len(events) == 3 and all(e.registration.number == first for e in events)
