"""Receipts with QR codes, the worker's public status page, and the manual lookup."""
import io
import re

import pytest
import zxingcpp
from PIL import Image

from outreach.extensions import db
from outreach.models import AuditEvent, Receipt, Registration, RegistrationEvent
from tests.conftest import Auth, make_app
from tests.enrollment import worker

NIK, BIRTH, PHONE = "1903015508900001", "1990-08-15", "081234567890"
BIRTH_RENDERINGS = ["1990-08-15", "15-08-1990", "15/08/1990", "15 Agustus 1990", "15 August 1990", "August 15, 1990",
                    "15.08.1990", "150890"]
PHONE_RENDERINGS = ["081234567890", "6281234567890", "0812-3456-7890", "812-3456-7890", "81234567890"]


def decode(png: bytes) -> str:
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


@pytest.fixture
def number(officer, visit_id):
    response = officer.register(visit_id, worker(phone="0812-3456-7890"))
    return response.headers["Location"].rsplit("/", 1)[1]


@pytest.fixture
def public_base(app):
    app.config["PUBLIC_BASE_URL"] = "https://bpu.bangkaselatan.example"
    yield app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = None


def status_path(client, number) -> str:
    page = client.get(f"/pendaftaran/{number}/tanda-terima").get_data(as_text=True)
    return re.search(r'<p class="receipt-url">https?://[^/]+(/s/[\w-]+)</p>', page).group(1)


def set_status(app, number, status, **fields):
    with app.app_context():
        db.session.execute(db.update(Registration).where(Registration.number == number).values(status=status, **fields))
        db.session.commit()


def test_receipt_page_has_an_inline_qr_and_the_sharing_links(client, number, public_base):
    response = client.get(f"/pendaftaran/{number}/tanda-terima")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'class="qr"' in page
    assert number in page and "Siti Aminah" in page and "Nelayan" in page and "Rp8.400" in page
    url = re.search(r'<p class="receipt-url">([^<]+)</p>', page).group(1)
    assert url.startswith(public_base + "/s/")
    assert 'href="https://wa.me/6281234567890?text=Halo%20Siti%20Aminah' in page
    assert re.search(r'href="sms:\+6281234567890\?body=', page)
    assert url.replace(":", "%3A").replace("/", "%2F") in page  # the status URL inside the WhatsApp text


def test_png_decodes_to_the_absolute_status_url(client, number, public_base):
    response = client.get(f"/pendaftaran/{number}/receipt.png")
    assert response.mimetype == "image/png" and response.headers["Cache-Control"] == "no-store"
    text = decode(response.data)
    assert text.startswith(public_base + "/s/") and len(text.rsplit("/", 1)[1]) == 32
    assert text == re.search(r'<p class="receipt-url">([^<]+)</p>',
                             client.get(f"/pendaftaran/{number}/tanda-terima").get_data(as_text=True)).group(1)


def test_the_database_keeps_no_token(app, client, number):
    token = status_path(client, number).rsplit("/", 1)[1]
    with app.app_context():
        (receipt,) = db.session.scalars(db.select(Receipt)).all()
        stored = " ".join(str(v) for v in (receipt.salt, receipt.token_hash))
    assert token not in stored


def test_api_answers_carry_receipt_and_status_urls(officer, public_base):
    from tests.enrollment import api_worker
    payload = api_worker()
    created = officer.api_post(payload).get_json()
    again = officer.api_post(payload).get_json()
    assert created["status_url"].startswith(public_base + "/s/")
    assert created["receipt_url"] == f"{public_base}/pendaftaran/{created['number']}/tanda-terima"
    assert again["status_url"] == created["status_url"]


