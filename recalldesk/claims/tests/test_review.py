"""A reviewer approves, rejects, or asks for more; the owner answers through the e-mailed link."""

from decimal import Decimal

import pytest
from django.conf import settings

from recalldesk.accounts.errors import FirmNotFound, PermissionDenied
from recalldesk.accounts.models import Role
from recalldesk.accounts.tests import factories
from recalldesk.claims.evidence import EvidenceRejected
from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus, Evidence
from recalldesk.claims.review import (
    ApprovalRefused,
    InformationLinkInvalid,
    ReviewInputInvalid,
    claim_add_information,
    claim_approve,
    claim_reject,
    claim_request_info,
    claim_start_review,
)
from recalldesk.claims.states import ClaimStateError
from recalldesk.claims.tests.review_helpers import file_claim, staff
from recalldesk.claims.tests.submit_helpers import (
    belkin_program,
    evidence_root,  # noqa: F401 (fixture)
    picture_bytes,
    upload,
)
from recalldesk.ledger.models import EntryKind, LedgerEntry, StoreCredit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture
def program():
    return belkin_program()


@pytest.fixture
def rosa(program):
    return staff(program, "rosa")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (e-mails) as the block ends, as a real request would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def ledger(claim):
    return sorted(LedgerEntry.objects.filter(claim=claim).values_list("kind", "amount", "currency"))


def history(claim):
    return list(
        ClaimEvent.objects.filter(claim=claim).values_list(
            "actor_label", "from_status", "to_status"
        )
    )


def test_approving_a_refund_posts_what_is_owed(program, rosa, mailoutbox, run_on_commit):
    claim = file_claim(program, remedy="refund", country="CA", receipt_amount=None)
    mailoutbox.clear()

    with run_on_commit():
        claim_approve(claim=claim, actor=rosa)

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    # No receipt: the model's average price in Canada.
    assert ledger(claim) == [(EntryKind.REFUND_DUE, Decimal("119.99"), "CAD")]
    assert history(claim)[-1] == ("Rosa Demo", ClaimStatus.SUBMITTED, ClaimStatus.APPROVED)
    assert not StoreCredit.objects.filter(claim=claim).exists()


def test_approving_store_credit_issues_and_emails_the_code(
    program, rosa, mailoutbox, run_on_commit
):
    claim = file_claim(program)
    mailoutbox.clear()

    with run_on_commit():
        claim_approve(claim=claim, actor=rosa)

    assert claim.status == ClaimStatus.CREDITED
    credit = StoreCredit.objects.get(claim=claim)
    # $59.99 receipt with Belkin's 20% bonus.
    assert (credit.value, credit.currency) == (Decimal("71.99"), "USD")
    assert ledger(claim) == [
        (EntryKind.STORE_CREDIT_DUE, Decimal("71.99"), "USD"),
        (EntryKind.STORE_CREDIT_ISSUED, Decimal("71.99"), "USD"),
    ]
    assert [to for _, _, to in history(claim)] == ["submitted", "approved", "credited"]
    [email] = mailoutbox
    assert email.to == [claim.email]
    assert credit.code[:4] + "-" + credit.code[4:8] in email.body


def test_approving_from_review_works_and_a_second_approval_is_refused(program, rosa):
    claim = file_claim(program, remedy="refund")
    claim_start_review(claim=claim, actor=rosa)
    claim_approve(claim=claim, actor=rosa, note="Receipt matches.")

    with pytest.raises(ClaimStateError, match=f"Claim {claim.number} is already approved"):
        claim_approve(claim=Claim.objects.get(pk=claim.pk), actor=rosa)

    assert ledger(claim) == [(EntryKind.REFUND_DUE, Decimal("59.99"), "USD")]
    assert ClaimEvent.objects.filter(claim=claim).last().note == "Receipt matches."


def test_rejecting_tells_the_owner_why(program, rosa, mailoutbox, run_on_commit):
    claim = file_claim(program)
    mailoutbox.clear()
    reason = "The serial number on the photo is 58A12345678901, which is not in this recall."

    with run_on_commit():
        claim_reject(claim=claim, actor=rosa, reason=f"  {reason}\n")

    claim.refresh_from_db()
    assert (claim.status, claim.owner_note) == (ClaimStatus.REJECTED, reason)
    assert ClaimEvent.objects.filter(claim=claim).last().note == reason
    assert ledger(claim) == []
    [email] = mailoutbox
    assert email.subject == f"Claim {claim.number} was not approved"
    assert reason in email.body
    assert reason in email.alternatives[0][0]


def test_a_rejection_needs_a_reason(program, rosa, mailoutbox):
    claim = file_claim(program)
    with pytest.raises(ReviewInputInvalid, match="Write the reason"):
        claim_reject(claim=claim, actor=rosa, reason="   ")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_rejected_claim_cannot_be_approved(program, rosa):
    claim = file_claim(program)
    claim_reject(claim=claim, actor=rosa, reason="Not the recalled model.")

    with pytest.raises(ClaimStateError, match="rejected, so it cannot become approved"):
        claim_approve(claim=claim, actor=rosa)
    assert ledger(claim) == []


