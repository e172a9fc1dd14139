"""Identifiers and serial rules taken from recall text, and staff corrections to them."""

from django.db import models

from recalldesk.registry.models import Product, Recall


class Origin(models.TextChoices):
    EXTRACTED = "extracted", "Taken from the recall text"
    STAFF = "staff", "Added or corrected by staff"


class IdentifierKind(models.TextChoices):
    MODEL = "model", "Model number"
    UPC = "upc", "UPC"
    ITEM = "item", "Item number / SKU / style"
    FCC_ID = "fcc_id", "FCC ID"


class Identifier(models.Model):
    """A model number, UPC or similar code that names recalled products."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="identifiers")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="identifiers"
    )
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    value = models.CharField(max_length=100, help_text="As printed in the recall.")
    normalized = models.CharField(max_length=100, db_index=True)
    where_printed = models.CharField(max_length=300, blank=True)
    source_sentence = models.TextField(blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.EXTRACTED)
    # Staff hide a wrong extraction rather than delete it, so a re-import does not bring it back.
    suppressed = models.BooleanField(default=False)
    # The value as extraction first read it; kept when staff correct the value, so that the
    # wrong reading is not extracted again beside the correction.
    extracted_normalized = models.CharField(max_length=100, blank=True, editable=False)
    # The lookup index's 5-second check reads the latest one (versions.py): a correction that
    # keeps the code's length (MMA008 to MMA009) shows there too.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recall", "kind", "normalized"], name="identifier_unique_per_recall"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class SerialRuleKind(models.TextChoices):
    ALL = "all", "All serial numbers"
    PREFIX = "prefix", "Serial numbers starting with"
    RANGE = "range", "Serial numbers in a range"
    LOT = "lot", "Lot or batch codes"
    DATE_RANGE = "date_range", "Date codes in a range"


class SerialRule(models.Model):
    """Which serial numbers of a model are recalled; no model means every model of the recall."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="serial_rules")
    identifier = models.ForeignKey(
        Identifier, on_delete=models.CASCADE, null=True, blank=True, related_name="serial_rules"
    )
    kind = models.CharField(max_length=12, choices=SerialRuleKind.choices)
    prefix = models.CharField(max_length=50, blank=True)
    length = models.PositiveSmallIntegerField(null=True, blank=True)
    range_start = models.CharField(max_length=50, blank=True)
    range_end = models.CharField(max_length=50, blank=True)
    values = models.JSONField(default=list, blank=True, help_text="Lot or batch codes listed.")
    where_printed = models.CharField(max_length=300, blank=True)
    source_sentence = models.TextField(blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.EXTRACTED)
    suppressed = models.BooleanField(default=False)
    # The rule as extraction first read it (kind, model and values); see Identifier.
    extracted_key = models.CharField(max_length=500, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)  # see Identifier.updated_at

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.prefix or self.range_start}".strip()
