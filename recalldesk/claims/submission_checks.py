"""Every check of a claim before anything is written, in the order the owner meets them.

Each refusal is a ClaimRejected naming the field and saying what to do. What passes comes out
as a CheckedClaim: clean values, the amount the claim pays and the evidence ready to store.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from recalldesk.claims.eligibility import ELIGIBLE, UNKNOWN_MODEL, eligibility_check
from recalldesk.claims.eligibility import serial_normalize as eligibility_serial_normalize
from recalldesk.claims.evidence import EvidenceRejected, ValidatedFile, evidence_validate
from recalldesk.claims.models import (
    Country,
    DestructionProof,
    EvidenceKind,
    Program,
    ProgramProduct,
    Remedy,
)
from recalldesk.claims.program_cache import remedy_amounts_for_claims
from recalldesk.claims.remedies import RemedyUnavailable
from recalldesk.claims.submission import (
    AMOUNT_FIELD,
    MAX_PHOTOS,
    ClaimRejected,
    ClaimSubmission,
    amount_check,
)
from recalldesk.money import Money

SERIAL_MAX_LENGTH = 60
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060\ufeff\ud800-\udfff]")


def timestamp_text(moment) -> str:
    """A date as people write it in the site's zone: "November 13, 2025"."""
    local = timezone.localtime(moment)
    return f"{local:%B} {local.day}, {local.year}"


def clean_line(value: object, *, max_length: int) -> str:
    """One line of text as stored: NFC, no control or invisible characters, spaces collapsed."""
    text = unicodedata.normalize("NFC", str(value or "")[: max_length * 4])
    return " ".join(_INVISIBLE.sub(" ", text).split())


@dataclass(frozen=True)
class CheckedEvidence:
    kind: str
    label: str
    validated: ValidatedFile


@dataclass(frozen=True)
class CheckedClaim:
    """A claim that passed every check: what claim_submit writes, nothing left to refuse."""

    product: ProgramProduct
    serial_number: str
    serial_normalized: str
    country: str
    currency: str
    receipt_amount: Decimal | None
    remedy: str
    amount: Money
    owner_name: str
    email: str
    phone: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    payout_method: str
    payout_details: dict
    evidence: tuple[CheckedEvidence, ...]


def program_check_open(*, program: Program) -> None:
    """Refuse a claim before the program opens or after it closes."""
    now = timezone.now()
    if program.opens_at > now:
        raise ClaimRejected(
            f"This program opens on {timestamp_text(program.opens_at)}; file your claim then."
        )
    if program.closes_at is not None and program.closes_at <= now:
        raise ClaimRejected(
            f"This program closed on {timestamp_text(program.closes_at)} and takes no more claims."
        )


def product_check(*, program: Program, submission: ClaimSubmission) -> tuple[ProgramProduct, str]:
    """The eligible product and the serial number as typed; ClaimRejected with the reason else."""
    model_number = clean_line(submission.model_number, max_length=100)
    serial_number = clean_line(submission.serial_number, max_length=SERIAL_MAX_LENGTH)
    eligibility = eligibility_check(
        program=program, model_number=model_number, serial_number=serial_number or None
    )
    if eligibility.status != ELIGIBLE or eligibility.product is None:
        field = "model_number" if eligibility.product is None else "serial_number"
        if eligibility.status == UNKNOWN_MODEL:
            field = "model_number"
        raise ClaimRejected(eligibility.message, field=field)
    product = eligibility.product
    where = f" {product.serial_help}" if product.serial_help else ""
    normalized = eligibility_serial_normalize(serial_number)
    if not normalized:
        # Even when every serial is covered: one claim per serial number is how duplicates
        # are caught.
        raise ClaimRejected(
            f"Enter the serial number of your {product.model_number}: each product gets one "
            f"claim.{where}",
            field="serial_number",
        )
    if len(serial_number) > SERIAL_MAX_LENGTH or len(normalized) > SERIAL_MAX_LENGTH:
        raise ClaimRejected(
            f"That serial number is too long; copy it from the product.{where}",
            field="serial_number",
        )
    return product, serial_number


def countries_served(program: Program) -> list[str]:
    """The names of the countries the program serves, in the order of Country."""
    currencies = program.currencies or {}
    known = [label for code, label in Country.choices if code in currencies]
    return known + sorted(code for code in currencies if code not in Country.values)


def country_check(*, program: Program, submission: ClaimSubmission) -> tuple[str, str]:
    """The country (ISO code) and the currency the program pays in there."""
    country = clean_line(submission.country, max_length=2).upper()
    currencies = program.currencies or {}
    if country not in currencies:
        names = " or ".join(countries_served(program)) or "no country yet"
        raise ClaimRejected(
            f"Choose the country where you bought the product: this program serves {names}.",
            field="country",
        )
    return country, currencies[country]


def remedies_offered(program: Program) -> list[str]:
    """The remedies the program offers, in the order the form shows them."""
    offered = {
        Remedy.REFUND: program.refund_offered,
        Remedy.STORE_CREDIT: program.store_credit_bonus_rate is not None,
        Remedy.REPLACEMENT: program.replacement_offered,
        Remedy.REPAIR: program.repair_offered,
    }
    return [remedy.value for remedy, on in offered.items() if on]


