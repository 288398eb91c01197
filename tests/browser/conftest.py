"""Playwright driving Debian's Chromium against the app served on 127.0.0.1, at a phone's viewport."""
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 360, "height": 740}  # the smallest phones the officers carry
PHONES = pytest.mark.parametrize("viewport", [PHONE, SMALL_PHONE], ids=["390x844", "360x740"])
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """The hook sees the whole session's items: mark only those collected from this directory."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


def slowed(app, delay: float):
    """The app answering late, as on a loaded machine (BROWSER_LATENCY_MS): a test that reads the page before
    its answer arrives fails at once here instead of once in a while in CI."""
    def wsgi(environ, start_response):
        time.sleep(delay)
        return app(environ, start_response)
    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    delay = int(os.environ.get("BROWSER_LATENCY_MS", "0")) / 1000
    server = make_server("127.0.0.1", 0, slowed(app, delay) if delay else app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright is not installed (pip install -e '.[test]')"
    if missing is None and not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_phone(browser, live_server):
    """Opens pages in fresh phone-sized contexts (390x844 unless a viewport is given); closes them after."""
    contexts = []

    def open_phone(**options):
        options.setdefault("viewport", PHONE)
        context = browser.new_context(device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale="id-ID", base_url=live_server, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone):
    return new_phone()


def sideways_overflow(page) -> int:
    """How far the page is wider than the phone's screen, in CSS px, once its stylesheet has applied. Measured
    against the viewport's width, not window.innerWidth: a mobile browser widens innerWidth to the content (it
    zooms the page out), so scrollWidth - innerWidth is 0 even for a page that is too wide."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth") - page.viewport_size["width"]


def assert_no_horizontal_scroll(page):
    overflow = sideways_overflow(page)
    assert overflow <= 0, f"page scrolls sideways by {overflow}px"


def login(page, username, password):
    page.goto("/masuk")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#submit")


def fill_worker(page, nik="1903 0155 0890 0001", name="Siti Aminah", sex="F", born="1990-08-15", income=None):
    """The registration form as an officer fills it for one worker (a fisher of Toboali by default)."""
    page.fill("#nik", nik)
    page.fill("#full_name", name)
    page.fill("#birth_place", "Toboali")
    page.fill("#birth_date", born)
    page.check("#sex-0" if sex == "M" else "#sex-1")
    page.fill("#phone", "0812 3456 7890")
    page.fill("#address", "Dusun I RT 01 RW 02")
    page.select_option("#occupation", "nelayan")
    page.fill("#work_location", "Pelabuhan Sadai")
    if income:
        page.select_option("#monthly_income", income)  # a bracket's base (PP 44/2015)
    page.fill("#heir_name", "Ahmad Fauzi")
    page.select_option("#heir_relation", "pasangan")
    page.check("#consent")


def correct_the_duplicate_nik(page):
    """On the filled-in correction form the server's message sits at the NIK: the officer types the worker's
    real NIK and birth date, saves, and lands on the pending registration."""
    from playwright.sync_api import expect  # here: without playwright the browser fixture skips with its reason

    expect(page.locator("#nik-error")).to_contain_text("NIK ini sudah terdaftar")
    expect(page.locator("#full_name")).to_have_value("Nelayan Satu Lagi")
    page.fill("#nik", "1903011708920003")
    page.fill("#birth_date", "1992-08-17")
    page.click("#submit")
    expect(page.locator("[data-registration]")).to_have_attribute("data-status", "pending")
