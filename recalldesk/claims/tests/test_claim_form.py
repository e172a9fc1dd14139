"""An owner files the demo Belkin claim through the web form, step by step, with no account."""

import os
import re
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from recalldesk.claims.form_draft import uploads_clean_stale, uploads_root
from recalldesk.claims.models import Claim, ClaimEvent, Evidence, FraudSignal
from recalldesk.claims.tests import claim_form_walk as walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CLAIM_UPLOADS_ROOT = tmp_path / "uploads"
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    return walk.demo_program(tmp_path)


def claims_tables() -> tuple[int, int, int, int]:
    return (
        Claim.objects.count(),
        Evidence.objects.count(),
        ClaimEvent.objects.count(),
        FraudSignal.objects.count(),
    )


def test_the_demo_claim_walks_every_step_and_files_store_credit_of_71_99(
    client, program, django_capture_on_commit_callbacks
):
    start = client.get(reverse("claims:start", args=[program.slug]))
    assert start.status_code == 200
    assert "MMA008" in start.content.decode()

    walk.post_step(
        client, program, "product", {"product": walk.product_id(program), "country": "US"}
    )
    walk.post_step(
        client, program, "model", {"model_number": "MMA008", "serial_number": walk.SERIAL}
    )
    walk.post_step(client, program, "proof", walk.proof_data())
    remedy_page = client.get(walk.step_url(program, "remedy")).content.decode()
    assert "Refund $59.99" in remedy_page
    assert "Store credit $71.99" in remedy_page

    walk.post_step(client, program, "remedy", {"remedy": "store_credit"})
    response = walk.post_step(client, program, "contact", walk.CONTACT)
    assert response["Location"] == walk.step_url(program, "review")
    review = client.get(walk.step_url(program, "review")).content.decode()
    assert "Store credit $71.99" in review
    assert walk.SERIAL in review
    assert "Alice Moreau" in review

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(walk.step_url(program, "review"))
    assert submitted.status_code == 302
    assert submitted["Location"] == reverse("claims:submitted", args=[program.slug])

    claim = Claim.objects.get(program=program, serial_number=walk.SERIAL)
    assert (claim.amount, claim.currency, claim.remedy) == (Decimal("71.99"), "USD", "store_credit")
    assert claim.receipt_amount == Decimal("59.99")
    assert claim.payout_method == "none"
    assert sorted(claim.evidence.values_list("kind", "label")) == [
        ("photo", "Back of the product, showing the serial number"),
        ("photo", "Front of the product"),
        ("receipt", "Receipt"),
    ]

    page = client.get(submitted["Location"]).content.decode()
    assert claim.number in page
    status_link = re.search(r'href="(http://testserver/claims/status/[^"]+/)"', page)
    assert status_link is not None
    assert client.get(status_link.group(1)).status_code == 200
    assert "lithium-ion" in page  # the program's disposal instructions

    [message] = mail.outbox
    assert message.to == ["alice.moreau@example.org"]
    assert claim.number in message.subject
    assert status_link.group(1).removeprefix("http://testserver") in message.body


def test_nothing_is_saved_to_the_claims_tables_before_submit(client, program):
    before = claims_tables()
    walk.walk_to_review(client, program)
    assert client.get(walk.step_url(program, "review")).status_code == 200

    assert claims_tables() == before
    # The files wait in the session's private folder, under names we chose.
    [folder] = list(uploads_root().iterdir())
    names = sorted(path.name for path in folder.iterdir())
    assert len(names) == 3
    assert all(re.fullmatch(r"(receipt|photo-[12])-[0-9a-f]{32}\.png", name) for name in names)

    client.post(walk.step_url(program, "review"))
    assert claims_tables()[0] == before[0] + 1
    assert not folder.exists(), "the files are removed once the claim is filed"


