"""Filing a claim: every check first, then one transaction that writes all of it, or nothing.

The order of the checks is the order of the form: the program is open, the product is eligible
and not claimed yet, the country is served, the remedy offered, the receipt and its amount, the
evidence, the contact details, the payout. Only then, in one transaction: the claim (a random
number, retried on the rare collision), the Idempotency-Key, the evidence files, the first
history event, the fraud signals, and the confirmation e-mail (its task queued for when the
transaction commits). A rejection at any point leaves no claim, no evidence row and no evidence
file (evidence_storage deletes files on rollback).

"Not claimed yet" costs a claim that passes every check nothing: the one-claim-per-serial
constraint refuses its insert, which also decides races. Only a claim refused by a later check
looks for an earlier claim of its serial, so that the owner reads "already filed" first.

Idempotency-Key: the key is stored as its sha256, with a hash of the request's fields and
files. A retry with the same key and content returns the first claim; the same key with other
content is refused (IdempotencyKeyReused, 409 in the API). Most requests are first tries, so
the key is looked up only when the claim is refused: by a check, by the serial's constraint
or by the key's own.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from recalldesk.claims.claim_rows import ProgramChanged, claim_rows_write, program_version_check
from recalldesk.claims.eligibility import serial_normalize
from recalldesk.claims.evidence_storage import evidence_store
from recalldesk.claims.fraud import (
    address_normalize,
    email_normalize,
    fraud_signals_detect_new_claim,
    phone_normalize,
)
from recalldesk.claims.models import (
    Claim,
    ClaimEvent,
    ClaimStatus,
    IdempotencyKey,
    Program,
    ProgramProduct,
    Remedy,
)
from recalldesk.claims.numbers import (
    claim_number_new,
    status_token_for_idempotency_key,
    status_token_hash,
    status_token_new,
)
from recalldesk.claims.program_cache import program_for_claims
from recalldesk.claims.submission import (
    TEXT_FIELDS,
    ClaimRejected,
    ClaimSubmission,
    IdempotencyKeyReused,
    ProgramUnavailable,
)
from recalldesk.claims.submission_checks import (
    CheckedClaim,
    amount_for,
    country_check,
    evidence_check,
    product_check,
    program_check_open,
    receipt_check,
    remedy_check,
    timestamp_text,
)
from recalldesk.claims.submission_contact import contact_check, payout_check
from recalldesk.money import Money
from recalldesk.notify.services import RenderedEmail, email_render

__all__ = ["ClaimReceipt", "ClaimRejected", "claim_get_by_status_token", "claim_submit"]

SERIAL_CONSTRAINT = "claim_one_per_serial_per_program"
KEY_CONSTRAINT = "idempotency_key_unique"
# A new number is drawn when one is taken; with 32^8 numbers, a second collision in a row
# means something else is wrong.
NUMBER_ATTEMPTS = 5
# Terms changed under a claim twice in a row are being edited as it is filed.
PROGRAM_READS = 3
_KEY = re.compile(r"^[\x21-\x7e]{16,255}$")
KEY_FIELD = "idempotency_key"
STATUS_TOKEN_MAX_LENGTH = 200


@dataclass(frozen=True)
class ClaimReceipt:
    """The filed claim; status_token is the plain token (None when it cannot be shown again)."""

    claim: Claim
    status_token: str | None
    created: bool


@dataclass(frozen=True)
class _Key:
    raw: str
    stored: str
    request_hash: str


class _AlreadyFiled(Exception):
    def __init__(self, claim: Claim | None) -> None:
        self.claim = claim


class _KeyTaken(Exception):
    pass


class _ClaimRefused(Exception):
    def __init__(self, error: IntegrityError) -> None:
        self.error = error


def _file_digest(upload: UploadedFile | None) -> str:
    if upload is None:
        return ""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def submission_fingerprint(*, program: Program, submission: ClaimSubmission) -> str:
    """A sha256 of everything the owner sent (fields and file contents) to this program."""
    payload = {
        "program": program.slug,
        **{name: str(getattr(submission, name) or "") for name in TEXT_FIELDS},
        "receipt_amount": ""
        if submission.receipt_amount is None
        else str(submission.receipt_amount),
        "payout_details": sorted(
            (str(k), str(v)) for k, v in (submission.payout_details or {}).items()
        ),
        "receipt": _file_digest(submission.receipt),
        "photos": [[str(label), _file_digest(upload)] for label, upload in submission.photos or []],
        "destruction": _file_digest(submission.destruction),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _key_for(program: Program, submission: ClaimSubmission, idempotency_key: str) -> _Key:
    raw = str(idempotency_key).strip()
    if not _KEY.match(raw):
        raise ClaimRejected(
            "The Idempotency-Key must be 16 to 255 visible ASCII characters, e.g. a UUID.",
            field=KEY_FIELD,
        )
    return _Key(
        raw=raw,
        # Stored hashed: the raw key is half of what derives a retried claim's status token.
        stored=hashlib.sha256(raw.encode()).hexdigest(),
        request_hash=submission_fingerprint(program=program, submission=submission),
    )


def _replay(key: _Key) -> ClaimReceipt | None:
    """The claim an earlier request with this key made, if content matches; None if none."""
    # Most requests are first tries: look for the key cheaply, load the claim only to replay.
    found = list(
        IdempotencyKey.objects.filter(key=key.stored).values_list("request_hash", "claim_id")[:1]
    )
    if not found:
        return None
    [(request_hash, claim_id)] = found
    if not hmac.compare_digest(request_hash, key.request_hash):
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different claim.", field=KEY_FIELD
        )
    claim = Claim.objects.select_related("program", "product").get(pk=claim_id)
    token: str | None = status_token_for_idempotency_key(
        idempotency_key=key.raw, claim_number=claim.number
    )
    if not hmac.compare_digest(status_token_hash(token), claim.status_token_hash):
        token = None  # SECRET_KEY changed since: the token can no longer be shown
    return ClaimReceipt(claim=claim, status_token=token, created=False)


def _live_claim(program: Program, serial_normalized: str) -> Claim | None:
    return (
        Claim.objects.filter(program=program, serial_normalized=serial_normalized)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .only("id", "number", "submitted_at")
        .order_by("submitted_at")
        .first()
    )


def _already_filed(claim: Claim | None) -> ClaimRejected:
    when = f" on {timestamp_text(claim.submitted_at)}" if claim is not None else ""
    return ClaimRejected(
        f"A claim for this serial number was already filed{when}.", field="serial_number"
    )


def _check(program: Program, submission: ClaimSubmission) -> CheckedClaim:
    try:
        program_check_open(program=program)
        product, serial_number = product_check(program=program, submission=submission)
    except ClaimRejected:
        # Checked against terms kept in memory (program_cache): refuse only under current ones.
        program_version_check(program=program)
        raise
    serial_normalized = serial_normalize(serial_number)
    try:
        return _check_after_product(program, submission, product, serial_number, serial_normalized)
    except ClaimRejected:
        program_version_check(program=program)
        # The owner learns that the serial was claimed before anything the form asks after
        # it. Only a refused claim looks: one that passes every check is stopped by the
        # one-claim-per-serial constraint when it is written (_write), for no query more.
        existing = _live_claim(program, serial_normalized)
        if existing is not None:
            raise _AlreadyFiled(existing) from None
        raise


def _check_after_product(
    program: Program,
    submission: ClaimSubmission,
    product: ProgramProduct,
    serial_number: str,
    serial_normalized: str,
) -> CheckedClaim:
    country, currency = country_check(program=program, submission=submission)
    remedy = remedy_check(program=program, submission=submission)
    receipt_amount = receipt_check(program=program, submission=submission)
    amount = amount_for(
        program=program,
        product=product,
        currency=currency,
        remedy=remedy,
        receipt_amount=receipt_amount,
    )
    evidence = evidence_check(program=program, submission=submission)
    contact = contact_check(submission=submission, country=country)
    payout_method, payout_details = payout_check(submission=submission, remedy=remedy)
    return CheckedClaim(
        product=product,
        serial_number=serial_number,
        serial_normalized=serial_normalized,
        country=country,
        currency=currency,
        receipt_amount=receipt_amount,
        remedy=remedy,
        amount=amount,
        owner_name=contact.owner_name,
        email=contact.email,
        phone=contact.phone,
        address_line1=contact.address_line1,
        address_line2=contact.address_line2,
        city=contact.city,
        region=contact.region,
        postal_code=contact.postal_code,
        payout_method=payout_method,
        payout_details=payout_details,
        evidence=evidence,
    )


def _violates(error: IntegrityError, constraint: str, columns: tuple[str, ...]) -> bool:
    # PostgreSQL names the constraint; SQLite only lists the columns of the unique index.
    diagnostics = getattr(error.__cause__, "diag", None)
    name = getattr(diagnostics, "constraint_name", None)
    if name:
        return name == constraint
    return all(column in str(error) for column in columns)


def _claim_new(program: Program, checked: CheckedClaim, number: str, token: str) -> Claim:
    return Claim(
        program=program,
        product=checked.product,
        number=number,
        status_token_hash=status_token_hash(token),
        status=ClaimStatus.SUBMITTED,
        serial_number=checked.serial_number,
        serial_normalized=checked.serial_normalized,
        country=checked.country,
        currency=checked.currency,
        receipt_amount=checked.receipt_amount,
        remedy=checked.remedy,
        amount=checked.amount.amount,
        owner_name=checked.owner_name,
        email=checked.email,
        email_normalized=email_normalize(checked.email)[:254],
        phone=checked.phone,
        phone_normalized=phone_normalize(checked.phone),
        address_line1=checked.address_line1,
        address_line2=checked.address_line2,
        city=checked.city,
        region=checked.region,
        postal_code=checked.postal_code,
        address_normalized=address_normalize(
            address_line1=checked.address_line1,
            address_line2=checked.address_line2,
            city=checked.city,
            region=checked.region,
            postal_code=checked.postal_code,
        ),
        payout_method=checked.payout_method,
        payout_details=checked.payout_details,
    )


def claim_confirmation_email(*, claim: Claim, status_token: str) -> RenderedEmail:
    """The e-mail that tells the owner the claim was received, with the status page's link."""
    status_url = settings.SITE_URL + reverse("claims:status", args=[status_token])
    paid = claim.remedy in {Remedy.REFUND, Remedy.STORE_CREDIT}
    return email_render(
        to=claim.email,
        subject_template="claims/email/claim_confirmation_subject.txt",
        text_template="claims/email/claim_confirmation.txt",
        html_template="claims/email/claim_confirmation.html",
        context={
            "claim": claim,
            "status_url": status_url,
            "program": claim.program,
            "amount": Money(claim.amount, claim.currency) if paid else None,
        },
    )