@pytest.mark.parametrize("status, fields, words", [
    ("pending", {}, "Terdaftar, menunggu verifikasi"),
    ("verified", {}, "Diverifikasi"),
    ("submitted", {}, "Diajukan ke BPJS Ketenagakerjaan"),
    ("active", {"kpj": "12345678901"}, "Nomor peserta (KPJ) berakhiran 8901"),
    ("returned", {}, "Petugas akan menghubungi Anda"),
    ("rejected", {"reason": "invalid_nik"}, "Bawa KTP asli ke petugas"),
])
def test_status_page_for_every_status_shows_the_state_and_nothing_personal(app, client, number, status, fields, words):
    path = status_path(client, number)
    set_status(app, number, status, **fields)
    anonymous = app.test_client()
    for headers in ({}, {"Accept-Language": "en"}):
        response = anonymous.get(path, headers=headers)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert f'data-status="{status}"' in page and number in page
        if not headers:
            assert words in page and "S*** A*****" in page and "Siti Aminah" not in page
        everything = page + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for i in range(len(NIK) - 5):
            assert NIK[i:i + 6] not in everything, f"NIK digits {NIK[i:i + 6]} leak"
        for rendering in BIRTH_RENDERINGS + PHONE_RENDERINGS + ["Dusun I", "Ahmad Fauzi", "Pelabuhan Sadai"]:
            assert rendering not in everything, rendering
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert '<meta name="robots" content="noindex">' in page
        assert "Set-Cookie" not in response.headers


def test_status_page_is_small_and_works_without_a_session(app, client, number):
    path = status_path(client, number)
    anonymous = app.test_client()
    page = anonymous.get(path)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.get_data(as_text=True))
    assert [s.split("?")[0] for s in sheets] == ["/static/site.css"]  # the public pages load the site's base only
    css = anonymous.get(sheets[0])
    assert len(page.data) + len(css.data) <= 15 * 1024
    assert "<script" not in page.get_data(as_text=True)


def test_reissue_asks_first_and_says_what_becomes_of_the_old_qr(app, client, auth, number):
    """One tap on the receipt no longer voids the worker's QR: it opens a page that asks why and warns."""
    old = status_path(client, number)
    receipt = client.get(f"/pendaftaran/{number}/tanda-terima").get_data(as_text=True)
    assert f'action="/pendaftaran/{number}/tanda-terima/baru"' not in receipt  # no one-tap form any more
    assert f'href="/pendaftaran/{number}/tanda-terima/baru"' in receipt
    ask = client.get(f"/pendaftaran/{number}/tanda-terima/baru")
    page = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "langsung tidak berlaku lagi" in page and "Tanda terima ini sudah diganti" in page
    assert 'name="reason"' in page and f'href="/pendaftaran/{number}/tanda-terima"' in page  # the way back
    token = auth.token(f"/pendaftaran/{number}/tanda-terima/baru")
    for data in ({}, {"reason": "stolen"}, {"reason": "other", "note": "   "}):  # no reason, unknown, "other" unsaid
        refused = client.post(f"/pendaftaran/{number}/tanda-terima/baru", data={"csrf_token": token, **data})
        assert refused.status_code == 422 and 'class="error"' in refused.get_data(as_text=True)
    assert status_path(client, number) == old
    assert app.test_client().get(old).status_code == 200


@pytest.mark.parametrize("data, words", [
    ({"reason": "lost"}, "Tanda terima hilang"),
    ({"reason": "other", "note": "Dikirim ke nomor HP yang salah"}, "Dikirim ke nomor HP yang salah"),
])
def test_reissue_voids_the_old_qr_and_records_why(app, client, auth, users, number, data, words):
    old = status_path(client, number)
    token = auth.token(f"/pendaftaran/{number}/tanda-terima/baru")
    done = client.post(f"/pendaftaran/{number}/tanda-terima/baru", data={"csrf_token": token, **data})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/pendaftaran/{number}/tanda-terima")
    new = status_path(client, number)
    assert new != old
    anonymous = app.test_client()
    gone = anonymous.get(old)
    assert gone.status_code == 404 and "Tanda terima ini sudah diganti" in gone.get_data(as_text=True)
    assert anonymous.get(new).status_code == 200
    with app.app_context():
        events = db.session.scalars(db.select(RegistrationEvent).order_by(RegistrationEvent.id)).all()
        (audited,) = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "reissue_receipt")).all()
        assert [e.kind for e in events] == ["created", "receipt_reissued"]
        assert events[1].changes == data and audited.details == data
    assert words in client.get(f"/pendaftaran/{number}").get_data(as_text=True)  # the officer's history
    coordinator = app.test_client()
    Auth(coordinator).login("koord1")
    assert words in coordinator.get(f"/tinjau/{number}").get_data(as_text=True)  # the review page's history


