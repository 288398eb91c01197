"""The coordinator's queue: filters, search, counts, keyset pages sorted by date, bulk moves."""
import html
import re

import pytest

from outreach.domain.clock import local_today
from tests.review_helpers import bulk_rows, current, enroll, login_as


# Filters, search and counts

def test_queue_filters_search_and_counts(app, officer, visit_id, coordinator):
    siti = enroll(officer, visit_id)
    budi = enroll(officer, visit_id, nik="1903011508900002", full_name="Budi Santoso", sex="M", occupation="petani",
                  village_code="19.03.01.1002")
    page = coordinator.get("/tinjau").get_data(as_text=True)
    assert siti in page and budi in page and 'data-count="pending">Menunggu verifikasi <strong>2</strong>' in page
    assert "************0001" in page and "1903015508900001" not in page
    assert budi not in coordinator.get("/tinjau?desa=19.03.01.1001").get_data(as_text=True)
    assert siti not in coordinator.get("/tinjau?occupation=petani").get_data(as_text=True)
    assert budi not in coordinator.get("/tinjau?q=0001").get_data(as_text=True)  # last four NIK digits
    assert siti not in coordinator.get("/tinjau?q=budi").get_data(as_text=True)
    for typed in (siti, siti.lower(), f"  {siti} ", siti[-6:]):  # the whole number (any case) or a piece of it
        found = coordinator.get("/tinjau", query_string={"q": typed}).get_data(as_text=True)
        assert siti in found and budi not in found, typed
    start = siti[:siti.rindex("-") + 3]  # the start of the number (BS-2611-00): no search of names for "BS"
    absari = enroll(officer, visit_id, nik="1903011508900003", full_name="Absari", sex="M")
    found = coordinator.get("/tinjau", query_string={"q": start.lower()}).get_data(as_text=True)
    assert siti in found and budi in found and absari in found  # all three numbers begin so this month
    found = coordinator.get("/tinjau", query_string={"q": siti[:siti.index("-") + 2]}).get_data(as_text=True)
    assert siti in found and absari in found
    letters = siti.split("-")[0]  # BS: in Absari's name, but a start of a number is looked for in numbers only
    assert absari not in coordinator.get("/tinjau", query_string={"q": f"{letters}-1"}).get_data(as_text=True)
    assert absari in coordinator.get("/tinjau", query_string={"q": letters}).get_data(as_text=True)  # a name
    for wildcard in ("%", "_", "BS-%"):
        assert siti not in coordinator.get("/tinjau", query_string={"q": wildcard}).get_data(as_text=True)
    today = local_today().isoformat()  # the WIB day the rows were made on (UTC is a day behind after 17:00)
    assert siti in coordinator.get(f"/tinjau?from={today}&to={today}").get_data(as_text=True)
    assert siti not in coordinator.get("/tinjau?to=2020-01-01").get_data(as_text=True)
    oldest = coordinator.get("/tinjau?sort=oldest").get_data(as_text=True)
    assert oldest.index(siti) < oldest.index(budi)


def test_queue_flag_filter(app, officer, visit_id, coordinator):
    migrant = enroll(officer, visit_id, nik="3201015508900001")
    local = enroll(officer, visit_id, nik="1903011508900002", full_name="Budi", sex="M")
    page = coordinator.get("/tinjau?flag=outside_district").get_data(as_text=True)
    assert migrant in page and local not in page


# Opening on the work, bulk boxes only where the bulk action applies

