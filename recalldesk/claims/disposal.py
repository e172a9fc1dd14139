"""The owner confirms they disposed of the recalled product, with a photo where the program asks.

Disposal is tracked per claim (Claim.disposal_confirmed_at) so the firm can report to the
regulator how many recalled units left homes; it is not a state of the claim: a claim is
reviewed and paid whether or not the owner has disposed of the product yet.
"""

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from recalldesk.claims.evidence import EvidenceRejected, evidence_validate
from recalldesk.claims.evidence_storage import evidence_store
from recalldesk.claims.models import Claim, ClaimStatus, DestructionProof, EvidenceKind

DISPOSAL_LABEL = "Disposal confirmed by the owner"


class DisposalRejected(Exception):
    """The confirmation cannot be accepted; the message says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def disposal_photo_required(*, claim: Claim) -> bool:
    """Whether the claim's program asks for a photo with the disposal confirmation."""
    return claim.program.destruction_proof != DestructionProof.NONE


def disposal_can_confirm(*, claim: Claim) -> bool:
    """Whether the owner may still confirm disposal: once, and not on a withdrawn claim."""
    return claim.disposal_confirmed_at is None and claim.status != ClaimStatus.WITHDRAWN


def claim_disposal_confirm(*, claim: Claim, photo: UploadedFile | None) -> Claim:
    """Record that the owner disposed of the product, storing the photo as disposal evidence."""
    if claim.status == ClaimStatus.WITHDRAWN:
        raise DisposalRejected("This claim was withdrawn, so there is no disposal to confirm.")
    if disposal_photo_required(claim=claim) and photo is None:
        raise DisposalRejected(
            f"{claim.program.name} asks for a photo with the confirmation: "
            f"{claim.program.get_destruction_proof_display()}. Add the photo and send again."
        )
    # Checked before the transaction: decoding a photo must not hold the claim's row lock.
    validated = None
    if photo is not None:
        try:
            validated = evidence_validate(upload=photo, kind=EvidenceKind.DISPOSAL)
        except EvidenceRejected as error:
            raise DisposalRejected(error.message) from None
    with transaction.atomic():
        current = Claim.objects.select_for_update().get(pk=claim.pk)
        if current.disposal_confirmed_at is not None:
            confirmed = timezone.localtime(current.disposal_confirmed_at)
            raise DisposalRejected(
                f"You already confirmed disposal on {confirmed:%B %-d, %Y}; nothing more to do."
            )
        if validated is not None:
            evidence_store(
                claim=current, validated=validated, kind=EvidenceKind.DISPOSAL, label=DISPOSAL_LABEL
            )
        now = timezone.now()
        Claim.objects.filter(pk=claim.pk).update(disposal_confirmed_at=now, updated_at=now)
    claim.disposal_confirmed_at = now
    claim.updated_at = now
    return claim