def remedy_check(*, program: Program, submission: ClaimSubmission) -> str:
    """The chosen remedy if the program offers it."""
    remedy = clean_line(submission.remedy, max_length=20).lower()
    offered = remedies_offered(program)
    if remedy not in offered:
        names = " or ".join(Remedy(value).label.lower() for value in offered)
        raise ClaimRejected(f"Choose {names}.", field="remedy")
    return remedy


def receipt_check(*, program: Program, submission: ClaimSubmission) -> Decimal | None:
    """The receipt amount: required with a receipt, refused without one."""
    has_receipt = submission.receipt is not None
    if program.receipt_required and not has_receipt:
        raise ClaimRejected(
            "This program needs your receipt: add a photo or PDF of it.", field="receipt"
        )
    amount = amount_check(submission.receipt_amount)
    if has_receipt and amount is None:
        raise ClaimRejected("Enter the amount on the receipt, e.g. 59.99.", field=AMOUNT_FIELD)
    if amount is not None and not has_receipt:
        raise ClaimRejected(
            "Upload the receipt that shows this amount, or leave the amount empty: without a "
            "receipt the refund is the model's average price.",
            field="receipt",
        )
    return amount


def amount_for(
    *,
    program: Program,
    product: ProgramProduct,
    currency: str,
    remedy: str,
    receipt_amount: Decimal | None,
) -> Money:
    """What the claim pays if approved: the refund or the store credit; zero for the others."""
    try:
        amounts = remedy_amounts_for_claims(
            program=program, product=product, currency=currency, receipt_amount=receipt_amount
        )
    except RemedyUnavailable as error:
        field = "receipt" if receipt_amount is None else AMOUNT_FIELD
        raise ClaimRejected(" ".join(error.messages), field=field) from None
    chosen = {Remedy.REFUND: amounts.refund, Remedy.STORE_CREDIT: amounts.store_credit}
    if remedy not in chosen:
        return Money(Decimal("0.00"), currency)
    money = chosen[remedy]
    if money is None:  # the remedy check already refused remedies not offered
        raise ClaimRejected(f"This program does not offer {Remedy(remedy).label.lower()}.")
    return money


def _label_key(label: str) -> str:
    return " ".join(label.casefold().split())


def _photos_labelled(
    program: Program, photos: list[tuple[str, UploadedFile]]
) -> list[tuple[str, UploadedFile]]:
    """Each photo with its label: a required photo's label, or the owner's for extra ones."""
    required = [clean_line(label, max_length=200) for label in program.required_photos or []]
    by_key = {_label_key(label): label for label in required}
    given: dict[str, UploadedFile] = {}
    extra: list[tuple[str, UploadedFile]] = []
    unlabelled: list[UploadedFile] = []
    for label, upload in photos:
        if upload is None:
            continue
        text = clean_line(label, max_length=200)[:200]
        key = _label_key(text)
        if key in by_key and by_key[key] not in given:
            given[by_key[key]] = upload
        elif text:
            extra.append((text, upload))
        else:
            unlabelled.append(upload)
    for label in required:
        if label not in given and unlabelled:
            given[label] = unlabelled.pop(0)
    missing = [label for label in required if label not in given]
    if missing:
        names = "; ".join(missing)
        noun = "this photo" if len(missing) == 1 else "these photos"
        raise ClaimRejected(f"This program needs {noun} of the product: {names}.", field="photos")
    extra += [(f"Photo {number}", upload) for number, upload in enumerate(unlabelled, 1)]
    return [(label, given[label]) for label in required] + extra


def _validated(upload: UploadedFile, *, kind: str, what: str, field: str) -> ValidatedFile:
    try:
        return evidence_validate(upload=upload, kind=kind)
    except EvidenceRejected as error:
        raise ClaimRejected(f"{what}: {error}", field=field) from None


def evidence_check(*, program: Program, submission: ClaimSubmission) -> tuple[CheckedEvidence, ...]:
    """Every file decoded and checked; each required photo present, named if missing."""
    photos = [(label, upload) for label, upload in submission.photos or [] if upload is not None]
    if len(photos) > MAX_PHOTOS:
        raise ClaimRejected(f"Add at most {MAX_PHOTOS} photos.", field="photos")
    labelled = _photos_labelled(program, photos)
    if program.destruction_proof == DestructionProof.PHOTO and submission.destruction is None:
        raise ClaimRejected(
            f"This program needs proof of destruction: {DestructionProof.PHOTO.label.lower()}.",
            field="destruction",
        )
    checked = []
    if submission.receipt is not None:
        validated = _validated(
            submission.receipt, kind=EvidenceKind.RECEIPT, what="Receipt", field="receipt"
        )
        checked.append(CheckedEvidence(EvidenceKind.RECEIPT, "Receipt", validated))
    for label, upload in labelled:
        validated = _validated(upload, kind=EvidenceKind.PHOTO, what=label, field="photos")
        checked.append(CheckedEvidence(EvidenceKind.PHOTO, label, validated))
    if submission.destruction is not None:
        validated = _validated(
            submission.destruction,
            kind=EvidenceKind.DESTRUCTION,
            what="Proof of destruction",
            field="destruction",
        )
        checked.append(CheckedEvidence(EvidenceKind.DESTRUCTION, "Proof of destruction", validated))
    return tuple(checked)
