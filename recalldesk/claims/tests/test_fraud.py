"""Fraud and duplicate controls: what a reviewer is told about a claim, and what is left alone."""

import io
from dataclasses import replace

import pytest
from django.utils import timezone
from PIL import Image, ImageDraw

from recalldesk.claims.evidence import perceptual_hash
from recalldesk.claims.fraud import fraud_signals_detect
from recalldesk.claims.fraud_evidence import MAX_RELATED_CLAIMS
from recalldesk.claims.models import Claim, ClaimStatus, EvidenceKind, FraudSignal
from recalldesk.claims.tests import fraud_helpers as make

RECEIPT = EvidenceKind.RECEIPT


def signals(claim):
    return sorted(
        (signal.code, signal.related_claim.number if signal.related_claim else None)
        for signal in claim.fraud_signals.select_related("related_claim")
    )


def day(claim):
    return timezone.localdate(claim.submitted_at).isoformat()


@pytest.fixture
def belkin_program(db):
    return make.belkin_26_090()


@pytest.fixture
def belkin_watch_program(belkin_program):
    """Belkin's second program: the BPD005 power banks of recall 25-061."""
    return make.program(
        belkin_program.firm_account,
        recall_number="25-061",
        model_number="BPD005",
        serial_prefix="57V",
    )


@pytest.fixture
def anker_program(db):
    anker = make.firm_account(name="Anker", slug="anker", recall_number="25-338")
    return make.program(anker, recall_number="25-338", model_number="A1263", serial_prefix="AK")


# A clean claim


@pytest.mark.django_db
def test_a_clean_claim_among_others_gets_no_signal(belkin_program):
    for _ in range(3):
        earlier = make.claim(belkin_program, phone="+1 310 555 0100")
        make.evidence(earlier, kind=RECEIPT)
        make.evidence(earlier, label="Front of the product")
    clean = make.claim(
        belkin_program,
        email="maria.lopez@gmail.com",
        phone="(424) 555-0199",
        address_line1="300 Pacific Coast Highway",
    )
    make.evidence(clean, kind=RECEIPT)
    make.evidence(clean, label="Front of the product")
    make.evidence(clean, label="Back, showing the serial number")

    assert fraud_signals_detect(claim=clean) == []
    assert not FraudSignal.objects.filter(related_claim=clean).exists()


# The same file twice


@pytest.mark.django_db
def test_the_same_receipt_on_two_claims_is_named_with_the_first_claim(belkin_program):
    first = make.claim(belkin_program)
    make.evidence(first, kind=RECEIPT, content=b"%PDF-1.7 Best Buy receipt 59.99")
    second = make.claim(belkin_program)
    make.evidence(second, kind=RECEIPT, content=b"%PDF-1.7 Best Buy receipt 59.99")

    found = fraud_signals_detect(claim=second)

    assert [(s.code, s.related_claim) for s in found] == [("duplicate_receipt", first)]
    assert found[0].reason == (
        f"The same receipt file was uploaded with claim {first.number} on {day(first)}."
    )
    # The first claim is still awaiting review, so its reviewer learns of it too.
    mirror = first.fraud_signals.get()
    assert (mirror.code, mirror.related_claim) == ("duplicate_receipt", second)
    assert mirror.reason == (
        f"The same receipt file was uploaded later with claim {second.number} on {day(second)}."
    )


@pytest.mark.django_db
def test_the_same_photo_is_found_in_another_program_of_the_firm_but_not_of_another_firm(
    belkin_program, belkin_watch_program, anker_program
):
    picture = b"\xff\xd8\xff\xe0 photo of a charging stand"
    earlier = make.claim(belkin_watch_program)
    make.evidence(earlier, content=picture, label="Back")
    elsewhere = make.claim(anker_program)
    make.evidence(elsewhere, content=picture, label="Back")
    claim = make.claim(belkin_program)
    make.evidence(claim, content=picture, label="Back, showing the serial number")

    found = fraud_signals_detect(claim=claim)

    assert [(s.code, s.related_claim) for s in found] == [("duplicate_photo", earlier)]
    assert found[0].reason == (
        "The photo “Back, showing the serial number” is the same file as the photo “Back” "
        f"uploaded with claim {earlier.number} (program “25-061 BPD005 recall”) "
        f"on {day(earlier)}."
    )
    assert not elsewhere.fraud_signals.exists()


