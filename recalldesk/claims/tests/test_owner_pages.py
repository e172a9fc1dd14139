"""The owner's side through HTTP: the status page in plain words, disposal, adding information.

The claims are filed with claim_submit under Belkin's program for the real recall 26-090;
a reviewer of the firm decides them with the review services, as the back office does.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from recalldesk.accounts.models import FirmAccount, Membership, Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.models import ClaimStatus, DestructionProof, EvidenceKind
from recalldesk.claims.review import claim_approve, claim_reject, claim_request_info
from recalldesk.claims.services import claim_submit
from recalldesk.claims.tests.submit_helpers import (
    belkin_program,
    evidence_files,
    evidence_root,  # noqa: F401 (fixture)
    picture_bytes,
    submission,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def filed(destruction=None, **terms):
    """A claim under Belkin's program and its status page's address."""
    program = belkin_program(**terms)
    receipt = claim_submit(program=program, submission=submission(destruction=destruction))
    return receipt.claim, reverse("claims:status", args=[receipt.status_token])


@pytest.fixture
def reviewer(db):
    # The firm belkin_program files under, made first so the reviewer can join it.
    program_firm, _ = FirmAccount.objects.get_or_create(
        slug="belkin-demo", defaults={"name": "Belkin International Inc. (demo)"}
    )
    user = factories.staff_user("rosa", "belkin.example")
    Membership.objects.create(user=user, firm_account=program_firm, role=Role.REVIEWER)
    return user


def disposal_url(status_url: str) -> str:
    return status_url + "disposal/"


def test_the_status_page_says_each_state_in_plain_words_with_the_amount(reviewer):
    claim, status_url = filed()
    page = Client().get(status_url).content.decode()
    assert "We received your claim." in page
    assert dateformat.format(timezone.localtime(claim.submitted_at), "F j, Y") in page
    claim_approve(claim=claim, actor=reviewer)
    page = Client().get(status_url).content.decode()
    assert "Your claim was approved for $71.99." in page
    assert "Your store credit of $71.99 was issued" in page
    assert "Store credit issued" in page


def test_a_rejection_shows_the_reason_and_still_asks_for_disposal(reviewer):
    claim, status_url = filed()
    claim_reject(
        claim=claim, actor=reviewer, reason="The serial 57X00000000001 was claimed before."
    )
    page = Client().get(status_url).content.decode()
    assert "Your claim was not approved." in page
    assert "The serial 57X00000000001 was claimed before." in page
    # Even a rejected owner must get the hazard out of the house.
    assert "I have disposed of it" in page


def test_disposal_with_the_photo_the_program_asks_for():
    claim, status_url = filed(
        destruction_proof=DestructionProof.PHOTO,
        destruction=upload("cord.jpg", picture_bytes(seed=30)),
    )
    page = Client().get(status_url).content.decode()
    assert "I have disposed of it" in page
    assert 'name="photo"' in page

    client = Client()
    missing = client.post(disposal_url(status_url), {"disposed": "yes"})
    assert missing.status_code == 400
    assert "asks for a photo" in missing.content.decode()
    claim.refresh_from_db()
    assert claim.disposal_confirmed_at is None

    not_a_photo = client.post(
        disposal_url(status_url),
        {"disposed": "yes", "photo": upload("cut.jpg", b"plain text, not a photo", "image/jpeg")},
    )
    assert not_a_photo.status_code == 400
    assert claim.evidence.filter(kind=EvidenceKind.DISPOSAL).count() == 0

    files_before = len(evidence_files())
    done = client.post(
        disposal_url(status_url),
        {"disposed": "yes", "photo": upload("cut.jpg", picture_bytes(seed=42))},
    )
    assert done.status_code == 302
    claim.refresh_from_db()
    assert claim.disposal_confirmed_at is not None
    disposal = claim.evidence.get(kind=EvidenceKind.DISPOSAL)
    assert disposal.content_type == "image/jpeg"
    assert len(evidence_files()) == files_before + 1

    page = client.get(status_url).content.decode()
    assert "You confirmed disposal on" in page
    assert "I have disposed of it" not in page
    again = client.post(
        disposal_url(status_url),
        {"disposed": "yes", "photo": upload("cut.jpg", picture_bytes(seed=43))},
    )
    assert again.status_code == 400
    assert "already confirmed" in again.content.decode()
    assert claim.evidence.filter(kind=EvidenceKind.DISPOSAL).count() == 1


def test_disposal_without_a_photo_when_the_program_asks_none():
    claim, status_url = filed(destruction_proof=DestructionProof.NONE)
    page = Client().get(status_url).content.decode()
    assert 'name="photo"' not in page
    unticked = Client().post(disposal_url(status_url), {})
    assert unticked.status_code == 400
    assert "Tick the box" in unticked.content.decode()
    assert Client().post(disposal_url(status_url), {"disposed": "yes"}).status_code == 302
    claim.refresh_from_db()
    assert claim.disposal_confirmed_at is not None
    assert not claim.evidence.filter(kind=EvidenceKind.DISPOSAL).exists()


def test_an_unknown_status_link_has_no_disposal_page():
    assert Client().get("/claims/status/not-a-token/disposal/").status_code == 404


def _information_link(django_capture_on_commit_callbacks, claim, reviewer) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        claim_request_info(
            claim=claim, actor=reviewer, message="Send a photo of the label with the serial."
        )
    (message,) = [m for m in mail.outbox if claim.number in m.body]
    return re.search(r"https?://\S+/claims/information/\S+/", message.body).group(0)


def test_the_owner_adds_information_from_the_emailed_link(
    reviewer, django_capture_on_commit_callbacks
):
    claim, status_url = filed()
    link = _information_link(django_capture_on_commit_callbacks, claim, reviewer)
    path = link[link.index("/claims/") :]
    status_page = Client().get(status_url).content.decode()
    assert "Send a photo of the label with the serial." in status_page

    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert "Send a photo of the label with the serial." in page.content.decode()
    empty = client.post(path, {"note": "  "})
    assert empty.status_code == 400
    assert "Add a file or write a note" in empty.content.decode()

    sent = client.post(
        path,
        {
            "note": "The label photo, as asked.",
            "files": [upload("label.png", picture_bytes(seed=7, image_format="PNG"), "image/png")],
        },
    )
    assert sent.status_code == 302
    thanks = client.get(sent["Location"]).content.decode()
    assert claim.number in thanks
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.evidence.filter(label__startswith="Added").count() == 1
    assert "your claim is back in the queue" in Client().get(status_url).content.decode()
    # One use: the link is dead now.
    assert Client().get(path).status_code == 404


def test_a_bad_file_keeps_the_link_and_saves_nothing(reviewer, django_capture_on_commit_callbacks):
    claim, _ = filed()
    link = _information_link(django_capture_on_commit_callbacks, claim, reviewer)
    path = link[link.index("/claims/") :]
    evidence_before = claim.evidence.count()
    response = Client().post(
        path, {"note": "here", "files": [upload("label.jpg", b"not a picture", "image/jpeg")]}
    )
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO
    assert claim.evidence.count() == evidence_before
    assert Client().get(path).status_code == 200


def test_an_unknown_information_link_is_404():
    assert Client().get("/claims/information/not-a-token/").status_code == 404
