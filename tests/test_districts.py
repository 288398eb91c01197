"""The key journeys for other districts than Bangka Selatan: a city (81.71 Kota Ambon) and a large regency
(35.10 Kabupaten Banyuwangi, 25 kecamatan, 217 desa), each an app of its own on its own database, in the
same process as the suite's Bangka Selatan app: registration, NIK checks, /cek, dashboard, exports, CLI, demo."""
import csv
import io

import pytest
from flask_migrate import upgrade

from outreach import create_app
from outreach.domain.regions import DATA
from outreach.extensions import db
from outreach.models import Region, Registration, User
from outreach.services.regions import load_regions
from tests.conftest import PASSWORD, Auth, make_app
from tests.enrollment import Officer, field_errors, worker

# code, name, prefix, first kecamatan, a desa of it, its name
DISTRICTS = {
    "81.71": ("Kota Ambon", "AMB", "81.71.01", "81.71.01.1006"),  # Kelurahan Nusaniwe
    "35.10": ("Kabupaten Banyuwangi", "BNYW", "35.10.01", "35.10.01.2001"),
}


def desa_in_file(code: str) -> list[str]:
    with open(DATA / "indonesia_villages.csv", newline="", encoding="utf-8") as f:
        return [row["code"] for row in csv.DictReader(f) if row["code"].startswith(code + ".")]


@pytest.fixture(scope="module", params=sorted(DISTRICTS))
def district_app(request, tmp_path_factory):
    """An app for another district, migrated on a SQLite file of its own (the district, not the database
    engine, is under test), with its accounts."""
    code = request.param
    url = "sqlite:///" + str(tmp_path_factory.mktemp("district") / f"{code}.db")
    app = make_app(url, DISTRICT_CODE=code)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        load_regions()
        kecamatan = DISTRICTS[code][2]
        for username, role in (("petugas", "officer"), ("koord", "coordinator"), ("admin", "admin")):
            user = User(username=username, full_name=username.title(), role=role,
                        kecamatan_code=kecamatan if role != "admin" else None)
            user.set_password(PASSWORD)
            db.session.add(user)
        db.session.commit()
    app.code = code
    return app


def logged_in(app, username):
    client = app.test_client()
    client.auth = Auth(client)
    client.auth.login(username)
    return client


def local_worker(app, serial: int, **changes) -> dict:
    """A woman born 15 August 1990, NIK from the district's first kecamatan, living in its first desa."""
    _name, _prefix, kecamatan, desa = DISTRICTS[app.code]
    data = {"nik": f"{kecamatan.replace('.', '')}550890{serial:04d}", "village_code": desa, **changes}
    return worker(birth_place="Kota", **data)


def register(app, data) -> tuple:
    client = logged_in(app, "petugas")
    officer = Officer(client, client.auth)
    visit = officer.start_visit(village=DISTRICTS[app.code][3])
    return officer, visit, officer.register(visit, data)


def test_regions_load_the_districts_desa_only(district_app):
    with district_app.app_context():
        villages = db.session.scalars(db.select(Region.code).where(Region.level == "village")).all()
        kecamatan = Region.kecamatan_of_district()
    assert sorted(villages) == sorted(desa_in_file(district_app.code)) and villages
    assert {k.parent_code for k in kecamatan} == {district_app.code} and len(kecamatan) >= 5
    assert not any(v.startswith("19.03.") for v in villages)


def test_pages_and_manifest_name_the_district(district_app):
    name = DISTRICTS[district_app.code][0]
    page = district_app.test_client().get("/masuk").get_data(as_text=True)
    short = name.replace("Kabupaten ", "Kab. ")
    assert f"<small>{short}</small>" in page and f"Pemerintah {name}" in page and "Bangka" not in page
    manifest = district_app.test_client().get("/manifest.webmanifest").get_json()
    assert manifest["name"] == f"Pendaftaran BPU {short}"
    assert district_app.config["OFFICE_NAME"] == f"Pemerintah {name}"


def test_registration_numbers_flags_and_desa_follow_the_district(district_app):
    name, prefix, _kecamatan, _desa = DISTRICTS[district_app.code]
    officer, visit, response = register(district_app, local_worker(district_app, 1))
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    number = response.headers["Location"].rsplit("/", 1)[1]
    assert number.startswith(prefix + "-")
    # a NIK from Toboali (Bangka Selatan) is a migrant here, and says so with this district's name
    migrant = officer.register(visit, local_worker(district_app, 2, nik="1903015508900002", full_name="Rina Lestari"))
    assert migrant.status_code == 302
    migrant_number = migrant.headers["Location"].rsplit("/", 1)[1]
    with district_app.app_context():
        flags = dict(db.session.execute(db.select(Registration.number, Registration.flags)
                                        .where(Registration.number.in_([number, migrant_number]))).all())
    assert flags == {number: [], migrant_number: ["outside_district"]}
    coordinator = logged_in(district_app, "koord")
    page = coordinator.get(f"/pendaftaran/{migrant_number}").get_data(as_text=True)
    assert f"NIK dari luar {name}" in page
    # a desa of Bangka Selatan is not one of this district's
    refused = officer.register(visit, local_worker(district_app, 3, village_code="19.03.01.1001"))
    assert field_errors(refused.get_data(as_text=True))["village_code"] == f"Pilih desa di {name}."
    # the form offers this district's desa
    form = officer.client.get(f"/kunjungan/{visit}/daftar").get_data(as_text=True)
    assert DISTRICTS[district_app.code][3] in form and "19.03.01.1001" not in form


