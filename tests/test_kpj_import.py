"""KPJ numbers imported from the branch office's CSV: preview every row, then apply all or nothing."""
import html
import io
import re

import pytest

from tests.review_helpers import current, login_as, move, submitted


def upload(client, text, apply=False, content=None):
    """Preview a file (text or bytes) and, with apply, confirm that preview as the page's button does."""
    raw = content if content is not None else text
    data = {"csrf_token": client.auth.token(), "preview": "x",
            "file": (io.BytesIO(raw if isinstance(raw, bytes) else raw.encode()), "kpj.csv")}
    preview = client.post("/tinjau/kpj", data=data, content_type="multipart/form-data")
    if not apply:
        return preview
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview.get_data(as_text=True))
    assert digest, preview.get_data(as_text=True)[:500]
    return client.post("/tinjau/kpj", data={"csrf_token": client.auth.token(), "digest": digest[1], "apply": "x"})


# Preview, then apply all or nothing

def test_kpj_import_previews_then_applies_everything(app, officer, visit_id, coordinator):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    text = f"number,kpj\n{a},11111111111\n{b},2222 2222 222\n"
    preview = upload(coordinator, text).get_data(as_text=True)
    assert preview.count('data-ok="yes"') == 2 and "2 dari 2 baris siap." in preview
    assert current(app, a).status == "submitted"  # a preview changes nothing
    response = upload(coordinator, "", apply=True, content=text)
    assert response.status_code == 302
    assert (current(app, a).kpj, current(app, b).kpj) == ("11111111111", "22222222222")


def test_kpj_import_by_nik_with_semicolons(app, officer, visit_id, coordinator):
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    upload(coordinator, "", apply=True, content="nik;kpj\n1903011508900001;33333333333\n")
    assert current(app, a).status == "active"


def test_kpj_import_with_one_bad_row_offers_nothing_to_apply_and_says_why(app, officer, visit_id, coordinator, users):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    text = f"number,kpj\n{a},11111111111\n{b},123\nBS-0000-000000,44444444444\n{a},11111111111\nBS-0000-000001,1\n"
    preview = upload(coordinator, text)
    page = html.unescape(preview.get_data(as_text=True))
    assert "Nomor KPJ harus 11 angka." in page and "Tidak ditemukan di wilayah Anda." in page
    assert "Nomor KPJ ini sudah dipakai." in page
    # No button while a row fails: how many fail, and why, grouped
    assert "Terapkan semua" not in page and 'name="digest"' not in page
    summary = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page[page.index("data-problems"):page.index("</div>", page.index("data-problems"))]))
    assert "4 baris bermasalah (dari 5)." in summary
    assert "Nomor KPJ bukan 11 angka: 2 baris (baris 3, 6)" in summary
    assert "Tidak ditemukan di wilayah Anda: 2 baris (baris 4, 6)" in summary
    assert "Pendaftaran yang sama ada di baris lain: 1 baris (baris 5)" in summary
    # Confirming such a file anyway (a page kept from before, a crafted post) still applies nothing.
    from outreach.extensions import db
    from outreach.models import User
    from outreach.services import kpj_import
    with app.test_request_context():
        digest = kpj_import.keep_upload(text, db.session.get(User, users["coordinator"]))
    forced = coordinator.post("/tinjau/kpj", data={"csrf_token": coordinator.auth.token(), "digest": digest, "apply": "x"})
    assert forced.status_code == 422 and "tidak ada yang diterapkan" in forced.get_data(as_text=True)
    assert current(app, a).status == "submitted" and current(app, a).kpj is None