def _confirmation_task_enqueue(claim_id: int, status_token: str) -> None:
    from recalldesk.claims.tasks import claim_confirmation_send  # tasks import this module

    claim_confirmation_send(claim_id, status_token)


def claim_confirmation_enqueue(*, claim: Claim, status_token: str) -> None:
    """Send the confirmation from the task queue once the claim's transaction commits.

    The task renders it: the request only queues the claim's id and its status token (which
    the e-mail's link carries anyway).
    """
    # robust: the claim is committed by then; a queue that is down is logged, not an error.
    transaction.on_commit(partial(_confirmation_task_enqueue, claim.pk, status_token), robust=True)


def _write_once(
    program: Program, checked: CheckedClaim, key: _Key | None, number: str, token: str
) -> Claim:
    # No savepoints: a refused insert ends the whole transaction, and _write starts over.
    with transaction.atomic():
        claim = _claim_new(program, checked, number, token)
        children: list[models.Model] = []
        if key is not None:
            children.append(
                IdempotencyKey(key=key.stored, request_hash=key.request_hash, claim=claim)
            )
        children.append(
            ClaimEvent(
                claim=claim, actor_label="owner", from_status="", to_status=ClaimStatus.SUBMITTED
            )
        )
        try:
            counts = claim_rows_write(
                claim=claim, children=children, terms_version=program.terms_version
            )
        except IntegrityError as error:
            if _violates(error, KEY_CONSTRAINT, ("claims_idempotencykey.key",)):
                raise _KeyTaken from None
            raise _ClaimRefused(error) from None
        stored = [
            evidence_store(claim=claim, validated=item.validated, kind=item.kind, label=item.label)
            for item in checked.evidence
        ]
        fraud_signals_detect_new_claim(claim=claim, evidence=stored, contact_counts=counts)
        claim_confirmation_enqueue(claim=claim, status_token=token)
    return claim