def test_uploads_a_day_old_are_cleaned_and_the_owner_asked_for_them_again(client, program):
    walk.walk_to_review(client, program)
    [folder] = list(uploads_root().iterdir())
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    os.utime(folder, (two_days_ago, two_days_ago))

    assert uploads_clean_stale() == 1
    assert not folder.exists()
    response = client.get(walk.step_url(program, "review"))
    assert response["Location"] == walk.step_url(program, "proof")

    # A day without an answer, and the draft itself is forgotten.
    session = client.session
    draft = session[f"claim-draft:{program.slug}"]
    draft["touched"] = two_days_ago
    session[f"claim-draft:{program.slug}"] = draft
    session.save()
    response = client.get(walk.step_url(program, "model"))
    assert response["Location"] == walk.step_url(program, "product")


def test_a_reload_of_a_step_keeps_the_answers(client, program):
    walk.walk_to_review(client, program, remedy="refund")

    model_page = client.get(walk.step_url(program, "model")).content.decode()
    assert f'value="{walk.SERIAL}"' in model_page
    assert "is included in this program" in model_page  # the verdict, shown again
    proof_page = client.get(walk.step_url(program, "proof")).content.decode()
    assert proof_page.count("Received: PNG image") == 3
    assert 'value="59.99"' in proof_page
    remedy_page = client.get(walk.step_url(program, "remedy")).content.decode()
    assert re.search(r'value="refund"[^>]*checked', remedy_page)
    contact_page = client.get(walk.step_url(program, "contact")).content.decode()
    assert 'value="Alice Moreau"' in contact_page
    assert re.search(r'value="check"[^>]*checked', contact_page)

    # Sending the proof step again without new files keeps the files already sent.
    again = walk.post_step(client, program, "proof", {"receipt_amount": "59.99"})
    assert again["Location"] == walk.step_url(program, "review")


def test_a_changed_answer_from_the_review_returns_to_the_review(client, program):
    walk.walk_to_review(client, program)
    response = walk.post_step(client, program, "proof", {"receipt_amount": "64.50"})
    assert response["Location"] == walk.step_url(program, "review")
    assert "Store credit $77.40" in client.get(response["Location"]).content.decode()


