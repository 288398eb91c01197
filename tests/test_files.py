"""What the app keeps on disk (the SQLite database, the secret key) is its user's alone; previewed imports are
kept in the database."""
import io
import re
import os
import stat

from outreach import create_app
from outreach.config import secret_key
from tests.review_helpers import submitted


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_instance_folder_database_and_secret_key_are_private(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    old = os.umask(0o022)  # a usual server umask: files would be world-readable by default
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/app.db"})
        key = secret_key(str(tmp_path), production=False)
    finally:
        os.umask(old)
    assert mode(app.instance_path) == 0o700
    assert mode(tmp_path / "app.db") == 0o600
    assert mode(tmp_path / "secret_key") == 0o600 and len(key) == 64


def preview(coordinator, number):
    return coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "preview": "x",
                                                 "file": (io.BytesIO(f"number,kpj\n{number},12345678901\n".encode()),
                                                          "k.csv")}, content_type="multipart/form-data")


def kept(app) -> list:
    from outreach.extensions import db
    from outreach.models import ImportPreview
    with app.app_context():
        return db.session.execute(db.select(ImportPreview.user_id, ImportPreview.kind, ImportPreview.digest)).all()


def test_a_previewed_kpj_file_waits_in_the_database_not_on_the_servers_disk(app, officer, visit_id, coordinator,
                                                                            users):
    """Another app server may take the confirmation: nothing of the file is left in this one's instance folder."""
    (number,) = submitted(app, officer, visit_id, coordinator, 1)
    page = preview(coordinator, number)
    assert page.status_code == 200
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page.get_data(as_text=True))[1]
    assert kept(app) == [(users["coordinator"], "kpj", digest)]
    folder = os.path.join(app.instance_path, "kpj-imports")
    assert not os.path.isdir(folder) or not os.listdir(folder)


def test_cancelling_a_kpj_preview_deletes_the_kept_file(app, officer, visit_id, coordinator):
    (number,) = submitted(app, officer, visit_id, coordinator, 1)
    page = preview(coordinator, number)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page.get_data(as_text=True))[1]
    assert kept(app)
    done = coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "digest": digest,
                                                 "cancel": "x"})
    assert done.status_code == 302 and kept(app) == []


def test_applying_a_kpj_preview_deletes_the_kept_file(app, officer, visit_id, coordinator):
    (number,) = submitted(app, officer, visit_id, coordinator, 1)
    page = preview(coordinator, number)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page.get_data(as_text=True))[1]
    done = coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "digest": digest,
                                                 "apply": "x"})
    assert done.status_code == 302 and kept(app) == []
