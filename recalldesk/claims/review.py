"""Reviewing a claim: start, approve, reject, ask the owner for more, and the owner's answer.

Each decision checks the reviewer's role in the claim's firm (another firm's staff get
FirmNotFound, shown as 404), moves the claim with claim_transition (row lock, allowed moves,
history) and does the rest in the same transaction: the ledger entries of an approval, the
store credit code, the e-mail to the owner (sent once the transaction commits). Bulk approval
lives in review_bulk.py and keeps the same rules for many claims at once.
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from recalldesk.accounts.services import require_role
from recalldesk.claims.evidence import EvidenceRejected, evidence_validate
from recalldesk.claims.evidence_storage import evidence_store
from recalldesk.claims.fraud import fraud_signals_detect
from recalldesk.claims.models import Claim, ClaimStatus, EvidenceKind, Remedy
from recalldesk.claims.review_bulk import BulkApproval, claims_bulk_approve
from recalldesk.claims.states import ClaimStateError, actor_label_for, claim_transition
from recalldesk.ledger.services import LedgerError, ledger_post_approval, store_credit_issue
from recalldesk.notify.services import email_enqueue

__all__ = [
    "ApprovalRefused",
    "BulkApproval",
    "InformationLinkInvalid",
    "ReviewInputInvalid",
    "claim_add_information",
    "claim_approve",
    "claim_reject",
    "claim_request_info",
    "claim_start_review",
    "claims_bulk_approve",
]

REVIEW_ACTION = "claim.review"
NOTE_MAX_LENGTH = 2000
MAX_ADDED_FILES = 10
ADDED_LABEL = "Added when asked for more information"
UPLOAD_TOKEN_MAX_LENGTH = 100


class ReviewInputInvalid(ClaimStateError):
    """A review decision is missing what the owner must be told, or says too much."""


class ApprovalRefused(ClaimStateError, LedgerError):
    """The ledger cannot post the approval (e.g. a claim of no amount); nothing is saved."""


class InformationLinkInvalid(ClaimStateError):
    """An "add information" link that is unknown, already used, or for a claim decided since."""


def _require_reviewer(*, claim: Claim, actor: AbstractBaseUser) -> None:
    require_role(user=actor, firm_account=claim.program.firm_account, action=REVIEW_ACTION)


def _text(value: str | None, *, what: str, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ReviewInputInvalid(f"Write {what}: the owner reads it on their status page.")
    if len(text) > NOTE_MAX_LENGTH:
        raise ReviewInputInvalid(
            f"Shorten {what} to {NOTE_MAX_LENGTH} characters (it has {len(text)})."
        )
    return text


def upload_token_hash(token: str) -> str:
    """The sha256 hex of an "add information" token: what Claim.upload_token_hash holds."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_information_url(token: str) -> str:
    """The full address of the owner's "add information" page for a token."""
    try:
        path = reverse("claims_owner:add_information", args=[token])
    except NoReverseMatch:
        # The owner pages mount this name under claims/; the same address until they do.
        path = f"/claims/information/{token}/"
    return settings.SITE_URL + path


def claim_start_review(*, claim: Claim, actor: AbstractBaseUser) -> Claim:
    """Take a submitted claim into review, so other reviewers see someone is on it."""
    _require_reviewer(claim=claim, actor=actor)
    claim_transition(
        claim=claim, to=ClaimStatus.IN_REVIEW, actor=actor, actor_label=actor_label_for(actor)
    )
    return claim


def claim_approve(*, claim: Claim, actor: AbstractBaseUser, note: str = "") -> Claim:
    """Approve a claim: post what the firm owes and, for store credit, issue and e-mail the code."""
    _require_reviewer(claim=claim, actor=actor)
    note = _text(note, what="the note", required=False)
    with transaction.atomic():
        # The lock taken here holds until commit: a second reviewer waits, then is refused.
        claim_transition(
            claim=claim,
            to=ClaimStatus.APPROVED,
            actor=actor,
            actor_label=actor_label_for(actor),
            note=note,
        )
        try:
            ledger_post_approval(claim=claim, actor=actor)
            if claim.remedy == Remedy.STORE_CREDIT:
                store_credit_issue(claim=claim, actor=actor)
        except LedgerError as error:
            # Caught as either: the pages and the API only need to know ClaimStateError.
            raise ApprovalRefused(str(error)) from error
    return claim