def test_a_wrong_serial_shows_the_eligibility_message_and_stays_on_the_step(client, program):
    walk.post_step(
        client, program, "product", {"product": walk.product_id(program), "country": "US"}
    )
    response = walk.post_step(
        client, program, "model", {"model_number": "MMA008", "serial_number": "58A12345678901"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "start with 57X and have 14 characters" in page
    assert 'href="#id_serial_number"' in page
    # The message is tied to its field for screen readers, and the field marked invalid.
    assert '<ul class="errorlist" id="id_serial_number_error">' in page
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*'
        r'aria-describedby="id_serial_number_helptext id_serial_number_error"',
        page,
    ) or re.search(
        r'<input[^>]*aria-describedby="id_serial_number_helptext id_serial_number_error"[^>]*'
        r'aria-invalid="true"',
        page,
    )
    assert client.get(walk.step_url(program, "proof"))["Location"] == walk.step_url(
        program, "model"
    )


def test_the_eligibility_endpoint_answers_as_the_owner_types(client, program):
    url = reverse("claims:eligibility", args=[program.slug])
    ask = {"HTTP_HX_REQUEST": "true"}

    wrong = client.get(url, {"model_number": "MMA008", "serial_number": "58A12345678901"}, **ask)
    assert "Not included" in wrong.content.decode()
    assert "start with 57X" in wrong.content.decode()
    right = client.get(url, {"model_number": "mma008", "serial_number": walk.SERIAL}, **ask)
    assert "Included in this recall program" in right.content.decode()
    no_serial = client.get(url, {"model_number": "MMA008"}, **ask).content.decode()
    assert "Serial number needed" in no_serial
    typo = client.get(url, {"model_number": "MMA00B", "serial_number": walk.SERIAL}, **ask)
    assert "Did you mean MMA008" in typo.content.decode()
    assert client.get(url, {"model_number": ""}, **ask).content.decode().strip() == ""


def errors_of(response) -> str:
    assert response.status_code == 400
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary.*?</div>', page, re.DOTALL)
    assert summary is not None, "a failed step shows the error summary"
    assert "autofocus" in summary.group(0)
    return summary.group(0)


def test_each_step_says_what_is_wrong(client, program):
    assert "Choose the product you have." in errors_of(
        walk.post_step(client, program, "product", {})
    )
    walk.post_step(
        client, program, "product", {"product": walk.product_id(program), "country": "US"}
    )

    empty = errors_of(walk.post_step(client, program, "model", {}))
    assert "Enter the model number printed on the product." in empty
    assert "Enter the serial number printed on the product." in empty
    unknown = errors_of(
        walk.post_step(client, program, "model", {"model_number": "F8J999", "serial_number": "1"})
    )
    assert "F8J999 is not a model number in this program" in unknown
    walk.post_step(
        client, program, "model", {"model_number": "MMA008", "serial_number": walk.SERIAL}
    )

    missing = errors_of(walk.post_step(client, program, "proof", {"receipt_amount": ""}))
    assert "Upload a photo: Front of the product." in missing
    assert "Upload a photo: Back of the product, showing the serial number." in missing
    no_receipt = walk.proof_data(amount="59.99", receipt=False)
    assert "Upload the receipt that shows this amount" in errors_of(
        walk.post_step(client, program, "proof", no_receipt)
    )
    # The photos of that attempt were good and are kept; a receipt now needs its amount.
    receipt_only = {"receipt": walk.png_upload("receipt.png", 1), "receipt_amount": ""}
    assert "Enter the amount on the receipt" in errors_of(
        walk.post_step(client, program, "proof", receipt_only)
    )
    negative = {"receipt_amount": "-59.99"}
    assert "must be more than zero" in errors_of(walk.post_step(client, program, "proof", negative))
    words = {"receipt_amount": "fifty"}
    assert "e.g. 59.99" in errors_of(walk.post_step(client, program, "proof", words))
    renamed = walk.proof_data()
    renamed["photo-1"] = walk.SimpleUploadedFile(
        "front.png", b"MZ\x90\x00" + b"\x00" * 400, content_type="image/png"
    )
    refused = errors_of(walk.post_step(client, program, "proof", renamed))
    assert 'href="#id_photo-1"' in refused
    walk.post_step(client, program, "proof", walk.proof_data())

    assert "Choose refund or store credit." in errors_of(
        walk.post_step(client, program, "remedy", {})
    )
    walk.post_step(client, program, "remedy", {"remedy": "refund"})

    contact = errors_of(walk.post_step(client, program, "contact", {"email": "alice@"}))
    for message in (
        "Enter your full name.",
        "Enter an e-mail address like name@example.com.",
        "Enter your street address.",
        "Enter your city.",
        "Enter your state.",
        "Enter your ZIP code.",
        "Choose how we should pay your refund.",
    ):
        assert message in contact
    paypal = dict(walk.CONTACT, payout_method="paypal")
    assert "PayPal account" in errors_of(walk.post_step(client, program, "contact", paypal))
    zip_code = dict(walk.CONTACT, payout_method="check", postal_code="9720")
    assert "ZIP code of 5 digits" in errors_of(walk.post_step(client, program, "contact", zip_code))
    assert not Claim.objects.filter(program=program).exists()


def test_steps_cannot_be_skipped(client, program):
    response = client.get(walk.step_url(program, "contact"))
    assert response["Location"] == walk.step_url(program, "product")
    assert client.get(walk.step_url(program, "review"))["Location"] == walk.step_url(
        program, "product"
    )
    assert client.get(reverse("claims:step", args=[program.slug, "nonsense"])).status_code == 404


def test_a_refund_without_receipt_pays_the_average_price_to_paypal(client, program):
    contact = dict(walk.CONTACT, payout_method="paypal", paypal_email="alice.pay@example.org")
    walk.walk_to_review(client, program, amount=None, remedy="refund", contact=contact)
    review = client.get(walk.step_url(program, "review")).content.decode()
    assert "Refund $149.99" in review
    assert "No receipt" in review
    client.post(walk.step_url(program, "review"))

    claim = Claim.objects.get(program=program, serial_number=walk.SERIAL)
    assert (claim.amount, claim.remedy, claim.receipt_amount) == (Decimal("149.99"), "refund", None)
    assert claim.payout_method == "paypal"
    assert claim.payout_details == {"paypal_email": "alice.pay@example.org"}


def test_an_owner_in_canada_sees_and_gets_canadian_dollars(client, program):
    contact = dict(
        walk.CONTACT, city="Ottawa", region="ON", postal_code="k1a0b1", payout_method="check"
    )
    walk.walk_to_review(client, program, country="CA", contact=contact)
    assert "Store credit CA$71.99" in client.get(walk.step_url(program, "review")).content.decode()
    client.post(walk.step_url(program, "review"))
    claim = Claim.objects.get(program=program, serial_number=walk.SERIAL)
    assert (claim.amount, claim.currency, claim.postal_code) == (Decimal("71.99"), "CAD", "K1A 0B1")


def test_the_same_serial_again_is_refused_at_submit_and_nothing_is_saved(client, program):
    walk.walk_to_review(client, program)
    client.post(walk.step_url(program, "review"))
    second = Client()
    walk.walk_to_review(second, program, contact=dict(walk.CONTACT, email="bob@example.org"))
    before = claims_tables()

    response = second.post(walk.step_url(program, "review"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "A claim for this serial number was already filed on" in page
    assert f'href="{walk.step_url(program, "model")}"' in page
    assert claims_tables() == before


def test_a_second_click_on_submit_shows_the_first_claim_and_files_no_other(client, program):
    walk.walk_to_review(client, program)
    first = client.post(walk.step_url(program, "review"))
    second = client.post(walk.step_url(program, "review"))

    assert (
        second["Location"] == first["Location"] == reverse("claims:submitted", args=[program.slug])
    )
    assert Claim.objects.filter(program=program).count() == 1


def test_the_form_needs_the_csrf_token(program):
    client = Client(enforce_csrf_checks=True)
    data = {"product": walk.product_id(program), "country": "US"}
    assert walk.post_step(client, program, "product", data).status_code == 403
    page = client.get(walk.step_url(program, "product")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data["csrfmiddlewaretoken"] = token
    assert walk.post_step(client, program, "product", data).status_code == 302


@pytest.mark.usefixtures("rate_limit_clock_held")
def test_the_submit_step_is_rate_limited(client, program, settings):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLED = True
    cache.clear()
    walk.walk_to_review(client, program)
    answers = [client.post(walk.step_url(program, "review")).status_code for _ in range(11)]
    assert answers[0] == 302
    assert answers[-1] == 429
    assert Claim.objects.filter(program=program).count() == 1
    cache.clear()


def test_a_closed_or_unknown_program_has_no_form(client, program):
    assert client.get(reverse("claims:start", args=["no-such-program"])).status_code == 404
    program.closes_at = program.opens_at
    program.save(update_fields=["closes_at"])
    assert client.get(reverse("claims:start", args=[program.slug])).status_code == 404


def test_the_recall_page_offers_file_a_claim_only_while_a_program_is_open(client, program):
    page = client.get(reverse("registry:recall_detail", args=["26-090"])).content.decode()
    assert f'href="{reverse("claims:start", args=[program.slug])}"' in page
    assert "File a claim" in page
    other = client.get(reverse("registry:recall_detail", args=["25-338"])).content.decode()
    assert "file-a-claim" not in other

    program.closes_at = program.opens_at
    program.save(update_fields=["closes_at"])
    closed = client.get(reverse("registry:recall_detail", args=["26-090"])).content.decode()
    assert "file-a-claim" not in closed
