"""The owner's private status page, reached only through the token of their confirmation."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.timezone import localtime

from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus
from recalldesk.claims.tests import claim_form_walk as walk
from recalldesk.money import Money
from recalldesk.notify.services import email_render

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAIM_UPLOADS_ROOT = tmp_path / "uploads"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return walk.demo_program(tmp_path)


@pytest.fixture
def filed(client, program) -> tuple[Claim, str]:
    """The demo claim filed through the form, and its status page's address."""
    walk.walk_to_review(client, program)
    client.post(walk.step_url(program, "review"))
    page = client.get(reverse("claims:submitted", args=[program.slug])).content.decode()
    status_url = re.search(r'href="http://testserver(/claims/status/[^"]+/)"', page).group(1)
    return Claim.objects.get(program=program, serial_number=walk.SERIAL), status_url


def test_the_status_page_shows_the_claim_in_plain_words(filed):
    claim, status_url = filed
    response = Client().get(status_url)  # another browser: the link alone opens it

    assert response.status_code == 200
    page = response.content.decode()
    assert claim.number in page
    assert '<p class="status-label">Submitted</p>' in page
    assert localtime(claim.submitted_at).strftime("%B") in page
    assert "Auto-Tracking Stand Pro" in page
    assert walk.SERIAL in page
    assert "Store credit" in page
    assert "$71.99" in page
    assert "U.S. dollar" in page
    assert "A reviewer at Belkin International Inc. (demo) checks your claim" in page
    assert "Alice Moreau" in page


def test_the_status_page_keeps_personal_data_and_itself_private(filed):
    claim, status_url = filed
    response = Client().get(status_url)

    page = response.content.decode()
    for private_detail in (claim.email, claim.phone, claim.address_line1, claim.postal_code):
        assert private_detail not in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "noindex" in response["X-Robots-Tag"]


def test_an_unknown_or_malformed_token_is_not_found(filed):
    _, status_url = filed
    token = status_url.rstrip("/").rsplit("/", 1)[1]
    client = Client()
    assert client.get(reverse("claims:status", args=[token[:-1] + "A"])).status_code == 404
    assert client.get(reverse("claims:status", args=["x" * 500])).status_code == 404
    assert client.get("/claims/status/%20/").status_code == 404


def test_later_states_show_with_their_dates_and_the_owners_reason(filed):
    claim, status_url = filed
    submitted = claim.events.get()
    ClaimEvent.objects.create(
        claim=claim,
        actor_label="Reviewer",
        from_status=ClaimStatus.SUBMITTED,
        to_status=ClaimStatus.IN_REVIEW,
        note="Internal: check photo 2 closely",
    )
    rejected = ClaimEvent.objects.create(
        claim=claim,
        actor_label="Reviewer",
        from_status=ClaimStatus.IN_REVIEW,
        to_status=ClaimStatus.REJECTED,
        note="The serial number in the photo is 58A, not 57X.",
    )
    ClaimEvent.objects.filter(pk=rejected.pk).update(at=submitted.at + timedelta(days=3))
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.REJECTED)

    page = Client().get(status_url).content.decode()
    assert '<p class="status-label">Rejected</p>' in page
    history = re.search(r'<ol class="history">(.*?)</ol>', page, re.DOTALL).group(1)
    labels = re.findall(r"<strong>([^<]+)</strong>", history)
    assert labels == ["Submitted", "In review", "Rejected"]
    assert localtime(submitted.at + timedelta(days=3)).strftime("%B %-d, %Y") in history
    assert "The serial number in the photo is 58A, not 57X." in history
    assert "Internal: check photo 2 closely" not in page


def test_the_confirmation_email_has_the_number_the_link_and_the_amount(filed, settings):
    claim, status_url = filed
    message = email_render(
        to=claim.email,
        subject_template="claims/email/claim_confirmation_subject.txt",
        text_template="claims/email/claim_confirmation.txt",
        html_template="claims/email/claim_confirmation.html",
        context={
            "claim": claim,
            "status_url": settings.SITE_URL + status_url,
            "program": claim.program,
            "amount": Money(claim.amount, claim.currency),
        },
    )
    assert message["subject"] == f"Claim {claim.number} received: {claim.program.name}"
    for body in (message["text"], message["html"]):
        assert claim.number in body
        assert settings.SITE_URL + status_url in body
        assert "$71.99" in body
        assert "Never put it in household trash" in body
    assert "Hello Alice Moreau," in message["text"]
    assert "&amp;" not in message["text"]
