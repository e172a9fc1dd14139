"""Filing a claim through claim_submit: the acceptance cases of the claims issue.

Every refusal gets a clear message and leaves nothing saved: no claim, evidence row, fraud
signal, history event, idempotency key or evidence file.
"""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import timezone

from recalldesk.claims import services
from recalldesk.claims.models import Claim, ClaimEvent, ClaimStatus, Evidence
from recalldesk.claims.numbers import claim_number_is_valid, status_token_hash
from recalldesk.claims.services import ClaimRejected, claim_get_by_status_token, claim_submit
from recalldesk.claims.tests.submit_helpers import (
    BACK,
    FRONT,
    belkin_program,
    evidence_files,
    evidence_root,  # noqa: F401 (fixture)
    nothing_saved,
    picture_bytes,
    png_of_size,
    receipt_file,
    submission,
    upload,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("evidence_root")]


@pytest.fixture
def program():
    return belkin_program()


def refused(program, sent, **keywords) -> ClaimRejected:
    """The refusal of a submission, asserting it saved nothing."""
    with nothing_saved(), pytest.raises(ClaimRejected) as caught:
        claim_submit(program=program, submission=sent, **keywords)
    return caught.value


def test_the_acceptance_claim_is_filed_with_store_credit_of_71_99(
    program, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        receipt = claim_submit(program=program, submission=submission())

    claim = Claim.objects.get()
    assert receipt.created is True
    assert receipt.claim == claim
    assert claim_number_is_valid(claim.number)
    assert claim.status == ClaimStatus.SUBMITTED
    assert (claim.amount, claim.currency, claim.remedy) == (Decimal("71.99"), "USD", "store_credit")
    assert claim.receipt_amount == Decimal("59.99")
    assert claim.product.model_number == "MMA008"
    assert claim.payout_method == "none"
    assert claim.email_normalized == "jordan.rivera@example.org"
    assert claim.phone_normalized == "3105550123"
    assert claim.address_normalized == "555 s aviation blvd el segundo ca 90245"
    # The token opens the status page; only its hash is stored.
    assert claim_get_by_status_token(token=receipt.status_token) == claim
    assert claim.status_token_hash == status_token_hash(receipt.status_token)
    assert receipt.status_token not in claim.status_token_hash
    kinds = list(claim.evidence.order_by("id").values_list("kind", "label"))
    assert kinds == [("receipt", "Receipt"), ("photo", FRONT), ("photo", BACK)]
    assert len(evidence_files()) == 3
    [event] = ClaimEvent.objects.filter(claim=claim)
    assert (event.actor_label, event.from_status, event.to_status) == ("owner", "", "submitted")
    [email] = mailoutbox
    assert email.to == ["jordan.rivera@example.org"]
    assert claim.number in email.subject
    body = email.body
    assert "$71.99" in body
    assert f"/claims/status/{receipt.status_token}/" in body


def test_the_same_serial_again_was_already_filed_on_its_date(program):
    first = claim_submit(program=program, submission=submission()).claim
    day = timezone.localtime(first.submitted_at)

    again = submission(
        serial_number="57x-0000000 0001",
        email="someone.else@example.org",
        remedy="refund",
        payout_method="check",
    )
    error = refused(program, again)

    assert str(error) == (
        f"A claim for this serial number was already filed on {day:%B} {day.day}, {day.year}."
    )
    assert error.field == "serial_number"


def test_a_claim_filed_while_this_one_was_checked_is_caught_by_the_constraint(program, monkeypatch):
    # As if another owner's claim of this serial committed after this request's checks and
    # before its insert: the one-claim-per-serial constraint refuses this one.
    real_check = services._check
    others = []

    def checked_while_another_owner_files(*args):
        checked = real_check(*args)
        monkeypatch.setattr(services, "_check", real_check)
        other = submission(email="someone.else@example.org")
        others.append(claim_submit(program=program, submission=other).claim)
        return checked

    monkeypatch.setattr(services, "_check", checked_while_another_owner_files)
    with pytest.raises(ClaimRejected) as caught:
        claim_submit(program=program, submission=submission())

    [other] = others
    day = timezone.localtime(other.submitted_at)
    assert str(caught.value) == (
        f"A claim for this serial number was already filed on {day:%B} {day.day}, {day.year}."
    )
    assert list(Claim.objects.filter(program=program)) == [other]
    assert len(evidence_files()) == 3, "only the other claim's files"


def test_a_withdrawn_claim_frees_its_serial(program):
    first = claim_submit(program=program, submission=submission()).claim
    Claim.objects.filter(pk=first.pk).update(status=ClaimStatus.WITHDRAWN)

    second = claim_submit(program=program, submission=submission()).claim

    assert second.pk != first.pk


def damaged_jpeg() -> bytes:
    whole = picture_bytes(seed=5)
    return whole[: len(whole) // 2]


def front_is(name: str, content: bytes) -> list:
    """The front photo replaced by this file; the back photo a good one."""
    return [(FRONT, upload(name, content)), (BACK, upload("back.jpg", picture_bytes(seed=6)))]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        pytest.param(
            {"model_number": "XJ4400"}, "model_number", "is not a model number", id="unknown-model"
        ),
        pytest.param(
            {"serial_number": "57X0000000001"}, "serial_number", "have 14 characters", id="short"
        ),
        pytest.param(
            {"serial_number": "58A12345678901"}, "serial_number", "start with 57X", id="prefix"
        ),
        pytest.param({"serial_number": ""}, "serial_number", "serial number", id="no-serial"),
        pytest.param(
            {"photos": front_is("front.jpg", b"MZ\x90\x00\x03" + bytes(4000))},
            "photos",
            "not a photo",
            id="exe-renamed-jpg",
        ),
        pytest.param(
            {"photos": front_is("front.jpg", damaged_jpeg())},
            "photos",
            "damaged or incomplete",
            id="truncated-jpeg",
        ),
        pytest.param(
            {"photos": front_is("front.png", png_of_size(20_000, 20_000))},
            "photos",
            "20000 x 20000",
            id="20000x20000-png",
        ),
        pytest.param(
            {"photos": [(FRONT, upload("front.jpg", picture_bytes()))]},
            "photos",
            BACK,
            id="missing-required-photo",
        ),
        pytest.param(
            {"receipt_amount": Decimal("-5.00")}, "receipt_amount", "more than zero", id="negative"
        ),
        pytest.param({"receipt_amount": Decimal("0")}, "receipt_amount", "more than zero", id="0"),
        pytest.param(
            {"receipt_amount": Decimal("NaN")}, "receipt_amount", "as a number", id="not-a-number"
        ),
        pytest.param(
            {"receipt_amount": Decimal("59.999")}, "receipt_amount", "two digits", id="decimals"
        ),
        pytest.param({"country": "MX"}, "country", "United States or Canada", id="country"),
        pytest.param({"remedy": "repair"}, "remedy", "refund or store credit", id="remedy"),
        pytest.param({"email": "jordan@"}, "email", "name@example.com", id="email"),
        pytest.param({"postal_code": "9024"}, "postal_code", "5 digits", id="zip"),
        pytest.param({"owner_name": "  "}, "owner_name", "full name", id="name"),
        pytest.param({"receipt": None}, "receipt", "leave the amount empty", id="amount-only"),
        pytest.param({"receipt_amount": None}, "receipt_amount", "amount on the receipt", id="amt"),
    ],
)
def test_each_refusal_says_what_to_change_and_saves_nothing(program, changes, field, words):
    error = refused(program, submission(**changes))

    assert error.field == field
    assert words in str(error)