@pytest.mark.django_db
def test_a_withdrawn_claim_filed_again_with_its_receipt_is_not_a_duplicate(belkin_program):
    withdrawn = make.claim(belkin_program, status=ClaimStatus.WITHDRAWN)
    make.evidence(withdrawn, kind=RECEIPT, content=b"receipt of Maria")
    again = make.claim(belkin_program)
    make.evidence(again, kind=RECEIPT, content=b"receipt of Maria")

    assert fraud_signals_detect(claim=again) == []


@pytest.mark.django_db
def test_a_decided_claim_is_named_but_not_given_a_new_signal(belkin_program):
    approved = make.claim(belkin_program, status=ClaimStatus.APPROVED)
    make.evidence(approved, kind=RECEIPT, content=b"receipt")
    claim = make.claim(belkin_program)
    make.evidence(claim, kind=RECEIPT, content=b"receipt")

    fraud_signals_detect(claim=claim)

    assert signals(claim) == [("duplicate_receipt", approved.number)]
    assert not approved.fraud_signals.exists()


@pytest.mark.django_db
def test_a_file_used_by_many_claims_lists_the_first_ones_and_counts_the_rest(belkin_program):
    stock_picture = b"the product picture from the shop's web page"
    earlier = []
    for _ in range(MAX_RELATED_CLAIMS + 2):
        other = make.claim(belkin_program, status=ClaimStatus.REJECTED)
        make.evidence(other, content=stock_picture)
        earlier.append(other)
    claim = make.claim(belkin_program)
    make.evidence(claim, content=stock_picture)

    found = fraud_signals_detect(claim=claim)

    related = [s.related_claim for s in found if s.related_claim]
    assert related == earlier[:MAX_RELATED_CLAIMS]
    [summary] = [s for s in found if s.related_claim is None]
    assert summary.code == "duplicate_photo"
    assert "2 more claims" in summary.reason


# Re-saved pictures


@pytest.mark.django_db
@pytest.mark.parametrize(("bits_apart", "flagged"), [(1, True), (6, True), (7, False)])
def test_a_picture_a_few_bits_away_is_similar(belkin_program, bits_apart, flagged):
    earlier = make.claim(belkin_program)
    original = make.evidence(earlier, label="Front")
    claim = make.claim(belkin_program)
    make.evidence(
        claim, label="Front", perceptual_hash=make.flip_bits(original.perceptual_hash, bits_apart)
    )

    found = fraud_signals_detect(claim=claim)

    if flagged:
        assert [(s.code, s.related_claim) for s in found] == [("similar_photo", earlier)]
        assert f"({bits_apart} of 64 bits of their perceptual hashes differ)" in found[0].reason
        assert found[0].reason.startswith("The photo “Front” looks like the photo “Front”")
    else:
        assert found == []


@pytest.mark.django_db
def test_receipts_are_compared_by_file_only(belkin_program):
    earlier = make.claim(belkin_program)
    make.evidence(earlier, kind=RECEIPT, perceptual_hash="f0f0f0f0f0f0f0f0")
    claim = make.claim(belkin_program)
    make.evidence(claim, kind=RECEIPT, perceptual_hash="f0f0f0f0f0f0f0f1")

    assert fraud_signals_detect(claim=claim) == []


def picture(shapes: list[tuple[int, int, int, int]], *, size=(640, 480)) -> Image.Image:
    image = Image.new("RGB", size, (235, 232, 225))
    draw = ImageDraw.Draw(image)
    for index, box in enumerate(shapes):
        draw.ellipse(box, fill=(30 + 60 * index, 40, 120 - 30 * index))
    return image


