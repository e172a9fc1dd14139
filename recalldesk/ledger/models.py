"""Money owed and paid under a program: ledger entries, payout batches and store credit.

Every amount is a Decimal in the claim's currency. The database holds the invariants a bug
elsewhere must not break: amounts above zero, one entry of each kind per claim, a claim in
at most one payout batch, and store credit codes that never repeat.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q


class EntryKind(models.TextChoices):
    # Posted when a claim is approved: what the firm owes the owner.
    REFUND_DUE = "refund_due", "Refund due"
    STORE_CREDIT_DUE = "store_credit_due", "Store credit due"
    # Posted when the debt is settled: a confirmed payout batch, or a code e-mailed.
    REFUND_PAID = "refund_paid", "Refund paid"
    STORE_CREDIT_ISSUED = "store_credit_issued", "Store credit issued"


APPROVAL_KINDS = (EntryKind.REFUND_DUE, EntryKind.STORE_CREDIT_DUE)


class LedgerEntry(models.Model):
    """One movement of money for a claim; append-only, one of each kind per claim."""

    program = models.ForeignKey(
        "claims.Program", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    claim = models.ForeignKey(
        "claims.Claim", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "created_at", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # The last line of defence against paying twice: a second approval cannot post.
            models.UniqueConstraint(fields=["claim", "kind"], name="ledger_entry_one_per_kind"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_positive"),
        ]
        indexes = [models.Index(fields=["program", "currency", "kind"])]

    def __str__(self) -> str:
        return f"{self.claim} {self.kind} {self.amount} {self.currency}"


class BatchStatus(models.TextChoices):
    OPEN = "open", "Waiting for the payment provider"
    CONFIRMED = "confirmed", "Paid (confirmed)"


class PayoutBatch(models.Model):
    """Refunds of one program in one currency, sent together to the firm's payment provider."""

    program = models.ForeignKey(
        "claims.Program", on_delete=models.PROTECT, related_name="payout_batches"
    )
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "payout batches"
        constraints = [
            models.CheckConstraint(condition=Q(total__gt=0), name="payout_batch_total_positive"),
            models.CheckConstraint(
                condition=Q(status="open", confirmed_at__isnull=True)
                | Q(status="confirmed", confirmed_at__isnull=False),
                name="payout_batch_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Payout batch {self.pk} ({self.currency})"


class PayoutBatchItem(models.Model):
    """A claim's refund in a batch; a claim is in one batch at most."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.CASCADE, related_name="items")
    claim = models.OneToOneField(
        "claims.Claim", on_delete=models.PROTECT, related_name="payout_item"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["batch", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_item_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} in {self.batch}"


class StoreCredit(models.Model):
    """A store credit code e-mailed to the owner, redeemed at the firm's store.

    The code is kept readable, not hashed: the firm's staff must look it up to redeem it and
    to answer an owner who lost the e-mail. 80 random bits make it unguessable; only staff
    allowed to pay claims ("claim.pay") see it.
    """

    claim = models.OneToOneField(
        "claims.Claim", on_delete=models.PROTECT, related_name="store_credit"
    )
    code = models.CharField(max_length=16, unique=True)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="store_credit_positive"),
        ]

    def __str__(self) -> str:
        return f"Store credit for {self.claim}"
