"""Indonesian first, English complete; dates and Rupiah in the active locale."""
from datetime import date

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from outreach import ROOT
from outreach.domain.money import format_rupiah
from outreach.extensions import db
from outreach.models import User

TRANSLATIONS = ROOT / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}


def catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def source_messages() -> set[str]:
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_source_is_in_the_english_catalog():
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog("en") if m.id}
    missing = source_messages() - ids
    assert not missing, f"run the extract/update routine (README): {sorted(missing)[:5]}"


def test_every_english_message_is_translated_and_not_fuzzy():
    untranslated = [m.id for m in catalog("en") if m.id and (not translated(m) or m.fuzzy)]
    assert not untranslated, f"English translations missing for: {untranslated[:5]}"


def frozen(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def pairs(messages) -> dict:
    """msgid -> msgstr of the real translations (babel fills untranslated plurals with their msgids)."""
    return {frozen(m.id): frozen(m.string) for m in messages if translated(m) and frozen(m.id) != frozen(m.string)}


def translated(m) -> bool:
    return bool(m.id) and (all(m.string) if isinstance(m.string, list | tuple) else bool(m.string))


@pytest.mark.parametrize("locale", ["en", "id"])
def test_compiled_catalogs_match_their_po_files(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = pairs(read_mo(f))
    written = pairs(m for m in catalog(locale) if not m.fuzzy)
    assert compiled == written, "run `pybabel compile -d translations` (README)"


def test_indonesian_is_the_default(client):
    page = client.get("/masuk").get_data(as_text=True)
    assert '<html lang="id">' in page and "Nama pengguna" in page


def test_accept_language_english(client):
    page = client.get("/masuk", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Username" in page and "Log in" in page


def test_unsupported_language_falls_back_to_indonesian(client):
    assert '<html lang="id">' in client.get("/masuk", headers={"Accept-Language": "fr"}).get_data(as_text=True)


def test_switcher_cookie_beats_accept_language(client):
    response = client.get("/bahasa/id?next=/masuk")
    assert response.headers["Location"] == "/masuk"
    page = client.get("/masuk", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="id">' in page


def test_switcher_ignores_other_hosts_and_unknown_codes(client):
    assert client.get("/bahasa/en?next=https://evil.example/").headers["Location"] == "/"
    response = client.get("/bahasa/xx?next=/masuk")
    assert "Set-Cookie" not in response.headers


def test_saved_preference_beats_the_cookie(app, auth, client, users):
    auth.login("petugas1")
    client.get("/bahasa/en?next=/")
    with app.app_context():
        assert db.session.get(User, users["officer"]).locale == "en"
    client.set_cookie("lang", "id")
    assert "Welcome, Siti Aminah" in client.get("/").get_data(as_text=True)


def test_english_home_formats_dates_in_english(app, auth, client, users):
    auth.login("petugas1")
    client.get("/bahasa/en?next=/")
    page = client.get("/").get_data(as_text=True)
    with app.app_context():
        when = db.session.get(User, users["officer"]).last_login_at.astimezone()
    assert "Last login" in page and when.strftime("%B") in page


@pytest.mark.parametrize("locale, value, expected", [
    ("id", date(2024, 10, 10), "10 Oktober 2024"),
    ("en", date(2024, 10, 10), "10 October 2024"),
    ("id", date(2026, 2, 28), "28 Februari 2026"),
])
def test_long_dates(app, locale, value, expected):
    with app.test_request_context(headers={"Accept-Language": locale}):
        assert app.jinja_env.filters["long_date"](value) == expected


@pytest.mark.parametrize("amount, locale, expected", [
    (16800, "id", "Rp16.800"),
    (16800, "en", "Rp16,800"),
    (0, "id", "Rp0"),
    (20_700_000, "id", "Rp20.700.000"),
    (1_000_000, "en", "Rp1,000,000"),
    (-8400, "id", "-Rp8.400"),
])
def test_rupiah(amount, locale, expected):
    assert format_rupiah(amount, locale) == expected


@pytest.mark.parametrize("bad", [16800.0, "16800", True])
def test_rupiah_refuses_anything_but_integers(bad):
    with pytest.raises(TypeError):
        format_rupiah(bad)


def test_rupiah_filter_follows_the_request_locale(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert app.jinja_env.filters["rupiah"](16800) == "Rp16,800"
    with app.test_request_context():
        assert app.jinja_env.filters["rupiah"](16800) == "Rp16.800"


@pytest.mark.parametrize("locale", ["id", "en"])
def test_dates_read_as_babel_writes_them(app, locale):
    """The month names are read once per locale (outreach/i18n.py); the words are Babel's own."""
    from datetime import datetime, timezone

    from babel.dates import format_date

    from outreach import i18n, labels
    with app.test_request_context(headers={"Accept-Language": locale}):
        for month in range(1, 13):
            day = date(2026, month, 9)
            assert i18n.long_date(day) == format_date(day, "d MMMM y", locale=locale)
            assert labels.month_year((2026, month)) == format_date(day, "MMMM y", locale=locale)
            assert labels.month_year((2026, month), short=True) == format_date(day, "MMM y", locale=locale)
        november, december = format_date(date(2026, 11, 1), "MMMM", locale=locale), format_date(
            date(2026, 12, 1), "MMMM y", locale=locale)
        assert labels.months_text((2026, 11), (2026, 12)) == f"{november} – {december}"
        # A moment reads as its WIB day: 17:30 UTC on 14 August is already the 15th in Toboali.
        assert i18n.long_date(datetime(2026, 8, 14, 17, 30, tzinfo=timezone.utc)).startswith("15 ")
        assert i18n.long_date(None) == ""


def test_template_gettext_escapes_what_it_is_given(app):
    from flask import render_template_string
    with app.test_request_context(headers={"Accept-Language": "en"}):
        page = render_template_string('{{ _("Pendaftaran %(number)s", number=n) }}|{{ _("Cek status") }}|'
                                      '{{ ngettext("%(num)s bulan", "%(num)s bulan", 3) }}', n="<b>BS-1</b>")
    assert page == "Registration &lt;b&gt;BS-1&lt;/b&gt;|Check status|3 months"
    with app.test_request_context():  # a doubled % is a literal one, as in Jinja's own newstyle gettext
        assert render_template_string("{{ _('%%(n)s dipilih') }}") == "%(n)s dipilih"


@pytest.mark.parametrize("locale", ["id", "en", "fr", "hi"])
def test_rupiah_groups_as_babel_does(locale):
    from babel.numbers import format_decimal
    for amount in (0, 7, 999, 1000, 16_800, 999_999, 1_000_000, 123_456_789_012):
        assert format_rupiah(amount, locale) == "Rp" + format_decimal(amount, format="#,##0", locale=locale)
