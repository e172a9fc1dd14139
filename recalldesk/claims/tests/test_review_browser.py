"""The demo reviewer in headless Chromium approves the demo Belkin claim an owner just filed.

The owner's filing is walked with Django's test client (test_claim_browser.py walks it in the
browser); from the log-in on, everything is what a reviewer does with keyboard and mouse.
Set RECALLDESK_SHOTS=/some/folder to keep a screenshot of every step.
"""

import os
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from recalldesk.claims.models import Claim, ClaimStatus
from recalldesk.claims.tests import claim_form_walk as walk
from recalldesk.claims.tests.programs_setup import demo
from recalldesk.ledger.codes import store_credit_code_format
from recalldesk.ledger.models import StoreCredit
from recalldesk.registry.tests import browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("RECALLDESK_SHOTS", "")
REVIEWER = "demo-reviewer@belkin.example"


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"review-{name}.png"), full_page=True)


@pytest.fixture
def filed(live_server, settings, tmp_path, smtp_server):
    """The demo program with the demo claim filed, its status page and the reviewer's password."""
    # live_server flushes the database after each test, so an earlier one may have emptied it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAIM_UPLOADS_ROOT = tmp_path / "uploads"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    settings.SITE_URL = live_server.url
    browser.ensure_bundled_recall("26-090")
    setup = demo(tmp_path)
    owner = Client()
    walk.walk_to_review(owner, setup.program)
    owner.post(walk.step_url(setup.program, "review"))
    page = owner.get(reverse("claims:submitted", args=[setup.program.slug])).content.decode()
    status_path = re.search(r'href="http://testserver(/claims/status/[^"]+/)"', page).group(1)
    assert len(smtp_server.wait_for(1)) == 1  # the claim's confirmation
    password = {email: password for email, _, password in setup.credentials}[REVIEWER]
    claim = Claim.objects.get(program=setup.program, serial_number=walk.SERIAL)
    return claim, live_server.url + status_path, password


def test_the_demo_reviewer_approves_the_demo_claim_and_the_owner_gets_store_credit(
    live_server, filed, smtp_server
):
    claim, status_url, password = filed
    with browser.chromium_page(viewport=browser.DESKTOP) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(REVIEWER)
        page.get_by_label("Password").fill(password)
        page.get_by_label("Password").press("Enter")
        page.goto(f"{live_server.url}/firm/programs/")
        page.get_by_role(
            "link", name="Belkin power bank and charging stand recall (demo)", exact=True
        ).click()
        page.get_by_role("link", name="Review queue").click()
        shot(page, "01-queue")

        # The new claim is counted and found among the submitted ones.
        submitted = page.get_by_role("navigation", name="Claims by status").locator(
            '[data-status="submitted"]'
        )
        assert submitted.locator(".count").inner_text() == "1"
        submitted.click()
        page.get_by_role("link", name=claim.number).click()
        shot(page, "02-claim")
        assert "Alice Moreau" in page.locator("main").inner_text()
        # The evidence viewer: each photo zooms from the keyboard.
        page.get_by_role("button", name=re.compile("^Zoom in")).first.focus()
        page.keyboard.press("Enter")
        zoomed = page.locator(".evidence-figure.zoomed")
        assert zoomed.count() == 1
        assert zoomed.get_by_role("button").get_attribute("aria-pressed") == "true"
        assert zoomed.get_by_role("button").inner_text().startswith("Zoom out")
        page.get_by_role("button", name=re.compile(r"^Approve: store credit \$71\.99")).click()
        page.get_by_text(f"Claim {claim.number} was approved.").wait_for()
        shot(page, "03-approved")
        assert "Store credit issued" in page.locator(".claim-title").inner_text()

        confirmation, message = smtp_server.wait_for(2)
        assert claim.number in confirmation["Subject"]
        assert message["To"] == "alice.moreau@example.org"
        credit = StoreCredit.objects.get(claim=claim)
        assert store_credit_code_format(credit.code) in message.get_body(("plain",)).get_content()

        page.goto(status_url)
        shot(page, "04-status")
        assert page.locator(".status-label").inner_text() == ClaimStatus.CREDITED.label
        assert "$71.99" in page.locator("main").inner_text()