def test_asking_for_information_then_the_owner_answers(program, rosa, mailoutbox, run_on_commit):
    claim = file_claim(program)
    mailoutbox.clear()
    message = "The back of the product is blurred; send a sharper photo of the serial number."

    with run_on_commit():
        token = claim_request_info(claim=claim, actor=rosa, message=message)

    claim.refresh_from_db()
    assert (claim.status, claim.owner_note) == (ClaimStatus.NEEDS_INFO, message)
    assert token not in claim.upload_token_hash, "only the hash is kept"
    [email] = mailoutbox
    assert email.subject == f"Claim {claim.number}: we need more information"
    assert message in email.body
    [link] = [word for word in email.body.split() if token in word]
    assert link.startswith(settings.SITE_URL + "/") and link.endswith(f"/{token}/")
    assert f'href="{link}"' in email.alternatives[0][0]
    evidence_before = Evidence.objects.filter(claim=claim).count()

    photo = upload("serial.jpg", picture_bytes(seed=77))
    claim_add_information(token=token, files=[photo], note="Here is a sharper one.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED, "back in the queue"
    assert (claim.upload_token_hash, claim.owner_note) == ("", "")
    added = Evidence.objects.filter(claim=claim).order_by("id").last()
    assert Evidence.objects.filter(claim=claim).count() == evidence_before + 1
    assert (added.kind, added.content_type) == ("photo", "image/jpeg")
    assert history(claim)[-2:] == [
        ("Rosa Demo", ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_INFO),
        ("owner", ClaimStatus.NEEDS_INFO, ClaimStatus.SUBMITTED),
    ]
    assert ClaimEvent.objects.filter(claim=claim).last().note == "Here is a sharper one."

    with pytest.raises(InformationLinkInvalid, match="already used"):
        claim_add_information(token=token, files=[], note="Again.")


def test_a_receipt_added_on_request_is_checked_against_other_claims(program, rosa):
    first = file_claim(program, 1)
    second = file_claim(program, 2)
    token = claim_request_info(claim=second, actor=rosa, message="Send the receipt again.")
    assert not second.fraud_signals.exists()

    # The receipt owner 1 sent with the first claim (file_claim's receipt of owner n).
    claim_add_information(token=token, files=[upload("receipt.jpg", picture_bytes(seed=1001))])

    signal = second.fraud_signals.get(related_claim=first)
    assert signal.code == "duplicate_photo"  # files sent on request are kept as photos
    assert "the same file as the receipt" in signal.reason
    assert first.number in signal.reason


def test_a_new_request_for_information_replaces_the_earlier_link(program, rosa):
    claim = file_claim(program)
    first_link = claim_request_info(claim=claim, actor=rosa, message="Send the receipt.")
    second_link = claim_request_info(
        claim=claim, actor=rosa, message="Our e-mail bounced; send the receipt here."
    )

    with pytest.raises(InformationLinkInvalid):
        claim_add_information(token=first_link, files=[], note="Here it is.")
    claim_add_information(token=second_link, files=[], note="Here it is.")

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert history(claim)[-3:] == [
        ("Rosa Demo", ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_INFO),
        ("Rosa Demo", ClaimStatus.NEEDS_INFO, ClaimStatus.NEEDS_INFO),
        ("owner", ClaimStatus.NEEDS_INFO, ClaimStatus.SUBMITTED),
    ]


def test_the_information_link_is_refused_once_the_claim_is_decided(program, rosa):
    claim = file_claim(program)
    token = claim_request_info(claim=claim, actor=rosa, message="Send the receipt.")
    claim_reject(claim=claim, actor=rosa, reason="No answer within 30 days.")

    with pytest.raises(InformationLinkInvalid):
        claim_add_information(token=token, files=[], note="Sorry, here it is.")
    with pytest.raises(InformationLinkInvalid):
        claim_add_information(token="not-a-token", files=[], note="Hello.")


def test_the_owner_must_send_something_and_a_bad_file_saves_nothing(program, rosa):
    claim = file_claim(program)
    token = claim_request_info(claim=claim, actor=rosa, message="Send the receipt.")
    evidence_before = Evidence.objects.filter(claim=claim).count()

    with pytest.raises(ReviewInputInvalid, match="Add a file or write a note"):
        claim_add_information(token=token, files=[], note="  ")
    with pytest.raises(EvidenceRejected):
        claim_add_information(
            token=token, files=[upload("receipt.txt", b"just text", "text/plain")], note="x"
        )

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.NEEDS_INFO
    assert Evidence.objects.filter(claim=claim).count() == evidence_before
    claim_add_information(token=token, files=[], note="I paid cash; I have no receipt.")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_viewer_cannot_decide_and_another_firm_does_not_see_the_claim(program, rosa):
    claim = file_claim(program)
    vera = staff(program, "vera", role=Role.VIEWER)
    # Dan runs Anker (recall 25-338): an admin, but of another firm.
    dan = factories.anker().memberships.get().user

    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\)"):
        claim_approve(claim=claim, actor=vera)
    for decide in (
        lambda: claim_approve(claim=claim, actor=dan),
        lambda: claim_reject(claim=claim, actor=dan, reason="No."),
        lambda: claim_request_info(claim=claim, actor=dan, message="More."),
        lambda: claim_start_review(claim=claim, actor=dan),
    ):
        with pytest.raises(FirmNotFound):
            decide()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert ledger(claim) == []


def test_an_approval_the_ledger_refuses_is_not_saved(program, rosa):
    claim = file_claim(program, remedy="refund")
    # As a data fix gone wrong could leave it: nothing to pay.
    Claim.objects.filter(pk=claim.pk).update(amount=Decimal("0.00"))
    claim.refresh_from_db()

    with pytest.raises(ApprovalRefused, match="no amount to pay") as refused:
        claim_approve(claim=claim, actor=rosa)

    assert isinstance(refused.value, ClaimStateError)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert ledger(claim) == []
    assert history(claim) == [("owner", "", ClaimStatus.SUBMITTED)]