def jpeg(image: Image.Image, *, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_photo_resized_and_saved_again_is_found_and_another_photo_is_not(belkin_program):
    stand = picture([(200, 120, 440, 360), (280, 200, 360, 280)])
    original = jpeg(stand, quality=92)
    resaved = jpeg(Image.open(io.BytesIO(original)).resize((480, 360)), quality=60)
    other = jpeg(picture([(40, 40, 200, 400), (400, 60, 600, 200)]), quality=92)

    def hashed(data: bytes) -> str:
        return perceptual_hash(Image.open(io.BytesIO(data)))

    earlier = make.claim(belkin_program)
    make.evidence(earlier, content=original, perceptual_hash=hashed(original))
    copy = make.claim(belkin_program)
    make.evidence(copy, content=resaved, perceptual_hash=hashed(resaved))
    honest = make.claim(belkin_program)
    make.evidence(honest, content=other, perceptual_hash=hashed(other))

    fraud_signals_detect(claim=copy)

    assert signals(copy) == [("similar_photo", earlier.number)]
    assert fraud_signals_detect(claim=honest) == []


# Many claims from one contact


@pytest.mark.django_db
def test_claims_from_one_gmail_mailbox_are_flagged_at_the_programs_threshold(belkin_program):
    first = make.claim(belkin_program, email="Jane.Doe@gmail.com")
    second = make.claim(belkin_program, email="janedoe+recall@googlemail.com")
    assert fraud_signals_detect(claim=second) == []

    third = make.claim(belkin_program, email=" J.A.N.E.D.O.E+belkin@Gmail.com ")
    found = fraud_signals_detect(claim=third)

    assert [(s.code, s.related_claim) for s in found] == [("many_claims_email", first)]
    assert found[0].reason == (
        "3 claims in this program, this one included, use the e-mail address "
        "janedoe@gmail.com (compared in lowercase, without +tags, and for Gmail without dots): "
        f"{first.number} ({day(first)}), {second.number} ({day(second)})."
    )
    # The two earlier claims, still open, are flagged too, pointing at the latest one.
    assert signals(first) == signals(second) == [("many_claims_email", third.number)]


@pytest.mark.django_db
def test_the_threshold_is_the_programs_own(belkin_program, belkin_watch_program):
    belkin_watch_program.claims_per_contact_threshold = 5
    belkin_watch_program.save()
    for in_program in (belkin_program, belkin_watch_program):
        for _ in range(3):
            last = make.claim(in_program, phone="+1 (310) 555-0142")
        found = fraud_signals_detect(claim=last)
        expected = ["many_claims_phone"] if in_program == belkin_program else []
        assert [s.code for s in found] == expected
    # Claims of the other program do not count: 3 + 3 is not 5 in either.


@pytest.mark.django_db
def test_a_threshold_below_two_turns_the_check_off(belkin_program):
    belkin_program.claims_per_contact_threshold = 0
    belkin_program.save()
    for _ in range(4):
        last = make.claim(belkin_program, email="same@example.com")
    assert fraud_signals_detect(claim=last) == []


@pytest.mark.django_db
def test_one_phone_written_many_ways_is_one_phone(belkin_program):
    make.claim(belkin_program, phone="+1 (310) 555-0142")
    make.claim(belkin_program, phone="310.555.0142")
    claim = make.claim(belkin_program, phone="1-310-555-0142")

    [signal] = fraud_signals_detect(claim=claim)

    assert signal.code == "many_claims_phone"
    assert "the phone number 3105550142 (compared by its digits)" in signal.reason


@pytest.mark.django_db
def test_one_address_written_many_ways_is_one_address(belkin_program):
    make.claim(
        belkin_program,
        address_line1="12 North Main Street",
        address_line2="Apartment 4",
        city="Springfield",
        region="Illinois",
        postal_code="62701-1234",
    )
    make.claim(
        belkin_program,
        address_line1="12 N. Main St., #4",
        city="SPRINGFIELD",
        region="IL",
        postal_code="62701",
    )
    make.claim(belkin_program, address_line1="12 N Main St", city="Springfield", region="IL")
    claim = make.claim(
        belkin_program,
        address_line1="12 n main st",
        address_line2="Unit 4",
        city="Springfield ",
        region="il",
        postal_code="62701",
    )

    [signal] = fraud_signals_detect(claim=claim)

    assert signal.code == "many_claims_address"
    assert "the address “12 n main st # 4 springfield il 62701”" in signal.reason
    assert signal.reason.startswith("3 claims in this program")


# Disposable e-mail


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("email", "listed"),
    [
        ("owner@mailinator.com", "mailinator.com"),
        ("owner@Inbox.Mailinator.com", "mailinator.com"),
        ("owner@guerrillamail.com", "guerrillamail.com"),
        ("owner@xmailinator.com", None),
        ("owner@mailinator.com.example.org", None),
        ("owner@gmail.com", None),
        ("owner@belkin.com", None),
    ],
)
def test_disposable_email_services_are_flagged_with_subdomains(belkin_program, email, listed):
    claim = make.claim(belkin_program, email=email)

    found = fraud_signals_detect(claim=claim)

    if listed:
        [signal] = found
        assert (signal.code, signal.related_claim) == ("disposable_email", None)
        assert signal.reason.startswith(f"The e-mail address is at {listed}, a disposable")
    else:
        assert found == []