def _write(program: Program, checked: CheckedClaim, key: _Key | None) -> ClaimReceipt:
    """Write the claim under a fresh number; _AlreadyFiled if the serial was claimed first."""
    refused: IntegrityError | None = None
    for _ in range(NUMBER_ATTEMPTS):
        number = claim_number_new()
        token = (
            status_token_for_idempotency_key(idempotency_key=key.raw, claim_number=number)
            if key is not None
            else status_token_new()
        )
        try:
            claim = _write_once(program, checked, key, number, token)
        except _ClaimRefused as error:
            # Another request filed this serial and committed while this one was checking,
            # or (once in 10^12) the number is taken.
            existing = _live_claim(program, checked.serial_normalized)
            if existing is not None or _violates(
                error.error, SERIAL_CONSTRAINT, ("program_id", "serial_normalized")
            ):
                raise _AlreadyFiled(existing) from None
            refused = error.error
        else:
            return ClaimReceipt(claim=claim, status_token=token, created=True)
    assert refused is not None
    raise refused


def claim_submit(
    *, program: Program, submission: ClaimSubmission, idempotency_key: str | None = None
) -> ClaimReceipt:
    """File an owner's claim: check all of it, then write it in one transaction, or nothing.

    The checks may run against the program's terms as this process kept them (program_cache):
    the write, and any refusal, first makes sure they are still the program's terms, and if
    they changed, the claim is checked again under the new ones.
    """
    key = _key_for(program, submission, idempotency_key) if idempotency_key is not None else None
    for _ in range(PROGRAM_READS):
        try:
            return _submit(program, submission, key)
        except ProgramChanged:
            program = _program_read_again(program)
    raise ClaimRejected(
        "The program's terms are being changed as you file; send the claim again in a minute.",
        field="program",
    )


