"""The registry: recalls as published by an agency or a firm, their products and firms."""

from django.db import models


class Agency(models.TextChoices):
    CPSC = "CPSC", "U.S. Consumer Product Safety Commission"
    HEALTH_CANADA = "HC", "Health Canada"
    FIRM = "FIRM", "The recalling firm"


class RemedyType(models.TextChoices):
    REFUND = "Refund"
    REPAIR = "Repair"
    REPLACE = "Replace"
    DISPOSE = "Dispose"
    NEW_INSTRUCTIONS = "New Instructions"
    LABEL = "Label"
    INSPECT = "Inspect"
    NO_REMEDY = "No Remedy Available"


class Firm(models.Model):
    """A company named in recalls; one row however many ways its name was published."""

    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300, unique=True, help_text="Normalized name for matching.")
    location = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Recall(models.Model):
    """One recall, merged from every source record that names it."""

    agency = models.CharField(max_length=8, choices=Agency.choices, default=Agency.CPSC)
    number = models.CharField(max_length=40, help_text="As published, e.g. 26-090.")
    number_normalized = models.CharField(max_length=40, help_text="e.g. 26090.")
    cpsc_recall_id = models.IntegerField(null=True, blank=True)
    title = models.TextField()
    recall_date = models.DateField(null=True, blank=True, db_index=True)
    last_published_date = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)
    product_name = models.TextField(blank=True)
    description = models.TextField(blank=True)
    hazard = models.TextField(blank=True)
    hazard_types = models.JSONField(default=list, blank=True)
    consumer_action = models.TextField(blank=True)
    remedy_text = models.TextField(blank=True)
    # Stored as "|Refund|Repair|" so one indexed text filter works on SQLite and PostgreSQL.
    remedy_types = models.CharField(max_length=200, blank=True)
    consumer_contact = models.TextField(blank=True)
    units_text = models.TextField(blank=True)
    units_total = models.BigIntegerField(null=True, blank=True)
    units_by_country = models.JSONField(default=dict, blank=True)
    sold_at_label = models.CharField(max_length=100, blank=True)
    sold_at_text = models.TextField(blank=True)
    retailers = models.JSONField(default=list, blank=True)
    sold_from = models.DateField(null=True, blank=True, help_text="First month of sale.")
    sold_to = models.DateField(null=True, blank=True, help_text="Last month of sale.")
    price_min = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_max = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_currency = models.CharField(max_length=3, blank=True)
    manufactured_in = models.TextField(blank=True)
    # "|China|Vietnam|": see remedy_types.
    manufacture_countries = models.CharField(max_length=500, blank=True)
    incidents_text = models.TextField(blank=True)
    injuries_text = models.TextField(blank=True)
    images = models.JSONField(default=list, blank=True)
    joint_recalls = models.JSONField(default=list, blank=True)
    product_upcs = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    firms = models.ManyToManyField(Firm, through="RecallFirm", related_name="recalls")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-recall_date", "-number_normalized"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number_normalized"], name="recall_unique_number_per_agency"
            )
        ]
        indexes = [models.Index(fields=["-recall_date", "-number_normalized"])]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    @property
    def remedy_type_list(self) -> list[str]:
        return [t for t in self.remedy_types.split("|") if t]

    @property
    def manufacture_country_list(self) -> list[str]:
        return [c for c in self.manufacture_countries.split("|") if c]


class FirmRole(models.TextChoices):
    MANUFACTURER = "manufacturer"
    IMPORTER = "importer"
    DISTRIBUTOR = "distributor"
    RETAILER = "retailer"
    RECALLING_FIRM = "recalling_firm"


class RecallFirm(models.Model):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="firm_links")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="recall_links")
    role = models.CharField(max_length=20, choices=FirmRole.choices)
    published_name = models.TextField(help_text="The name exactly as published.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recall", "firm", "role"], name="recall_firm_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.firm} ({self.role}) in {self.recall.number}"


class Product(models.Model):
    """A product named in a recall. Identifiers come from the identify app."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="products")
    name = models.TextField()
    description = models.TextField(blank=True)
    product_type = models.CharField(max_length=200, blank=True)
    category_id = models.CharField(max_length=20, blank=True)
    units_text = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["recall", "position"]

    def __str__(self) -> str:
        return self.name


class SourceRecord(models.Model):
    """A record exactly as a source published it; a recall is merged from its records."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="source_records")
    source_format = models.CharField(max_length=30)
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    published_date = models.DateField(null=True, blank=True)
    first_imported_at = models.DateTimeField(auto_now_add=True)
    last_changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recall", "source_format"], name="source_record_one_per_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_format} record of {self.recall.number}"


class RecallChange(models.Model):
    """Append-only history: what an import changed in a recall."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(auto_now_add=True)
    source_format = models.CharField(max_length=30)
    source_name = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=10, choices=[("created", "created"), ("updated", "updated")])
    fields = models.JSONField(default=dict, help_text="{field: [before, after]}")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.recall.number} at {self.changed_at:%Y-%m-%d %H:%M}"


class ImportRun(models.Model):
    """One run of import_recalls over one file, with its summary."""

    source_name = models.CharField(max_length=500)
    source_format = models.CharField(max_length=30)
    file_sha256 = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField(auto_now_add=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.started_at:%Y-%m-%d %H:%M})"