def claim_reject(*, claim: Claim, actor: AbstractBaseUser, reason: str) -> Claim:
    """Reject a claim with a reason the owner reads on the status page and in an e-mail."""
    _require_reviewer(claim=claim, actor=actor)
    reason = _text(reason, what="the reason for the rejection", required=True)
    with transaction.atomic():
        claim_transition(
            claim=claim,
            to=ClaimStatus.REJECTED,
            actor=actor,
            actor_label=actor_label_for(actor),
            note=reason,
        )
        # A pending "add information" link must not reopen a rejected claim.
        Claim.objects.filter(pk=claim.pk).update(owner_note=reason, upload_token_hash="")
        claim.owner_note, claim.upload_token_hash = reason, ""
        email_enqueue(
            to=claim.email,
            subject_template="claims/email/claim_rejected_subject.txt",
            text_template="claims/email/claim_rejected.txt",
            html_template="claims/email/claim_rejected.html",
            context={"claim": claim, "program": claim.program, "reason": reason},
        )
    return claim


def claim_request_info(*, claim: Claim, actor: AbstractBaseUser, message: str) -> str:
    """Ask the owner for more: e-mail a one-use link to add evidence; returns its token."""
    _require_reviewer(claim=claim, actor=actor)
    message = _text(message, what="what information you need", required=True)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        claim_transition(
            claim=claim,
            to=ClaimStatus.NEEDS_INFO,
            actor=actor,
            actor_label=actor_label_for(actor),
            note=message,
        )
        # Only the hash is kept, as for status tokens; a new request replaces an older link.
        token_hash = upload_token_hash(token)
        Claim.objects.filter(pk=claim.pk).update(owner_note=message, upload_token_hash=token_hash)
        claim.owner_note, claim.upload_token_hash = message, token_hash
        email_enqueue(
            to=claim.email,
            subject_template="claims/email/info_request_subject.txt",
            text_template="claims/email/info_request.txt",
            html_template="claims/email/info_request.html",
            context={
                "claim": claim,
                "program": claim.program,
                "message": message,
                "link": add_information_url(token),
            },
        )
    return token


def claim_for_information_token(*, token: str) -> Claim | None:
    """The claim waiting for information that this link's token opens, or None."""
    if not token or len(token) > UPLOAD_TOKEN_MAX_LENGTH:
        return None
    claim = (
        Claim.objects.select_related("program__firm_account", "program__recall", "product")
        .filter(upload_token_hash=upload_token_hash(token), status=ClaimStatus.NEEDS_INFO)
        .first()
    )
    # The index found it by hash; compare in constant time anyway, as the status pages do.
    if claim is None or not hmac.compare_digest(claim.upload_token_hash, upload_token_hash(token)):
        return None
    return claim


def _validated_files(
    files: Sequence[UploadedFile | tuple[str, UploadedFile]],
) -> list[tuple[str, object]]:
    if len(files) > MAX_ADDED_FILES:
        raise EvidenceRejected(
            f"Send at most {MAX_ADDED_FILES} files at once; you chose {len(files)}."
        )
    checked = []
    for item in files:
        kind, upload = item if isinstance(item, tuple) else (None, item)
        # Without a kind, a PDF is taken as a receipt and a picture as a photo of the product.
        validated = evidence_validate(upload=upload, kind=kind or EvidenceKind.RECEIPT)
        if kind is None:
            kind = (
                EvidenceKind.RECEIPT
                if validated.content_type == "application/pdf"
                else EvidenceKind.PHOTO
            )
        checked.append((kind, validated))
    return checked


def claim_add_information(
    *,
    token: str,
    files: Sequence[UploadedFile | tuple[str, UploadedFile]],
    note: str = "",
) -> Claim:
    """The owner's answer to a request for information: store it, put the claim back in the queue.

    `files` are uploads, or (evidence kind, upload) pairs. Raises InformationLinkInvalid,
    ReviewInputInvalid (nothing sent) or EvidenceRejected (a file we cannot accept).
    """
    claim = claim_for_information_token(token=token)
    if claim is None:
        raise InformationLinkInvalid(
            "This link was already used, or the claim was decided since. "
            "Open your claim's status page to see where it is."
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ReviewInputInvalid(f"Shorten your note to {NOTE_MAX_LENGTH} characters.")
    if not files and not note:
        raise ReviewInputInvalid("Add a file or write a note: the reviewer needs one of them.")
    # Every file is checked before anything is written: nothing half-saved.
    checked = _validated_files(files)
    with transaction.atomic():
        claim_transition(
            claim=claim, to=ClaimStatus.SUBMITTED, actor=None, actor_label="owner", note=note
        )
        for kind, validated in checked:
            evidence_store(claim=claim, validated=validated, kind=kind, label=ADDED_LABEL)
        if checked:
            # A receipt or photo sent now is checked against the program's other claims as
            # one sent with the claim was; a signal found keeps the claim out of bulk approval.
            fraud_signals_detect(claim=claim)
        # One use: the link dies once the owner has answered.
        Claim.objects.filter(pk=claim.pk).update(upload_token_hash="", owner_note="")
        claim.upload_token_hash, claim.owner_note = "", ""
    return claim