def _program_read_again(program: Program) -> Program:
    fresh = program_for_claims(slug=program.slug)
    if fresh is None:
        raise ProgramUnavailable(f"No claim program is named {program.slug!r} any more.")
    try:
        program_check_open(program=fresh)
    except ClaimRejected as error:
        raise ProgramUnavailable(error.message) from None
    return fresh


def _submit(program: Program, submission: ClaimSubmission, key: _Key | None) -> ClaimReceipt:
    # The key is not looked up first: most requests are first tries, and a retry of a filed
    # claim is refused by a check or by the constraints (same serial, same key), which is when
    # it is looked up.
    try:
        return _write(program, _check(program, submission), key)
    except _AlreadyFiled as taken:
        # By another owner, or by an earlier try of this request, committed before or while
        # this one was checked.
        replayed = _replay(key) if key is not None else None
        if replayed is not None:
            return replayed
        raise _already_filed(taken.claim) from None
    except _KeyTaken:
        replayed = _replay(key) if key is not None else None
        if replayed is not None:
            return replayed
        raise ClaimRejected(
            "This Idempotency-Key is in use by a claim being filed; try again.", field=KEY_FIELD
        ) from None
    except ClaimRejected:
        # A retry is answered with its first claim even if the program's terms changed since.
        replayed = _replay(key) if key is not None else None
        if replayed is not None:
            return replayed
        raise


def claim_get_by_status_token(*, token: str) -> Claim | None:
    """The claim whose status page this token opens, or None."""
    if not token or len(token) > STATUS_TOKEN_MAX_LENGTH:
        return None
    return (
        Claim.objects.select_related("program__recall", "program__firm_account", "product")
        .filter(status_token_hash=status_token_hash(token))
        .first()
    )
