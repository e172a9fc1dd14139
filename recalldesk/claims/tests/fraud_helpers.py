"""Programs, claims and evidence rows built directly, for the fraud tests.

The firms and recalls are real ones of the bundled CPSC data: Belkin runs 26-090 (charging
stand MMA008, serials of 14 characters starting 57X) and 25-061 (power bank BPD005, serials
starting 57V); Anker runs 25-338. Claims are written straight to the database, as claim_submit
leaves them just before it calls fraud_signals_detect.
"""

import datetime as dt
import hashlib
import itertools
import secrets
import uuid
from decimal import Decimal

from django.utils import timezone

from recalldesk.accounts.models import FirmAccount
from recalldesk.accounts.tests.factories import registry_firm
from recalldesk.claims.fraud import address_normalize, email_normalize, phone_normalize
from recalldesk.claims.models import (
    Claim,
    ClaimStatus,
    Evidence,
    EvidenceKind,
    PayoutMethod,
    Program,
    ProgramProduct,
    Remedy,
    SerialRuleKind,
)
from recalldesk.registry.models import Recall

_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_serials = itertools.count(1)
_files = itertools.count(1)


def firm_account(*, name: str, slug: str, recall_number: str) -> FirmAccount:
    return FirmAccount.objects.create(
        name=name, slug=slug, registry_firm=registry_firm(recall_number)
    )


def program(
    firm: FirmAccount,
    *,
    recall_number: str,
    model_number: str,
    serial_prefix: str,
    threshold: int = 3,
) -> Program:
    """An open program for one model of a recall, with a prefix serial rule."""
    recall = Recall.objects.get(number=recall_number)
    created = Program.objects.create(
        firm_account=firm,
        recall=recall,
        name=f"{recall_number} {model_number} recall",
        slug=f"{firm.slug}-{recall_number}-{model_number}".lower(),
        opens_at=timezone.now() - dt.timedelta(days=30),
        receipt_required=True,
        store_credit_bonus_rate=Decimal("0.20"),
        currencies={"US": "USD", "CA": "CAD"},
        claims_per_contact_threshold=threshold,
    )
    ProgramProduct.objects.create(
        program=created,
        name=f"{model_number} ({recall.product_name[:150]})",
        model_number=model_number,
        model_normalized=model_number,
        serial_rule_kind=SerialRuleKind.PREFIX,
        serial_prefix=serial_prefix,
        serial_length=14,
    )
    return created


def belkin_26_090(*, threshold: int = 3) -> Program:
    belkin = firm_account(name="Belkin", slug="belkin", recall_number="26-090")
    return program(
        belkin,
        recall_number="26-090",
        model_number="MMA008",
        serial_prefix="57X",
        threshold=threshold,
    )


def claim(
    in_program: Program,
    *,
    email: str = "",
    phone: str = "",
    address_line1: str = "",
    address_line2: str = "",
    city: str = "El Segundo",
    region: str = "CA",
    postal_code: str = "90245",
    status: str = ClaimStatus.SUBMITTED,
    filed_on: dt.date | None = None,
) -> Claim:
    """A claim for a fresh serial; each claim has its own e-mail and address unless given."""
    product = in_program.products.get()
    sequence = next(_serials)
    serial = f"{product.serial_prefix}{sequence:0{14 - len(product.serial_prefix)}d}"
    email = email or f"owner{sequence}@example.com"
    address_line1 = address_line1 or f"{sequence} Utah Avenue"
    created = Claim.objects.create(
        program=in_program,
        product=product,
        number=_claim_number(),
        status_token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
        status=status,
        serial_number=serial,
        serial_normalized=serial,
        country="US",
        currency="USD",
        receipt_amount=Decimal("59.99"),
        remedy=Remedy.REFUND,
        amount=Decimal("59.99"),
        owner_name=f"Owner {sequence}",
        email=email,
        email_normalized=email_normalize(email),
        phone=phone,
        phone_normalized=phone_normalize(phone),
        address_line1=address_line1,
        address_line2=address_line2,
        city=city,
        region=region,
        postal_code=postal_code,
        address_normalized=address_normalize(
            address_line1=address_line1,
            address_line2=address_line2,
            city=city,
            region=region,
            postal_code=postal_code,
        ),
        payout_method=PayoutMethod.CHECK,
    )
    if filed_on is not None:
        moment = timezone.make_aware(dt.datetime.combine(filed_on, dt.time(12)))
        Claim.objects.filter(pk=created.pk).update(submitted_at=moment)
        created.refresh_from_db()
    return created


def evidence(
    of_claim: Claim,
    *,
    kind: str = EvidenceKind.PHOTO,
    content: bytes | None = None,
    label: str = "",
    perceptual_hash: str | None = None,
) -> Evidence:
    """A stored file's row; distinct content (and picture) each time unless given.

    A picture without a given perceptual hash gets one derived from its content, so two
    different files have unrelated hashes, as two different photos do.
    """
    content = content if content is not None else f"file {next(_files)}".encode()
    sha256 = hashlib.sha256(content).hexdigest()
    is_receipt = kind == EvidenceKind.RECEIPT
    if perceptual_hash is None:
        perceptual_hash = "" if is_receipt else hashlib.md5(content).hexdigest()[:16]  # noqa: S324
    created = Evidence.objects.create(
        claim=of_claim,
        kind=kind,
        label=label,
        stored_name=f"{uuid.uuid4().hex}{'.pdf' if is_receipt else '.jpg'}",
        content_type="application/pdf" if is_receipt else "image/jpeg",
        size=len(content),
        sha256=sha256,
        perceptual_hash=perceptual_hash,
    )
    # Uploaded with the claim, on the day it was filed.
    Evidence.objects.filter(pk=created.pk).update(uploaded_at=of_claim.submitted_at)
    created.refresh_from_db()
    return created


def flip_bits(perceptual_hash: str, count: int) -> str:
    """The hash with its `count` lowest bits inverted: a picture `count` bits away."""
    bits = 4 * len(perceptual_hash)
    return f"{int(perceptual_hash, 16) ^ ((1 << count) - 1):0{bits // 4}x}"


def _claim_number() -> str:
    characters = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"RD-{characters[:4]}-{characters[4:]}"
