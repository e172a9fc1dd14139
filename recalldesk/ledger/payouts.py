"""Payout batches: approved refunds sent to the firm's payment provider, one batch per currency.

A batch is made of the program's approved refunds not yet in a batch, exported as CSV for the
provider and, once the provider has paid, confirmed: its claims become paid. Rows are locked
(the program while a batch is made, the batch while it is confirmed), so two clicks cannot
put a claim in two batches or pay it twice.
"""

from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from recalldesk.accounts.services import require_role
from recalldesk.claims.models import Claim, ClaimStatus, PayoutMethod, Program, Remedy
from recalldesk.claims.states import claim_transition
from recalldesk.ledger.entries import actor_label, claim_locked, entry_post
from recalldesk.ledger.errors import LedgerError
from recalldesk.ledger.models import BatchStatus, EntryKind, PayoutBatch, PayoutBatchItem
from recalldesk.money import Money

CSV_HEADER = [
    "claim_number",
    "payee_name",
    "payout_method",
    "payout_details",
    "amount",
    "currency",
]


def payout_batch_create(*, program: Program, actor: AbstractBaseUser) -> list[PayoutBatch]:
    """Put the program's approved refunds not yet in a batch into new batches, one per currency."""
    require_role(user=actor, firm_account=program.firm_account, action="claim.pay")
    with transaction.atomic():
        # One batch maker per program at a time: the second waits, then finds nothing left.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        waiting = list(
            Claim.objects.filter(
                program=program,
                status=ClaimStatus.APPROVED,
                remedy=Remedy.REFUND,
                payout_item__isnull=True,
                ledger_entries__kind=EntryKind.REFUND_DUE,
            )
            .select_for_update(of=("self",))
            .order_by("currency", "number")
            .values_list("pk", "currency", "ledger_entries__amount")
        )
        if not waiting:
            raise LedgerError(
                f"No approved refunds of {program.name} are waiting for a payout; "
                "approve refund claims first."
            )
        batches = []
        for currency in sorted({currency for _, currency, _ in waiting}):
            rows = [
                (pk, amount) for pk, row_currency, amount in waiting if row_currency == currency
            ]
            batch = PayoutBatch.objects.create(
                program=program,
                currency=currency,
                total=sum((amount for _, amount in rows), Decimal("0")),
                created_by=actor,
            )
            PayoutBatchItem.objects.bulk_create(
                PayoutBatchItem(batch=batch, claim_id=pk, amount=amount) for pk, amount in rows
            )
            batches.append(batch)
    return batches


def _payout_details(claim: Claim) -> str:
    if claim.payout_method == PayoutMethod.PAYPAL:
        return (claim.payout_details or {}).get("paypal_email", "")
    if claim.payout_method == PayoutMethod.CHECK:
        lines = [claim.address_line1, claim.address_line2, claim.city]
        lines += [f"{claim.region} {claim.postal_code}".strip(), claim.country]
        return ", ".join(line for line in lines if line)
    # Bank transfer: the provider e-mails the owner a secure link for their bank details.
    return claim.email


def payout_batch_csv(*, batch: PayoutBatch) -> Iterator[list[str]]:
    """The batch as rows for the payment provider, the header first."""
    yield list(CSV_HEADER)
    items = batch.items.select_related("claim").order_by("claim__number")
    for item in items.iterator(chunk_size=2000):
        claim = item.claim
        yield [
            claim.number,
            claim.owner_name,
            claim.payout_method,
            _payout_details(claim),
            f"{Money(item.amount, batch.currency).rounded().amount}",
            batch.currency,
        ]


def payout_batch_confirm(*, batch: PayoutBatch, actor: AbstractBaseUser) -> PayoutBatch:
    """Record that the provider paid the batch: its claims become paid; idempotent."""
    require_role(user=actor, firm_account=batch.program.firm_account, action="claim.pay")
    with transaction.atomic():
        current = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if current.status == BatchStatus.CONFIRMED:
            return current
        label = actor_label(actor)
        for item in current.items.order_by("claim_id"):
            claim = claim_locked(item.claim)
            entry_post(
                claim=claim,
                kind=EntryKind.REFUND_PAID,
                amount=Money(item.amount, current.currency),
                actor=actor,
            )
            claim_transition(
                claim=claim,
                to=ClaimStatus.PAID,
                actor=actor,
                actor_label=label,
                note=f"Refund of {Money(item.amount, current.currency)} paid in payout batch "
                f"{current.pk}.",
            )
        current.status = BatchStatus.CONFIRMED
        current.confirmed_by = actor
        current.confirmed_at = timezone.now()
        current.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    batch.refresh_from_db()
    return current


def payout_batch_total(*, batch: PayoutBatch) -> Money:
    """What the batch pays, from its items."""
    total = batch.items.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return Money(total, batch.currency)
