"""An owner in headless Chromium files the demo Belkin claim from the recall page.

Set RECALLDESK_SHOTS=/some/folder to keep a screenshot of every step at each width.
"""

import os
import re
from pathlib import Path

import pytest

from recalldesk.claims.tests import claim_form_walk as walk
from recalldesk.registry.tests import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("RECALLDESK_SHOTS", "")


@pytest.fixture
def belkin(live_server, settings, tmp_path) -> str:
    # live_server flushes the database after each test, so an earlier one may have emptied it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAIM_UPLOADS_ROOT = tmp_path / "uploads"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.SITE_URL = live_server.url
    browser.ensure_bundled_recall("26-090")
    walk.demo_program(tmp_path)
    return live_server.url


def shot(page, name: str, width: int) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


def png_file(name: str, seed: int, text: str = "") -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": walk.png(seed, text=text)}


@pytest.mark.parametrize("viewport", [browser.PHONE, browser.DESKTOP], ids=["phone", "desktop"])
def test_file_the_demo_claim_from_the_recall_page_and_see_it_submitted(
    belkin, viewport, smtp_server
):
    width = viewport["width"]
    with browser.chromium_page(viewport=viewport) as page:
        page.goto(f"{belkin}/recalls/26-090/")
        shot(page, "00-recall", width)
        page.get_by_role("link", name="File a claim").click()
        shot(page, "01-start", width)
        page.get_by_role("link", name="Start your claim").click()

        page.get_by_label("Auto-Tracking Stand Pro, model MMA008").check()
        page.get_by_label("United States").check()
        shot(page, "02-product", width)
        page.get_by_role("button", name="Continue").click()

        assert page.get_by_label("Model number", exact=True).input_value() == "MMA008"
        page.wait_for_function("window.htmx !== undefined")
        page.get_by_label("Serial number", exact=True).press_sequentially("57X0000000000")
        verdict = page.locator("#eligibility")
        verdict.get_by_text("Serial numbers of MMA008 in this recall").wait_for()
        page.get_by_label("Serial number", exact=True).press("1")
        verdict.get_by_text("Included in this recall program").wait_for()
        shot(page, "03-model", width)
        page.get_by_role("button", name="Continue").click()

        page.get_by_label("Receipt (optional)").set_input_files(
            png_file("receipt.png", 1, "BELKIN MMA008 59.99")
        )
        page.get_by_label("Amount on the receipt (USD)").fill("59.99")
        page.get_by_label("Photo: Front of the product").set_input_files(png_file("front.png", 2))
        page.get_by_label("Photo: Back of the product, showing the serial number").set_input_files(
            png_file("back.png", 3)
        )
        shot(page, "04-proof", width)
        page.get_by_role("button", name="Continue").click()

        store_credit = page.get_by_label(re.compile(r"^Store credit \$71\.99"))
        assert page.get_by_label(re.compile(r"^Refund \$59\.99")).count() == 1
        store_credit.check()
        shot(page, "05-remedy", width)
        page.get_by_role("button", name="Continue").click()

        for label, value in [
            ("Full name", "Alice Moreau"),
            ("E-mail address", "alice.moreau@example.org"),
            ("Street address", "12 Harbor Street"),
            ("City", "Portland"),
            ("State", "OR"),
            ("ZIP code", "97201"),
        ]:
            page.get_by_label(label, exact=True).fill(value)
        shot(page, "06-contact", width)
        page.get_by_role("button", name="Continue").click()

        assert "Store credit $71.99" in page.locator(".review-amount").inner_text()
        shot(page, "07-review", width)
        page.get_by_role("button", name="Submit claim").click()

        number = page.locator("#claim-number").inner_text()
        assert re.fullmatch(r"RD-[0-9A-Z]{4}-[0-9A-Z]{4}", number)
        shot(page, "08-submitted", width)
        page.locator(".status-link a").click()
        assert page.locator(".status-label").inner_text() == "Submitted"
        assert number in page.get_by_role("heading", level=1).inner_text()
        shot(page, "09-status", width)

    [message] = smtp_server.wait_for(1)
    assert message["To"] == "alice.moreau@example.org"
    assert number in message["Subject"]
    assert "$71.99" in message.get_body(("plain",)).get_content()


def test_a_failed_step_puts_the_keyboard_on_the_error_summary(belkin):
    with browser.chromium_page(viewport=browser.PHONE) as page:
        page.goto(f"{belkin}/claims/belkin-26-090/product/")
        page.get_by_role("button", name="Continue").click()
        summary = page.locator(".error-summary")
        assert "Choose the product you have." in summary.inner_text()
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        shot(page, "02-product-errors", browser.PHONE["width"])

        # The keyboard alone: Tab to the summary's link, Enter moves to the field, arrows choose,
        # Tab leaves the group (no trap), Space picks the country, Enter on Continue sends.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Choose the product you have."
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "id_product_0"
        page.keyboard.press("ArrowDown")
        assert page.get_by_label("Auto-Tracking Stand Pro, model MMA008").is_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "id_country_0"
        page.keyboard.press("Space")
        assert page.get_by_label("United States").is_checked()
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Continue"
        page.keyboard.press("Enter")

        page.get_by_label("Serial number", exact=True).fill("58A12345678901")
        page.get_by_label("Serial number", exact=True).press("Enter")
        assert "start with 57X" in page.locator(".error-summary").inner_text()
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")
        shot(page, "03-model-errors", browser.PHONE["width"])
