"""The coordinator's queue on a phone: it opens on what waits, the filter toggle looks like a button, the bulk
buttons stay on screen once a row is picked, and returning and rejecting never look alike."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_horizontal_scroll, login
from tests.conftest import PASSWORD
from tests.review_helpers import bulk_rows, enroll

SIZES = [{"width": 390, "height": 844}, {"width": 360, "height": 740}]


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_the_queue_on_a_phone(app, phone, users, size):
    numbers = bulk_rows(app, users["officer"], 50)  # a full page: the end of the list is many screens down
    bulk_rows(app, users["officer"], 2, start=100, status="submitted")
    phone.set_viewport_size(size)
    login(phone, "koord1", PASSWORD)
    phone.click("nav.menu >> text=Antrean")
    expect(phone.locator('.tabs a[aria-current="page"]')).to_have_attribute("data-count", "pending")
    expect(phone.locator(".rows li.row")).to_have_count(50)

    phone.wait_for_load_state("load")  # styles are read below: with the stylesheet, not before it arrives
    toggle = phone.locator("form.filters summary")  # "Saring" looks like something to tap
    assert toggle.evaluate("e => getComputedStyle(e).borderTopStyle") != "none"
    assert "▸" in toggle.evaluate("e => getComputedStyle(e, '::before').content")
    assert toggle.bounding_box()["height"] >= 44

    bar = phone.locator("[data-bulk-bar]")
    expect(bar).to_be_hidden()  # with the script: shown once a row is picked
    phone.locator(f"#pick-{numbers[30]}").check()  # a row some screens down the list
    expect(bar.locator("[data-picked]")).to_have_text("1 dipilih")
    verify = bar.get_by_role("button", name="Verifikasi yang dipilih")
    expect(verify).to_be_visible()
    assert in_view(phone, verify), "the bulk button is off screen: the coordinator would scroll to the list's end"
    phone.locator(f"#pick-{numbers[20]}").check()
    expect(bar.locator("[data-picked]")).to_have_text("2 dipilih")
    assert in_view(phone, verify)
    assert_no_horizontal_scroll(phone)
    verify.click()
    expect(phone.locator(".flash-success")).to_have_text("2 pendaftaran diproses.")

    phone.click('.tabs a[data-count="all"]')
    expect(phone.locator('.tabs a[aria-current="page"]')).to_have_attribute("data-count", "all")
    submitted_rows = phone.locator(".rows li.row", has=phone.locator('[data-status="submitted"]'))
    expect(submitted_rows).to_have_count(2)
    expect(submitted_rows.locator("input[type=checkbox]")).to_have_count(0)  # nothing to move in bulk


@pytest.mark.parametrize("size", SIZES, ids=["390", "360"])
def test_returning_and_rejecting_look_different(phone, officer, visit_id, size):
    number = enroll(officer, visit_id)
    phone.set_viewport_size(size)
    login(phone, "koord1", PASSWORD)
    phone.goto(f"/tinjau/{number}")
    returning, rejecting = phone.locator('form[data-target="returned"]'), phone.locator('form[data-target="rejected"]')
    expect(returning).to_contain_text("data diperbaiki, lalu diperiksa lagi")
    expect(rejecting).to_contain_text("tidak bisa dilanjutkan")
    phone.wait_for_load_state("load")
    edge = "e => [getComputedStyle(e).borderLeftStyle, getComputedStyle(e).borderLeftColor]"
    (back_style, back_colour), (stop_style, stop_colour) = returning.evaluate(edge), rejecting.evaluate(edge)
    assert back_style == stop_style == "solid" and back_colour != stop_colour
    colour = "e => getComputedStyle(e).color"
    assert returning.locator("button").evaluate(colour) != rejecting.locator("button").evaluate(colour)
    assert re.match(r"rgb\(1[6-9]\d, 0, 1[0-9]\)", rejecting.locator("button").evaluate(colour))  # the error red
    assert_no_horizontal_scroll(phone)


def test_without_javascript_the_bulk_bar_is_always_at_hand(app, new_phone, users):
    numbers = bulk_rows(app, users["officer"], 50)
    page = new_phone(java_script_enabled=False)
    page.set_viewport_size(SIZES[1])
    login(page, "koord1", PASSWORD)
    page.goto("/tinjau")  # goto waits for the load: the stylesheet is there
    page.locator(f"#pick-{numbers[30]}").check()
    page.locator(f"#pick-{numbers[10]}").check()
    verify = page.get_by_role("button", name="Verifikasi yang dipilih")
    assert in_view(page, verify)
    verify.click()
    expect(page.locator(".flash-success")).to_have_text("2 pendaftaran diproses.")
