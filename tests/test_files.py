"""What the app keeps on disk (the SQLite database, the secret key, previewed imports) is its user's alone."""
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


def test_a_previewed_kpj_file_is_private(app, officer, visit_id, coordinator, tmp_path, monkeypatch):
    from outreach.services import kpj_import
    folder = tmp_path / "kpj-imports"
    monkeypatch.setattr(kpj_import, "UPLOAD_DIR", str(folder))
    (number,) = submitted(app, officer, visit_id, coordinator, 1)
    page = coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "preview": "x",
                                                 "file": (io.BytesIO(f"number,kpj\n{number},12345678901\n".encode()),
                                                          "k.csv")}, content_type="multipart/form-data")
    assert page.status_code == 200
    files = list(folder.glob("*.csv"))
    assert files and all(mode(f) == 0o600 for f in files) and mode(folder) == 0o700


def test_cancelling_a_kpj_preview_deletes_the_kept_file(app, officer, visit_id, coordinator, tmp_path, monkeypatch):
    from outreach.services import kpj_import
    folder = tmp_path / "kpj-imports"
    monkeypatch.setattr(kpj_import, "UPLOAD_DIR", str(folder))
    (number,) = submitted(app, officer, visit_id, coordinator, 1)
    page = coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "preview": "x",
                                                 "file": (io.BytesIO(f"number,kpj\n{number},12345678901\n".encode()),
                                                          "k.csv")}, content_type="multipart/form-data")
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', page.get_data(as_text=True))[1]
    assert list(folder.glob("*.csv"))
    done = coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "digest": digest,
                                                 "cancel": "x"})
    assert done.status_code == 302 and list(folder.glob("*.csv")) == []
