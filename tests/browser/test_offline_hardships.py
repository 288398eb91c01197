"""What goes wrong at a port with a weak signal and a shared phone, and how the outbox keeps every worker:
another officer on the same phone, odd or missing answers, a form kept across an app update, a closed visit."""
import json
import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from outreach.extensions import db
from outreach.models import Registration, Visit
from tests.browser.conftest import correct_the_duplicate_nik, login
from tests.browser.test_offline_journey import capture_offline, count, counter, expect_all_sent, fill, start_visit
from tests.conftest import PASSWORD

API = "**/api/v1/registrations"
FAST = "window.OUTBOX_CONFIG = {session: 1500, send: 1500, deadline: 6000};"  # time limits short enough for a test


@pytest.fixture
def no_sw_phone(new_phone):
    """Without the service worker, so that routes see every request the outbox makes."""
    return new_phone(service_workers="block")


def wait_until(page, condition, seconds=10):
    """Polls a condition: what the test saw (a dialog it answered) or an asynchronous answer of the page
    (wait_for_function takes any promise for a yes)."""
    for _ in range(seconds * 10):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("condition not met")


def stored_entries(page) -> list:
    """Everything in the device outbox, whoever captured it."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("outreach-outbox");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const get = open.result.transaction("entries").objectStore("entries").getAll();
            get.onsuccess = () => { open.result.close(); resolve(get.result); };
        };
    })""")


def cached_pages(page) -> list:
    """The pages (not the static shell) the service worker keeps."""
    return page.evaluate("""async () => {
        const paths = [];
        for (const name of await caches.keys()) {
            for (const r of await (await caches.open(name)).keys()) paths.push(new URL(r.url).pathname);
        }
        return paths.filter(p => !p.startsWith("/static/") && p !== "/luring" && p !== "/manifest.webmanifest");
    }""")


def sync_finished(page):
    """Waits until no sync holds the outbox lock (the sync's answer has been dealt with)."""
    wait_until(page, lambda: page.evaluate("""() => navigator.locks.query().then(
        s => !s.held.some(l => l.name === "outreach-outbox-sync"))"""))


def controlled_form(page) -> str:
    """The officer opens a visit's form once with signal; the service worker keeps it."""
    form_url = start_visit(page)
    page.goto(form_url)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    wait_until(page, lambda: page.evaluate(f"caches.match({json.dumps(form_url)}).then(r => !!r)"))
    return form_url


def logout(page):
    page.click('button[data-action="logout"]')
    expect(page.locator("h1")).to_have_text("Masuk")


def test_two_officers_on_one_phone_neither_see_nor_send_each_others_entries(app, new_phone, make_user, users):
    make_user("petugas2")
    page = new_phone()
    form_url = controlled_form(page)
    page.context.set_offline(True)
    page.reload()
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.route(API, lambda route: route.abort())  # the signal stays too weak to send it
    page.context.set_offline(False)
    page.once("dialog", lambda dialog: dialog.accept())  # "1 registration not sent yet: log out anyway?"
    logout(page)
    assert cached_pages(page) == []  # the first officer's pages left with them

    page.context.set_offline(True)  # the second officer picks up the phone at the port
    page.goto(form_url)
    expect(page.locator("h1")).to_have_text("Tidak ada sinyal")
    expect(page.locator("#register-form")).to_have_count(0)
    page.goto("/outbox")
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(0)

    page.context.set_offline(False)
    login(page, "petugas2", PASSWORD)
    page.goto("/outbox")
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=15_000)  # after the session check
    expect(page.locator("[data-outbox-waiting] li, [data-outbox-waiting] button")).to_have_count(0)
    page.wait_for_function("navigator.serviceWorker.controller !== null")  # a loaded machine: kept before offline
    wait_until(page, lambda: page.evaluate("caches.match('/outbox').then(r => !!r)"))
    page.context.set_offline(True)
    page.reload()  # the second officer's own outbox page, from the cache
    expect(page.locator("[data-outbox-empty]")).to_be_visible(timeout=15_000)  # after the session check
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(0)
    expect(counter(page)).to_be_hidden()
    assert count(app) == 0

    page.context.set_offline(False)
    page.context.unroute(API)
    page.goto("/")
    logout(page)  # nothing of theirs waits: no question
    login(page, "petugas1", PASSWORD)
    expect_all_sent(page)
    with app.app_context():
        assert [r.officer_id for r in db.session.scalars(db.select(Registration))] == [users["officer"]]


