"""Recall programs run by firms, the claims owners file under them, and their evidence."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Substr


class Currency(models.TextChoices):
    USD = "USD", "U.S. dollar"
    CAD = "CAD", "Canadian dollar"


class Country(models.TextChoices):
    US = "US", "United States"
    CA = "CA", "Canada"


class DestructionProof(models.TextChoices):
    NONE = "none", "Not required"
    PHOTO = "photo", "A photo of the product made unusable (e.g. the cut cord)"
    CLAIM_NUMBER_PHOTO = "claim_number_photo", "A photo of the claim number written on the product"


def terms_version_new() -> int:
    """A fresh Program.terms_version: random, so a number is never handed out twice."""
    return secrets.randbits(62)


class Program(models.Model):
    """A firm's recall program: what is eligible, what proof it needs, and what it pays."""

    firm_account = models.ForeignKey(
        "accounts.FirmAccount", on_delete=models.PROTECT, related_name="programs"
    )
    recall = models.ForeignKey("registry.Recall", on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField(null=True, blank=True)
    receipt_required = models.BooleanField(default=False)
    # Labels of the photos an owner must upload, e.g. ["Front of the product", "Back, showing
    # the serial number"].
    required_photos = models.JSONField(default=list, blank=True)
    destruction_proof = models.CharField(
        max_length=20, choices=DestructionProof.choices, default=DestructionProof.NONE
    )
    refund_offered = models.BooleanField(default=True)
    # Store credit worth amount x (1 + bonus); null when the program offers no store credit.
    store_credit_bonus_rate = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True
    )
    replacement_offered = models.BooleanField(default=False)
    repair_offered = models.BooleanField(default=False)
    # {"US": "USD", "CA": "CAD"}: the countries the program serves and the currency of each.
    currencies = models.JSONField(default=dict)
    disposal_instructions = models.TextField(blank=True)
    claims_per_contact_threshold = models.PositiveSmallIntegerField(
        default=3, help_text="Flag a claim when this many claims share an e-mail, phone or address."
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Changed by the database on every write to the program, its products or their average
    # prices, whoever writes (services, admin, shell): the claims API keeps what it needs of a
    # program in memory for as long as this stays the same (migration 0003's triggers).
    terms_version = models.BigIntegerField(default=terms_version_new, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(store_credit_bonus_rate__isnull=True)
                | Q(store_credit_bonus_rate__gte=Decimal("0")),
                name="program_bonus_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SerialRuleKind(models.TextChoices):
    ALL = "all", "All serial numbers"
    PREFIX = "prefix", "Serial numbers starting with"
    RANGE = "range", "Serial numbers in a range"


class ProgramProduct(models.Model):
    """A model number eligible in a program, with its serial rule and average prices."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=200)
    model_number = models.CharField(max_length=100)
    model_normalized = models.CharField(max_length=100)
    serial_rule_kind = models.CharField(max_length=10, choices=SerialRuleKind.choices)
    serial_prefix = models.CharField(max_length=50, blank=True)
    serial_length = models.PositiveSmallIntegerField(null=True, blank=True)
    serial_range_start = models.CharField(max_length=50, blank=True)
    serial_range_end = models.CharField(max_length=50, blank=True)
    serial_help = models.CharField(
        max_length=300, blank=True, help_text="Where the serial number is printed."
    )

    class Meta:
        ordering = ["program", "model_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "model_normalized"], name="program_product_unique_model"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model_number} ({self.name})"


class AveragePrice(models.Model):
    """The model's average sales price in one currency: the refund when there is no receipt."""

    product = models.ForeignKey(ProgramProduct, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, choices=Currency.choices)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    is_demo_value = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "currency"], name="average_price_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="average_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product} {self.currency} {self.amount}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    NEEDS_INFO = "needs_info", "More information needed"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Refund paid"
    CREDITED = "credited", "Store credit issued"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Remedy(models.TextChoices):
    REFUND = "refund", "Refund"
    STORE_CREDIT = "store_credit", "Store credit"
    REPLACEMENT = "replacement", "Replacement"
    REPAIR = "repair", "Repair"


class PayoutMethod(models.TextChoices):
    CHECK = "check", "Check by mail"
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    PAYPAL = "paypal", "PayPal"
    NONE = "none", "No payout (store credit, replacement or repair)"


