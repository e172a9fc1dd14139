"""Reads of payout batches and store credit, scoped by who asks.

Batches and codes carry owners' payout details and redeemable codes, so the pages that show
them also require "claim.pay"; another firm's batch is "not found", as one that does not exist.
"""

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from recalldesk.accounts.models import FirmAccount
from recalldesk.accounts.selectors import AnyUser, scope_to_user
from recalldesk.claims.models import Claim, ClaimStatus, Program, Remedy
from recalldesk.ledger.models import EntryKind, PayoutBatch, StoreCredit
from recalldesk.money import Money


class PayoutBatchNotFound(Http404):
    """No such payout batch for this user (it does not exist, or belongs to another firm)."""


def _with_counts(batches: QuerySet[PayoutBatch]) -> QuerySet[PayoutBatch]:
    return batches.select_related("program__firm_account", "created_by", "confirmed_by").annotate(
        claim_count=Count("items")
    )


def payout_batches_for_program(*, program: Program) -> QuerySet[PayoutBatch]:
    """A program's payout batches, newest first, with their claim counts."""
    return _with_counts(PayoutBatch.objects.filter(program=program))


def payout_batches_for_firm(*, firm_account: FirmAccount) -> QuerySet[PayoutBatch]:
    """Every payout batch of the firm's programs, newest first (the firm's API reads these)."""
    return _with_counts(PayoutBatch.objects.filter(program__firm_account=firm_account))


def payout_batch_get_for_user(*, user: AnyUser | None, batch_id: int) -> PayoutBatch:
    """A batch of a firm whose claims the user may read; check "claim.pay" before showing it."""
    batches = scope_to_user(
        user=user,
        queryset=PayoutBatch.objects.all(),
        firm_field="program__firm_account",
        action="claim.view",
    )
    batch = _with_counts(batches).filter(pk=batch_id).first()
    if batch is None:
        raise PayoutBatchNotFound("No such payout batch, or it is not one of your firm's.")
    return batch


def refunds_waiting(*, program: Program) -> list[tuple[Money, int]]:
    """The approved refunds not yet in a batch: (total, number of claims) per currency."""
    rows = (
        Claim.objects.filter(
            program=program,
            status=ClaimStatus.APPROVED,
            remedy=Remedy.REFUND,
            payout_item__isnull=True,
            ledger_entries__kind=EntryKind.REFUND_DUE,
        )
        .order_by("currency")
        .values("currency")
        .annotate(total=Sum("ledger_entries__amount"), count=Count("id"))
    )
    return [(Money(row["total"] or Decimal("0"), row["currency"]), row["count"]) for row in rows]


def store_credits_for_program(*, program: Program) -> QuerySet[StoreCredit]:
    """The store credit issued under a program, newest first."""
    return StoreCredit.objects.filter(claim__program=program).select_related("claim")