def test_kpj_import_rolls_back_when_a_row_changes_under_it(app, officer, visit_id, coordinator, monkeypatch):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    from outreach.services import review as service
    real = service.transition
    calls = {"n": 0}

    def flaky(registration, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise service.Refused(409, ["changed meanwhile"], registration)
        return real(registration, *args, **kwargs)

    monkeypatch.setattr(service, "transition", flaky)
    upload(coordinator, "", apply=True, content=f"number,kpj\n{a},11111111111\n{b},22222222222\n")
    assert (current(app, a).status, current(app, a).kpj) == ("submitted", None)


def test_kpj_import_refuses_a_file_without_the_columns(coordinator, users):
    page = upload(coordinator, "nama,nomor_hp\nx,y\n").get_data(as_text=True)
    assert "Berkas harus punya kolom nomor KPJ" in page


def test_a_kpj_import_racing_another_coordinator_applies_nothing_and_names_the_row(app, officer, visit_id,
                                                                                    coordinator, monkeypatch):
    from outreach.services import review as service
    a, b, c = submitted(app, officer, visit_id, coordinator, 3)
    from outreach.services import kpj_import
    monkeypatch.setattr(service, "kpj_in_use", lambda *args, **kwargs: False)  # the checks ran before the race
    monkeypatch.setattr(kpj_import, "kpjs_in_use", lambda kpjs: set())
    assert move(coordinator, c, "active", kpj="22222222222").status_code == 302
    page = upload(coordinator, f"number,kpj\n{a},11111111111\n{b},22222222222\n", apply=True)
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 422 and "Baris 3: Nomor KPJ ini sudah dipakai." in text
    assert "Tidak ada yang diterapkan." in text
    assert (current(app, a).status, current(app, a).kpj) == ("submitted", None)


# Files as they come from the branch office

def test_kpj_import_reads_excel_unicode_text(app, officer, visit_id, coordinator):
    """Excel's "Unicode Text": UTF-16 with a byte-order mark, tab-separated."""
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    preview = upload(coordinator, f"number\tkpj\r\n{a}\t33333333333\r\n".encode("utf-16"))
    assert preview.status_code == 200 and "1 dari 1 baris siap." in preview.get_data(as_text=True)
    upload(coordinator, f"number\tkpj\r\n{a}\t33333333333\r\n".encode("utf-16"), apply=True)
    assert current(app, a).kpj == "33333333333"


def test_kpj_import_explains_a_field_too_large_for_csv(coordinator, users):
    page = upload(coordinator, "number,kpj\n" + "x" * 200_000 + ",1\n")  # over csv's 128 kB field limit
    assert page.status_code == 422 and "Baris 2: ada kolom yang terlalu panjang" in page.get_data(as_text=True)


def test_kpj_import_survives_a_nul_and_a_lone_carriage_return(app, officer, visit_id, coordinator):
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    preview = upload(coordinator, f"number,kpj\r{a}\x00,44444444444\rBS-\x00X,1\r".encode())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 baris bermasalah (dari 2)." in page


def test_kpj_import_flags_the_same_registration_twice(app, officer, visit_id, coordinator):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    page = upload(coordinator, f"number,kpj\n{a},11111111111\n{b},22222222222\n{a},33333333333\n")
    text = page.get_data(as_text=True)
    assert text.count('data-ok="yes"') == 2 and "Pendaftaran ini sudah ada di baris 2." in text


def test_kpj_import_of_a_two_megabyte_file_previews_and_applies(app, officer, visit_id, coordinator):
    """More than Flask's 500 kB form-field limit: the file waits on the server, only its digest goes back."""
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    wide = ",".join(["x" * 50_000] * 18)  # many long columns, each under csv's field limit
    header = ",".join(f"c{i}" for i in range(18))
    rows = f"number,kpj,{header}\n{a},11111111111,{wide}\n{b},22222222222,{wide}\n"
    assert 1_500_000 < len(rows) < 2 * 1024 * 1024
    response = upload(coordinator, rows, apply=True)
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    assert (current(app, a).kpj, current(app, b).kpj) == ("11111111111", "22222222222")
    from outreach.extensions import db
    from outreach.models import ImportPreview
    with app.app_context():  # applied: the kept copy is gone
        assert db.session.scalar(db.select(db.func.count(ImportPreview.id))) == 0


def test_a_kept_kpj_file_is_only_for_the_coordinator_who_sent_it(app, officer, visit_id, coordinator, make_user):
    (a,) = submitted(app, officer, visit_id, coordinator, 1)
    preview = upload(coordinator, f"number,kpj\n{a},11111111111\n").get_data(as_text=True)
    digest = re.search(r'name="digest" type="hidden" value="([0-9a-f]{64})"', preview)[1]
    make_user("koord2", "coordinator")
    other = login_as(app, "koord2")
    page = other.post("/tinjau/kpj", data={"csrf_token": other.auth.token(), "digest": digest, "apply": "x"})
    assert page.status_code == 422 and "pilih berkasnya sekali lagi" in page.get_data(as_text=True)
    assert current(app, a).status == "submitted"


# The branch's file as it comes: Indonesian headers, any case, spaces and punctuation

@pytest.mark.parametrize("headers, expected", [
    (["number", "kpj"], {"number": "number", "kpj": "kpj"}),
    (["No. Pendaftaran", "Nama", "No KPJ"], {"number": "No. Pendaftaran", "kpj": "No KPJ"}),
    (["NOMOR_PENDAFTARAN", "nomor-kpj"], {"number": "NOMOR_PENDAFTARAN", "kpj": "nomor-kpj"}),
    (["nomor registrasi", "Nomor Peserta"], {"number": "nomor registrasi", "kpj": "Nomor Peserta"}),
    ([" NIK ", "KPJ"], {"nik": " NIK ", "kpj": "KPJ"}),
    (["No. KTP", "no_kpj"], {"nik": "No. KTP", "kpj": "no_kpj"}),
    (["nik", "no_pendaftaran", "kpj"], {"number": "no_pendaftaran", "kpj": "kpj"}),  # the number wins
])
def test_kpj_file_headers_are_recognised(headers, expected):
    from outreach.services.kpj_import import recognise_columns
    assert recognise_columns(headers) == expected


@pytest.mark.parametrize("headers, message", [
    (["nama", "kpj"], "Berkas harus punya kolom nomor KPJ"),
    (["no_pendaftaran", "nama"], "Berkas harus punya kolom nomor KPJ"),
    (["no_pendaftaran", "kpj", "No. KPJ"], 'Ada lebih dari satu kolom nomor KPJ: "kpj", "No. KPJ".'),
])
def test_kpj_file_headers_missing_or_twice_are_explained(app, headers, message):
    from outreach.services.kpj_import import recognise_columns
    with app.test_request_context(), pytest.raises(ValueError) as refused:
        recognise_columns(headers)
    assert message in str(refused.value)


def test_kpj_import_takes_indonesian_headers_and_says_which_columns_it_used(app, officer, visit_id, coordinator):
    a, b = submitted(app, officer, visit_id, coordinator, 2)
    text = f"No. Pendaftaran;Nama Peserta;No KPJ\n{a};Nelayan 1;1111-1111-111\n{b};Nelayan 2;22222222222\n"
    page = html.unescape(upload(coordinator, text).get_data(as_text=True))
    assert '<li data-column="number">Nomor pendaftaran: <q>No. Pendaftaran</q></li>' in page
    assert '<li data-column="kpj">Nomor KPJ: <q>No KPJ</q></li>' in page
    assert "Kolom lain tidak dipakai: Nama Peserta" in page and "2 dari 2 baris siap." in page
    assert upload(coordinator, text, apply=True).status_code == 302
    assert (current(app, a).kpj, current(app, b).kpj) == ("11111111111", "22222222222")


def test_a_long_file_lists_its_problems_first_and_a_page_of_rows(app, users, monkeypatch):
    from outreach.services import kpj_import
    from tests.review_helpers import bulk_rows, login_as
    monkeypatch.setattr(kpj_import, "SHOWN", 3)
    numbers = bulk_rows(app, users["officer"], 6, status="submitted")
    rows = "".join(f"{n},{50_000_000_000 + i}\n" for i, n in enumerate(numbers)) + "BT-99999999,12\n"
    coord = login_as(app, "koord1")
    page = upload(coord, "number,kpj\n" + rows).get_data(as_text=True)
    assert page.count('data-ok="no"') == 1 and page.count('data-ok="yes"') == 2
    assert "Ditampilkan 3 dari 7 baris" in page