class Claim(models.Model):
    """An owner's claim under a program. Personal data: shown only to the firm's staff."""

    # Every index of a claim costs each new claim an insert: the program's claims are found by
    # the indexes that start with the program (Meta), so the foreign key needs none of its own.
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="claims", db_index=False
    )
    product = models.ForeignKey(ProgramProduct, on_delete=models.PROTECT, related_name="claims")
    number = models.CharField(max_length=20)
    # Only a hash of the status-page token is kept: a leaked database does not open status pages.
    status_token_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    serial_number = models.CharField(max_length=60)
    serial_normalized = models.CharField(max_length=60)
    country = models.CharField(max_length=2, choices=Country.choices)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    receipt_amount = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    remedy = models.CharField(max_length=15, choices=Remedy.choices)
    # What the claim pays if approved, in `currency`: refund base or store credit with bonus.
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    owner_name = models.CharField(max_length=200)
    email = models.EmailField()
    email_normalized = models.CharField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    phone_normalized = models.CharField(max_length=20, blank=True)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100, help_text="State or province.")
    postal_code = models.CharField(max_length=20)
    address_normalized = models.CharField(max_length=300)
    payout_method = models.CharField(max_length=15, choices=PayoutMethod.choices)
    payout_details = models.JSONField(default=dict, blank=True)
    # What the owner reads on the status page: a rejection reason or what information is needed.
    owner_note = models.TextField(blank=True)
    # Hash of the token in the "add information" link e-mailed when a reviewer asks for more.
    upload_token_hash = models.CharField(max_length=64, blank=True)
    disposal_confirmed_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        # Constraints and indexes rather than unique=True and db_index=True: on PostgreSQL
        # those add a second varchar_pattern_ops index per column for LIKE, which no query uses.
        constraints = [
            models.UniqueConstraint(fields=["number"], name="claim_number_unique"),
            models.UniqueConstraint(fields=["status_token_hash"], name="claim_status_token_unique"),
            # One live claim per serial number per program; a withdrawn claim frees it.
            models.UniqueConstraint(
                fields=["program", "serial_normalized"],
                condition=~Q(status="withdrawn"),
                name="claim_one_per_serial_per_program",
            ),
            models.CheckConstraint(
                condition=Q(receipt_amount__isnull=True) | Q(receipt_amount__gt=0),
                name="claim_receipt_amount_positive",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["program", "status", "-submitted_at"]),
            # The fraud checks count a program's claims sharing an e-mail, phone or address.
            models.Index(fields=["program", "email_normalized"], name="claim_program_email"),
            models.Index(
                fields=["program", "phone_normalized"],
                condition=~Q(phone_normalized=""),
                name="claim_program_phone",
            ),
            models.Index(fields=["program", "address_normalized"], name="claim_program_address"),
            # The "add information" link; only claims waiting for information have a token.
            models.Index(
                fields=["upload_token_hash"],
                condition=~Q(upload_token_hash=""),
                name="claim_upload_token",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class EvidenceKind(models.TextChoices):
    RECEIPT = "receipt", "Receipt"
    PHOTO = "photo", "Photo of the product"
    DESTRUCTION = "destruction", "Proof of destruction"
    DISPOSAL = "disposal", "Proof of disposal"


class Evidence(models.Model):
    """A file an owner uploaded; stored privately under a name we chose."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=12, choices=EvidenceKind.choices)
    label = models.CharField(max_length=200, blank=True, help_text="e.g. Back, showing the serial.")
    # stored_name (unique) and sha256 are indexed in Meta: unique=True or db_index on a
    # CharField would add a second index, for LIKE, that every new file pays for.
    stored_name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    perceptual_hash = models.CharField(max_length=32, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The four 16-bit quarters of a 64-bit perceptual hash, as 4 hex digits each, kept by the
    # database itself (old rows, every writer). Two hashes within d bits of each other agree
    # within d // 4 bits in at least one quarter, so similar pictures are found by looking up
    # a few values per quarter in these indexes (claims/fraud_evidence.py), not by a scan.
    hash_band_0 = models.GeneratedField(
        expression=Substr(Lower("perceptual_hash"), 1, 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
    )
    hash_band_1 = models.GeneratedField(
        expression=Substr(Lower("perceptual_hash"), 5, 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
    )
    hash_band_2 = models.GeneratedField(
        expression=Substr(Lower("perceptual_hash"), 9, 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
    )
    hash_band_3 = models.GeneratedField(
        expression=Substr(Lower("perceptual_hash"), 13, 4),
        output_field=models.CharField(max_length=4),
        db_persist=True,
    )

    class Meta:
        ordering = ["claim", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stored_name"], name="evidence_stored_name_unique")
        ]
        indexes = [
            models.Index(fields=["sha256"], name="evidence_sha256"),
            *(
                models.Index(fields=[f"hash_band_{band}"], name=f"evidence_hash_band_{band}")
                for band in range(4)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.claim}"


class FraudSignal(models.Model):
    """A reason a reviewer should look twice at a claim."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="fraud_signals")
    code = models.CharField(max_length=40)
    reason = models.TextField()
    related_claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return f"{self.code} on {self.claim}"


class ClaimEvent(models.Model):
    """Append-only history of a claim: who moved it, when, from and to which state, and why."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    # Indexed only where set (Meta): the owner's events, one per claim filed, have no actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=100, help_text="owner, system, or the staff name.")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["claim", "at", "id"]
        indexes = [
            models.Index(
                fields=["actor"], condition=Q(actor__isnull=False), name="claim_event_actor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim}: {self.from_status or '-'} -> {self.to_status}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key and the claim its first request made."""

    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Not unique=True, which on PostgreSQL adds a LIKE index every claim would pay for.
        constraints = [models.UniqueConstraint(fields=["key"], name="idempotency_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.claim}"