@pytest.mark.parametrize("token", ["x" * 32, "short", "A" * 200, "%00", "%E2%9C%93" * 11])
def test_unknown_tokens_get_a_friendly_404(client, token):
    response = client.get(f"/s/{token}")
    assert response.status_code == 404
    assert "Tanda terima tidak ditemukan" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_receipt_of_another_officers_worker_is_off_limits(app, number, make_user):
    make_user("petugas2")
    other = app.test_client()
    Auth(other).login("petugas2")
    assert other.get(f"/pendaftaran/{number}/tanda-terima").status_code == 403
    assert other.get(f"/pendaftaran/{number}/receipt.png").status_code == 403


# Lookup without the QR

def test_lookup_with_number_and_birth_date_leads_to_the_status_page(app, client, number):
    path = status_path(client, number)
    anonymous = app.test_client()
    for typed in (BIRTH, "15-08-1990"):
        response = anonymous.post("/cek", data={"number": number.lower(), "birth_date": typed})
        assert response.status_code == 302 and response.headers["Location"].endswith(path)


def test_lookup_answers_unknown_number_and_wrong_birth_date_alike(app, number):
    anonymous = app.test_client()
    unknown = anonymous.post("/cek", data={"number": "BS-0101-999999", "birth_date": BIRTH})
    wrong = anonymous.post("/cek", data={"number": number, "birth_date": "1990-08-16"})
    strip = lambda r: r.get_data(as_text=True).replace("BS-0101-999999", "N").replace(number, "N")  # noqa: E731
    assert unknown.status_code == wrong.status_code == 200
    assert strip(unknown) == strip(wrong)
    assert "tidak cocok" in strip(unknown)
    assert "1990-08-16" not in strip(wrong)
    assert dict(unknown.headers).keys() == dict(wrong.headers).keys()


def test_lookup_is_rate_limited_with_a_clear_page(database_url, app):
    limited = make_app(database_url, LOOKUP_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    codes = [client.post("/cek", data={"number": "BS-0101-000001", "birth_date": BIRTH}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "Terlalu banyak permintaan" in client.post("/cek", data={"number": "x", "birth_date": "y"}).get_data(as_text=True)


def test_print_views_size_the_paper_in_millimetres(client, number):
    """A6 and the 58 mm slip; Chromium ignores `size: A6` and prints US Letter (the print itself: tests/browser)."""
    css = client.get("/static/app.css").get_data(as_text=True)
    assert re.search(r"@page \{ size: 105mm 148mm;", css) and re.search(r"@page slip \{ size: 58mm ", css)
    assert ".receipt [data-out] { white-space: nowrap; }" in css  # amounts never split across lines
    a6 = client.get(f"/pendaftaran/{number}/tanda-terima").get_data(as_text=True)
    slip = client.get(f"/pendaftaran/{number}/tanda-terima?format=slip").get_data(as_text=True)
    assert '<article class="receipt"' in a6 and '<article class="receipt slip"' in slip
    for page in (a6, slip):  # what surrounds the receipt stays on screen
        assert page.count('class="actions no-print"') == 1 and page.count('class="card no-print"') == 1
        assert re.search(r'<dd data-out="period">Rp[\d.]+</dd>', page)