def test_the_queue_opens_on_pending_and_keeps_the_all_choice(app, users, coordinator, monkeypatch):
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 2)
    waiting = bulk_rows(app, users["officer"], 3)
    (checked,) = bulk_rows(app, users["officer"], 1, start=10, status="verified")
    page = coordinator.get("/tinjau").get_data(as_text=True)
    assert re.search(r'aria-current="page" data-count="pending"', page) and checked not in page
    assert sum(n in page for n in waiting) == 2  # the first page of what waits
    everything = coordinator.get("/tinjau?status=all").get_data(as_text=True)
    assert checked in everything and re.search(r'aria-current="page" data-count="all"', everything)
    assert '<input type="hidden" name="status" value="all">' in everything  # "Tampilkan" keeps the choice
    following = html.unescape(re.search(r'href="([^"]+)">Halaman berikutnya', everything)[1])
    assert "status=all" in following
    assert "status=all" in re.search(r'href="([^"]+)">Ekspor CSV', everything)[1]
    export = coordinator.get("/tinjau/ekspor.csv?status=all").get_data(as_text=True)
    assert all(n in export for n in waiting + [checked])


def test_only_rows_the_bulk_action_can_move_have_a_box(app, users, coordinator):
    rows = {status: bulk_rows(app, users["officer"], 1, start=i, status=status)[0]
            for i, status in enumerate(("pending", "verified", "submitted", "active", "returned", "rejected"))}
    page = coordinator.get("/tinjau?status=all").get_data(as_text=True)
    boxes = set(re.findall(r'name="number" value="([^"]+)"', page))
    assert boxes == {rows["pending"], rows["verified"]}
    assert 'value="verified"' in page and 'value="submitted"' in page
    submitted = coordinator.get("/tinjau?status=submitted").get_data(as_text=True)
    assert 'name="number"' not in submitted and "data-bulk-bar" not in submitted  # nothing to move in bulk here
    pending = coordinator.get("/tinjau?status=pending").get_data(as_text=True)
    assert 'value="verified"' in pending and 'name="to" value="submitted"' not in pending


# Keyset pages on (created_at, id)

def test_keyset_pages_do_not_repeat_or_skip(app, officer, visit_id, coordinator, monkeypatch):
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 2)
    numbers = {enroll(officer, visit_id, nik=f"19030115089{n:05d}", sex="M", full_name=f"P {n}") for n in range(1, 6)}
    seen, url = [], "/tinjau"
    while url:
        page = coordinator.get(url).get_data(as_text=True)
        seen += [n for n in numbers if f'data-number="{n}"' in page]
        following = re.search(r'href="([^"]+)">Halaman berikutnya', page)
        url = html.unescape(following.group(1)) if following else None
    assert sorted(seen) == sorted(numbers) and len(seen) == len(numbers)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_queue_pages_by_date_even_when_ids_disagree_and_dates_tie(app, users, coordinator, monkeypatch, sort):
    from datetime import timedelta

    from outreach.models.types import utcnow
    from outreach.review import views
    monkeypatch.setattr(views, "PAGE", 3)
    now = utcnow()
    # Ids in one order, dates in the other (a late offline sync), and four rows sharing one timestamp.
    numbers = []
    for i, minutes in enumerate([10, 9, 8, 5, 5, 5, 5, 1]):
        numbers += bulk_rows(app, users["officer"], 1, start=i, created_at=now - timedelta(minutes=minutes))
    seen = every_page(coordinator, f"/tinjau?sort={sort}", r'data-number="(BT-\d+)"')
    assert len(seen) == len(set(seen)) == 8
    oldest_first = numbers[:3] + numbers[3:7] + numbers[7:]  # ties: by id
    assert seen == (oldest_first if sort == "oldest" else oldest_first[::-1])


def every_page(client, url, pattern) -> list[str]:
    """The numbers on every page of the queue from `url`, following "Halaman berikutnya"."""
    seen = []
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(pattern, page)
        following = re.search(r'href="([^"]+)">Halaman berikutnya', page)
        url = html.unescape(following.group(1)) if following else None
    return seen


