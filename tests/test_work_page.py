"""The officer's home is a work page: registrations returned for correction (with the reason), the visit to
continue, what waits on the device, today's counts; Pendaftaran saya filters by status; a status badge reads
by more than its colour."""
import re

from outreach.domain.workflow import STATUSES
from tests.review_helpers import bulk_rows, enroll, move

DUA = {"nik": "1903011708920003", "full_name": "Nelayan Dua", "birth_date": "1992-08-17", "sex": "M"}


def section(page: str, marker: str) -> str:
    match = re.search(rf"<section[^>]*{marker}[^>]*>.*?</section>", page, re.S)
    return match.group(0) if match else ""


def count(page: str, name: str) -> int:
    return int(re.search(rf'data-count="{name}"><strong>(\d+)</strong>', page).group(1))


def test_home_puts_returned_registrations_first_with_the_reason_and_the_note(client, officer, visit_id, coordinator):
    kept = enroll(officer, visit_id)
    back = enroll(officer, visit_id, **DUA)
    move(coordinator, back, "returned", reason="nik_mismatch", note="NIK di KTP beda satu angka")
    page = client.get("/").get_data(as_text=True)
    returned = section(page, "data-returned")
    assert back in returned and kept not in returned
    assert "NIK atau nama tidak cocok dengan KTP" in returned and "NIK di KTP beda satu angka" in returned
    assert f'href="/pendaftaran/{back}/ubah"' in returned  # straight to the correction
    assert page.index("data-returned") < page.index("data-visits")  # above everything else
    assert (count(page, "registered-today"), count(page, "visits-today"), count(page, "pending"),
            count(page, "returned")) == (2, 1, 1, 1)


def test_home_continues_the_open_visit_and_shows_the_devices_outbox(client, auth, officer, visit_id):
    page = client.get("/").get_data(as_text=True)
    visits = section(page, "data-visits")
    assert f'href="/kunjungan/{visit_id}/daftar"' in visits and f'href="/kunjungan/{visit_id}"' in visits
    assert "data-outbox-counter" in section(page, "data-device")  # filled by outbox.js, as the menu's counter
    assert 'href="/outbox"' in section(page, "data-device")
    assert "data-returned" not in page  # nothing came back: no empty alarm
    client.post(f"/kunjungan/{visit_id}/tutup", data={"csrf_token": auth.token()})
    visits = section(client.get("/").get_data(as_text=True), "data-visits")
    assert "Tidak ada kunjungan yang sedang berlangsung." in visits and 'href="/kunjungan"' in visits


def test_a_coordinators_home_has_no_officer_work_but_the_queue(app, coordinator):
    page = coordinator.get("/").get_data(as_text=True)
    assert "Selamat datang" in page and 'href="/tinjau"' in page
    assert "data-device" not in page and "data-visits" not in page and "data-returned" not in page


def test_my_registrations_filter_by_status_and_keep_it_across_pages(app, client, officer, visit_id, coordinator,
                                                                   users):
    kept = enroll(officer, visit_id)
    back = enroll(officer, visit_id, **DUA)
    move(coordinator, back, "returned", reason="ktp_needed", note="Foto KTP buram")
    page = client.get("/pendaftaran?status=returned").get_data(as_text=True)
    assert back in page and kept not in page and "Perlu melihat KTP atau Kartu Keluarga" in page
    assert re.search(r'aria-current="page" data-filter="returned">.*?<strong>1</strong>', page)
    assert kept in client.get("/pendaftaran?status=zzz").get_data(as_text=True)  # unknown: everything, no error
    assert "Tidak ada pendaftaran berstatus" in client.get("/pendaftaran?status=active").get_data(as_text=True)
    bulk_rows(app, users["officer"], 31, status="returned")
    first = client.get("/pendaftaran?status=returned").get_data(as_text=True)
    assert re.search(r'href="/pendaftaran\?status=returned&amp;sebelum=\d+"', first)  # "Lebih lama" keeps the filter


def test_the_api_list_takes_a_status_too(client, officer, visit_id, coordinator):
    kept = enroll(officer, visit_id)
    back = enroll(officer, visit_id, **DUA)
    move(coordinator, back, "returned", reason="incomplete", note="Alamat kurang RT/RW")
    numbers = lambda query: [r["number"] for r in client.get(f"/api/v1/registrations{query}").get_json()["registrations"]]  # noqa: E731
    assert numbers("") == [back, kept]  # unchanged without it
    assert numbers("?status=returned") == [back] and numbers("?status=pending") == [kept]
    refused = client.get("/api/v1/registrations?status=nope")
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]


def test_every_status_badge_has_its_own_symbol_not_only_a_colour(client):
    css = client.get("/static/site.css").get_data(as_text=True)
    assert re.search(r'\.badge\[data-status\]::before\{content:var\(--s\)/""', css)  # the symbol, silent for readers
    symbols = dict(re.findall(r'\.badge\[data-status=(\w+)\]\{--s:"([^"]+)"', css))
    assert set(symbols) == set(STATUSES) and len(set(symbols.values())) == len(STATUSES)
    for needs_action in ("returned", "rejected"):  # bold and framed, as well as coloured
        assert re.search(rf"\.badge\[data-status={needs_action}\]\{{[^}}]*border:2px solid;font-weight:700", css)
