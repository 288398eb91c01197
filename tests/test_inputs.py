"""What no person types never reaches a view: control characters, ids and dates past what a database holds."""
from datetime import date

import pytest

from outreach.inputs import as_date, as_int, clean
from outreach.extensions import db
from outreach.models import Visit


@pytest.mark.parametrize("raw, kept", [
    ("Budi Santoso", "Budi Santoso"),
    ("Bu\x00di", "Budi"),
    ("a\x1b[31mb\x07", "a[31mb"),
    ("Jl. Kenanga\r\nRT 02/RW 01\tDusun I", "Jl. Kenanga\r\nRT 02/RW 01\tDusun I"),  # typed line breaks stay
    ("x\x7fy", "xy"),
    ("lone \ud800 surrogate", "lone  surrogate"),
    ("Désa Ñ 😀", "Désa Ñ 😀"),
    # bidirectional controls: "Budi\u202egnalaS" shows as "BudiSalang"; marks and isolates hide too
    ("Budi\u202egnalaS", "BudignalaS"), ("a\u202ab\u202bc\u202cd\u202de", "abcde"),
    ("\u2066Siti\u2069 \u2067x\u2068y", "Siti xy"), ("\u200eA\u200fB\u061cC", "ABC"),
    ("سيتي Siti", "سيتي Siti"),  # right-to-left letters themselves stay
    (["a\x00", {"k\x00": "v\x00"}, 7, None, True], ["a", {"k": "v"}, 7, None, True]),
])
def test_clean(raw, kept):
    assert clean(raw) == kept


@pytest.mark.parametrize("raw, number", [
    ("42", 42), ("0", 0), ("-1", None), ("2147483647", 2147483647), ("2147483648", None),
    ("99999999999999999999", None), ("abc", None), (None, None), ("", None), ("4.2", None),
])
def test_as_int(raw, number):
    assert as_int(raw) == number


@pytest.mark.parametrize("raw, day", [
    ("2026-11-25", date(2026, 11, 25)), ("9999-12-31", None), ("0001-01-01", None), ("2026-02-30", None),
    ("", None), (None, None), ("kemarin", None), ("1900-01-01", date(1900, 1, 1)),
])
def test_as_date(raw, day):
    assert as_date(raw) == day


def test_control_characters_are_dropped_from_query_form_json_and_url(app, auth, client, users):
    """On PostgreSQL each of these was a 500 (text cannot hold NUL); now they are ordinary answers."""
    assert auth.login("pe\x00tugas1").status_code == 302  # the same account, logged in
    token = auth.token()
    assert client.get("/pendaftaran?q=a%00b").status_code == 200
    assert client.get("/pendaftaran/BS%00").status_code == 404
    assert client.get("/api/v1/registrations?q=%00").status_code == 200
    assert client.get("/api/v1/registrations/BS%00").status_code == 404
    response = client.post("/api/v1/registrations", json={"full_name": "Bu\x00di", "village_code": "\x00"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 422 and "errors" in response.get_json()
    assert client.get("/s/%00").status_code == 404
    assert client.post("/cek", data={"number": "BS\x00", "birth_date": "\x00"}).status_code == 200


def test_a_visit_note_with_control_characters_is_saved_clean(app, auth, client, users):
    auth.login("petugas1")
    token = auth.token("/kunjungan")
    response = client.post("/kunjungan", data={
        "village_code": "19.03.01.1001", "note": "Dermaga\x00 TPI", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Visit.note)) == "Dermaga TPI"


def test_bidi_controls_are_dropped_from_a_saved_name(app, auth, client, users):
    """A name that reads "Budi Salang" on the screen but is stored backwards can pass for someone else."""
    auth.login("petugas1")
    token = auth.token("/kunjungan")
    client.post("/kunjungan", data={"village_code": "19.03.01.1001", "note": "Budi \u202egnalaS\u202c",
                                    "csrf_token": token})
    with app.app_context():
        assert db.session.scalar(db.select(Visit.note)) == "Budi gnalaS"


@pytest.mark.parametrize("depth", [100_000, 2_000, 980])
def test_deeply_nested_json_is_a_422_not_a_crash(auth, client, users, depth):
    """100000 nested lists overflowed the JSON parser's recursion: a 500."""
    auth.login("petugas1")
    response = client.post("/api/v1/registrations", data="[" * depth + "]" * depth, content_type="application/json",
                           headers={"X-CSRFToken": auth.token()})
    assert response.status_code == 422 and response.is_json and "errors" in response.get_json()
