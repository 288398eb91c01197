"""The installable app's server side: manifest, service worker, offline and outbox pages."""
import json
import re

import pytest

from outreach import ROOT


def test_manifest_is_installable(client):
    response = client.get("/manifest.webmanifest")
    data = json.loads(response.get_data(as_text=True))
    assert response.mimetype == "application/manifest+json"
    assert data["short_name"] == "Daftar BPU" and data["display"] == "standalone" and data["start_url"] == "/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_service_worker_is_served_for_the_whole_site_with_a_versioned_shell(client):
    response = client.get("/sw.js")
    body = response.get_data(as_text=True)
    assert response.mimetype == "application/javascript" and response.headers["Cache-Control"] == "no-cache"
    settings = json.loads(re.search(r"const SETTINGS = (\{.*\});", body).group(1))
    assert len(settings["version"]) == 12
    assert any(u.startswith("/static/app.css?v=") for u in settings["shell"]) and "/luring" in settings["shell"]
    for shell_url in settings["shell"]:
        assert client.get(shell_url).status_code == 200, shell_url


def test_service_worker_keeps_no_personal_pages():
    """The pages the worker may cache: the form, the outbox, visits list, home, offline page; nothing else."""
    from outreach import ROOT
    script = (ROOT / "outreach/static/js/sw.js").read_text()
    keep = re.search(r"var KEEP = \[(.*?)\];", script).group(1)
    for private in ("pendaftaran", "tinjau", "tanda-terima", "/s/", "cek", "api", "audit", "dasbor", "admin"):
        assert private not in keep
    assert 'request.mode !== "navigate"' in script  # API calls are never answered from the cache


def test_the_offline_page_says_the_page_needs_signal_and_leads_to_what_works_without(client):
    page = client.get("/luring").get_data(as_text=True)
    assert "Halaman ini membutuhkan sinyal." in page and "belum tersimpan" not in page
    assert 'href="/outbox"' in page and 'href="/kunjungan"' in page


def test_offline_page_is_public_and_the_outbox_is_for_officers(client, auth, users):
    assert client.get("/luring").status_code == 200
    assert client.get("/outbox").status_code == 302
    auth.login("koord1")
    assert client.get("/outbox").status_code == 403


def test_officer_pages_carry_the_outbox_and_its_texts(client, auth, users):
    auth.login("petugas1")
    page = client.get("/").get_data(as_text=True)
    assert f'<meta name="user-id" content="{users["officer"]}">' in page
    assert 'data-counter="%(n)s menunggu dikirim"' in page and "js/outbox.js" in page
    client.get("/bahasa/en?next=/")
    assert 'data-counter="%(n)s waiting to be sent"' in client.get("/").get_data(as_text=True)


def test_a_refused_entry_is_corrected_on_a_form_of_the_outbox_own(client, auth, users):
    """/outbox/perbaiki: the registration form outside any visit, filled on the phone from the entry."""
    assert client.get("/outbox/perbaiki").status_code == 302
    auth.login("koord1")
    assert client.get("/outbox/perbaiki").status_code == 403
    auth.logout()
    auth.login("petugas1")
    page = client.get("/outbox/perbaiki?outbox=x").get_data(as_text=True)
    assert 'id="register-form"' in page and "data-visit-id" not in page
    assert 'data-fix-form="/outbox/perbaiki"' in client.get("/outbox").get_data(as_text=True)


def test_the_session_answer_names_the_officer_for_the_outbox(client, auth, users):
    assert client.get("/api/v1/session").status_code == 401
    auth.login("petugas1")
    data = client.get("/api/v1/session").get_json()
    assert data["user_id"] == users["officer"] and data["role"] == "officer" and data["csrf_token"]


def test_the_worker_gets_the_addresses_it_keeps_and_none_is_personal(client):
    """sw.js names the pages it keeps; their addresses come from the server, and none holds personal data."""
    body = client.get("/sw.js").get_data(as_text=True)
    settings = json.loads(re.search(r"const SETTINGS = (\{.*\});", body).group(1))
    keep = re.search(r"var KEEP = \[(.*?)\];", (ROOT / "outreach/static/js/sw.js").read_text()).group(1)
    kept = [settings["urls"][name.strip().removeprefix("URLS.")] for name in keep.split(",")]
    # a visit's follow-up list too (masked names; the phones to call are in its links): forgotten at logout
    assert kept == ["/kunjungan/0/daftar", "/kunjungan/0/tindak-lanjut", "/outbox", "/outbox/perbaiki", "/kunjungan", "/"]
    for private in ("pendaftaran", "tinjau", "tanda-terima", "/s/", "cek", "api", "audit", "dasbor", "admin"):
        assert not any(private in path for path in kept)


@pytest.mark.parametrize("script", sorted((ROOT / "outreach/static/js").glob("*.js")), ids=lambda p: p.name)
def test_the_scripts_type_no_address_of_the_app(app, script):
    """The addresses the scripts use come from the server (#app-urls, the worker's SETTINGS), never typed."""
    segments = {rule.rule.split("/")[1].split("<")[0] for rule in app.url_map.iter_rules()} - {""}
    assert {"api", "outbox", "luring", "masuk", "keluar", "s", "static", "sw.js", "kunjungan"} <= segments
    typed = re.compile("|".join(
        [r"""["'`]/["'`]""", r"\^\\/\$"]  # the root, in a string or a regular expression
        + [rf"""["'`]/{re.escape(s)}(?=["'`/?#])""" for s in segments]  # in a string: "/api/v1/...", '/outbox'
        + [rf"\\/{re.escape(s)}(?![\w.-])" for s in segments]))  # in a regular expression: /^\/kunjungan\/\d+/
    found = typed.findall(script.read_text(encoding="utf-8"))
    assert not found, f"{script.name} types {found}: take the address from the server"


def test_a_page_fetched_to_be_kept_leaves_the_message_for_the_next_page(app, officer, visit_id):
    client = officer.client
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Kunjungan sudah ditutup.")]
    kept = client.get("/kunjungan", headers={"X-Outreach-Keep": "1"}).get_data(as_text=True)
    assert "Kunjungan sudah ditutup." not in kept
    assert "Kunjungan sudah ditutup." in client.get("/kunjungan").get_data(as_text=True)
