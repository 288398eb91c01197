"""Every page of a coordinator's and an officer's day fits a small phone: nothing scrolls sideways at 390 or
360 px, with filters open, long reasons in the audit trail and a KPJ file's preview."""
import io
import re

import pytest

from tests.browser.conftest import login, sideways_overflow
from tests.conftest import PASSWORD
from tests.review_helpers import enroll, move

SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]
LONG_REASON = "Cocokkan dengan KTP asli yang dibawa pekerja ke kantor desa Tanjung Ketapang pada hari Senin"


def overflowing(page, paths) -> list[tuple[str, int]]:
    """(path, px) of each page that scrolls sideways, read once the page and its stylesheet have loaded."""
    wide = []
    for path in paths:
        if callable(path):
            path = path(page)
        else:
            page.goto(path)
        overflow = sideways_overflow(page)
        if overflow > 0:
            wide.append((path, overflow))
    return wide


@pytest.fixture
def day_of_work(app, officer, visit_id, coordinator):
    """Registrations in every state a coordinator acts on, a revealed NIK, an export and a KPJ file kept."""
    numbers = [enroll(officer, visit_id, nik=f"19030115089{i:05d}", sex="M", full_name=f"Nelayan Pelabuhan Sadai {i}")
               for i in range(1, 5)]
    move(coordinator, numbers[1], "verified")
    move(coordinator, numbers[2], "returned", reason="incomplete", note=LONG_REASON)
    coordinator.post(f"/tinjau/{numbers[0]}/nik", data={"csrf_token": coordinator.auth.token(), "purpose": LONG_REASON})
    coordinator.get("/tinjau/ekspor.csv?status=pending&desa=19.03.01.1001&occupation=nelayan&q=Nelayan+Pelabuhan").get_data()
    return {"numbers": numbers, "visit": visit_id}


def kpj_preview(page):
    """The import's preview, with a row refused for a reason."""
    page.goto("/tinjau/kpj")
    text = "number,kpj\nBS-0000-000000,1234\n1903011508900001,33333333333\n"
    page.set_input_files("#file", {"name": "kpj.csv", "mimeType": "text/csv", "buffer": text.encode()})
    page.click("#preview")
    page.locator("ol.import").wait_for()
    return "/tinjau/kpj (preview)"


def queue_with_filters_open(page):
    page.goto("/tinjau?status=all")
    page.click("details.filters-more summary, form.filters summary")
    page.locator("#from").wait_for()
    return "/tinjau (filters open)"


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_coordinator_pages_fit_the_phone(phone, day_of_work, size):
    n = day_of_work["numbers"]
    phone.set_viewport_size(size)
    login(phone, "koord1", PASSWORD)
    paths = [queue_with_filters_open, "/tinjau?desa=19.03.01.1001&from=2020-01-01", f"/tinjau/{n[0]}", f"/tinjau/{n[1]}",
             f"/tinjau/{n[2]}", "/audit", f"/audit?number={n[0]}&from=2020-01-01&to=2030-12-31", "/tinjau/kpj",
             kpj_preview, "/dasbor", "/kata-sandi", "/"]
    assert overflowing(phone, paths) == []


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_officer_pages_fit_the_phone(phone, day_of_work, size):
    n, visit = day_of_work["numbers"], day_of_work["visit"]
    phone.set_viewport_size(size)
    login(phone, "petugas1", PASSWORD)
    paths = ["/", "/kunjungan", f"/kunjungan/{visit}", f"/kunjungan/{visit}/daftar", "/pendaftaran",
             f"/pendaftaran/{n[2]}", f"/pendaftaran/{n[2]}/ubah", f"/pendaftaran/{n[0]}/tanda-terima", "/outbox",
             "/kata-sandi"]
    assert overflowing(phone, paths) == []