# Idempotence


@pytest.mark.django_db
def test_detecting_twice_stores_each_signal_once(belkin_program):
    earlier = make.claim(belkin_program, email="bulk@mailinator.com")
    make.evidence(earlier, kind=RECEIPT, content=b"receipt")
    original = make.evidence(earlier, label="Front")
    make.claim(belkin_program, email="bulk@mailinator.com")
    claim = make.claim(belkin_program, email="bulk@mailinator.com")
    make.evidence(claim, kind=RECEIPT, content=b"receipt")
    make.evidence(claim, label="Front", perceptual_hash=make.flip_bits(original.perceptual_hash, 2))

    first = fraud_signals_detect(claim=claim)
    rows = FraudSignal.objects.count()
    second = fraud_signals_detect(claim=claim)

    assert [s.code for s in first] == [
        "duplicate_receipt",
        "similar_photo",
        "many_claims_email",
        "disposable_email",
    ]
    assert second == first
    assert FraudSignal.objects.count() == rows


@pytest.mark.django_db
def test_a_claim_is_flagged_as_it_is_filed_and_withdrawn_claims_do_not_count():
    from recalldesk.claims.services import claim_submit
    from recalldesk.claims.tests.submit_helpers import belkin_program as submit_program
    from recalldesk.claims.tests.submit_helpers import submission

    program = submit_program(required_photos=[])

    def file(serial: str, **contact):
        sent = submission(serial_number=serial, receipt=None, receipt_amount=None, photos=[])
        sent = replace(sent, address_line1=f"{serial[-2:]} Main Street", **contact)
        return claim_submit(program=program, submission=sent).claim

    withdrawn = file("57X00000000001", phone="310-555-0199")
    Claim.objects.filter(pk=withdrawn.pk).update(status=ClaimStatus.WITHDRAWN)
    first = file("57X00000000002", phone="310-555-0199", email="a@example.org")
    second = file("57X00000000003", phone="(310) 555 0199", email="b@example.org")
    assert signals(second) == []  # 2 live claims share the phone; the withdrawn one is left out

    third = file("57X00000000004", phone="+1 310.555.0199", email="c@example.org")

    assert signals(third) == [("many_claims_phone", first.number)]
    assert "3 claims in this program, this one included" in third.fraud_signals.get().reason
    assert signals(first) == signals(second) == [("many_claims_phone", third.number)]
    assert signals(withdrawn) == []
