"""A person in headless Chromium: search for Belkin, open 26-090, read how many were sold."""

import re

import pytest

from recalldesk.registry.tests import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def belkin(live_server) -> str:
    # live_server flushes the database after each test, so an earlier one may have emptied it.
    browser.ensure_bundled_recall("26-090")
    return live_server.url


@pytest.mark.parametrize("viewport", [browser.PHONE, browser.DESKTOP], ids=["phone", "desktop"])
def test_search_belkin_open_26_090_and_read_the_units(belkin, viewport):
    with browser.chromium_page(viewport=viewport) as page:
        page.goto(f"{belkin}/")
        page.get_by_label("Model number, product or brand").fill("Belkin")
        page.get_by_role("button", name="Search recalls").click()
        page.wait_for_url(re.compile(r"/recalls/\?q=Belkin$"))

        page.get_by_role("link", name=re.compile("Belkin Recalls Portable Power Banks")).click()
        page.wait_for_url(f"{belkin}/recalls/26-090/")

        units = page.locator("#units-title + .units").inner_text()
        assert "83,500" in units
        assert "2,385" in units
        assert page.get_by_role("heading", level=1).count() == 1


def test_a_filter_updates_the_list_in_place_and_the_address(belkin):
    with browser.chromium_page() as page:
        page.goto(f"{belkin}/recalls/?q=Belkin")
        page.wait_for_function("window.htmx !== undefined")
        assert "26-090" in page.locator("#results").inner_text()
        # A full page load would forget this; an htmx swap keeps it.
        page.evaluate("window.sameDocument = true")
        page.locator("summary", has_text="Filters").click()
        page.get_by_label("Remedy", exact=True).select_option("Repair")

        page.wait_for_url(re.compile(r"remedy_type=Repair"))
        page.wait_for_function("!document.querySelector('#results').innerText.includes('26-090')")
        assert page.evaluate("window.sameDocument") is True
        assert page.get_by_label("Remedy", exact=True).input_value() == "Repair"


def test_the_skip_link_is_the_first_stop_for_the_keyboard(belkin):
    with browser.chromium_page() as page:
        page.goto(f"{belkin}/recalls/26-090/")
        page.keyboard.press("Tab")

        focused = page.evaluate("document.activeElement.textContent")
        assert focused == "Skip to main content"