@pytest.mark.parametrize("sort", ["newest", "oldest"])
@pytest.mark.parametrize("walk", [3, 1000])  # the first rows hold no page of matches (sorted from the index), or do
def test_a_search_by_the_start_of_a_number_pages_by_date(app, users, coordinator, monkeypatch, sort, walk):
    from datetime import timedelta

    from outreach.models.types import utcnow
    from outreach.review import views
    from outreach.services import queue
    monkeypatch.setattr(views, "PAGE", 2)
    monkeypatch.setattr(queue, "WALK", walk)
    now, made = utcnow(), []
    # An old month and a new one; in each, numbers not quite in date order, and a tie.
    for i, (period, minutes) in enumerate([("2510", 900), ("2510", 905), ("2510", 800), ("2510", 800), ("2611", 9),
                                           ("2611", 10), ("2611", 5), ("2510", 700), ("2611", 1)]):
        when = now - timedelta(minutes=minutes)
        made += [(when, i, *bulk_rows(app, users["officer"], 1, start=i, created_at=when,
                                      number=f"BS-{period}-{i:06d}"))]
    for typed in ("BS-2510", "bs-2611-00", "BS-2611-000004"):
        expected = [n for _w, _i, n in sorted(made, reverse=sort == "newest") if n.startswith(typed.upper())]
        seen = every_page(coordinator, f"/tinjau?status=all&sort={sort}&q={typed}", r'data-number="(BS-\d{4}-\d{6})"')
        assert seen == expected, typed


# Bulk verify / mark submitted

def test_bulk_verify_and_mark_submitted(app, officer, visit_id, coordinator):
    numbers = [enroll(officer, visit_id, nik=f"19030115089{n:05d}", sex="M", full_name=f"Pekerja {n}") for n in (1, 2, 3)]
    page = coordinator.get("/tinjau?status=pending").get_data(as_text=True)
    data = {"csrf_token": coordinator.auth.token(), "to": "verified", "number": numbers[:2]}
    for n in numbers:
        data[f"v-{n}"] = page.split(f'name="v-{n}" value="')[1].split('"')[0]
    coordinator.post("/tinjau/massal", data=data)
    assert [current(app, n).status for n in numbers] == ["verified", "verified", "pending"]
    data["to"] = "submitted"
    data.update({f"v-{n}": 2 for n in numbers[:2]})
    coordinator.post("/tinjau/massal", data=data)
    assert [current(app, n).status for n in numbers] == ["submitted", "submitted", "pending"]


@pytest.mark.parametrize("back, location", [
    ("/tinjau?status=pending", "/tinjau?status=pending"),
    ("/tinjau\r\nSet-Cookie: x=1", "/tinjau"),  # was a 500: a line break in the Location header
    ("//evil.example/tinjau", "/tinjau"), ("/admin/pengguna", "/tinjau"), ("", "/tinjau"),
])
def test_the_bulk_action_goes_back_only_to_a_queue_page(coordinator, back, location):
    data = {"csrf_token": coordinator.auth.token(), "to": "verified", "back": back}
    response = coordinator.post("/tinjau/massal", data=data)
    assert response.status_code == 302 and response.headers["Location"] == location


# Odd query parameters answer 200, not 500 (the queue's filters, also read by exports, audit and dashboard)

ODD = ["to=9999-12-31", "from=0001-01-01", "from=2199-12-31&to=1900-01-01", "after=99999999999999999999999",
       "after=9223372036854775807_1", "after=-99999999999999999999_5", "after=1_99999999999", "after=1_0",
       "officer=99999999999999999999", "officer=-1", "user=99999999999999999999", "before=99999999999999999999",
       "before=-5", "q=%25_%5C", "q=" + "x" * 500, "kecamatan=" + "9" * 300, "desa=%00", "sort=x", "status=x",
       "flag=x", "number=" + "N" * 300]


@pytest.mark.parametrize("path", ["/tinjau", "/tinjau/ekspor.csv", "/tinjau/ekspor.xlsx", "/audit", "/dasbor"])
@pytest.mark.parametrize("query", ODD)
def test_odd_query_parameters_are_ignored_not_a_crash(app, users, path, query):
    admin = login_as(app, "admin1")
    response = admin.get(f"{path}?{query}")
    response.get_data()
    assert response.status_code == 200, (path, query)