def test_a_30_megabyte_photo_is_refused_before_it_is_read(program):
    big = upload("front.jpg", picture_bytes() + bytes(30 * 1024 * 1024))

    error = refused(program, submission(photos=[(FRONT, big), (BACK, upload("b.jpg", b"x"))]))

    assert "30.0 MB; the limit is 10 MB" in str(error)
    assert str(error).startswith(f"{FRONT}: ")


def test_a_refund_needs_a_payout_method_and_its_details(program):
    refund = submission(remedy="refund", payout_method="")
    assert refused(program, refund).field == "payout_method"
    paypal = replace(refund, payout_method="paypal", payout_details={})
    assert "PayPal account" in str(refused(program, paypal))

    filed = claim_submit(
        program=program,
        submission=replace(paypal, payout_details={"paypal_email": " pay@example.org "}),
    ).claim

    assert (filed.amount, filed.payout_method) == (Decimal("59.99"), "paypal")
    assert filed.payout_details == {"paypal_email": "pay@example.org"}


def test_without_a_receipt_the_refund_is_the_average_price(program):
    sent = submission(receipt=None, receipt_amount=None, remedy="refund", payout_method="check")

    claim = claim_submit(program=program, submission=sent).claim

    assert (claim.amount, claim.receipt_amount, claim.payout_details) == (
        Decimal("89.99"),
        None,
        {},
    )
    assert not claim.evidence.filter(kind="receipt").exists()


def test_a_canadian_owner_is_paid_in_canadian_dollars(program):
    sent = submission(
        country="CA",
        region="Quebec",
        city="Montréal",
        postal_code="h2x1y4",
        receipt_amount=None,
        receipt=None,
    )

    claim = claim_submit(program=program, submission=sent).claim

    # 119.99 x 1.2 = 143.988: store credit to the cent, halves up.
    assert (claim.currency, claim.amount, claim.postal_code) == (
        "CAD",
        Decimal("143.99"),
        "H2X 1Y4",
    )


