"""Django admin for operators. Firms' staff use the pages under /firm/, scoped to their firm.

Claims, evidence and their history are read-only here: they change only through the services,
which record who did what; the admin must not be a way around that record.
"""

from django.contrib import admin

from recalldesk.claims.models import (
    AveragePrice,
    Claim,
    ClaimEvent,
    Evidence,
    FraudSignal,
    IdempotencyKey,
    Program,
    ProgramProduct,
)
from recalldesk.identify.normalize import normalize_identifier


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ProgramProductInline(admin.TabularInline):
    model = ProgramProduct
    extra = 0
    fields = ["model_number", "name", "serial_rule_kind", "serial_prefix", "serial_length"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "firm_account", "recall", "opens_at", "closes_at", "is_demo"]
    list_filter = ["is_demo", "firm_account"]
    search_fields = ["name", "slug", "recall__number", "firm_account__name"]
    raw_id_fields = ["recall"]
    readonly_fields = ["created_at"]
    inlines = [ProgramProductInline]


class AveragePriceInline(admin.TabularInline):
    model = AveragePrice
    extra = 0


@admin.register(ProgramProduct)
class ProgramProductAdmin(admin.ModelAdmin):
    list_display = ["model_number", "name", "program", "serial_rule_kind", "serial_prefix"]
    search_fields = ["model_number", "model_normalized", "name", "program__name"]
    list_select_related = ["program"]
    readonly_fields = ["model_normalized"]
    inlines = [AveragePriceInline]

    def save_model(self, request, obj, form, change) -> None:
        # Eligibility matches on the normalized model number; keep it in step with the printed one.
        obj.model_normalized = normalize_identifier(obj.model_number)
        super().save_model(request, obj, form, change)


@admin.register(AveragePrice)
class AveragePriceAdmin(admin.ModelAdmin):
    list_display = ["product", "currency", "amount", "is_demo_value"]
    list_filter = ["currency", "is_demo_value"]
    list_select_related = ["product"]


class EvidenceInline(ReadOnlyMixin, admin.TabularInline):
    model = Evidence
    extra = 0
    # The file itself is served only by the firm's evidence page, never by the admin.
    fields = ["kind", "label", "content_type", "size", "width", "height", "sha256", "uploaded_at"]
    readonly_fields = fields


class FraudSignalInline(ReadOnlyMixin, admin.TabularInline):
    model = FraudSignal
    fk_name = "claim"
    extra = 0
    fields = ["code", "reason", "related_claim", "created_at"]
    readonly_fields = fields


class ClaimEventInline(ReadOnlyMixin, admin.TabularInline):
    model = ClaimEvent
    extra = 0
    fields = ["at", "actor_label", "from_status", "to_status", "note"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["number", "program", "product", "status", "amount", "currency", "submitted_at"]
    list_filter = ["status", "remedy", "currency", "program"]
    search_fields = ["number", "serial_normalized", "email_normalized", "owner_name"]
    list_select_related = ["program", "product"]
    date_hierarchy = "submitted_at"
    exclude = ["status_token_hash"]
    inlines = [EvidenceInline, FraudSignalInline, ClaimEventInline]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["claim", "kind", "label", "content_type", "size", "uploaded_at"]
    list_filter = ["kind", "content_type"]
    search_fields = ["claim__number", "sha256", "perceptual_hash"]
    list_select_related = ["claim"]


@admin.register(FraudSignal)
class FraudSignalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["claim", "code", "reason", "created_at"]
    list_filter = ["code"]
    search_fields = ["claim__number", "reason"]
    list_select_related = ["claim"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["claim", "at", "actor_label", "from_status", "to_status"]
    list_filter = ["to_status"]
    search_fields = ["claim__number", "actor_label", "note"]
    list_select_related = ["claim"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["key", "claim", "created_at"]
    search_fields = ["key", "claim__number"]
    list_select_related = ["claim"]