def test_a_page_left_open_by_the_first_officer_saves_nothing_under_their_name(app, no_sw_phone, make_user, users):
    make_user("petugas2")
    first = no_sw_phone
    form_url = start_visit(first)
    first.goto(form_url)
    expect(counter(first)).to_be_hidden()
    second = first.context.new_page()  # another tab: the first officer logs out, the second logs in
    second.goto("/")
    logout(second)
    login(second, "petugas2", PASSWORD)
    expect(second.locator("nav.menu")).to_be_visible()
    wait_until(second, lambda: second.evaluate("""() => new Promise(resolve => {
        const open = indexedDB.open("outreach-outbox");
        open.onsuccess = () => {
            const get = open.result.transaction("meta").objectStore("meta").get("identity");
            get.onsuccess = () => { open.result.close(); resolve(!!get.result && get.result.user_id !== null); };
        };
    })"""))

    first.context.set_offline(True)  # the old tab, still showing the first officer's form
    fill(first, "1903011508900001", "Nelayan Satu")
    first.click("#submit")
    expect(first.locator('[data-outbox-flash="officer"]')).to_contain_text("Belum dapat dipastikan siapa yang masuk")
    expect(first.locator("#full_name")).to_have_value("Nelayan Satu")  # nothing typed is lost
    assert stored_entries(first) == []
    first.context.set_offline(False)
    assert count(app) == 0


@pytest.mark.parametrize("answer", [
    {"status": 200, "content_type": "text/html", "body": "<h1>Sedang pemeliharaan</h1>"},
    {"status": 201, "content_type": "application/json", "body": "{}"},
    {"status": 200, "content_type": "application/json", "body": '{"number": "X", "client_id": "someone-else"}'},
], ids=["maintenance-page", "empty-json", "another-entry"])
def test_only_the_servers_confirmation_removes_an_entry(app, no_sw_phone, users, answer):
    page = no_sw_phone
    capture_offline(page)
    page.context.route(API, lambda route: route.fulfill(**answer) if route.request.method == "POST" else route.fallback())
    page.context.set_offline(False)
    page.goto("/outbox")
    sync_finished(page)
    page.click("[data-sync-now]")
    sync_finished(page)
    entry = page.locator("[data-outbox-waiting] li")
    expect(entry).to_have_count(1)
    assert len(stored_entries(page)) == 1 and count(app) == 0
    page.context.unroute(API)
    page.click("[data-sync-now]")
    expect_all_sent(page)
    assert count(app) == 1


def test_a_redirect_to_the_login_page_asks_to_log_in_again_and_keeps_the_entry(app, no_sw_phone, users):
    page = no_sw_phone
    capture_offline(page)

    def session_gone(route):  # a proxy in front of the app sends the request to the login form
        if route.request.method != "POST":
            return route.fallback()
        page.context.clear_cookies()
        route.fulfill(status=302, headers={"Location": "/masuk"})

    page.context.route(API, session_gone)
    page.goto("about:blank")  # the form page would sync too when the signal returns: only the outbox sends here
    page.context.set_offline(False)
    page.goto("/outbox")
    expect(page.locator('[data-outbox-flash="login"]')).to_contain_text("Sesi berakhir", timeout=15_000)
    expect(page.locator("[data-outbox-waiting] li")).to_have_attribute("data-state", "login")
    page.context.unroute(API)
    login(page, "petugas1", PASSWORD)
    expect_all_sent(page)
    assert count(app) == 1


def test_the_form_keeps_a_registration_the_server_did_not_confirm(app, no_sw_phone, users):
    page = no_sw_phone
    form_url = start_visit(page)
    page.goto(form_url)
    page.context.route(API, lambda route: route.fulfill(status=200, content_type="text/html", body="<p>Maaf</p>"))
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(page.locator('[data-outbox-flash]')).to_contain_text("Tersimpan di perangkat")
    assert page.url.endswith(form_url)  # not sent off to a page named "undefined"
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.unroute(API)
    expect_all_sent(page)  # the page tries again by itself (no Background Sync needed)
    assert count(app) == 1


def test_a_request_that_never_answers_loses_nothing_and_blocks_nothing(app, new_phone, users):
    page = new_phone(service_workers="block")
    page.context.add_init_script(FAST)
    form_url = start_visit(page)
    page.goto(form_url)
    hanging = []
    page.context.route(API, lambda route: hanging.append(route))  # the request leaves, no answer ever comes
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")  # kept on the phone before it was sent
    wait_until(page, lambda: hanging)
    page.reload()  # the officer gives up waiting
    expect(counter(page)).to_have_attribute("data-count", "1")
    assert [e["name"] for e in stored_entries(page)] == ["Nelayan Satu"]
    page.goto("/outbox")
    sync_finished(page)  # the hanging sync gave the lock back at its time limit
    asked = []
    page.context.route("**/api/v1/session", lambda route: asked.append(route))  # now the session hangs
    page.click("[data-sync-now]")
    wait_until(page, lambda: asked)
    sync_finished(page)  # given back after the session's time limit
    expect(page.locator("[data-outbox-waiting] li")).to_have_count(1)
    page.context.unroute("**/api/v1/session")
    page.context.unroute(API)
    page.click("[data-sync-now]")
    expect_all_sent(page)
    assert count(app) == 1