def test_a_program_that_needs_a_receipt_refuses_a_claim_without_one(program):
    program.receipt_required = True
    program.save()

    error = refused(program, submission(receipt=None, receipt_amount=None))

    assert error.field == "receipt"


def test_a_closed_program_takes_no_claims(program):
    program.closes_at = timezone.now() - timezone.timedelta(days=1)
    program.save()

    assert "takes no more claims" in str(refused(program, submission()))


def test_photos_without_labels_fill_the_required_photos_in_order(program):
    unlabelled = [("", upload(f"{n}.jpg", picture_bytes(seed=n))) for n in (7, 8, 9)]

    claim = claim_submit(program=program, submission=submission(photos=unlabelled)).claim

    labels = list(
        claim.evidence.filter(kind="photo").order_by("id").values_list("label", flat=True)
    )
    assert labels == [FRONT, BACK, "Photo 1"]


def test_an_error_after_the_files_were_written_leaves_nothing(program, monkeypatch):
    def broken(*, claim, evidence, contact_counts):
        assert Evidence.objects.filter(claim=claim).count() == 3
        assert len(evidence_files()) == 3
        raise RuntimeError("fraud checks down")

    monkeypatch.setattr(services, "fraud_signals_detect_new_claim", broken)
    with nothing_saved(), pytest.raises(RuntimeError):
        claim_submit(program=program, submission=submission())


def test_a_taken_claim_number_is_drawn_again(program, monkeypatch):
    first = claim_submit(program=program, submission=submission()).claim
    numbers = iter([first.number, "RD-2222-3333"])
    monkeypatch.setattr(services, "claim_number_new", lambda: next(numbers))

    second = claim_submit(program=program, submission=submission(serial_number="57X00000000002"))

    assert second.claim.number == "RD-2222-3333"


def test_a_retry_with_its_idempotency_key_returns_the_first_claim(program):
    key = "0b7c3f0e-5a4e-4d1b-9f57-2a8e7c1d9b10"
    first = claim_submit(program=program, submission=submission(), idempotency_key=key)

    with nothing_saved():
        retry = claim_submit(program=program, submission=submission(), idempotency_key=key)

    assert (retry.claim, retry.created) == (first.claim, False)
    assert retry.status_token == first.status_token
    assert claim_get_by_status_token(token=retry.status_token) == first.claim


def test_a_retry_that_missed_its_first_try_s_key_still_returns_the_first_claim(
    program, monkeypatch
):
    key = "0b7c3f0e-5a4e-4d1b-9f57-2a8e7c1d9b10"
    # As if the first try committed after the retry was checked, before the retry's insert.
    real_check = services._check
    first_tries = []

    def checked_while_the_first_try_commits(*args):
        checked = real_check(*args)
        monkeypatch.setattr(services, "_check", real_check)
        first_tries.append(
            claim_submit(program=program, submission=submission(), idempotency_key=key)
        )
        return checked

    monkeypatch.setattr(services, "_check", checked_while_the_first_try_commits)
    retry = claim_submit(program=program, submission=submission(), idempotency_key=key)

    [first] = first_tries
    assert (retry.claim, retry.created, retry.status_token) == (
        first.claim,
        False,
        first.status_token,
    )
    assert Claim.objects.count() == 1
    assert ClaimEvent.objects.count() == 1


def test_an_idempotency_key_with_other_content_is_refused(program):
    key = "0b7c3f0e-5a4e-4d1b-9f57-2a8e7c1d9b10"
    claim_submit(program=program, submission=submission(), idempotency_key=key)
    other = submission(serial_number="57X00000000002")

    error = refused(program, other, idempotency_key=key)

    assert str(error) == "This Idempotency-Key was already used for a different claim."
    assert isinstance(error, services.IdempotencyKeyReused)


def test_other_photo_content_under_the_same_key_is_other_content(program):
    key = "0b7c3f0e-5a4e-4d1b-9f57-2a8e7c1d9b10"
    claim_submit(program=program, submission=submission(), idempotency_key=key)
    other_photos = [(FRONT, upload("f.jpg", picture_bytes(seed=40))), (BACK, receipt_file(41))]

    error = refused(program, submission(photos=other_photos), idempotency_key=key)

    assert error.field == "idempotency_key"


def test_a_short_idempotency_key_is_refused(program):
    assert refused(program, submission(), idempotency_key="1").field == "idempotency_key"


def test_an_unknown_status_token_opens_nothing(program):
    claim_submit(program=program, submission=submission())

    assert claim_get_by_status_token(token="not-a-token") is None
    assert claim_get_by_status_token(token="") is None
    assert claim_get_by_status_token(token="x" * 10_000) is None