def test_cek_reads_a_number_typed_without_its_letters(district_app):
    prefix = DISTRICTS[district_app.code][1]
    _officer, _visit, response = register(district_app, local_worker(district_app, 4))
    number = response.headers["Location"].rsplit("/", 1)[1]
    digits = number.removeprefix(prefix + "-").replace("-", "")
    page = district_app.test_client().post("/cek", data={"number": digits, "birth_date": "1990-08-15"})
    assert page.status_code == 302 and "/s/" in page.headers["Location"]
    form = district_app.test_client().get("/cek").get_data(as_text=True)
    assert f"mis. {prefix}-2611-000123" in form


def test_dashboard_charts_the_districts_kecamatan_with_its_population(district_app):
    name = DISTRICTS[district_app.code][0]
    register(district_app, local_worker(district_app, 5))
    admin = logged_in(district_app, "admin")
    page = admin.get("/dasbor").get_data(as_text=True)
    with district_app.app_context():
        kecamatan = Region.kecamatan_of_district()
    assert all(f'data-coverage="{k.code}"' in page for k in kecamatan)
    assert "data-population=" in page and f"penduduk {name}" in page
    assert "data-baseline" not in page  # no baseline known for this district: no red line
    coordinator = logged_in(district_app, "koord")
    assert f'data-coverage="{DISTRICTS[district_app.code][3]}"' in coordinator.get("/dasbor").get_data(as_text=True)


def test_export_names_the_districts_desa(district_app):
    register(district_app, local_worker(district_app, 6))
    with district_app.app_context():
        desa = db.session.get(Region, DISTRICTS[district_app.code][3]).name
    body = logged_in(district_app, "koord").get("/tinjau/ekspor.csv?status=all").get_data()
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) > 1 and all(row[8] == desa for row in rows[1:])
    # a filter on another district's kecamatan is not one of this district's: ignored, not stored
    admin = logged_in(district_app, "admin")
    assert admin.get("/tinjau?kecamatan=19.03.01&status=all").status_code == 200


def test_cli_takes_the_districts_kecamatan(district_app):
    runner = district_app.test_cli_runner()
    first = DISTRICTS[district_app.code][2]
    made = runner.invoke(args=["users", "create", "rina", "--role", "officer", "--password", "a-long-secret",
                               "--kecamatan", first[-2:]])
    assert made.exit_code == 0 and first in made.output
    refused = runner.invoke(args=["users", "create", "budi", "--role", "officer", "--password", "a-long-secret",
                                  "--kecamatan", "19.03.01"])
    assert refused.exit_code != 0 and f"not a kecamatan of {DISTRICTS[district_app.code][0]}" in refused.output


def test_unknown_district_or_bad_prefix_stop_the_app(tmp_path):
    url = "sqlite:///" + str(tmp_path / "x.db")
    with pytest.raises(RuntimeError, match="DISTRICT_CODE '99.99'"):
        make_app(url, DISTRICT_CODE="99.99")
    with pytest.raises(RuntimeError, match="NUMBER_PREFIX"):
        make_app(url, DISTRICT_CODE="81.71", NUMBER_PREFIX="A1")
    app = make_app(url, DISTRICT_CODE="81.71", NUMBER_PREFIX="amb", COVERAGE_BASELINE_PCT=12.5,
                   COVERAGE_BASELINE_SOURCE="BPJS Ketenagakerjaan Ambon, Januari 2026")
    assert app.extensions["district"].number_prefix == "AMB" and app.extensions["district"].baseline_pct == 12.5


def test_demo_serves_a_whole_other_district(tmp_path, monkeypatch):
    """`DISTRICT_CODE=81.71 flask --app outreach demo`: Kota Ambon's kecamatan, desa, accounts and rows."""
    monkeypatch.setenv("DISTRICT_CODE", "81.71")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "demo.db"))
    app = create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "district 81.71 Kota Ambon" in result.output
    with app.app_context():
        rows = db.session.scalars(db.select(Registration)).all()
        officer = db.session.scalar(db.select(User).where(User.username == "petugas"))
        assert officer.kecamatan_code == "81.71.01"
        assert rows and all(r.village_code.startswith("81.71.") and r.number.startswith("AMB-") for r in rows)
        assert all(r.nik.startswith("8171") for r in rows if "outside_district" not in r.flags)
    client = app.test_client()
    Auth(client).login("koordinator", "koordinator-demo")
    page = client.get("/dasbor").get_data(as_text=True)
    assert "Kota Ambon" in page and "Nusaniwe" in page