def test_hitung_iuran_without_signal_works_out_the_figure_on_the_phone(app, no_sw_phone, users):
    page = no_sw_phone
    form_url = start_visit(page)
    page.goto(form_url)
    page.context.set_offline(True)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.fill("#birth_date", "1990-08-16")
    page.click("#preview")
    expect(page.locator('#contribution [data-out="normal"]')).to_have_text("Rp16.800")  # JKK 10.000 + JKM 6.800
    expect(page.locator("#birth_date-error")).to_have_text("Tanggal lahir tidak sesuai dengan NIK.")
    assert page.url.endswith(form_url)
    expect(page.locator("#full_name")).to_have_value("Nelayan Satu")


@pytest.mark.parametrize("change, field, message", [
    ({"#nik": "19030115089000"}, "nik", "NIK harus 16 angka."),
    ({"#nik": "1903011513900001"}, "nik", "bukan tanggal lahir"),
    ({"#nik": "1903015508900001"}, "sex", "Jenis kelamin tidak sesuai dengan NIK."),  # a woman's NIK: day + 40
    ({"#birth_date": "1990-08-16"}, "birth_date", "Tanggal lahir tidak sesuai dengan NIK."),
    ({"#monthly_income": ""}, "monthly_income", "Wajib diisi."),
    ({'input[name="funding"][value="sponsor"]': "check"}, "sponsor_name", "Wajib diisi."),  # a sponsor: whose name?
    ({'input[name="funding"][value="apbn"]': "check"}, "programme_id", "Wajib diisi."),  # through which programme?
])
def test_cheap_mistakes_are_caught_on_the_phone(app, no_sw_phone, users, change, field, message):
    page = no_sw_phone
    page.goto(start_visit(page))
    fill(page, "1903011508900001", "Nelayan Satu")
    for selector, value in change.items():
        if value == "check":
            page.check(selector)
        elif page.locator(selector).evaluate("el => el.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    requests = []
    page.on("request", lambda r: requests.append(r.url) if "/api/v1/registrations" in r.url else None)
    page.click("#submit")
    expect(page.locator(f"#{field}-error")).to_contain_text(message)
    assert requests == [] and stored_entries(page) == []


def test_a_duplicate_nik_links_to_the_registration_to_show(app, no_sw_phone, users):
    page = no_sw_phone
    form_url = start_visit(page)
    page.goto(form_url)
    answer = {"errors": {"nik": ["NIK ini sudah terdaftar: BPU-2026-000001."]},
              "duplicate": {"number": "BPU-2026-000001", "status": "pending", "url": "/tanda-terima/BPU-2026-000001"}}
    page.context.route(API, lambda route: route.fulfill(status=422, content_type="application/json", body=json.dumps(answer)))
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")
    link = page.locator("#nik-error a[data-duplicate]")
    expect(link).to_have_text("Buka pendaftaran BPU-2026-000001 untuk ditunjukkan kepada pekerja")
    assert link.evaluate("a => a.href").endswith("/tanda-terima/BPU-2026-000001")
    assert stored_entries(page) == []  # refused on the spot: the data is on screen, as on the plain form

    page.context.set_offline(True)  # the same, sent later from the outbox
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.set_offline(False)
    page.goto("/outbox")
    entry = page.locator("[data-outbox-waiting] li")
    expect(entry).to_have_attribute("data-state", "rejected", timeout=15_000)
    assert entry.locator('[data-field="nik"] a[data-duplicate]').evaluate("a => a.href").endswith("/tanda-terima/BPU-2026-000001")


def test_a_refused_entry_of_a_visit_closed_meanwhile_is_corrected_from_the_outbox(app, no_sw_phone, users):
    page = no_sw_phone
    form_url = start_visit(page)
    visit_url = form_url.rsplit("/", 1)[0]
    page.goto(form_url)
    fill(page, "1903011508900001", "Nelayan Satu")
    page.click("#submit")  # online: saved at once
    expect(page.locator("[data-registration]")).to_be_visible()
    page.goto(form_url)
    page.context.set_offline(True)
    fill(page, "1903011508900001", "Nelayan Satu Lagi")  # the same NIK: the server will refuse it
    page.click("#submit")
    expect(counter(page)).to_have_attribute("data-count", "1")
    page.context.route(API, lambda route: route.abort())
    page.context.set_offline(False)

    page.goto(visit_url)
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("form[action$='/tutup'] [type=submit]")
    wait_until(page, lambda: asked)
    assert "1 pendaftaran dari kunjungan ini" in asked[0]  # said no: the visit stays open
    with app.app_context():
        assert db.session.scalar(db.select(Visit)).closed_at is None
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[action$='/tutup'] [type=submit]")
    expect(page).to_have_url(re.compile(r"/kunjungan$"))
    with app.app_context():
        assert db.session.scalar(db.select(Visit)).closed_at is not None

    page.context.unroute(API)
    page.goto("/outbox")
    entry = page.locator("[data-outbox-waiting] li")
    expect(entry).to_have_attribute("data-state", "rejected", timeout=15_000)
    earlier = (datetime.now(timezone.utc) - timedelta(minutes=20)).replace(microsecond=0)
    page.evaluate("""(when) => new Promise(resolve => {
        const open = indexedDB.open("outreach-outbox");
        open.onsuccess = () => {
            const store = open.result.transaction("entries", "readwrite").objectStore("entries");
            store.getAll().onsuccess = (e) => {
                const entry = e.target.result[0]; entry.captured_at = when; entry.payload.captured_at = when;
                store.put(entry).onsuccess = () => { open.result.close(); resolve(); };
            };
        };
    })""", earlier.isoformat().replace("+00:00", "Z"))
    page.reload()
    page.locator("[data-outbox-waiting] li a", has_text="Perbaiki").click()
    expect(page).to_have_url(re.compile(r"/outbox/perbaiki\?outbox="))
    correct_the_duplicate_nik(page)
    assert count(app) == 2
    with app.app_context():
        corrected = db.session.scalar(db.select(Registration).where(Registration.full_name == "Nelayan Satu Lagi"))
        captured = corrected.captured_at if corrected.captured_at.tzinfo else corrected.captured_at.replace(tzinfo=timezone.utc)
        assert abs(captured - earlier) < timedelta(seconds=1)  # when it was captured, not when it was resent
    expect_all_sent(page)


def test_an_app_update_keeps_the_visit_form_for_use_without_signal(app, new_phone, users, monkeypatch):
    page = new_phone()
    form_url = controlled_form(page)
    old = page.evaluate("caches.keys()")
    from outreach.offline import views
    monkeypatch.setattr(views, "shell_version", lambda folder: "0123456789ab")  # a new release of the app
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    wait_until(page, lambda: page.evaluate("caches.keys()") == ["outreach-shell-0123456789ab"])
    assert old != ["outreach-shell-0123456789ab"]
    page.context.set_offline(True)
    page.goto(form_url)
    expect(page.locator("#register-form")).to_be_visible()


def test_a_form_kept_before_a_release_that_changed_the_css_opens_styled_without_signal(app, new_phone, users,
                                                                                     monkeypatch):
    """The kept form names the old fingerprint (app.css?v=old); the new cache holds only the new one."""
    page = new_phone()
    form_url = controlled_form(page)
    old = page.evaluate("caches.keys()")
    css = app.extensions["assets"]["app.css"]
    monkeypatch.setitem(app.extensions["assets"], "app.css", replace(css, version="0123456789"))  # a new app.css
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    wait_until(page, lambda: len(page.evaluate("caches.keys()")) == 1 and page.evaluate("caches.keys()") != old)
    wait_until(page, lambda: page.evaluate("caches.match('/static/app.css?v=0123456789').then(r => !!r)"))
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")  # a phone's HTTP cache is no promise
    page.context.set_offline(True)
    page.goto(form_url)
    expect(page.locator("#register-form")).to_be_visible()
    rules = """[...document.styleSheets].filter(s => s.href.includes("app.css?v=" + %s))
               .map(s => { try { return s.cssRules.length; } catch (e) { return 0; } })""" % json.dumps(css.version)
    wait_until(page, lambda: (page.evaluate(rules) or [0])[0] > 0)  # 0: not loaded (a loaded machine: wait)


def test_on_a_signal_too_weak_to_load_the_page_the_kept_form_opens(app, new_phone, users):
    page = new_phone()
    form_url = controlled_form(page)
    hanging = []
    page.context.route(f"**{form_url}", lambda route: hanging.append(route))  # the page request never returns
    page.goto(form_url, timeout=30_000)
    expect(page.locator("#register-form")).to_be_visible(timeout=20_000)
    assert hanging  # the network was asked, and the kept copy answered after SW_PATIENCE_MS
